"""Deleting or disabling a domain shows, and deals with, what other domains deliver into it."""

import pytest

from aliases import services as alias_services
from aliases.models import Alias
from audit.models import AuditEntry
from domains.models import Domain
from tests.conftest import ACTOR

DELETE = "/domains/other.org/delete/"


@pytest.fixture
def inbound(mail_data):
    """Two rows of example.org deliver into other.org."""
    alias_services.create_alias("to-mary@example.org", "mary@other.org", actor=ACTOR)
    alias_services.create_alias("both@example.org", "john@example.org,mary@other.org", actor=ACTOR)


def test_the_delete_page_lists_the_rows_delivering_into_the_domain(su_client, inbound):
    response = su_client.get(DELETE)
    html = response.content.decode()
    assert "2 aliases of other domains</strong> deliver into other.org" in html
    assert 'href="/aliases/to-mary@example.org/"' in html and "both@example.org" in html
    assert 'name="inbound"' in html
    assert response.context["form"]["inbound"].value() == "keep"  # as a removal did before


def test_deleting_asks_what_becomes_of_them(su_client, inbound):
    response = su_client.post(DELETE, {})
    assert "inbound" in response.context["form"].errors
    assert Domain.objects.filter(domain="other.org").exists()


def test_deleting_with_remove_drops_them_in_the_same_change(su_client, inbound):
    response = su_client.post(DELETE, {"inbound": "remove"}, follow=True)
    assert "2 aliases of other domains delivering into it removed" in response.content.decode()
    assert not Alias.objects.filter(mail="to-mary@example.org").exists()
    assert Alias.objects.get(mail="both@example.org").destination == "john@example.org"
    entry = AuditEntry.objects.get(action="remove", object_type="domain")
    assert "removed 2 alias(es) of other domains" in entry.message


def test_deleting_with_keep_leaves_them_and_the_history_says_so(su_client, inbound):
    su_client.post(DELETE, {"inbound": "keep"})
    assert Alias.objects.get(mail="to-mary@example.org").destination == "mary@other.org"
    entry = AuditEntry.objects.get(action="remove", object_type="domain")
    assert "kept 2 alias(es) of other domains delivering into it" in entry.message
    assert {r["mail"] for r in entry.after["inbound_kept"]} == {
        "both@example.org",
        "to-mary@example.org",
    }


def test_without_inbound_rows_there_is_nothing_to_choose(su_client, mail_data):
    assert 'name="inbound"' not in su_client.get(DELETE).content.decode()


def test_the_disable_confirmation_lists_them_and_posts_the_disable(su_client, inbound):
    html = su_client.get("/domains/other.org/").content.decode()
    assert 'href="/domains/other.org/disable/confirm/"' in html
    html = su_client.get("/domains/other.org/disable/confirm/").content.decode()
    assert "2 aliases of other domains</strong> deliver into other.org" in html
    assert 'action="/domains/other.org/disable/"' in html
    assert Domain.objects.get(domain="other.org").enabled


def test_a_domain_admin_cannot_open_the_disable_confirmation(a_client, b_client):
    assert a_client.get("/domains/other.org/disable/confirm/").status_code == 404
    assert b_client.get("/domains/other.org/disable/confirm/").status_code == 403
