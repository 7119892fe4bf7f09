"""Read endpoints: trace, history, findings, limits and vacation, within the token's
domains, from the same code as their panel pages."""

from audit.models import AuditEntry
from tests.conftest import ACTOR
from vacation import services as vacation


def test_trace_follows_the_catch_all_to_the_mailbox(api_a):
    body = api_a.get("/api/v1/trace/?address=Nobody@Example.org").json()
    assert body["address"] == "nobody@example.org"
    assert body["accepted"] is True and body["smtp_code"] == 250
    assert [r["address"] for r in body["recipients"]] == ["john@example.org"]


def test_trace_hides_the_steps_in_another_admins_domain(api_a, api_su):
    api_su.send("PUT", "/api/v1/aliases/sales@example.org/", {"destination": "mary@other.org"})
    body = api_a.get("/api/v1/trace/?address=sales@example.org").json()
    assert body["recipients"][0]["address"] == "(an address in other.org)"
    assert {"hidden": True, "text": "a step in a domain you do not administer"} in body["steps"]
    full = api_su.get("/api/v1/trace/?address=sales@example.org").json()
    assert full["recipients"][0]["address"] == "mary@other.org"


def test_trace_of_a_bad_address_is_400(api_a):
    response = api_a.get("/api/v1/trace/?address=not an address")
    assert response.status_code == 400


def test_history_is_newest_first_in_the_users_domains_and_pages_by_cursor(api_a):
    rows, url = [], "/api/v1/history/?limit=2"
    while url:
        body = api_a.get(url).json()
        rows += body["results"]
        url = body["next"]
    ids = [r["id"] for r in rows]
    assert ids == sorted(ids, reverse=True)
    assert {r["domain"] for r in rows} == {"example.org"}
    assert len(ids) == AuditEntry.objects.filter(domain="example.org").count()


def test_findings_are_the_users_domains_only(api_a):
    body = api_a.get("/api/v1/findings/").json()
    assert all(f["domain"] in ("example.org", "") for f in body["results"])


def test_limits_report_use(api_a):
    body = api_a.get("/api/v1/domains/example.org/limits/").json()
    assert body["use"]["mailboxes"] == 1
    assert body["limits"]["mailboxes"] is None


def test_vacation_shows_the_setting(api_a):
    assert api_a.get("/api/v1/mailboxes/john@example.org/vacation/").json()["enabled"] is False
    vacation.set_vacation("john@example.org", vacation.Setting("Away", "Back Monday."), actor=ACTOR)
    body = api_a.get("/api/v1/mailboxes/john@example.org/vacation/").json()
    assert body["enabled"] is True and body["subject"] == "Away"


def test_usage_is_none_until_measured(api_a):
    body = api_a.get("/api/v1/mailboxes/john@example.org/usage/").json()
    assert body == {"address": "john@example.org", "quota": body["quota"], "usage": None}
