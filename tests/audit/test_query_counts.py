"""The audit, findings and history pages run the same, small number of queries with 10 and
with 10,000 aliases (and as many audit entries)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aliases.models import Alias
from audit.models import AuditEntry
from tests.audit.conftest import client_for, staff

PAGES = [
    "/audit/",
    "/audit/?state=enabled&kind=forward&locality=mixed&sort=-locality&q=example",
    "/audit/?domain=example.org&page=2",
    "/audit/aliases.csv",
    "/audit/aliases.csv?state=disabled",
    "/audit/findings/",
    "/audit/findings/?level=error&domain=example.org",
    "/audit/history/",
    "/audit/history/?actor=seed&object_type=alias&page=3",
    "/audit/history.csv",
    "/audit/trace/?address=a1@example.org",
]
MAX_QUERIES = 40


def seed(n: int) -> None:
    """`n` aliases of every kind and state, and `n` audit entries, in a few bulk inserts."""
    rows = []
    for i in range(n):
        kind = i % 5
        if kind == 0:
            destination = "john@example.org"  # local forward
        elif kind == 1:
            destination = f"x{i}@elsewhere.net"  # external
        elif kind == 2:
            destination = f"john@example.org,y{i}@elsewhere.net"  # mixed
        elif kind == 3:
            destination = f"nobody{i}@example.org"  # a dead end
        else:
            destination = f"a{i - 1}@example.org"  # a chain
        rows.append(Alias(mail=f"a{i}@example.org", destination=destination, enabled=i % 7 != 0))
    Alias.objects.bulk_create(rows, batch_size=2000)
    AuditEntry.objects.bulk_create(
        (
            AuditEntry(
                actor="seed",
                action="update",
                object_type="alias",
                object_id=f"a{i}@example.org",
                domain="example.org",
                before={"destination": "old"},
                after={"destination": "new"},
            )
            for i in range(n)
        ),
        batch_size=2000,
    )


def query_counts(client) -> dict[str, int]:
    counts = {}
    for url in PAGES:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200, url
        counts[url] = len(queries.captured_queries)
    return counts


@pytest.fixture
def users(two_domains):
    return {
        "superuser": staff("root", superuser=True),
        "admin_a": staff("alice", domains=("example.org",)),
    }


@pytest.mark.parametrize("role", ["superuser", "admin_a"])
def test_the_pages_cost_the_same_at_10_and_10000_aliases(users, role):
    client = client_for(users[role])
    seed(10)
    small = query_counts(client)
    Alias.objects.filter(mail__startswith="a").delete()
    AuditEntry.objects.filter(actor="seed").delete()
    seed(10_000)
    assert Alias.objects.count() > 10_000
    large = query_counts(client)
    assert large == small
    assert max(large.values()) <= MAX_QUERIES, large
