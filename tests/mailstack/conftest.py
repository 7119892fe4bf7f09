"""Fixtures of the `mailstack` layer: real Postfix, Courier and Dovecot on 127.0.0.1 reading
the test database, which the panel writes through its services and command line.

The daemons read committed rows only, so these tests use `transactional_db` (writes are
committed; the tables are flushed after each test).
"""

import os
import secrets
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from mailstack import config
from tests.mailstack.servers import MailStack


def _mysql(sql: str) -> None:
    params = connection.settings_dict
    args = [
        "mariadb",
        f"--host={params['HOST'] or '127.0.0.1'}",
        f"--port={params['PORT'] or 3306}",
        f"--user={params['USER'] or 'root'}",
    ]
    env = {**os.environ, "MYSQL_PWD": params.get("PASSWORD") or ""}
    subprocess.run(args, input=sql, text=True, check=True, capture_output=True, env=env)


@pytest.fixture(scope="session")
def mailstack(django_db_setup, django_db_blocker):
    """The three daemons, configured with the generated files; stopped by PID afterwards."""
    if "mysql" not in connection.settings_dict["ENGINE"]:
        pytest.fail("the mailstack layer needs MariaDB: run it with DATABASE_URL=mysql://...")
    db_name = connection.settings_dict["NAME"]
    if not db_name.startswith("test_"):  # the tests flush it: never a real database
        pytest.fail(f"the mailstack layer would run on {db_name}, not a test database")
    with django_db_blocker.unblock():
        target = config.target_for_database(
            db_user=f"mailstack_{db_name}"[:32],
            db_password=secrets.token_urlsafe(18),
            dovecot_version=config.installed_dovecot_version() or "2.3",
            style="guide",
        )
        _mysql(config.generate("grants", target)["grants.sql"])
    stack = MailStack(Path(f"/tmp/mailstack-{db_name}"), target)
    stack.start()
    yield stack
    stack.stop()
    for host in target.client_hosts:
        _mysql(f"DROP USER IF EXISTS '{target.db_user}'@'{host}';")


@pytest.fixture
def stack(transactional_db, mailstack, settings):
    """The running stack, for a test whose writes are committed (the daemons read them) and
    flushed afterwards; new mailboxes get users.home = the stack's maildir base. Postfix
    runs the guide's style with the recipient delimiter of the settings."""
    settings.MAILADMIN_MAIL_HOME = mailstack.target.mail_home
    mailstack.reconfigure(style="guide", recipient_delimiter=settings.MAILADMIN_RECIPIENT_DELIMITER)
    return mailstack
