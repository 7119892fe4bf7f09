"""Bulk enable, disable and delete from the mailbox and alias lists: a confirmation that
lists what changes per row, then one transaction with one audit entry per row, within the
user's scope only, at most a page of rows at a time."""

import pytest

from aliases import services as alias_services
from aliases.models import Alias
from audit.models import AuditEntry
from domains.list_filters import PAGE_SIZE
from domains.models import Mailbox
from tests.conftest import ACTOR

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        list(Mailbox.objects.order_by("address").values()),
        list(Alias.objects.order_by("mail").values()),
        AuditEntry.objects.count(),
    )


def test_the_lists_have_checkboxes_and_buttons(a_client):
    html = a_client.get("/domains/mailboxes/").content.decode()
    assert 'action="/domains/mailboxes/bulk/" id="bulk"' in html
    assert 'form="bulk" name="address" value="john@example.org"' in html
    assert 'name="action" value="disable"' in html
    html = a_client.get("/aliases/").content.decode()
    assert 'action="/aliases/bulk/" id="bulk"' in html
    assert 'form="bulk" name="source" value="sales@example.org"' in html
    assert "<script" not in html.split('id="bulk"')[1].split("</form>")[0]


def test_the_confirmation_lists_each_row_and_changes_nothing(su_client):
    alias_services.create_alias("help@example.org", "john@example.org", actor=ACTOR)
    before = _snapshot()
    response = su_client.post(
        "/aliases/bulk/", {"action": "disable", "source": ["sales@example.org", "help@example.org"]}
    )
    assert response.status_code == 200
    assert _snapshot() == before
    html = response.content.decode()
    assert "Disable 2 aliases?" in html
    assert "sales@example.org:" in html and "help@example.org:" in html
    assert "no longer go to john@example.org" in html
    assert '<input type="hidden" name="confirm" value="1">' in html


def test_superuser_disables_aliases_one_audit_entry_per_row(su_client):
    alias_services.create_alias("help@example.org", "john@example.org", actor=ACTOR)
    before = AuditEntry.objects.count()
    keys = ["sales@example.org", "help@example.org", "info@other.org"]
    response = su_client.post(
        "/aliases/bulk/", {"action": "disable", "source": keys, "confirm": "1"}
    )
    assert response.status_code == 302
    assert not Alias.objects.filter(mail__in=keys, enabled=True).exists()
    entries = AuditEntry.objects.order_by("pk")[before:]
    assert sorted(e.object_id for e in entries) == sorted(keys)
    assert {e.action for e in entries} == {"disable"}


def test_domain_admin_within_scope_disables_and_deletes_mailboxes(a_client):
    response = a_client.post(
        "/domains/mailboxes/bulk/",
        {"action": "disable", "address": "john@example.org", "confirm": "1"},
    )
    assert response.status_code == 302
    assert not Mailbox.objects.get(address="john@example.org").enabled
    a_client.post(
        "/domains/mailboxes/bulk/",
        {"action": "delete", "address": "john@example.org", "confirm": "1"},
    )
    assert not Mailbox.objects.filter(address="john@example.org").exists()


def test_a_foreign_key_is_404_and_nothing_changes(a_client):
    before = _snapshot()
    for url, field, keys in (
        ("/aliases/bulk/", "source", ["sales@example.org", "info@other.org"]),
        ("/domains/mailboxes/bulk/", "address", ["john@example.org", "mary@other.org"]),
    ):
        for action in ("disable", "delete"):
            response = a_client.post(url, {"action": action, field: keys, "confirm": "1"})
            assert response.status_code == 404
    assert _snapshot() == before


def test_anonymous_goes_to_login(client, mail_data):
    before = _snapshot()
    for url in ("/aliases/bulk/", "/domains/mailboxes/bulk/"):
        response = client.post(
            url, {"action": "delete", "source": "sales@example.org", "confirm": "1"}
        )
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    assert _snapshot() == before


def test_more_than_a_page_is_refused(su_client):
    before = _snapshot()
    keys = [f"x{i}@example.org" for i in range(PAGE_SIZE + 1)]
    response = su_client.post(
        "/aliases/bulk/", {"action": "disable", "source": keys, "confirm": "1"}, follow=True
    )
    assert f"at most {PAGE_SIZE} (one page) at a time" in response.content.decode()
    assert _snapshot() == before


def test_a_refused_row_rolls_back_every_row(su_client):
    before = _snapshot()
    # john's own alias row cannot be deleted on its own: sales is kept too
    response = su_client.post(
        "/aliases/bulk/",
        {"action": "delete", "source": ["sales@example.org", "john@example.org"], "confirm": "1"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was changed" in html
    assert "it follows its mailbox" in html
    assert _snapshot() == before


def test_get_is_refused(su_client):
    assert su_client.get("/aliases/bulk/").status_code == 405
    assert su_client.get("/domains/mailboxes/bulk/").status_code == 405
