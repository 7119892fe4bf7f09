from aliases.models import Alias
from audit.models import AuditEntry
from domains.models import Domain


def post(client, **data):
    return client.post("/domains/add/", {"transport": "virtual:", "enabled": "on", **data})


def test_a_superuser_adds_a_domain_and_is_sent_to_its_page(su_client):
    response = post(su_client, name="New.ORG")
    assert response.status_code == 302
    assert response.url == "/domains/new.org/"
    assert Domain.objects.get(domain="new.org").enabled
    assert AuditEntry.objects.filter(action="create", object_id="new.org").exists()
    assert "Domain new.org created." in su_client.get(response.url).content.decode()


def test_an_international_name_is_stored_as_punycode_and_shown_in_unicode(su_client):
    response = post(su_client, name="Bücher.example")
    assert response.url == "/domains/xn--bcher-kva.example/"
    page = su_client.get(response.url).content.decode()
    assert "bücher.example" in page


def test_postmaster_and_abuse_can_point_to_a_chosen_mailbox(su_client):
    post(su_client, name="new.org", rfc2142_mailbox="John@Example.org")
    rows = dict(Alias.objects.filter(domain_name="new.org").values_list("mail", "destination"))
    assert rows == {"postmaster@new.org": "john@example.org", "abuse@new.org": "john@example.org"}


def test_an_unknown_mailbox_for_postmaster_is_refused_and_nothing_is_saved(su_client):
    response = post(su_client, name="new.org", rfc2142_mailbox="nobody@example.org")
    assert response.status_code == 200
    assert (
        "There is no mailbox nobody@example.org."
        in response.context["form"].errors["rfc2142_mailbox"][0]
    )
    assert not Domain.objects.filter(domain="new.org").exists()


def test_a_domain_already_hosted_gets_a_message_beside_the_name(su_client):
    response = post(su_client, name="EXAMPLE.org")
    assert response.context["form"].errors["name"] == ["Domain example.org already exists."]


def test_a_bad_transport_is_refused(su_client):
    response = post(su_client, name="new.org", transport="virtual: ; rm")
    assert "transport" in response.context["form"].errors
    assert not Domain.objects.filter(domain="new.org").exists()


def test_the_form_offers_the_rfc2142_aliases(su_client):
    html = su_client.get("/domains/add/").content.decode()
    assert "postmaster@ and abuse@ deliver to" in html
