"""Stored and reflected XSS: every echoed field is escaped, on every page that shows it.

Hostile rows are written straight into the tables (an adopted database can hold anything
the services would refuse), then every page that lists or shows them is fetched: no
payload comes back unescaped, and no page gains inline script or event handlers.
Reflected input (search, filters, form errors, `next`) is checked the same way.
"""

import csv
import io

import pytest
from django.contrib.auth.models import User

from accounts.models import DomainAssignment
from aliases.models import Alias
from audit.services import Actor, record
from domains import services
from domains.models import Domain, Mailbox
from tests.security.conftest import MAIL_PASSWORD, client_for, mailbox_client
from tests.security.inline import inline_code

SCRIPT = '<script>alert("{}")</script>'
IMG = '"><img src=x onerror=alert("{}")>'
SVG = "'><svg/onload=alert('{}')>"
PAYLOADS = [SCRIPT, IMG, SVG]


def hostile(tag: str, n: int = 0) -> str:
    return PAYLOADS[n % 3].format(tag)


@pytest.fixture
def hostile_rows(mail_data, admin_a):
    """Hostile text in every field the panel echoes, as an adopted database might hold it."""
    Domain.objects.create(domain=f"evil{hostile('domain')}.org")
    services.create_mailbox("victim@example.org", MAIL_PASSWORD, actor=Actor("t"))
    Mailbox.objects.filter(address="victim@example.org").update(
        name=hostile("name", 0), quota=hostile("quota", 1)
    )
    Mailbox.objects.create(
        address=f"x{hostile('address', 2)}@example.org", crypt="x", maildir=hostile("maildir")
    )
    Alias.objects.create(mail=f"{hostile('source', 1)}@example.org", destination=hostile("dest"))
    Alias.objects.create(
        mail="fwd@example.org", destination=f"victim@example.org,{hostile('dest2', 1)}"
    )
    Alias.objects.create(mail="@evil.example.org", destination=hostile("catchall", 2))
    record(
        Actor(hostile("actor")),
        "update",
        "mailbox",
        hostile("object", 1),
        domain="example.org",
        before={"name": hostile("before", 2)},
        after={"name": hostile("after")},
        message=hostile("message", 1),
    )
    user = User.objects.create_user(hostile("username"), email="a@b.c", is_staff=True)
    DomainAssignment.objects.create(user=user, domain=services.get_domain("example.org"))


def assert_escaped(response) -> None:
    html = response.content.decode()
    for payload in PAYLOADS:
        marker = payload.split("{}")[0]
        assert marker not in html, (response.request["PATH_INFO"], marker)
    assert inline_code(html) == []


STAFF_PAGES = [
    "/",
    "/domains/",
    "/domains/?q=evil",
    "/domains/example.org/",
    "/domains/mailboxes/",
    "/domains/mailboxes/victim@example.org/",
    "/domains/mailboxes/victim@example.org/delete/",
    "/aliases/",
    "/aliases/fwd@example.org/",
    "/aliases/fwd@example.org/delete/",
    "/audit/",
    "/audit/findings/",
    "/audit/history/",
    "/audit/trace/?address=fwd@example.org",
    "/audit/trace/?address=x@evil.example.org",
    "/admins/",
]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_stored_payloads_are_escaped_for_the_superuser(hostile_rows, su_client, url):
    response = su_client.get(url)
    assert response.status_code == 200
    assert_escaped(response)


@pytest.mark.parametrize("url", [u for u in STAFF_PAGES if u != "/admins/"])
def test_stored_payloads_are_escaped_for_a_domain_admin(hostile_rows, admin_a, url):
    response = client_for(admin_a).get(url)
    assert response.status_code in (200, 404)
    assert_escaped(response)


def test_the_history_page_escapes_before_and_after_values(hostile_rows, su_client):
    html = su_client.get("/audit/history/").content.decode()
    assert "&lt;svg/onload=alert(&#x27;before&#x27;)&gt;" in html
    assert "&lt;script&gt;alert(&quot;after&quot;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&quot;actor&quot;)&lt;/script&gt;" in html


def test_stored_payloads_are_escaped_in_self_service(hostile_rows):
    Alias.objects.filter(mail="fwd@example.org").update(destination="victim@example.org")
    client = mailbox_client("victim@example.org", MAIL_PASSWORD)
    for url in ("/account/", "/account/password/"):
        response = client.get(url)
        assert response.status_code == 200
        assert_escaped(response)


@pytest.mark.parametrize("url", ["/audit/aliases.csv", "/audit/history.csv"])
def test_csv_downloads_are_not_html_and_neutralise_formulas(hostile_rows, su_client, url):
    Alias.objects.create(mail='=HYPERLINK("http://x")@example.org', destination="+1-2@x.org")
    response = su_client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    assert response["X-Content-Type-Options"] == "nosniff"
    text = b"".join(response.streaming_content).decode()
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell


REFLECTED = [
    "/domains/?q={}",
    "/domains/?state={}&sort={}",
    "/domains/example.org/?m_q={}&a_q={}&a_sort={}",
    "/domains/mailboxes/?q={}&domain=example.org",
    "/aliases/?q={}&kind={}",
    "/aliases/add/?kind=catch-all&domain={}",
    "/audit/?q={}&kind={}&state={}",
    "/audit/findings/?level={}",
    "/audit/trace/?address={}",
    "/audit/history/?q={}&actor={}",
    "/login/?next={}",
    "/account/login/?next={}",
    "/2fa/?next={}",
]


@pytest.mark.parametrize("url", REFLECTED)
@pytest.mark.parametrize("n", range(3))
def test_reflected_query_parameters_are_escaped(su_client, url, n):
    from urllib.parse import quote

    response = su_client.get(url.format(*[quote(hostile("q", n))] * url.count("{}")))
    assert response.status_code in (200, 302, 404)
    assert_escaped(response)


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/domains/add/", {"name": hostile("name"), "transport": hostile("t", 1)}),
        ("/domains/add/", {"name": "ok.org", "rfc2142_mailbox": hostile("mb", 2)}),
        (
            "/domains/example.org/mailboxes/add/",
            {"local_part": hostile("lp"), "quota": hostile("quota", 1)},
        ),
        ("/domains/mailboxes/john@example.org/", {"name": "x" * 200, "quota": hostile("q", 2)}),
        ("/aliases/add/?kind=forward", {"source": hostile("src"), "destinations": hostile("d", 1)}),
        ("/aliases/add/?kind=catch-all", {"source": hostile("src", 2), "destinations": "a@b.org"}),
        ("/aliases/sales@example.org/", {"destinations": hostile("dest", 1)}),
        ("/admins/add/", {"username": hostile("user"), "email": hostile("mail", 1)}),
        ("/audit/trace/", {"address": hostile("addr")}),
    ],
)
def test_form_errors_do_not_reflect_input_unescaped(su_client, url, data):
    response = su_client.post(url, data)
    assert response.status_code in (200, 400, 405)
    assert_escaped(response)


def test_the_mailbox_login_form_error_is_escaped(mail_data, client):
    response = client.post("/account/login/", {"address": hostile("a"), "password": "x"})
    assert_escaped(response)
