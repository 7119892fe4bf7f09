"""The address tracer in the browser: each step and the outcome per final recipient."""

from aliases import services as alias_services
from domains import services
from tests.audit.conftest import client_for, staff
from tests.conftest import ACTOR


def test_the_guide_walk_through_lands_in_xandros_maildir(guide_data):
    client = client_for(staff("root", superuser=True))
    response = client.get("/audit/trace/", {"address": "John@Whopper.nu"})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.address == "john@whopper.nu"
    [recipient] = response.context["recipients"]
    assert (recipient.address, recipient.outcome) == ("xandros@blobber.org", "delivered")
    assert recipient.maildir.endswith("/xandros/")
    assert b"catch-all @whopper.nu" in response.content
    assert b'class="maildir"' in response.content


def test_an_unknown_address_is_rejected_at_rcpt(guide_data):
    client = client_for(staff("root", superuser=True))
    response = client.get("/audit/trace/", {"address": "nobody@blobber.org"})
    assert response.context["result"].smtp_code == 550
    assert b"550" in response.content


def test_an_invalid_address_is_a_form_error(su_client):
    response = su_client.get("/audit/trace/", {"address": "not an address"})
    assert response.status_code == 200
    assert "result" not in response.context
    assert response.context["form"].errors


def test_a_domain_admin_cannot_trace_another_domain(a_client):
    assert a_client.get("/audit/trace/", {"address": "mary@other.org"}).status_code == 404
    assert a_client.get("/audit/trace/", {"address": "x@unknown.net"}).status_code == 404


def test_a_domain_admin_does_not_see_the_inside_of_another_domain(a_client, two_domains):
    alias_services.create_alias("info@example.org", "info@other.org", actor=ACTOR)
    services.set_domain_enabled("other.org", True, actor=ACTOR)
    alias_services.set_alias_enabled("info@other.org", True, actor=ACTOR)
    response = a_client.get("/audit/trace/", {"address": "info@example.org"})
    assert response.status_code == 200
    assert b"mary@other.org" not in response.content
    assert b"(an address in other.org)" in response.content
    assert b"steps in a domain you do not administer" in response.content
