"""The tracer page answers who may send as an address, and as what a mailbox may send."""

from aliases import services as alias_services
from domains import services
from tests.conftest import ACTOR


def test_the_page_names_the_mailboxes_that_may_send_as_an_alias(su_client):
    response = su_client.get("/audit/trace/", {"address": "sales@example.org"})
    assert response.status_code == 200
    [owner] = response.context["sender_owners"]
    assert owner.address == "john@example.org"
    assert b"listed by the alias sales@example.org" in response.content


def test_the_page_lists_the_addresses_a_mailbox_may_send_as(su_client):
    response = su_client.get("/audit/trace/", {"address": "john@example.org"})
    assert response.context["sends_as"] == []  # on request only: it reads every alias row
    assert b'id="show-sends-as"' in response.content
    response = su_client.get("/audit/trace/", {"address": "john@example.org", "sends_as": "1"})
    sends_as = [grant.address for grant in response.context["sends_as"]]
    assert sends_as == ["john@example.org", "sales@example.org"]
    assert b'id="trace-sends-as"' in response.content


def test_an_address_no_mailbox_owns_says_553(su_client):
    response = su_client.get("/audit/trace/", {"address": "nobody@example.org"})
    assert response.context["sender_owners"] == []
    assert b"No mailbox may send as this address (553" in response.content


def test_a_domain_admin_does_not_see_another_domains_senders(a_client, two_domains):
    services.set_domain_enabled("other.org", True, actor=ACTOR)
    alias_services.create_alias("help@example.org", "john@example.org,mary@other.org", actor=ACTOR)
    alias_services.create_alias("copy@other.org", "john@example.org", actor=ACTOR)
    response = a_client.get("/audit/trace/", {"address": "help@example.org"})
    assert response.status_code == 200
    # The alias row is the admin's own (its steps show its destinations); the senders
    # section names only the admin's own mailboxes.
    owners = response.context["sender_owners"]
    assert [grant and grant.address for grant in owners] == ["john@example.org", None]
    assert b"(a mailbox in a domain you do not administer)" in response.content
    response = a_client.get("/audit/trace/", {"address": "john@example.org", "sends_as": "1"})
    assert b"copy@other.org" not in response.content
    assert b"(an address in a domain you do not administer)" in response.content


def test_a_domain_admin_cannot_ask_about_another_domains_address(b_client):
    assert b_client.get("/audit/trace/", {"address": "john@example.org"}).status_code == 404
