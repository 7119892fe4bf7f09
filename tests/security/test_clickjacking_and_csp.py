"""No page can be framed, and every page runs under a CSP without inline script or style.

The policy (django-csp): default-src 'self'; script-src 'self'; style-src 'self';
img-src 'self' data:; frame-ancestors 'none'; form-action 'self'. Pages therefore carry
no inline <script>, <style>, style="" or on...="" attributes: JavaScript lives in
static/js/, CSS in static/css/.
"""

import pytest
from django.contrib.staticfiles import finders
from django.db.utils import OperationalError

from tests.security.inline import assets, inline_code
from tests.security.routes import ROUTES

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
PAGES = [r for r in ROUTES if r.get]


def policy_of(response) -> dict:
    header = response["Content-Security-Policy"]
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in header.split(";") if part.strip()
    )


def check_page(response) -> None:
    assert response["X-Frame-Options"] == "DENY"
    assert policy_of(response) == POLICY
    if response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
        assert inline_code(html) == []
        for url in assets(html):
            assert url.startswith("/static/")
            assert finders.find(url.removeprefix("/static/")), url


def test_the_policy_has_no_unsafe_source(client, db):
    header = client.get("/login/")["Content-Security-Policy"]
    assert "unsafe" not in header
    assert "*" not in header


@pytest.mark.parametrize("route", PAGES, ids=[r.name for r in PAGES])
def test_every_page_is_unframeable_and_free_of_inline_code(role_clients, admin_a, route):
    response = role_clients[route.who].get(route.url.format(alice=admin_a.pk))
    assert response.status_code == route.get_status
    check_page(response)


@pytest.mark.parametrize(
    "url",
    [
        "/domains/example.org/?m_q=john&a_q=sales&a_sort=-mail",
        "/aliases/add/?kind=catch-all&domain=example.org",
        "/aliases/add/?kind=domain-alias",
        "/aliases/@example.org/",
        "/aliases/john@example.org/",
        "/domains/mailboxes/?state=disabled&sort=-address",
        "/audit/trace/?address=nobody@example.org",
        "/audit/findings/",
        "/audit/history/",
    ],
)
def test_other_page_states_are_free_of_inline_code(su_client, url):
    check_page(su_client.get(url))


def test_usage_bars_are_free_of_inline_code(su_client):
    from django.utils import timezone

    from domains.models import Mailbox
    from usage.models import MailboxUsage

    Mailbox.objects.filter(address="john@example.org").update(quota="1048576S")
    MailboxUsage.objects.create(
        mailbox_id="john@example.org",
        bytes=900_000,
        messages=3,
        source="walk",
        fill=858,
        measured_at=timezone.now(),
    )
    for url in (
        "/domains/mailboxes/",
        "/domains/mailboxes/john@example.org/",
        "/domains/example.org/",
    ):
        check_page(su_client.get(url))


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/domains/add/", {"name": "bad domain", "transport": ""}),
        (
            "/aliases/add/?kind=forward",
            {"source": "x@example.org", "destinations": "nobody@other.org"},
        ),
        ("/domains/mailboxes/john@example.org/password/", {"password1": "a", "password2": "b"}),
        ("/2fa/", {"token": "12"}),
    ],
)
def test_pages_with_form_errors_are_free_of_inline_code(su_client, url, data):
    response = su_client.post(url, data)
    assert response.status_code == 200
    check_page(response)


def test_the_login_pages_are_free_of_inline_code(client, db):
    for url in ("/login/", "/account/login/"):
        check_page(client.get(url))


def test_the_503_page_is_free_of_inline_code(su_client, monkeypatch):
    def gone(*args, **kwargs):
        raise OperationalError(2006, "MySQL server has gone away")

    monkeypatch.setattr("mailadmin.views.recent_changes", gone)
    su_client.raise_request_exception = False
    response = su_client.get("/")
    assert response.status_code == 503
    check_page(response)


def test_the_500_page_is_free_of_inline_code(su_client, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("bug")

    monkeypatch.setattr("mailadmin.views.recent_changes", broken)
    su_client.raise_request_exception = False
    response = su_client.get("/")
    assert response.status_code == 500
    check_page(response)


def test_the_finder_catches_what_the_policy_blocks():
    html = (
        '<script>alert(1)</script><div style="color:red"></div><a onclick="x()">'
        '<a href="javascript:alert(1)"><style>p{}</style><script src="/static/a.js"></script>'
    )
    assert len(inline_code(html)) == 5
