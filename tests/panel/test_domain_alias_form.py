"""The domain-alias form: nothing that reroutes a domain is preselected, and the form says
in words what a save will do."""

import re

import pytest

from aliases.models import Alias
from domains import services
from tests.conftest import ACTOR
from tests.panel.conftest import client_for

URL = "/aliases/add/?kind=domain-alias"
GENERIC = "Mail for anything@alias.tld will go to the same address at target.tld."


def select(html: str, name: str) -> str:
    return re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)


def selected_options(html: str, name: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"[^>]* selected', select(html, name))


def errors(response) -> dict:
    assert response.status_code == 200
    return response.context["form"].errors


@pytest.mark.parametrize("query", ["", "&domain=example.org", "&domain=other.org"])
def test_neither_domain_is_preselected(su_client, query):
    response = su_client.get(URL + query)
    form = response.context["form"]
    for name in ("source", "destinations"):
        assert form.fields[name].choices[0] == ("", "— choose —")
        assert form.fields[name].required
        assert not form[name].value()
        assert selected_options(response.content.decode(), name) == [""]


def test_the_form_says_what_will_happen(su_client):
    html = su_client.get(URL).content.decode()
    assert GENERIC in html
    assert "backscatter" in html


def test_coming_from_a_domain_page_the_form_says_both_ways_for_that_domain(su_client):
    html = su_client.get(URL + "&domain=example.org").content.decode()
    assert "For example.org: choose it here to send its mail to another domain" in html
    assert "For " not in su_client.get(URL + "&domain=nowhere.org").content.decode()


def test_save_without_a_choice_changes_nothing(su_client):
    before = list(Alias.objects.values_list("mail", "destination"))
    for data in ({"enabled": "on"}, {"destinations": "other.org", "enabled": "on"}):
        form_errors = errors(su_client.post(URL + "&domain=example.org", data))
        assert "source" in form_errors
    assert "destinations" in errors(su_client.post(URL, {"source": "other.org"}))
    assert list(Alias.objects.values_list("mail", "destination")) == before


def test_after_a_choice_the_form_names_the_chosen_domains(su_client):
    services.create_domain("bücher.example", actor=ACTOR)
    # @example.org is taken (its catch-all): the form comes back with both choices kept
    response = su_client.post(
        URL, {"source": "example.org", "destinations": "xn--bcher-kva.example"}
    )
    assert "source" in errors(response)
    html = response.content.decode()
    assert "Mail for anything@example.org will go to the same address at bücher.example." in html
    assert selected_options(html, "source") == ["example.org"]
    assert selected_options(html, "destinations") == ["xn--bcher-kva.example"]


def test_a_chosen_name_is_escaped_in_the_sentence(su_client):
    response = su_client.post(URL, {"source": "<b>x", "destinations": "other.org"})
    assert "source" in errors(response)
    html = response.content.decode()
    assert "<b>x" not in html
    assert "Mail for anything@alias.tld will go to the same address at other.org." in html


def test_both_chosen_the_domain_alias_is_saved(su_client):
    services.create_domain("alias.test", actor=ACTOR)
    response = su_client.post(URL, {"source": "alias.test", "destinations": "other.org"})
    assert response.status_code == 302
    assert Alias.objects.get(mail="@alias.test").destination == "@other.org"


def test_a_domain_admin_chooses_among_its_own_domains_only(admin_b, b_client):
    # another domain's name in ?domain= is the lists' 404, as on every list
    assert b_client.get(URL + "&domain=example.org").status_code == 404
    form = b_client.get(URL).context["form"]
    assert form.fields["source"].choices == [("", "— choose —"), ("other.org", "other.org")]
    html = b_client.get(URL + "&domain=other.org").content.decode()
    for name in ("source", "destinations"):
        assert "example.org" not in select(html, name)
    response = b_client.post(URL, {"source": "example.org", "destinations": "other.org"})
    assert "source" in errors(response)
    assert not Alias.objects.filter(destination="@other.org").exists()


@pytest.mark.parametrize("role", ["anonymous", "end_user"])
def test_the_wrong_role_gets_no_form(mail_data, end_user, role):
    client = client_for(None if role == "anonymous" else end_user)
    response = client.get(URL + "&domain=example.org")
    if role == "anonymous":
        assert response.status_code == 302 and response.url.startswith("/login/")
    else:
        assert response.status_code == 403
    post = client.post(URL, {"source": "example.org", "destinations": "other.org"})
    assert post.status_code in (302, 403)
    assert not Alias.objects.filter(mail="@example.org", destination="@other.org").exists()
