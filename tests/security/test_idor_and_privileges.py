"""IDOR and privilege escalation between domain admins.

The admin of other.org (bob) asks for every object URL of example.org, by GET and POST:
always 404, nothing written. The admin of example.org (alice) cannot widen her own
rights (assign herself domains, create admins or domains, reach other.org through a form
field) nor remove the protected alias row of a mailbox.
"""

import pytest

from accounts.models import DomainAssignment
from aliases.models import Alias
from domains.models import Domain, Mailbox
from tests.security.conftest import snapshot
from tests.security.routes import ROUTES

SCOPED = [r for r in ROUTES if r.scoped]


def test_every_object_url_of_the_site_is_in_the_scoped_list():
    """A route with a domain, address or alias in it names an object: it must be scoped."""
    objects = {r.name for r in ROUTES if "example.org" in r.url}
    assert objects == {r.name for r in SCOPED}


@pytest.mark.parametrize("route", SCOPED, ids=[r.name for r in SCOPED])
def test_another_domains_admin_gets_404_and_writes_nothing(b_client, route):
    before = snapshot()
    if route.get:
        assert b_client.get(route.url).status_code == 404
    if route.post is not None:
        assert b_client.post(route.url, route.post).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    "url",
    [
        "/domains/mailboxes/JOHN@EXAMPLE.ORG/",
        "/domains/mailboxes/john@example.org./",
        "/domains/mailboxes/john@xn--exmple-cua.org/",
        "/domains/EXAMPLE.org/",
        "/aliases/SALES@example.org/",
        "/aliases/@EXAMPLE.ORG/",
        "/domains/mailboxes/?domain=example.org",
        "/aliases/?domain=example.org",
        "/audit/trace/?address=sales@example.org",
    ],
)
def test_spelling_variants_do_not_slip_past_the_scope(b_client, url):
    response = b_client.get(url)
    # An object page is a 404; a list filtered by someone else's domain is empty or a 404.
    assert response.status_code in ((200, 404) if "?domain=" in url else (404,))
    assert b"john@example.org" not in response.content
    assert b"sales@example.org" not in response.content


def test_the_trace_does_not_reveal_another_domains_route(admin_a, a_client):
    """alice sees her alias's destination (her own data), not what other.org does with it."""
    Alias.objects.filter(mail="sales@example.org").update(destination="mary@other.org")
    html = a_client.get("/audit/trace/?address=sales@example.org").content.decode()
    assert "steps in a domain you do not administer" in html
    assert "other.org/mary/" not in html  # mary's maildir


def test_a_domain_admin_cannot_assign_herself_a_domain(admin_a, a_client):
    other = Domain.objects.get(domain="other.org")
    before = snapshot()
    assert a_client.post(f"/admins/{admin_a.pk}/", {"domains": [other.pk]}).status_code == 403
    assert (
        a_client.post(
            "/admins/add/",
            {
                "username": "mallory",
                "password1": "Mallory-Pass-123",
                "password2": "Mallory-Pass-123",
                "domains": [other.pk],
            },
        ).status_code
        == 403
    )
    assert (
        a_client.post("/domains/add/", {"name": "mine.org", "transport": "virtual:"}).status_code
        == 403
    )
    assert snapshot() == before
    assert list(
        DomainAssignment.objects.filter(user=admin_a).values_list("domain__domain", flat=True)
    ) == ["example.org"]


def test_a_domain_admin_cannot_change_the_domain_row(admin_a, a_client):
    before = snapshot()
    for url in (
        "/domains/example.org/edit/",
        "/domains/example.org/disable/",
        "/domains/example.org/delete/",
    ):
        assert a_client.post(url, {"transport": "smtp:[evil.example]"}).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    ("url", "data"),
    [
        (
            "/aliases/add/?kind=forward",
            {"source": "steal@other.org", "destinations": "x@gmail.com", "enabled": "on"},
        ),
        (
            "/aliases/add/?kind=catch-all",
            {"source": "other.org", "destinations": "x@gmail.com", "enabled": "on"},
        ),
        (
            "/aliases/add/?kind=domain-alias",
            {"source": "other.org", "destinations": "example.org", "enabled": "on"},
        ),
        (
            "/aliases/add/?kind=domain-alias",
            {"source": "example.org", "destinations": "other.org", "enabled": "on"},
        ),
        ("/aliases/sales@example.org/", {"destinations": "@other.org"}),
        (
            "/domains/example.org/mailboxes/add/",
            {
                "local_part": "x@other.org",
                "password1": "Mailbox-Secret-2024",
                "password2": "Mailbox-Secret-2024",
            },
        ),
        (
            "/domains/example.org/mailboxes/add/",
            {
                "local_part": "x",
                "domain": "other.org",
                "password1": "Mailbox-Secret-2024",
                "password2": "Mailbox-Secret-2024",
            },
        ),
    ],
)
def test_a_form_field_cannot_reach_another_domain(admin_a, a_client, url, data):
    a_client.post(url, data)
    assert (
        not Alias.objects.filter(domain_name="other.org")
        .exclude(mail__in=["mary@other.org", "info@other.org"])
        .exists()
    )
    assert (
        not Mailbox.objects.filter(domain_name="other.org")
        .exclude(address="mary@other.org")
        .exists()
    )
    assert Alias.objects.get(mail="sales@example.org").destination == "john@example.org"


def test_a_forward_out_of_another_domains_mailbox_is_impossible(admin_a, a_client):
    """Redirecting mary's mail to alice's own address would read her mail."""
    a_client.post(
        "/aliases/add/?kind=forward",
        {"source": "mary@other.org", "destinations": "john@example.org", "enabled": "on"},
    )
    assert Alias.objects.get(mail="mary@other.org").destination == "mary@other.org"


@pytest.mark.parametrize("client_name", ["a_client", "su_client"])
@pytest.mark.parametrize("verb", ["delete", "disable"])
def test_the_alias_row_of_a_mailbox_cannot_be_removed_or_disabled_alone(request, client_name, verb):
    client = request.getfixturevalue(client_name)
    response = client.post(f"/aliases/john@example.org/{verb}/")
    assert response.status_code == 302
    row = Alias.objects.get(mail="john@example.org")
    assert row.enabled and row.destination == "john@example.org"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("follows its mailbox" in m for m in messages)


def test_a_domain_admin_cannot_use_the_bulk_import(a_client):
    before = snapshot()
    assert a_client.get("/bulk/").status_code == 403
    assert a_client.post("/bulk/import/", {"mode": "update"}).status_code == 403
    assert a_client.post("/bulk/export/").status_code == 403
    assert snapshot() == before


def test_a_deactivated_domain_admin_loses_access_at_once(admin_a, a_client):
    admin_a.is_active = False
    admin_a.save()
    response = a_client.get("/domains/example.org/")
    assert response.status_code == 302 and response.url.startswith("/login/")
