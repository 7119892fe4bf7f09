"""Every panel URL × every role, with the exact status each must get.

Roles: anonymous, a mailbox owner logged in to self-service, a logged-in user who is not
staff, the admin of other.org (B), the admin of example.org (A) and a superuser. The
objects in the URLs belong to example.org. A GET never changes data; a POST changes data
exactly when it succeeds.
"""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import DomainAssignment
from aliases.models import Alias
from audit.models import AuditEntry
from domains.models import Domain, Mailbox
from tests.panel.conftest import MAIL_PASSWORD, PASSWORD, client_for
from vacation.models import Vacation

ROLES = ["anonymous", "mailbox", "non_staff", "admin_b", "admin_a", "superuser"]

LOGIN = "login"
# Expected status per role, in ROLES order.
STAFF = (LOGIN, LOGIN, 403, 200, 200, 200)  # any staff account
SCOPED = (LOGIN, LOGIN, 403, 404, 200, 200)  # an example.org object
SUPER = (LOGIN, LOGIN, 403, 403, 403, 200)  # superusers only
SUPER_SCOPED = (LOGIN, LOGIN, 403, 404, 403, 200)  # example.org object, superusers only
POST_ONLY = (LOGIN, LOGIN, 403, 405, 405, 405)  # a GET on a state-changing URL
OK = "ok"  # a POST that succeeds: 302 and data written
REFUSED = "refused"  # the form comes back (200) with a message beside the field; nothing written
P_SCOPED = (LOGIN, LOGIN, 403, 404, OK, OK)
P_SUPER = (LOGIN, LOGIN, 403, 403, 403, OK)
P_SUPER_SCOPED = (LOGIN, LOGIN, 403, 404, 403, OK)
P_OWN_DOMAIN = (LOGIN, LOGIN, 403, REFUSED, OK, OK)  # a create page with a domain field

# (route name, URL, expected per role)
URLS = [
    ("dashboard", "/", STAFF),
    ("domains:list", "/domains/", STAFF),
    ("domains:create", "/domains/add/", SUPER),
    ("domains:mailbox_list", "/domains/mailboxes/", STAFF),
    ("domains:detail", "/domains/example.org/", SCOPED),
    ("domains:edit", "/domains/example.org/edit/", SUPER_SCOPED),
    ("domains:enable", "/domains/example.org/enable/", POST_ONLY),
    ("domains:disable", "/domains/example.org/disable/", POST_ONLY),
    ("domains:enable_confirm", "/domains/example.org/enable/confirm/", SUPER_SCOPED),
    ("domains:disable_confirm", "/domains/example.org/disable/confirm/", SUPER_SCOPED),
    ("domains:delete", "/domains/example.org/delete/", SUPER_SCOPED),
    ("domains:mailbox_create", "/domains/example.org/mailboxes/add/", SCOPED),
    ("domains:mailbox", "/domains/mailboxes/john@example.org/", SCOPED),
    ("domains:mailbox_password", "/domains/mailboxes/john@example.org/password/", SCOPED),
    ("domains:mailbox_enable", "/domains/mailboxes/john@example.org/enable/", POST_ONLY),
    ("domains:mailbox_disable", "/domains/mailboxes/john@example.org/disable/", POST_ONLY),
    ("domains:mailbox_bulk", "/domains/mailboxes/bulk/", POST_ONLY),
    (
        "domains:mailbox_enable_confirm",
        "/domains/mailboxes/john@example.org/enable/confirm/",
        SCOPED,
    ),
    (
        "domains:mailbox_disable_confirm",
        "/domains/mailboxes/john@example.org/disable/confirm/",
        SCOPED,
    ),
    ("domains:mailbox_delete", "/domains/mailboxes/john@example.org/delete/", SCOPED),
    ("domains:mailbox_forward", "/domains/mailboxes/john@example.org/forward/", SCOPED),
    ("vacation:mailbox", "/domains/mailboxes/john@example.org/vacation/", SCOPED),
    ("aliases:list", "/aliases/", STAFF),
    ("aliases:create", "/aliases/add/", STAFF),
    ("aliases:create", "/aliases/add/?kind=catch-all", STAFF),
    ("aliases:create", "/aliases/add/?kind=domain-alias", STAFF),
    ("aliases:edit", "/aliases/sales@example.org/", SCOPED),
    ("aliases:edit", "/aliases/@example.org/", SCOPED),
    ("aliases:enable", "/aliases/sales@example.org/enable/", POST_ONLY),
    ("aliases:disable", "/aliases/sales@example.org/disable/", POST_ONLY),
    ("aliases:enable_confirm", "/aliases/sales@example.org/enable/confirm/", SCOPED),
    ("aliases:disable_confirm", "/aliases/sales@example.org/disable/confirm/", SCOPED),
    ("aliases:delete", "/aliases/sales@example.org/delete/", SCOPED),
    ("aliases:bulk", "/aliases/bulk/", POST_ONLY),
    ("accounts:list", "/admins/", SUPER),
    ("accounts:create", "/admins/add/", SUPER),
    ("accounts:edit", "/admins/{alice}/", SUPER),
    ("accounts:password", "/admins/{alice}/password/", SUPER),
    ("accounts:delete", "/admins/{alice}/delete/", SUPER),
    ("password_change", "/password/", STAFF),
]

# State changes posted with valid data: (route, URL, data, expected per role).
POSTS = [
    ("domains:create", "/domains/add/", {"name": "new.org", "transport": "virtual:"}, P_SUPER),
    ("domains:edit", "/domains/example.org/edit/", {"transport": "smtp:"}, P_SUPER_SCOPED),
    ("domains:enable", "/domains/example.org/enable/", {}, P_SUPER_SCOPED),
    ("domains:disable", "/domains/example.org/disable/", {}, P_SUPER_SCOPED),
    ("domains:delete", "/domains/example.org/delete/", {}, P_SUPER_SCOPED),
    (
        "domains:mailbox_create",
        "/domains/example.org/mailboxes/add/",
        {
            "local_part": "new",
            "password1": MAIL_PASSWORD,
            "password2": MAIL_PASSWORD,
            "enabled": "on",
        },
        P_SCOPED,
    ),
    ("domains:mailbox", "/domains/mailboxes/john@example.org/", {"name": "J."}, P_SCOPED),
    (
        "domains:mailbox_password",
        "/domains/mailboxes/john@example.org/password/",
        {"password1": "Another-Secret-99", "password2": "Another-Secret-99"},
        P_SCOPED,
    ),
    ("domains:mailbox_enable", "/domains/mailboxes/john@example.org/enable/", {}, P_SCOPED),
    ("domains:mailbox_disable", "/domains/mailboxes/john@example.org/disable/", {}, P_SCOPED),
    (
        "domains:mailbox_bulk",
        "/domains/mailboxes/bulk/",
        {"action": "disable", "address": "john@example.org", "confirm": "1"},
        P_SCOPED,
    ),
    (
        "domains:mailbox_forward",
        "/domains/mailboxes/john@example.org/forward/",
        {"destinations": "x@gmail.com", "keep_copy": "on"},
        P_SCOPED,
    ),
    (
        "vacation:mailbox",
        "/domains/mailboxes/john@example.org/vacation/",
        {"subject": "Away", "body": "Back on Monday.", "interval_days": "7"},
        P_SCOPED,
    ),
    ("domains:mailbox_delete", "/domains/mailboxes/john@example.org/delete/", {}, P_SCOPED),
    (
        "aliases:create",
        "/aliases/add/?kind=forward",
        {"source": "team@example.org", "destinations": "john@example.org", "enabled": "on"},
        P_OWN_DOMAIN,
    ),
    (
        "aliases:edit",
        "/aliases/sales@example.org/",
        {"destinations": "john@example.org, x@gmail.com"},
        P_SCOPED,
    ),
    ("aliases:enable", "/aliases/sales@example.org/enable/", {}, P_SCOPED),
    ("aliases:disable", "/aliases/sales@example.org/disable/", {}, P_SCOPED),
    (
        "aliases:bulk",
        "/aliases/bulk/",
        {"action": "disable", "source": "sales@example.org", "confirm": "1"},
        P_SCOPED,
    ),
    ("aliases:delete", "/aliases/sales@example.org/delete/", {}, P_SCOPED),
    (
        "accounts:create",
        "/admins/add/",
        {"username": "carol", "password1": "Carol-Pass-1234", "password2": "Carol-Pass-1234"},
        P_SUPER,
    ),
    ("accounts:edit", "/admins/{alice}/", {"active": "on"}, P_SUPER),
    (
        "accounts:password",
        "/admins/{alice}/password/",
        {"password1": "Alice-New-Pass-77", "password2": "Alice-New-Pass-77"},
        P_SUPER,
    ),
    ("accounts:delete", "/admins/{alice}/delete/", {}, P_SUPER),
    (
        "password_change",
        "/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Own-New-Pass-88",
            "new_password2": "Own-New-Pass-88",
        },
        (LOGIN, LOGIN, 403, OK, OK, OK),  # any staff account, its own password
    ),
]


def snapshot() -> dict:
    models = [Domain, Mailbox, Alias, AuditEntry, DomainAssignment, Vacation]
    data = {m.__name__: list(m.objects.order_by("pk").values()) for m in models}
    data["User"] = list(User.objects.order_by("pk").values("username", "password", "is_active"))
    return data


@pytest.fixture
def role_client(request, superuser, admin_a, admin_b, end_user):
    role = request.param
    if role == "mailbox":
        cache.clear()  # the self-service login throttle
        client = client_for(None)
        response = client.post(
            "/account/login/", {"address": "john@example.org", "password": MAIL_PASSWORD}
        )
        assert response.status_code == 302
        return client
    users = {"anonymous": None, "non_staff": end_user, "admin_b": admin_b}
    users |= {"admin_a": admin_a, "superuser": superuser}
    return client_for(users[role])


def _check(response, expected) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith("/login/?next=")
    else:
        assert response.status_code == expected, response.content[:500]


def _cases(table):
    for entry in table:
        for role, expected in zip(ROLES, entry[-1], strict=True):
            yield pytest.param(role, entry, expected, id=f"{entry[1]}-{role}")


@pytest.mark.parametrize(
    ("role_client", "entry", "expected"), list(_cases(URLS)), indirect=["role_client"]
)
def test_every_get_gives_the_exact_status_and_changes_nothing(
    role_client, entry, expected, admin_a
):
    url = entry[1].format(alice=admin_a.pk)
    before = snapshot()
    _check(role_client.get(url), expected)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("role_client", "entry", "expected"), list(_cases(POSTS)), indirect=["role_client"]
)
def test_every_post_gives_the_exact_status_and_writes_only_when_allowed(
    role_client, entry, expected, admin_a
):
    url = entry[1].format(alice=admin_a.pk)
    before = snapshot()
    response = role_client.post(url, entry[2])
    _check(response, {OK: 302, REFUSED: 200}.get(expected, expected))
    assert (snapshot() != before) is (expected == OK)
    if expected == OK:
        assert AuditEntry.objects.count() > len(before["AuditEntry"])


def _route_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _route_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_the_matrix_covers_every_panel_url():
    panel = {
        name
        for name in _route_names(get_resolver().url_patterns)
        if name in ("dashboard", "password_change")
        or name.split(":")[0] in ("domains", "aliases", "accounts")
        or name == "vacation:mailbox"  # staff's page of a mailbox's vacation
    }
    assert panel == {entry[0] for entry in URLS}
    assert {entry[0] for entry in POSTS} == panel - {
        "dashboard",
        "domains:list",
        "domains:mailbox_list",
        "domains:detail",
        "domains:enable_confirm",
        "domains:disable_confirm",
        "domains:mailbox_enable_confirm",
        "domains:mailbox_disable_confirm",
        "aliases:list",
        "aliases:enable_confirm",
        "aliases:disable_confirm",
        "accounts:list",
    }
