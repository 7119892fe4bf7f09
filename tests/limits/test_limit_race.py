"""Admins racing must not pass a limit together: the creating transaction locks the
domain's limits row before it counts (`limits.services.hold`).

Each racer's count is slowed down, so that without the lock all of them would count the
same use, see room, and insert: ten mailboxes where three are allowed.
"""

import threading
import time
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from aliases import services as alias_services
from aliases.models import Alias
from domains import services
from domains.models import Mailbox
from limits import services as limits
from tests.conftest import ACTOR
from tests.limits.conftest import PASSWORD

RACERS = 10


def race(create) -> Counter:
    start = threading.Barrier(RACERS, timeout=30)
    outcomes: list[str] = []

    def run(i: int) -> None:
        try:
            start.wait()
            create(i)
            outcomes.append("created")
        except ValidationError as error:
            outcomes.append(error.code or "refused")
        except Exception as error:  # a deadlock or a lock wait timeout would land here
            outcomes.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    return Counter(outcomes)


@pytest.fixture
def slow_count(monkeypatch):
    original = limits.exceeded

    def slowly(*args, **kwargs):
        found = original(*args, **kwargs)
        time.sleep(0.2)  # between the count and the insert: the window a race needs
        return found

    monkeypatch.setattr(limits, "exceeded", slowly)


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_ten_admins_racing_for_three_mailboxes_on_mariadb_get_three(slow_count):
    services.create_domain("example.org", actor=ACTOR)
    limits.set_limits("example.org", actor=ACTOR, mailboxes="3")
    outcomes = race(lambda i: services.create_mailbox(f"u{i}@example.org", PASSWORD, actor=ACTOR))
    assert outcomes == {"created": 3, limits.OVER_LIMIT: RACERS - 3}
    assert Mailbox.objects.filter(domain_name="example.org").count() == 3


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_racing_quota_allocations_on_mariadb_stay_within_the_total(slow_count):
    services.create_domain("example.org", actor=ACTOR)
    limits.set_limits("example.org", actor=ACTOR, total_quota="1G")
    outcomes = race(
        lambda i: services.create_mailbox(
            f"u{i}@example.org", PASSWORD, actor=ACTOR, quota_text="300M"
        )
    )
    assert outcomes == {"created": 3, limits.OVER_LIMIT: RACERS - 3}
    assert limits.use_of("example.org").sized_bytes == 900 * 1024**2


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_racing_alias_creations_and_enables_on_mariadb_stay_within_the_alias_limit(slow_count):
    services.create_domain("example.org", actor=ACTOR)
    for i in range(RACERS // 2):
        alias_services.create_alias(
            f"off{i}@example.org", "x@elsewhere.net", actor=ACTOR, enabled=False
        )
    limits.set_limits("example.org", actor=ACTOR, aliases="4")

    def create_or_enable(i: int) -> None:
        if i % 2:
            alias_services.set_alias_enabled(f"off{i // 2}@example.org", True, actor=ACTOR)
        else:
            alias_services.create_alias(f"new{i}@example.org", "x@elsewhere.net", actor=ACTOR)

    outcomes = race(create_or_enable)
    assert outcomes == {"created": 4, limits.OVER_LIMIT: RACERS - 4}
    assert Alias.objects.filter(domain_name="example.org", enabled=True).count() == 4
