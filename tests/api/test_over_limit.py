"""A write past a domain's limit (limits.services) through the API: refused with the limit
and its use, unless a superuser adds `?over_limit=true`, the API's form of the panel's
confirmation box; then it is written and audited as confirmed. Never silently, never for
a domain admin."""

import pytest

from audit.models import AuditEntry
from domains.models import Mailbox
from limits.services import set_limits
from tests.conftest import ACTOR

PASSWORD = "Provisioned-Secret-77"


@pytest.fixture
def full(mail_data):
    """example.org may hold its one mailbox and its two aliases, nothing more."""
    set_limits("example.org", actor=ACTOR, mailboxes="1", aliases="2", max_quota="1G")


NEW_MAILBOX = {"address": "new@example.org", "password": PASSWORD, "quota": "500M"}


def test_a_create_past_a_limit_is_refused_with_the_limit_and_use(api_su, full):
    response = api_su.send("POST", "/api/v1/mailboxes/", NEW_MAILBOX)
    assert response.status_code == 400
    messages = response.json()["errors"]["non_field_errors"]
    assert "allows 1 mailbox and has 1" in messages[0]
    assert "?over_limit=true" in messages[-1]
    assert not Mailbox.objects.filter(address="new@example.org").exists()


def test_a_superuser_passes_a_limit_with_over_limit_and_it_is_audited(api_su, full):
    response = api_su.send("POST", "/api/v1/mailboxes/?over_limit=true", NEW_MAILBOX)
    assert response.status_code == 201
    entry = AuditEntry.objects.filter(action="create", object_id="new@example.org").get()
    assert entry.message.startswith("over the limit, confirmed: ")
    assert " via API token " in entry.actor


def test_a_domain_admin_cannot_pass_a_limit(api_a, full):
    response = api_a.send("POST", "/api/v1/mailboxes/?over_limit=true", NEW_MAILBOX)
    assert response.status_code == 400
    assert "over_limit" not in response.json()["detail"]
    assert not Mailbox.objects.filter(address="new@example.org").exists()


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("PUT", "/api/v1/mailboxes/new@example.org/", {"password": PASSWORD}),
        ("PATCH", "/api/v1/mailboxes/john@example.org/", {"quota": "2G"}),
        ("POST", "/api/v1/aliases/", {"mail": "team@example.org", "destination": "a@b.org"}),
        ("PUT", "/api/v1/aliases/team@example.org/", {"destination": "a@b.org"}),
    ],
)
def test_every_write_held_to_a_limit_takes_the_flag(api_su, full, method, url, body):
    before = AuditEntry.objects.count()
    assert api_su.send(method, url, body).status_code == 400
    assert AuditEntry.objects.count() == before
    assert api_su.send(method, url + "?over_limit=true", body).status_code < 300


def test_enabling_past_a_limit_takes_the_flag(api_su, full):
    api_su.send("PATCH", "/api/v1/aliases/sales@example.org/", {"enabled": False})
    api_su.send("POST", "/api/v1/aliases/", {"mail": "t@example.org", "destination": "a@b.org"})
    url = "/api/v1/aliases/sales@example.org/"
    assert api_su.send("PATCH", url, {"enabled": True}).status_code == 400
    assert api_su.send("PATCH", url + "?over_limit=1", {"enabled": True}).status_code == 200


def test_a_bad_over_limit_value_is_400(api_su, full):
    response = api_su.send("POST", "/api/v1/mailboxes/?over_limit=yes", NEW_MAILBOX)
    assert response.status_code == 400
    assert "over_limit is true or false." in response.json()["detail"]


def test_the_superusers_hint_is_in_the_requests_language(api_su, full):
    response = api_su.send("POST", "/api/v1/mailboxes/", NEW_MAILBOX, HTTP_ACCEPT_LANGUAGE="fr")
    assert "refaites la requête avec ?over_limit=true" in response.json()["detail"]
