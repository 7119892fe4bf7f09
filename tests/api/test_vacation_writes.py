"""A mailbox's vacation through the API, by vacation.services as the panel's vacation pages
and `mail vacation`: PUT (the form's fields) and PATCH switch it on with its route, DELETE
switches it off; the service's messages beside the form's fields; scoped as mailboxes."""

from datetime import timedelta

import pytest

from aliases.models import Alias
from audit.models import AuditEntry
from mailadmin.autoreply import autoreply_address
from vacation import services
from vacation.models import Vacation

URL = "/api/v1/mailboxes/john@example.org/vacation/"
AWAY = {"subject": "Away", "body": "Back on Monday."}


def _day(offset: int) -> str:
    return (services.today() + timedelta(days=offset)).isoformat()


def test_a_put_switches_the_vacation_on_with_its_route_and_is_audited(api_a):
    body = {**AWAY, "first_day": _day(0), "last_day": _day(7), "interval_days": 3}
    response = api_a.send("PUT", URL, body)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "address": "john@example.org",
        "enabled": True,
        "subject": "Away",
        "body": "Back on Monday.",
        "first_day": _day(0),
        "last_day": _day(7),
        "interval_days": 3,
        "body_chars": 15,
    }
    row = Alias.objects.get(mail="john@example.org")
    assert autoreply_address("john@example.org") in row.destination
    entry = AuditEntry.objects.filter(action="vacation-on").get()
    assert entry.actor.startswith("alice via API token script")
    assert Vacation.objects.get(mailbox="john@example.org").changed_by.startswith("alice via")


def test_a_repeated_put_writes_and_records_nothing(api_a):
    first = api_a.send("PUT", URL, AWAY)
    entries = AuditEntry.objects.count()
    second = api_a.send("PUT", URL, AWAY)
    assert second.json() == first.json() and second["ETag"] == first["ETag"]
    assert AuditEntry.objects.count() == entries


def test_a_put_replaces_where_a_patch_keeps(api_a):
    api_a.send("PUT", URL, {**AWAY, "interval_days": 3, "last_day": _day(5)})
    patched = api_a.send("PATCH", URL, {"subject": "Gone"}).json()
    assert (patched["subject"], patched["body"], patched["interval_days"]) == (
        "Gone",
        "Back on Monday.",
        3,
    )
    assert patched["last_day"] == _day(5)
    replaced = api_a.send("PUT", URL, {"subject": "Gone", "body": "Later."}).json()
    assert (replaced["interval_days"], replaced["last_day"]) == (7, None)


def test_delete_switches_it_off_and_takes_the_route_away(api_a):
    api_a.send("PUT", URL, AWAY)
    response = api_a.send("DELETE", URL)
    assert response.status_code == 200
    assert response.json()["enabled"] is False
    assert Alias.objects.get(mail="john@example.org").destination == "john@example.org"
    entries = AuditEntry.objects.count()
    again = api_a.send("DELETE", URL)
    assert again.status_code == 200 and again.json()["enabled"] is False
    assert AuditEntry.objects.count() == entries


def test_a_patch_switches_an_earlier_vacation_on_again(api_a):
    api_a.send("PUT", URL, AWAY)
    api_a.send("DELETE", URL)
    response = api_a.send("PATCH", URL, {"body": "Away again."})
    assert response.json()["enabled"] is True and response.json()["subject"] == "Away"


def test_a_patch_without_an_earlier_vacation_needs_its_text(api_a):
    response = api_a.send("PATCH", URL, {"subject": "Away"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"body": ["Write the text of the reply."]}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({**AWAY, "subject": "  "}, "subject", "Give the reply a subject."),
        ({**AWAY, "subject": "s" * 201}, "subject", "longer than 200 characters"),
        ({**AWAY, "body": "\n\n"}, "body", "Write the text of the reply."),
        ({**AWAY, "body": "b" * 10_001}, "body", "longer than 10000 characters"),
        ({**AWAY, "last_day": _day(-1)}, "last_day", "already passed"),
        ({**AWAY, "first_day": _day(5), "last_day": _day(2)}, "last_day", "before the first"),
        ({**AWAY, "interval_days": 0}, "interval_days", "1 to 365 days"),
        ({**AWAY, "interval_days": 10**6}, "interval_days", "1 to 365 days"),
        ({**AWAY, "interval_days": "7"}, "interval_days", "A valid integer is required."),
        ({**AWAY, "last_day": "31/12/2030"}, "last_day", "YYYY-MM-DD"),
        ({**AWAY, "last_day": "2030-02-30"}, "last_day", "YYYY-MM-DD"),
        ({**AWAY, "first_day": 20300101}, "first_day", "YYYY-MM-DD"),
        ({**AWAY, "subject": 5}, "subject", "Not a valid string."),
        ({**AWAY, "body": "a\x00b"}, "body", "Null characters are not allowed."),
        ({**AWAY, "enabled": True}, "enabled", "Unknown field."),
        ({"subject": "Away"}, "body", "This field is required."),
    ],
)
def test_a_refused_setting_comes_back_beside_its_field_and_writes_nothing(
    api_a, body, field, message
):
    response = api_a.send("PUT", URL, body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assert not Vacation.objects.exists()
    assert not AuditEntry.objects.filter(object_type="vacation").exists()


def test_a_refused_setting_is_in_the_requests_language(api_a):
    response = api_a.send("PUT", URL, {**AWAY, "subject": " "}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert response.json()["errors"]["subject"] != ["Give the reply a subject."]


def test_a_stale_if_match_is_412_and_writes_nothing(api_a):
    etag = api_a.get(URL)["ETag"]
    assert api_a.send("PUT", URL, AWAY, HTTP_IF_MATCH=etag).status_code == 200
    stale = api_a.send("PATCH", URL, {"subject": "Other"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert Vacation.objects.get().subject == "Away"


def test_another_admins_mailbox_is_404(api_a):
    url = "/api/v1/mailboxes/mary@other.org/vacation/"
    for method in ("PUT", "PATCH", "DELETE"):
        assert api_a.send(method, url, AWAY).status_code == 404
    assert not Vacation.objects.exists()
