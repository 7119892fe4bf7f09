"""A domain's limits through the API: superusers set them (PUT replaces, PATCH changes the
fields sent) by limits.services.set_limits, as the panel's limits page and `mail domain
limits`; sizes in the limits form's units; lowering below the use is allowed and reported."""

import pytest

from audit.models import AuditEntry
from domains.models import Mailbox
from limits.services import limits_of

LIMITS = "/api/v1/domains/example.org/limits/"
PASSWORD = "Provisioned-Secret-77"


def test_a_superuser_puts_limits_in_the_forms_units(api_su):
    body = {
        "mailboxes": 5,
        "aliases": 10,
        "max_quota": "1.5G",
        "total_quota": "10 GB",
        "default_quota": "500 MB",
    }
    response = api_su.send("PUT", LIMITS, body)
    assert response.status_code == 200, response.content
    assert response.json()["limits"] == {
        "mailboxes": 5,
        "aliases": 10,
        "max_quota": "1536M",
        "total_quota": "10G",
        "default_quota": "500 MB",
    }
    row = limits_of("example.org")
    assert (row.max_quota, row.total_quota, row.default_quota) == (
        1536 * 1024**2,
        10 * 1024**3,
        f"{500 * 1024**2}S",
    )
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "limits" and " via API token " in entry.actor


def test_what_the_get_shows_a_put_takes_back_unchanged(api_su):
    api_su.send("PUT", LIMITS, {"mailboxes": 3, "max_quota": "1536M", "default_quota": "1G"})
    shown = api_su.get(LIMITS)
    entries = AuditEntry.objects.count()
    again = api_su.send("PUT", LIMITS, shown.json()["limits"])
    assert again.status_code == 200
    assert again.json()["limits"] == shown.json()["limits"]
    assert again["ETag"] == shown["ETag"]
    assert AuditEntry.objects.count() == entries


def test_a_put_leaves_out_nothing_and_a_patch_keeps_what_it_does_not_send(api_su):
    api_su.send("PUT", LIMITS, {"mailboxes": 3, "aliases": 4})
    patched = api_su.send("PATCH", LIMITS, {"aliases": 9}).json()["limits"]
    assert (patched["mailboxes"], patched["aliases"]) == (3, 9)
    replaced = api_su.send("PUT", LIMITS, {"aliases": 9}).json()["limits"]
    assert (replaced["mailboxes"], replaced["aliases"]) == (None, 9)


def test_null_and_empty_mean_unlimited(api_su):
    api_su.send("PUT", LIMITS, {"mailboxes": 3, "max_quota": "2G"})
    body = api_su.send("PATCH", LIMITS, {"mailboxes": None, "max_quota": ""}).json()
    assert (body["limits"]["mailboxes"], body["limits"]["max_quota"]) == (None, None)


def test_lowering_below_the_use_is_allowed_reported_and_removes_nothing(api_su):
    response = api_su.send("PATCH", LIMITS, {"mailboxes": 0, "aliases": 1})
    assert response.status_code == 200
    body = response.json()
    assert body["over"] == ["mailboxes", "aliases"]
    assert {"key": "mailboxes", "text": "1 / 0 mailboxes", "over": True} in body["lines"]
    assert Mailbox.objects.filter(address="john@example.org").exists()
    assert AuditEntry.objects.order_by("-id").first().message.startswith("now over: ")


def test_a_domain_admin_reads_the_limits_but_may_not_set_them(api_a):
    assert api_a.get(LIMITS).status_code == 200
    for method in ("PUT", "PATCH"):
        response = api_a.send(method, LIMITS, {"mailboxes": 100})
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"
    assert limits_of("example.org") is None


def test_another_admins_domain_is_404(api_a):
    assert api_a.send("PUT", "/api/v1/domains/other.org/limits/", {}).status_code == 404
    assert api_a.get("/api/v1/domains/other.org/limits/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"mailboxes": -1}, "mailboxes", "must be a whole number"),
        ({"mailboxes": 10**12}, "mailboxes", "must be a whole number"),
        ({"aliases": "5"}, "aliases", "A valid integer is required."),
        ({"aliases": True}, "aliases", "A valid integer is required."),
        ({"max_quota": "1000C"}, "max_quota", "a size such as 2G"),
        ({"max_quota": 2048}, "max_quota", "Not a valid string."),
        ({"total_quota": "10Q"}, "total_quota", "'10Q' is not a quota"),
        ({"max_quota": "1G", "default_quota": "2G"}, "default_quota", "more than the maximum"),
        ({"default_quota": "0"}, "default_quota", "more than zero"),
        ({"most": 3}, "most", "Unknown field."),
    ],
)
def test_bad_limits_come_back_beside_their_field_and_change_nothing(api_su, body, field, message):
    before = AuditEntry.objects.count()
    response = api_su.send("PATCH", LIMITS, body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assert limits_of("example.org") is None
    assert AuditEntry.objects.count() == before


def test_a_stale_if_match_is_412(api_su):
    etag = api_su.get(LIMITS)["ETag"]
    assert api_su.send("PATCH", LIMITS, {"mailboxes": 4}, HTTP_IF_MATCH=etag).status_code == 200
    stale = api_su.send("PATCH", LIMITS, {"mailboxes": 9}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert limits_of("example.org").mailboxes == 4
