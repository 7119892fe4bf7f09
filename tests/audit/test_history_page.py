"""The change history: who, when, from where, object, before → after; filters, CSV, scope."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from aliases import services as alias_services
from audit.models import AuditEntry
from audit.services import Actor
from tests.conftest import ACTOR


def entries(client, query: str = "") -> list[AuditEntry]:
    response = client.get(f"/audit/history/{query}")
    assert response.status_code == 200
    return [entry for entry, _ in response.context["rows"]]


@pytest.fixture
def changes(two_domains):
    alias_services.replace_alias(
        "sales@example.org", "mary@other.org", actor=Actor("carol", "192.0.2.7")
    )


def test_a_change_shows_who_when_where_and_before_to_after(su_client, changes):
    response = su_client.get("/audit/history/")
    entry, changed = response.context["rows"][0]
    assert (entry.actor, entry.ip, entry.action, entry.object_id) == (
        "carol",
        "192.0.2.7",
        "update",
        "sales@example.org",
    )
    assert changed == [("destination", "john@example.org", "mary@other.org")]
    assert b"192.0.2.7" in response.content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?actor=caro", ["sales@example.org"]),
        ("?object_type=mailbox", ["mary@other.org", "john@example.org"]),
        ("?object_id=mary", ["mary@other.org"]),
        ("?domain=other.org&object_type=alias", ["info@other.org"]),
    ],
)
def test_filters(su_client, changes, query, expected):
    assert [e.object_id for e in entries(su_client, query)] == expected


def test_date_range(su_client, changes):
    old = AuditEntry.objects.filter(actor="tester")
    old.update(at=timezone.now() - datetime.timedelta(days=10))
    today = timezone.localdate()
    assert [e.actor for e in entries(su_client, f"?since={today}")] == ["carol"]
    until = today - datetime.timedelta(days=5)
    assert {e.actor for e in entries(su_client, f"?until={until}")} == {"tester"}
    response = su_client.get(f"/audit/history/?since={today}&until={until}")
    assert response.context["rows"] == []
    assert b"The start date is after the end date." in response.content


def test_a_domain_admin_sees_only_entries_of_its_domains(a_client, b_client, changes):
    assert {e.domain for e in entries(a_client)} == {"example.org"}
    assert {e.domain for e in entries(b_client)} == {"other.org"}
    AuditEntry.objects.create(actor="root", action="create", object_type="admin", object_id="x")
    assert "x" not in {e.object_id for e in entries(a_client)}


def test_the_csv_exports_the_filtered_entries_safely(su_client, changes):
    alias_services.replace_alias("sales@example.org", "john@example.org", actor=Actor("=evil"))
    response = su_client.get("/audit/history.csv?domain=example.org&object_type=alias")
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["actor"] for r in rows] == ["'=evil", "carol", "tester"]
    assert rows[1]["ip"] == "192.0.2.7"
    assert '"destination": "mary@other.org"' in rows[1]["after"]


def test_entries_are_paginated(su_client, two_domains):
    AuditEntry.objects.bulk_create(
        AuditEntry(actor="bulk", action="update", object_type="alias", object_id=f"a{n}")
        for n in range(120)
    )
    response = su_client.get("/audit/history/?actor=bulk&page=3")
    assert len(response.context["rows"]) == 20
    assert response.context["page"].paginator.num_pages == 3


def test_nothing_in_the_panel_edits_or_deletes_an_entry(su_client, changes):
    before = list(AuditEntry.objects.values_list("id", "actor", "message"))
    for url in ("/audit/history/", "/audit/history.csv"):
        assert su_client.post(url, {"actor": "x"}).status_code == 405
    assert list(AuditEntry.objects.values_list("id", "actor", "message")) == before
    assert ACTOR.name == "tester"


def test_quotas_are_shown_in_human_units(su_client, two_domains):
    from domains import services as domain_services

    domain_services.update_mailbox("john@example.org", actor=ACTOR, name="John", quota_text="2G")
    page = su_client.get("/audit/history/?object_type=mailbox").content.decode()
    assert ">2.0 GB<" in page or ">2 GB<" in page
    assert ">2147483648S<" not in page
    assert 'title="2147483648S"' in page
