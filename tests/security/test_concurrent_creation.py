"""Twenty simultaneous creations of one address: one wins, the others get "already exists".

Before, the losers on MariaDB passed the "already exists" check before the winner's insert
was committed and then hit the unique key: IntegrityError, a 500. On SQLite, two
transactions that read and then both wanted to write failed at once with "database is
locked" (503). The services now map the unique-key violation of their insert to the
check's own error (mailadmin.unique), and SQLite writers take the write lock when their
transaction begins and wait for each other (settings: transaction_mode IMMEDIATE).
"""

import json
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection

from aliases import services as alias_services
from aliases.models import Alias
from audit.models import AuditEntry
from domains import services
from domains.models import Domain, Mailbox
from tests.conftest import ACTOR
from tests.live_panel import panel_env
from tests.panel.conftest import MAIL_PASSWORD, client_for

ROOT = Path(__file__).resolve().parents[2]
RACERS = 20


def race(create, *, inside=None) -> Counter:
    """Run `create(i)` in RACERS threads at once; count what each one got.

    `inside`: a (monkeypatched) point after the "already exists" check, where every racer
    waits for the others, so that all of them have passed the check before any inserts.
    """
    start = threading.Barrier(RACERS, timeout=30)
    outcomes: list[str] = []

    def run(i: int) -> None:
        try:
            start.wait()
            outcomes.append(create(i))
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        except Exception as error:  # what the old code gave: IntegrityError, locked
            outcomes.append(f"{type(error).__name__}: {error}")
            if inside is not None:
                inside.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return Counter(outcomes)


def waiting_before(monkeypatch, owner, name: str) -> threading.Barrier:
    """Make `owner.name` wait until every racer has reached it."""
    barrier = threading.Barrier(RACERS, timeout=30)
    original = getattr(owner, name)

    def wait_then(*args, **kwargs):
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, wait_then)
    return barrier


def created(call) -> str:
    call()
    return "created"


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_twenty_racing_domain_creations_on_mariadb_give_one_domain_and_nineteen_refusals(
    monkeypatch,
):
    barrier = waiting_before(monkeypatch, Domain.objects, "create")
    outcomes = race(
        lambda i: created(lambda: services.create_domain("race.org", actor=ACTOR)), inside=barrier
    )
    assert outcomes == {"created": 1, "Domain race.org already exists.": RACERS - 1}
    assert Domain.objects.filter(domain="race.org").count() == 1
    assert AuditEntry.objects.filter(object_type="domain", object_id="race.org").count() == 1


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_twenty_racing_mailbox_creations_on_mariadb_leave_one_mailbox_with_its_self_alias(
    monkeypatch,
):
    services.create_domain("example.org", actor=ACTOR)
    barrier = waiting_before(monkeypatch, services, "new_mailbox_row")
    outcomes = race(
        lambda i: created(
            lambda: services.create_mailbox("ann@example.org", MAIL_PASSWORD, actor=ACTOR)
        ),
        inside=barrier,
    )
    assert outcomes == {"created": 1, "Mailbox ann@example.org already exists.": RACERS - 1}
    assert list(Mailbox.objects.values_list("address", flat=True)) == ["ann@example.org"]
    assert list(Alias.objects.values_list("mail", "destination")) == [
        ("ann@example.org", "ann@example.org")
    ]
    assert AuditEntry.objects.filter(object_type="mailbox").count() == 1


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_twenty_racing_alias_creations_on_mariadb_give_one_alias(monkeypatch):
    services.create_domain("example.org", actor=ACTOR)
    barrier = waiting_before(monkeypatch, Alias.objects, "create")
    outcomes = race(
        lambda i: created(
            lambda: alias_services.create_alias(
                "sales@example.org", f"seller{i}@gmail.com", actor=ACTOR
            )
        ),
        inside=barrier,
    )
    assert outcomes == {
        "created": 1,
        "Alias sales@example.org already exists; replace it instead.": RACERS - 1,
    }
    assert Alias.objects.filter(mail="sales@example.org").count() == 1
    assert AuditEntry.objects.filter(object_type="alias").count() == 1


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_the_losers_of_a_race_through_the_panel_see_already_exists_beside_the_field(
    monkeypatch,
):
    root = User.objects.create_superuser("root", "", "x")
    clients = [client_for(root) for _ in range(RACERS)]
    barrier = waiting_before(monkeypatch, Domain.objects, "create")

    def post(i: int) -> str:
        response = clients[i].post(
            "/domains/add/", {"name": "race.org", "transport": "virtual:", "enabled": "on"}
        )
        if response.status_code == 302:
            return "created"
        return f"{response.status_code} " + " ".join(response.context["form"].errors["name"])

    outcomes = race(post, inside=barrier)
    assert outcomes == {"created": 1, "200 Domain race.org already exists.": RACERS - 1}
    assert AuditEntry.objects.filter(object_type="domain").count() == 1


# SQLite: a migrated file (not the suite's in-memory database), in its own process, so
# that the settings' SQLite options are the ones under test.
SQLITE_RACE = """
import json, threading
from collections import Counter
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()  # responses carry their context
from aliases import services as alias_services
from aliases.models import Alias
from audit.models import AuditEntry
from audit.services import Actor
from domains import services
from domains.models import Domain, Mailbox
from tests.security.test_concurrent_creation import RACERS, created, race

actor = Actor("tester")
password = "Quite-a-long-pass-1"
results = {}
results["domain"] = race(lambda i: created(lambda: services.create_domain("race.org", actor=actor)))
services.create_domain("example.org", actor=actor)
results["mailbox"] = race(
    lambda i: created(lambda: services.create_mailbox("ann@example.org", password, actor=actor))
)
results["alias"] = race(
    lambda i: created(
        lambda: alias_services.create_alias("sales@example.org", f"s{i}@gmail.com", actor=actor)
    )
)
root = User.objects.create_superuser("root", "", "x")
clients = []
for _ in range(RACERS):
    clients.append(Client())
    clients[-1].force_login(root)

def post(i):
    response = clients[i].post(
        "/domains/add/", {"name": "panel.org", "transport": "virtual:", "enabled": "on"}
    )
    if response.status_code == 302:
        return "created"
    return f"{response.status_code} " + " ".join(response.context["form"].errors["name"])

results["panel"] = race(post)
results["rows"] = {
    "domains": sorted(Domain.objects.values_list("domain", flat=True)),
    "mailboxes": list(Mailbox.objects.values_list("address", flat=True)),
    "aliases": sorted(Alias.objects.values_list("mail", flat=True)),
    "audit": dict(
        Counter(AuditEntry.objects.filter(action="create").values_list("object_type", flat=True))
    ),
}
print(json.dumps(results))
"""


def test_twenty_racing_creations_on_a_sqlite_file_wait_for_each_other(tmp_path):
    env = panel_env(tmp_path, ALLOWED_HOSTS="testserver")
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "-c", SQLITE_RACE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads(result.stdout.splitlines()[-1])
    losers = RACERS - 1
    assert results["domain"] == {"created": 1, "Domain race.org already exists.": losers}
    assert results["mailbox"] == {
        "created": 1,
        "Mailbox ann@example.org already exists.": losers,
    }
    assert results["alias"] == {
        "created": 1,
        "Alias sales@example.org already exists; replace it instead.": losers,
    }
    assert results["panel"] == {"created": 1, "200 Domain panel.org already exists.": losers}
    assert results["rows"] == {
        "domains": ["example.org", "panel.org", "race.org"],
        "mailboxes": ["ann@example.org"],
        "aliases": ["ann@example.org", "sales@example.org"],
        "audit": {"domain": 3, "mailbox": 1, "alias": 1},
    }
