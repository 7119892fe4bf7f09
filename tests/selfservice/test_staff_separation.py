"""End users and staff never cross: a mailbox session opens no staff page, a mail password
opens no staff session."""

import re

import pytest
from django.contrib.auth import SESSION_KEY as STAFF_SESSION_KEY
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver

from tests.selfservice.conftest import ADDRESS, PASSWORD

SAMPLES = {"int": "1", "str": "example.org", "slug": "example", "path": "example.org/x"}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + route, inner)
        elif isinstance(entry, URLPattern):
            yield prefix + route, entry.callback, namespace


def _sample(route: str) -> str:
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "x"), route)
    return "/" + route.lstrip("^").rstrip("$")


def staff_urls() -> list[str]:
    urls = []
    for route, callback, namespace in _walk(get_resolver().url_patterns):
        if namespace == "selfservice" or not getattr(callback, "login_required", True):
            continue  # the mailbox's own pages, and public pages such as the staff login
        urls.append(_sample(route))
    return sorted(set(urls))


def test_the_walk_finds_the_staff_pages():
    assert "/" in staff_urls()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_mailbox_session_opens_no_staff_page(mailbox_client, method):
    for url in staff_urls():
        response = getattr(mailbox_client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/login/"), url


def test_staff_decorators_look_at_the_staff_user_only(mailbox_client):
    response = mailbox_client.get("/")
    assert not response.wsgi_request.user.is_authenticated


def test_the_staff_login_refuses_a_mail_password(client, mailbox):
    response = client.post("/login/", {"username": ADDRESS, "password": PASSWORD})
    assert response.status_code == 200
    assert STAFF_SESSION_KEY not in client.session


def test_the_staff_login_refuses_a_mail_password_even_for_a_same_named_staff_user(client, mailbox):
    User.objects.create_user(ADDRESS, password="Staff-password-9", is_staff=True)
    response = client.post("/login/", {"username": ADDRESS, "password": PASSWORD})
    assert response.status_code == 200
    assert STAFF_SESSION_KEY not in client.session
    assert client.get("/").status_code == 302


def test_a_staff_user_is_not_a_mailbox_owner(client, mailbox):
    staff = User.objects.create_user(ADDRESS, password="Staff-password-9", is_staff=True)
    client.force_login(staff)
    assert client.get("/").status_code == 200
    assert client.get("/account/").status_code == 302
    response = client.post("/account/login/", {"address": ADDRESS, "password": "Staff-password-9"})
    assert response.context["form"].non_field_errors() == ["Unknown address or wrong password."]
