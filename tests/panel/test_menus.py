"""The navigation bar's menus, rendered once per language and role (mailadmin.templatetags.menus):
each request still gets its own role's links, language, username and CSRF token."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import DomainAssignment
from domains.models import Domain


def client_for(user: User, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


@pytest.fixture
def superuser(db):
    return User.objects.create_user("root<b>", is_staff=True, is_superuser=True)


@pytest.fixture
def domain_admin(db):
    admin = User.objects.create_user("postmaster", is_staff=True)
    DomainAssignment.objects.create(user=admin, domain=Domain.objects.create(domain="a.example"))
    return admin


def test_each_role_gets_its_own_links_whichever_rendered_first(superuser, domain_admin):
    for _ in range(2):  # the second round is served from the rendered menus
        everything = client_for(superuser).get("/domains/").text
        scoped = client_for(domain_admin).get("/domains/").text
        assert 'href="/admins/"' in everything and 'href="/bulk/"' in everything
        assert 'href="/domains/mailboxes/"' in scoped
        assert 'href="/admins/"' not in scoped and 'href="/bulk/"' not in scoped


def test_the_username_is_each_users_own_and_escaped(superuser, domain_admin):
    assert ">root&lt;b&gt;</a>" in client_for(superuser).get("/domains/").text
    page = client_for(domain_admin).get("/domains/").text
    assert ">postmaster</a>" in page
    assert "root" not in page


def test_each_language_gets_its_own_menu(superuser):
    for _ in range(2):
        assert ">Domaines</a>" in client_for(superuser, "fr").get("/domains/").text
        assert ">Domains</a>" in client_for(superuser, "en").get("/domains/").text
        german = client_for(superuser, "de").get("/domains/").text
        assert (
            'value="de" lang="de" title="Deutsch" class="btn btn-sm text-nowrap btn-light"'
            in german
        )


def test_every_form_of_the_bar_has_this_requests_csrf_token(superuser):
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    tokens = set()
    for _ in range(2):
        page = client.get("/domains/").text
        bar = page[: page.index("</nav>")]
        found = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', bar)
        assert len(found) == 2 and found[0] == found[1]  # log out, language
        tokens.update(found)
    assert len(tokens) == 2  # masked afresh for every request
    answer = client.post("/language/", {"language": "fr", "csrfmiddlewaretoken": found[1]})
    assert answer.status_code == 302
