"""Every API route × method × role, with the exact status each must get.

Roles (tests/api/conftest.py): anonymous, an end user's self-service session, the token
of other.org's admin (B), a read-only token of example.org's admin, example.org's admin's
token (A), a superuser's token, an expired and a revoked token. The objects belong to
example.org. A read changes nothing; a write changes data exactly when it succeeds, and
then writes an audit entry naming the token.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from aliases.models import Alias
from api.models import ApiToken
from audit.models import AuditEntry
from domains.models import Domain, Mailbox
from limits.models import DomainLimits
from tests.api.conftest import ROLES, client_for_role
from tests.conftest import ACTOR
from vacation import services as vacation
from vacation.models import Vacation

NEW_PASSWORD = "Provisioned-Secret-77"
U = 401  # no valid token (anonymous, a session, expired, revoked)


# Expected per role, in ROLES order (anonymous, mailbox, B, read-only, A, superuser,
# expired, revoked).
def row(b, read_only, a, su):
    return (U, U, b, read_only, a, su, U, U)


PUBLIC = (200,) * 8
READ = row(200, 200, 200, 200)  # a list: every token, its own rows
SCOPED = row(404, 200, 200, 200)  # an example.org object
W_SCOPED = row(404, 403, 200, 200)  # a change to an example.org object
D_SCOPED = row(404, 403, 204, 204)
W_SUPER = row(404, 403, 403, 200)  # superusers only, on an example.org object
D_SUPER = row(404, 403, 403, 204)
C_SUPER = row(403, 403, 403, 201)  # create: superusers only
C_OWN = row(400, 403, 201, 201)  # create in example.org: B's domain is not it
PUT_NEW = row(404, 403, 201, 201)  # PUT creating an example.org object
PATCH_NONE = row(404, 403, 404, 404)  # PATCH of an example.org object that does not exist

MAILBOX = "/api/v1/mailboxes/john@example.org/"
LIMITS = "/api/v1/domains/example.org/limits/"
# (route name, method, URL, body, expected per role)
MATRIX = [
    ("api:schema", "get", "/api/v1/schema/", None, PUBLIC),
    ("api:docs", "get", "/api/v1/docs/", None, PUBLIC),
    ("api:redoc", "get", "/api/v1/redoc/", None, PUBLIC),
    ("api:domains", "get", "/api/v1/domains/", None, READ),
    ("api:domains", "post", "/api/v1/domains/", {"domain": "new.org"}, C_SUPER),
    ("api:domain", "get", "/api/v1/domains/example.org/", None, SCOPED),
    ("api:domain", "put", "/api/v1/domains/example.org/", {"transport": "smtp:"}, W_SUPER),
    ("api:domain", "patch", "/api/v1/domains/example.org/", {"enabled": False}, W_SUPER),
    ("api:domain", "delete", "/api/v1/domains/example.org/", None, D_SUPER),
    ("api:mailboxes", "get", "/api/v1/mailboxes/", None, READ),
    (
        "api:mailboxes",
        "post",
        "/api/v1/mailboxes/",
        {"address": "new@example.org", "password": NEW_PASSWORD, "quota": "500 MB"},
        C_OWN,
    ),
    ("api:mailbox", "get", MAILBOX, None, SCOPED),
    ("api:mailbox", "put", MAILBOX, {"name": "J.", "quota": "1G"}, W_SCOPED),
    (
        "api:mailbox",
        "put",
        "/api/v1/mailboxes/new@example.org/",
        {"password": NEW_PASSWORD},
        PUT_NEW,
    ),
    ("api:mailbox", "patch", MAILBOX, {"quota": "2G"}, W_SCOPED),
    ("api:mailbox", "patch", "/api/v1/mailboxes/new@example.org/", {"name": "N"}, PATCH_NONE),
    ("api:mailbox", "delete", MAILBOX, None, D_SCOPED),
    (
        "api:mailbox_forward",
        "put",
        MAILBOX + "forward/",
        {"destination": ["x@gmail.com"], "keep_copy": True},
        W_SCOPED,
    ),
    ("api:mailbox_forward", "delete", MAILBOX + "forward/", None, W_SCOPED),
    ("api:domain_limits", "get", LIMITS, None, SCOPED),
    ("api:domain_limits", "put", LIMITS, {"mailboxes": 10, "max_quota": "2G"}, W_SUPER),
    ("api:domain_limits", "patch", LIMITS, {"aliases": 0}, W_SUPER),
    ("api:mailbox_vacation", "get", MAILBOX + "vacation/", None, SCOPED),
    (
        "api:mailbox_vacation",
        "put",
        MAILBOX + "vacation/",
        {"subject": "Away", "body": "Back on Monday.", "last_day": None},
        W_SCOPED,
    ),
    ("api:mailbox_vacation", "patch", MAILBOX + "vacation/", {"interval_days": 3}, W_SCOPED),
    ("api:mailbox_vacation", "delete", MAILBOX + "vacation/", None, W_SCOPED),
    ("api:mailbox_usage", "get", MAILBOX + "usage/", None, SCOPED),
    ("api:trace", "get", "/api/v1/trace/?address=john@example.org", None, SCOPED),
    ("api:findings", "get", "/api/v1/findings/", None, READ),
    ("api:history", "get", "/api/v1/history/", None, READ),
    ("api:aliases", "get", "/api/v1/aliases/", None, READ),
    (
        "api:aliases",
        "post",
        "/api/v1/aliases/",
        {"mail": "team@example.org", "destination": "john@example.org"},
        C_OWN,
    ),
    ("api:alias", "get", "/api/v1/aliases/sales@example.org/", None, SCOPED),
    ("api:alias", "get", "/api/v1/aliases/@example.org/", None, SCOPED),
    (
        "api:alias",
        "put",
        "/api/v1/aliases/sales@example.org/",
        {"destination": "john@example.org,x@gmail.com"},
        W_SCOPED,
    ),
    (
        "api:alias",
        "put",
        "/api/v1/aliases/team@example.org/",
        {"destination": ["john@example.org"]},
        PUT_NEW,
    ),
    (
        "api:alias",
        "patch",
        "/api/v1/aliases/sales@example.org/",
        {"destination": ["x@gmail.com"]},
        W_SCOPED,
    ),
    ("api:alias", "patch", "/api/v1/aliases/team@example.org/", {"enabled": False}, PATCH_NONE),
    ("api:alias", "delete", "/api/v1/aliases/sales@example.org/", None, D_SCOPED),
]

WRITES = ("post", "put", "patch", "delete")


def snapshot() -> dict:
    models = [Domain, Mailbox, Alias, DomainLimits, Vacation, AuditEntry]
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


@pytest.fixture
def on_vacation(mail_data):
    """john is away, so that switching his vacation off, or changing it, writes."""
    vacation.set_vacation(
        "john@example.org", vacation.Setting("Out", "Away this week."), actor=ACTOR
    )


def _cases():
    for entry in MATRIX:
        for role, expected in zip(ROLES, entry[-1], strict=True):
            yield pytest.param(role, entry, expected, id=f"{entry[1]}-{entry[2]}-{role}")


@pytest.mark.parametrize(("role", "entry", "expected"), list(_cases()))
def test_every_route_and_method_gives_the_exact_status(
    tokens_by_role, on_vacation, role, entry, expected
):
    _, method, url, body, _ = entry
    client = client_for_role(role, tokens_by_role)
    before = snapshot()
    response = client.send(method.upper(), url, body)
    assert response.status_code == expected, response.content[:500]
    wrote = snapshot() != before
    assert wrote is (method in WRITES and response.status_code < 300)
    if wrote:
        newest = AuditEntry.objects.order_by("-id").first()
        assert " via API token " in newest.actor
    if expected == U:
        assert response["Content-Type"] == "application/problem+json"
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def api_routes(patterns=None, namespace="", prefix="/"):
    """(name, view, path with {} for each argument) of every `api:` route."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from api_routes(pattern.url_patterns, inner, route)
        elif isinstance(pattern, URLPattern) and f"{namespace}{pattern.name}".startswith("api:"):
            yield f"{namespace}{pattern.name}", pattern.callback, re.sub(r"<[^>]+>", "{}", route)


def methods_of(callback) -> set[str]:
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    names = view.http_method_names if view else ["get"]
    return {m for m in names if m not in ("options", "head", "trace") and hasattr(view, m)}


def test_the_matrix_covers_every_api_route_and_method():
    routes = {name: callback for name, callback, _ in api_routes()}
    expected = {
        (name, method) for name, callback in routes.items() for method in methods_of(callback)
    }
    assert {(entry[0], entry[1]) for entry in MATRIX} == expected


@pytest.mark.parametrize(
    ("method", "url"),
    [("POST", MAILBOX), ("PATCH", MAILBOX + "forward/"), ("PATCH", "/api/v1/mailboxes/")],
)
def test_a_method_a_route_lacks_is_405_and_writes_nothing(tokens_by_role, method, url):
    client = client_for_role("superuser", tokens_by_role)
    before = snapshot()
    response = client.send(method, url, {"name": "x"})
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert snapshot() == before


def test_a_token_of_a_staff_account_made_inactive_is_refused(tokens_by_role, admin_a):
    admin_a.is_active = False
    admin_a.save()
    client = client_for_role("token_a", tokens_by_role)
    assert client.get("/api/v1/domains/").status_code == 401
    assert ApiToken.objects.filter(user=admin_a).exists()
