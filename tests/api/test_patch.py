"""PATCH of domains, mailboxes and aliases: the fields sent change, the others keep their
value, through the same services as PUT; If-Match as PUT (stale: 412); unknown fields and
wrong types 400; a PATCH never creates."""

import pytest

from aliases.models import Alias
from audit.models import AuditEntry
from domains.models import Domain, Mailbox
from domains.services import update_mailbox
from tests.conftest import ACTOR

JOHN = "/api/v1/mailboxes/john@example.org/"
SALES = "/api/v1/aliases/sales@example.org/"
DOMAIN = "/api/v1/domains/example.org/"


@pytest.fixture
def john_with_quota(mail_data):
    update_mailbox("john@example.org", actor=ACTOR, quota_text="1G")


def test_a_mailbox_patch_keeps_the_fields_not_sent(api_a, john_with_quota):
    response = api_a.send("PATCH", JOHN, {"name": "Johnny"})
    assert response.status_code == 200
    assert response.json() == {
        "address": "john@example.org",
        "name": "Johnny",
        "quota": "1 GB",
        "enabled": True,
    }
    assert Mailbox.objects.get(address="john@example.org").quota == f"{1024**3}S"


def test_a_put_replaces_where_a_patch_keeps(api_a, john_with_quota):
    # The same body: the PUT's quota not sent is its default (unlimited), the PATCH's kept.
    assert api_a.send("PATCH", JOHN, {"name": "J"}).json()["quota"] == "1 GB"
    assert api_a.send("PUT", JOHN, {"name": "J"}).json()["quota"] == "unlimited"


def test_a_mailbox_patch_of_enabled_alone_disables_it_and_its_self_alias(api_a):
    response = api_a.send("PATCH", JOHN, {"enabled": False})
    assert response.status_code == 200 and response.json()["name"] == "John"
    assert Alias.objects.get(mail="john@example.org").enabled is False
    entry = AuditEntry.objects.order_by("-id").first()
    assert (entry.action, entry.object_id) == ("disable", "john@example.org")
    assert entry.actor.startswith("alice via API token script")


def test_a_patch_with_the_current_etag_writes_and_a_stale_one_is_412(api_a):
    etag = api_a.get(JOHN)["ETag"]
    first = api_a.send("PATCH", JOHN, {"name": "First"}, HTTP_IF_MATCH=etag)
    assert first.status_code == 200 and first["ETag"] != etag
    before = AuditEntry.objects.count()
    second = api_a.send("PATCH", JOHN, {"enabled": False}, HTTP_IF_MATCH=etag)
    assert second.status_code == 412
    assert second["Content-Type"] == "application/problem+json"
    assert Mailbox.objects.get(address="john@example.org").enabled
    assert AuditEntry.objects.count() == before


def test_a_stale_patch_of_an_alias_or_domain_is_412(api_su):
    for url, body in ((SALES, {"enabled": False}), (DOMAIN, {"enabled": False})):
        response = api_su.send("PATCH", url, body, HTTP_IF_MATCH='"0000"')
        assert response.status_code == 412, url
    assert Alias.objects.get(mail="sales@example.org").enabled
    assert Domain.objects.get(domain="example.org").enabled


@pytest.mark.parametrize("url", [JOHN, SALES])
def test_a_concurrent_disable_makes_the_etag_stale(api_a, url):
    """The ETag covers the whole row: a PATCH loaded before someone disabled the mailbox
    or alias cannot write a name or destination over that change unseen."""
    etag = api_a.get(url)["ETag"]
    assert api_a.send("PATCH", url, {"enabled": False})["ETag"] != etag
    body = {"name": "Late"} if url == JOHN else {"destination": "late@gmail.com"}
    before = AuditEntry.objects.count()
    response = api_a.send("PATCH", url, body, HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert AuditEntry.objects.count() == before


def test_a_forward_put_checks_if_match_against_the_etag_it_returns(api_a):
    url = "/api/v1/mailboxes/john@example.org/forward/"
    body = {"destination": "x@gmail.com", "keep_copy": True}
    etag = api_a.get("/api/v1/aliases/john@example.org/")["ETag"]
    first = api_a.send("PUT", url, body, HTTP_IF_MATCH=etag)
    assert first.status_code == 200, first.content
    before = AuditEntry.objects.count()
    stale = api_a.send("PUT", url, {**body, "destination": "y@gmail.com"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    again = api_a.send(
        "PUT", url, {**body, "destination": "y@gmail.com"}, HTTP_IF_MATCH=first["ETag"]
    )
    assert again.status_code == 200
    assert AuditEntry.objects.count() == before + 1


def test_an_alias_patch_keeps_what_is_not_sent(api_a):
    disabled = api_a.send("PATCH", SALES, {"enabled": False}).json()
    assert disabled == {
        "mail": "sales@example.org",
        "destination": "john@example.org",
        "enabled": False,
        "kind": "forward",
    }
    changed = api_a.send("PATCH", SALES, {"destination": ["x@gmail.com"]}).json()
    assert (changed["destination"], changed["enabled"]) == ("x@gmail.com", False)


def test_a_domain_patch_keeps_the_transport(api_su):
    api_su.send("PUT", DOMAIN, {"transport": "smtp:[10.0.0.5]:25"})
    response = api_su.send("PATCH", DOMAIN, {"enabled": False})
    assert response.json() == {
        "domain": "example.org",
        "transport": "smtp:[10.0.0.5]:25",
        "enabled": False,
    }


def test_an_empty_patch_changes_and_records_nothing(api_su):
    before = AuditEntry.objects.count()
    for url in (DOMAIN, JOHN, SALES):
        assert api_su.send("PATCH", url, {}).status_code == 200
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        (JOHN, {"address": "x@example.org"}, "address"),
        (JOHN, {"quota": 5}, "quota"),
        (JOHN, {"enabled": "no"}, "enabled"),
        (JOHN, {"quota": "10 parsecs"}, "quota"),
        (JOHN, {"password": "x"}, "password"),
        (SALES, {"mail": "x@example.org"}, "mail"),
        (SALES, {"destination": 7}, "destination"),
        (SALES, {"destination": "@x.org"}, "destination"),
        (DOMAIN, {"transport": "no spaces"}, "transport"),
        (DOMAIN, {"domain": "other.org"}, "domain"),
    ],
)
def test_a_patch_refused_names_its_field_and_writes_nothing(api_su, url, body, field):
    before = AuditEntry.objects.count()
    response = api_su.send("PATCH", url, body)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("raw", ["{bad json", "[1, 2]", '"text"', "null"])
def test_a_patch_of_bad_json_is_400(api_a, raw):
    assert api_a.send("PATCH", JOHN, raw).status_code == 400


def test_one_failing_step_of_a_patch_rolls_back_the_others(api_a):
    # The name is written, then the password is refused: nothing stays.
    before = AuditEntry.objects.count()
    response = api_a.send("PATCH", JOHN, {"name": "Changed", "enabled": False, "password": "x"})
    assert response.status_code == 400
    john = Mailbox.objects.get(address="john@example.org")
    assert (john.name, bool(john.enabled)) == ("John", True)
    assert AuditEntry.objects.count() == before


def test_a_patch_never_creates(api_su):
    response = api_su.send("PATCH", "/api/v1/mailboxes/new@example.org/", {"name": "N"})
    assert response.status_code == 404
    assert not Mailbox.objects.filter(address="new@example.org").exists()


def test_a_patch_of_another_admins_mailbox_is_404(api_a):
    response = api_a.send("PATCH", "/api/v1/mailboxes/mary@other.org/", {"name": "x"})
    assert response.status_code == 404
    assert Mailbox.objects.get(address="mary@other.org").name == "Mary"


def test_an_odd_quota_put_back_as_the_api_gave_it_changes_nothing(api_a):
    update_mailbox("john@example.org", actor=ACTOR, quota_text="1234567S")
    shown = api_a.get(JOHN).json()
    assert shown["quota"] == "1234567 B"  # exact: "1.2 MB" would read back as 1258291 bytes
    before = AuditEntry.objects.count()
    response = api_a.send("PUT", JOHN, {"name": shown["name"], "quota": shown["quota"]})
    assert response.status_code == 200
    assert Mailbox.objects.get(address="john@example.org").quota == "1234567S"
    assert AuditEntry.objects.count() == before
