"""403, 404, 429 and 500 pages: in the panel's layout, with a way back that suits who is
logged in; an expected 403 is one log line, not a traceback."""

import logging

import pytest
from django.db.models.query import QuerySet
from django.test import Client, RequestFactory

from mailadmin.errors import server_error
from tests.panel.conftest import MAIL_PASSWORD, PASSWORD, client_for

ROLES = ["anonymous", "mailbox", "non_staff", "admin_b", "admin_a", "superuser"]
DASHBOARD = ('href="/"', "Back to the dashboard")
MAILBOX = ('href="/account/"', "Back to your mailbox")
MAILBOX_LOGIN = ('href="/account/login/"', "Mailbox owners&#x27; login")
STAFF_LOGIN = ('href="/login/"', "Postmaster login")
WAY_BACK = {
    "anonymous": [STAFF_LOGIN, MAILBOX_LOGIN],
    "mailbox": [MAILBOX],
    "non_staff": [MAILBOX_LOGIN],
    "admin_b": [DASHBOARD],
    "admin_a": [DASHBOARD],
    "superuser": [DASHBOARD],
}


@pytest.fixture
def clients(superuser, admin_a, admin_b, end_user) -> dict[str, Client]:
    mailbox = Client()
    response = mailbox.post(
        "/account/login/", {"address": "john@example.org", "password": MAIL_PASSWORD}
    )
    assert response.status_code == 302
    return {
        "anonymous": Client(),
        "mailbox": mailbox,
        "non_staff": client_for(end_user),
        "admin_b": client_for(admin_b),
        "admin_a": client_for(admin_a),
        "superuser": client_for(superuser),
    }


def way_back(html: str) -> str:
    start = html.index('id="way-back"')
    return html[start : html.index("</p>", start)]


def assert_panel_page(response, template: str, status: int, role: str) -> str:
    assert response.status_code == status
    names = [t.name for t in response.templates]
    assert template in names and "error.html" in names and "base.html" in names
    html = response.content.decode()
    assert 'class="navbar navbar-expand-lg' in html
    assert "/static/bootstrap/css/bootstrap.min.css" in html
    links = way_back(html)
    for href, label in WAY_BACK[role]:
        assert href in links and label in links, (role, links)
    if role in ("anonymous", "mailbox", "non_staff"):
        assert 'href="/"' not in links  # the dashboard would refuse them
    return html


@pytest.mark.parametrize("role", ROLES)
def test_an_unknown_page_is_a_404_in_the_layout_with_a_way_back(clients, role):
    html = assert_panel_page(clients[role].get("/no/such/page/"), "404.html", 404, role)
    assert "Not found" in html


@pytest.mark.parametrize("role", ["admin_b", "admin_a", "superuser"])
def test_an_object_that_is_not_there_or_not_yours_is_the_same_404(clients, role):
    for url in ("/domains/nowhere.org/", "/domains/mailboxes/nobody@example.org/"):
        html = assert_panel_page(clients[role].get(url), "404.html", 404, role)
    other = clients[role].get("/domains/other.org/")
    if role == "admin_a":
        html = assert_panel_page(other, "404.html", 404, role)
        assert "belongs to a domain you do not administer" in html
    else:
        assert other.status_code == 200


def test_the_mailbox_owners_404_leads_home_to_the_self_service_page(clients):
    html = assert_panel_page(
        clients["mailbox"].get("/account/nothing/"), "404.html", 404, "mailbox"
    )
    assert '<a class="navbar-brand" href="/account/">' in html


def test_a_non_staff_account_gets_a_403_in_the_layout(clients):
    for url in ("/", "/domains/", "/admins/"):
        response = clients["non_staff"].get(url)
        html = assert_panel_page(response, "403.html", 403, "non_staff")
        assert "eve is not a staff account" in html


@pytest.mark.parametrize("role", ["admin_a", "admin_b"])
def test_a_domain_admin_on_a_superuser_page_gets_a_403_with_the_dashboard(clients, role):
    for url in ("/admins/", "/domains/add/", "/bulk/"):
        html = assert_panel_page(clients[role].get(url), "403.html", 403, role)
        assert "for superusers only" in html


def test_a_superuser_never_sees_the_403(clients):
    assert clients["superuser"].get("/admins/").status_code == 200


def test_an_expected_403_is_one_log_line_without_a_traceback(clients, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert clients["admin_a"].get("/admins/").status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /admins/"
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_a_real_error_keeps_its_traceback(clients, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("bug")

    monkeypatch.setattr(QuerySet, "aggregate", broken)
    client = clients["admin_a"]
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert client.get("/").status_code == 500
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info and isinstance(record.exc_info[1], ValueError)


@pytest.mark.urls("tests.panel.error_urls")
@pytest.mark.parametrize("role", ["admin_a", "superuser", "non_staff"])
def test_a_rate_limited_view_answers_429_in_the_layout(clients, role, caplog):
    client = clients[role]
    assert client.get("/limited/").status_code == 200
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/limited/")
    html = assert_panel_page(response, "429.html", 429, role)
    assert "Too many attempts" in html
    assert all(r.exc_info is None for r in caplog.records if r.name == "django.request")


def test_the_staff_login_lockout_is_a_429_in_the_layout(admin_a, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/login/", {"username": "alice", "password": "wrong"})
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    names = [t.name for t in response.templates]
    assert {"registration/locked_out.html", "429.html", "error.html", "base.html"} <= set(names)
    html = response.content.decode()
    assert "Too many failed logins" in html and "(429)" in html
    assert 'href="/account/"' in way_back(html)


def test_the_500_page_needs_neither_the_database_nor_the_request():
    """No `db` fixture: a query here would fail the test."""
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert 'class="navbar navbar-expand-lg' in html
    assert "/static/css/mailadmin.css" in html
    links = way_back(html)
    assert 'href="/"' in links and 'href="/account/"' in links
    assert "Log out" not in html  # nobody is known to be logged in


def test_a_500_from_a_request_is_that_page(clients, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("bug")

    monkeypatch.setattr("mailadmin.views.recent_changes", broken)
    client = clients["superuser"]
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "(500)" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/domains/mailboxes/?domain=example.org",
        "/domains/mailboxes/?domain=EXAMPLE.org",
        "/domains/mailboxes/?domain=example.org&state=enabled&q=john",
        "/audit/?domain=example.org",
        "/audit/history/?domain=example.org",
        "/audit/findings/?domain=example.org",
    ],
)
def test_another_domains_filter_is_the_same_404_on_every_list(clients, url):
    html = assert_panel_page(clients["admin_b"].get(url), "404.html", 404, "admin_b")
    assert "john@example.org" not in html
    assert clients["admin_b"].get(url.replace("example.org", "nowhere.org")).status_code == 404
    assert clients["admin_a"].get(url).status_code == 200
    assert clients["superuser"].get(url).status_code == 200


def test_the_mailbox_list_filter_still_lists_the_domain(clients):
    response = clients["admin_a"].get("/domains/mailboxes/?domain=Example.ORG")
    assert [m.address for m in response.context["listing"].rows] == ["john@example.org"]
    assert response.context["domain_name"] == "example.org"
    assert clients["admin_a"].get("/domains/mailboxes/?domain=").status_code == 200
    assert clients["superuser"].get("/domains/mailboxes/?domain=a..b").status_code == 404
