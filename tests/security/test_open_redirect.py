"""Open redirect via `next`: staff login, self-service login, the 2FA code page, logout."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.security.conftest import MAIL_PASSWORD, PASSWORD
from tests.security.test_two_factor import enrol, password_login, totp_code

HOSTILE_NEXT = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " //evil.example",
    "\t//evil.example",
    "/%2F%2Fevil.example",
    "https://127.0.0.1@evil.example/",
    "https://testserver.evil.example/",
    "//testserver@evil.example",
]


def assert_stays_here(location: str) -> None:
    """A path on this host: no scheme, no host, nothing a browser reads as `//host`."""
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc, location
    assert location.startswith("/"), location
    assert not location.startswith(("//", "/\\")), location


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_the_staff_login_ignores_a_foreign_next(superuser, target):
    response = Client().post("/login/", {"username": "root", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert_stays_here(response.url)


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_the_staff_login_ignores_a_foreign_next_in_the_query(superuser, target):
    from urllib.parse import quote

    response = Client().post(
        f"/login/?next={quote(target)}", {"username": "root", "password": PASSWORD}
    )
    assert_stays_here(response.url)


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_the_mailbox_login_ignores_a_foreign_next(mail_data, target):
    from django.core.cache import cache

    cache.clear()
    response = Client().post(
        "/account/login/",
        {"address": "john@example.org", "password": MAIL_PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response.url == "/account/"


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_the_login_page_does_not_echo_a_foreign_next_into_its_form(mail_data, target):
    from urllib.parse import quote

    html = Client().get(f"/account/login/?next={quote(target)}").content.decode()
    assert "evil.example" not in html


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_the_two_factor_page_ignores_a_foreign_next(a_client, target):
    device = enrol(a_client)
    client = password_login("alice")
    response = client.post(
        "/2fa/verify/", {"token": totp_code(device.key, offset=1), "next": target}
    )
    assert response.status_code == 302
    assert_stays_here(response.url)


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_the_logout_ignores_a_foreign_next(su_client, target):
    response = su_client.post("/logout/", {"next": target})
    assert response.status_code == 302
    assert_stays_here(response.url)


def test_a_local_next_is_honoured(superuser):
    response = Client().post(
        "/login/", {"username": "root", "password": PASSWORD, "next": "/aliases/?q=x"}
    )
    assert response.url == "/aliases/?q=x"
