"""Hostile input on every panel form: a message beside a field, nothing saved, never a 500."""

import pytest

from tests.panel.conftest import MAIL_PASSWORD
from tests.panel.test_permission_matrix import snapshot

HOSTILE = [
    "",
    " ",
    "a" * 300,
    "x" * 121 + "@example.org",
    "<script>alert(1)</script>",
    "\x00",
    "a\nb@example.org",
    "john@example.org\r\nBcc: x@y.z",
    "'; DROP TABLE users; --",
    "@",
    "@@example.org",
    "ü" * 70 + ".org",
    "xn--zz.org",
    "-bad-.org",
    "example..org",
    "%00@example.org",
    "=cmd|' /C calc'!A0",
]

FORMS = [
    ("/domains/add/", "name", {"transport": "virtual:"}),
    ("/domains/add/", "transport", {"name": "fine.org"}),
    ("/domains/add/", "rfc2142_mailbox", {"name": "fine.org", "transport": "virtual:"}),
    ("/domains/example.org/edit/", "transport", {}),
    (
        "/domains/example.org/mailboxes/add/",
        "local_part",
        {"password1": MAIL_PASSWORD, "password2": MAIL_PASSWORD},
    ),
    (
        "/domains/example.org/mailboxes/add/",
        "quota",
        {"local_part": "anna", "password1": MAIL_PASSWORD, "password2": MAIL_PASSWORD},
    ),
    ("/domains/mailboxes/john@example.org/", "quota", {}),
    ("/aliases/add/?kind=forward", "source", {"destinations": "x@gmail.com"}),
    ("/aliases/add/?kind=forward", "destinations", {"source": "team@example.org"}),
    ("/aliases/add/?kind=catch-all", "source", {"destinations": "x@gmail.com"}),
    ("/aliases/add/?kind=catch-all", "destinations", {"source": "example.org"}),
    ("/aliases/add/?kind=domain-alias", "destinations", {"source": "example.org"}),
    ("/aliases/sales@example.org/", "destinations", {}),
    ("/admins/add/", "username", {"password1": "Carol-Pass-1234", "password2": "Carol-Pass-1234"}),
]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize(("url", "field", "data"), FORMS, ids=[f"{u} {f}" for u, f, _ in FORMS])
def test_hostile_input_gets_a_message_or_a_clean_save_never_a_500(
    su_client, url, field, data, value
):
    """Some values are acceptable for some fields (an empty quota is unlimited); those save."""
    before = snapshot()
    response = su_client.post(url, data | {field: value})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        # a field message, or (for a valid but dead-end address) the confirmation box
        assert {field, "confirm"} & set(response.context["form"].errors)
        assert snapshot() == before
    page = su_client.get(response.url).content if response.status_code == 302 else response.content
    assert b"<script>alert(1)</script>" not in page


@pytest.mark.parametrize(
    ("url", "field", "data"),
    [
        ("/domains/add/", "name", {"transport": "virtual:"}),
        (
            "/domains/example.org/mailboxes/add/",
            "local_part",
            {"password1": MAIL_PASSWORD, "password2": MAIL_PASSWORD},
        ),
        ("/aliases/add/?kind=forward", "source", {"destinations": "x@gmail.com"}),
        ("/aliases/add/?kind=forward", "destinations", {"source": "team@example.org"}),
    ],
)
@pytest.mark.parametrize(
    "value", [v for v in HOSTILE if v not in ("xn--zz.org", "%00@example.org", "-bad-.org")]
)
def test_hostile_names_and_addresses_are_refused(su_client, url, field, data, value):
    before = snapshot()
    response = su_client.post(url, data | {field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert snapshot() == before


@pytest.mark.parametrize(
    "url",
    [
        "/domains/%00/",
        "/domains/" + "a" * 500 + "/",
        "/domains/mailboxes/%3Cscript%3E/",
        "/aliases/@@/",
        "/aliases/" + "x" * 300 + "@example.org/",
        "/admins/99999999999999999999/",
    ],
)
def test_hostile_urls_are_404s(su_client, url):
    assert su_client.get(url).status_code == 404
