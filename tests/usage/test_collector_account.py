"""On MariaDB, the collector runs through the account `mail config grants` creates, and that
account can write nothing but the usage table."""

import os
import subprocess
import sys
from pathlib import Path

import MySQLdb
import pytest
from django.db import connection

from domains.models import Domain, Mailbox
from mailstack import config
from tests.usage.maildirs import maildir, message
from usage.models import MailboxUsage

pytestmark = [pytest.mark.mariadb, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "usage-Test-Pw-4"


@pytest.fixture
def account():
    params = connection.settings_dict
    target = config.target_for_database(
        db_password="unused-Pw-1", usage_password=PASSWORD, dovecot_version="2.3"
    )
    sql = config.generate("grants", target)["grants.sql"]
    with connection.cursor() as cursor:
        for statement in sql.split(";\n"):
            statement = "\n".join(
                line for line in statement.splitlines() if not line.startswith("--")
            ).strip(" ;\n")
            if statement:
                cursor.execute(statement)
    host = params.get("HOST") or "127.0.0.1"
    port = int(params.get("PORT") or 3306)
    return {
        "host": "127.0.0.1" if host == "localhost" else host,
        "port": port,
        "name": params["NAME"],
    }


def test_the_collector_writes_through_its_own_account(account, tmp_path):
    Domain.objects.create(domain="example.org")
    Mailbox.objects.create(
        address="john@example.org",
        home=str(tmp_path),
        maildir="example.org/john/",
        quota="1000S",
        crypt="x",
    )
    message(maildir(tmp_path, "example.org/john/"), "new", "1.a.host", 321)
    url = f"mysql://mailusage:{PASSWORD}@{account['host']}:{account['port']}/{account['name']}"
    env = {**os.environ, "DATABASE_URL": url, "MAILADMIN_USAGE_DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, "manage.py", "mail", "usage", "collect", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    usage = MailboxUsage.objects.get(mailbox_id="john@example.org")
    assert (usage.bytes, usage.messages, usage.fill) == (321, 1, 321)


def test_the_account_may_not_write_the_guides_tables(account):
    db = MySQLdb.connect(
        host=account["host"],
        port=account["port"],
        user="mailusage",
        password=PASSWORD,
        database=account["name"],
    )
    try:
        cursor = db.cursor()
        for statement in (
            "UPDATE users SET quota = ''",
            "INSERT INTO aliases (mail, destination) VALUES ('x@example.org', 'y@example.org')",
            "SELECT crypt FROM users",
            "DELETE FROM domains",
        ):
            with pytest.raises(MySQLdb.OperationalError, match="denied"):
                cursor.execute(statement)
    finally:
        db.close()
