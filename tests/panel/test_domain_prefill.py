"""Coming from a domain's page, its forms know the domain (`?domain=`); another domain's
name in `?domain=` is the lists' 404 (accounts.access.domain_filter), for every kind."""

import pytest

from aliases.models import Alias
from tests.panel.conftest import client_for

URL = "/aliases/add/"
KINDS = ["forward", "catch-all", "domain-alias"]


def test_the_domain_page_links_every_form_with_its_domain(a_client, mail_data):
    page = a_client.get("/domains/example.org/").content.decode()
    assert "/domains/example.org/mailboxes/add/" in page
    for kind in KINDS:
        assert f"{URL}?kind={kind}&amp;domain=example.org" in page


def test_a_forward_from_a_domain_page_needs_only_the_name(a_client, mail_data):
    page = a_client.get(f"{URL}?kind=forward&domain=example.org").content.decode()
    assert 'placeholder="name@example.org"' in page
    assert "the address is then at example.org" in page
    response = a_client.post(
        f"{URL}?kind=forward&domain=example.org",
        {"source": "team", "destinations": "john@example.org", "enabled": "on"},
    )
    assert response.status_code == 302
    assert Alias.objects.get(mail="team@example.org").destination == "john@example.org"


def test_a_full_address_still_wins_over_the_page_domain(a_client, mail_data):
    response = a_client.post(
        f"{URL}?kind=forward&domain=example.org",
        {"source": "x@other.org", "destinations": "john@example.org", "enabled": "on"},
    )
    assert response.status_code == 200  # other.org is not admin_a's
    assert not Alias.objects.filter(mail="x@other.org").exists()


def test_the_catch_all_form_has_the_page_domain_chosen(a_client, mail_data):
    form = a_client.get(f"{URL}?kind=catch-all&domain=example.org").context["form"]
    assert form["source"].value() == "example.org"


def test_the_domain_alias_form_names_the_page_domain_but_preselects_nothing(a_client, mail_data):
    form = a_client.get(f"{URL}?kind=domain-alias&domain=example.org").context["form"]
    assert "For example.org" in str(form.fields["source"].help_text)
    assert form["source"].value() in (None, "")


def test_the_filtered_lists_link_their_forms_with_the_domain(a_client, mail_data):
    aliases = a_client.get("/aliases/?domain=example.org").content.decode()
    for kind in KINDS:
        assert f"{URL}?kind={kind}&amp;domain=example.org" in aliases
    mailboxes = a_client.get("/domains/mailboxes/?domain=example.org").content.decode()
    assert "/domains/example.org/mailboxes/add/" in mailboxes


@pytest.mark.parametrize("kind", KINDS)
def test_another_domains_name_is_a_404_for_a_domain_admin(a_client, b_client, mail_data, kind):
    assert a_client.get(f"{URL}?kind={kind}&domain=other.org").status_code == 404
    assert a_client.get(f"{URL}?kind={kind}&domain=no-such.example").status_code == 404
    assert a_client.get(f"{URL}?kind={kind}&domain=not%20a%20domain").status_code == 404
    assert b_client.get(f"{URL}?kind={kind}&domain=other.org").status_code == 200


@pytest.mark.parametrize("kind", KINDS)
def test_a_superuser_gets_a_404_only_for_a_domain_not_hosted(su_client, mail_data, kind):
    assert su_client.get(f"{URL}?kind={kind}&domain=other.org").status_code == 200
    assert su_client.get(f"{URL}?kind={kind}&domain=no-such.example").status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_the_wrong_roles_never_see_the_forms(end_user, mail_data, kind):
    for someone in (client_for(None), client_for(end_user)):
        response = someone.get(f"{URL}?kind={kind}&domain=example.org")
        assert response.status_code in (302, 403)
    assert not Alias.objects.filter(mail="team@example.org").exists()
