"""Every URL of the site, with a sample address and a valid POST for each state change.

The security modules walk this table; `test_every_url_pattern_is_in_the_table` keeps it in
step with the URLconf, so a new URL cannot skip the CSRF, GET-safety, IDOR and CSP checks.
Objects named in the URLs belong to example.org (tests/panel/conftest.py `mail_data`);
{alice} is the pk of example.org's domain admin.
"""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from tests.panel.conftest import MAIL_PASSWORD, PASSWORD

NEW_PASSWORD = "Another-Secret-99"


@dataclass(frozen=True)
class Route:
    name: str
    url: str
    post: dict | None = None  # a valid state change; None: the URL takes no POST
    get: bool = True  # False: a GET is refused (405)
    who: str = "staff"  # staff, superuser, mailbox (self-service session), anyone
    scoped: bool = False  # names an example.org object: another domain's admin gets 404
    get_status: int = 200  # what the sample GET answers the route's audience


ROUTES = [
    Route("dashboard", "/"),
    Route("login", "/login/", {"username": "root", "password": PASSWORD}, who="anyone"),
    Route("logout", "/logout/", {}, get=False),
    Route("set_language", "/language/", {"language": "fr"}, get=False, who="anyone"),
    Route("twofactor:setup", "/2fa/", {"token": "123456"}),
    Route("twofactor:verify", "/2fa/verify/", {"token": "123456"}, get_status=302),
    Route("twofactor:disable", "/2fa/disable/", {"token": "123456"}, get=False),
    Route("domains:list", "/domains/"),
    Route(
        "domains:create",
        "/domains/add/",
        {"name": "new.org", "transport": "virtual:"},
        who="superuser",
    ),
    Route("domains:mailbox_list", "/domains/mailboxes/"),
    Route("domains:mailbox", "/domains/mailboxes/john@example.org/", {"name": "J."}, scoped=True),
    Route(
        "domains:mailbox_password",
        "/domains/mailboxes/john@example.org/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        scoped=True,
    ),
    Route(
        "domains:mailbox_enable",
        "/domains/mailboxes/john@example.org/enable/",
        {},
        get=False,
        scoped=True,
    ),
    Route(
        "domains:mailbox_disable",
        "/domains/mailboxes/john@example.org/disable/",
        {},
        get=False,
        scoped=True,
    ),
    Route(
        "domains:mailbox_enable_confirm",
        "/domains/mailboxes/john@example.org/enable/confirm/",
        scoped=True,
    ),
    Route(
        "domains:mailbox_disable_confirm",
        "/domains/mailboxes/john@example.org/disable/confirm/",
        scoped=True,
    ),
    Route("domains:mailbox_delete", "/domains/mailboxes/john@example.org/delete/", {}, scoped=True),
    Route(
        "domains:mailbox_bulk",
        "/domains/mailboxes/bulk/",
        {"action": "disable", "address": "john@example.org", "confirm": "1"},
        get=False,
        scoped=False,  # the keys are in the POST: tests/panel/test_bulk_actions.py
    ),
    Route(
        "domains:mailbox_forward",
        "/domains/mailboxes/john@example.org/forward/",
        {"destinations": "x@gmail.com", "keep_copy": "on"},
        scoped=True,
    ),
    Route(
        "vacation:mailbox",
        "/domains/mailboxes/john@example.org/vacation/",
        {"subject": "Away", "body": "Back on Monday.", "interval_days": "7"},
        scoped=True,
    ),
    Route(
        "vacation:own",
        "/account/vacation/",
        {"subject": "Away", "body": "Back on Monday.", "interval_days": "7"},
        who="mailbox",
    ),
    Route("domains:detail", "/domains/example.org/", scoped=True),
    Route(
        "domains:edit",
        "/domains/example.org/edit/",
        {"transport": "smtp:"},
        who="superuser",
        scoped=True,
    ),
    Route(
        "domains:limits",
        "/domains/example.org/limits/",
        {"mailboxes": "50"},
        who="superuser",
        scoped=True,
    ),
    Route(
        "domains:enable",
        "/domains/example.org/enable/",
        {},
        get=False,
        who="superuser",
        scoped=True,
    ),
    Route(
        "domains:disable",
        "/domains/example.org/disable/",
        {},
        get=False,
        who="superuser",
        scoped=True,
    ),
    Route(
        "domains:enable_confirm",
        "/domains/example.org/enable/confirm/",
        who="superuser",
        scoped=True,
    ),
    Route(
        "domains:disable_confirm",
        "/domains/example.org/disable/confirm/",
        who="superuser",
        scoped=True,
    ),
    Route("domains:delete", "/domains/example.org/delete/", {}, who="superuser", scoped=True),
    Route(
        "domains:mailbox_create",
        "/domains/example.org/mailboxes/add/",
        {
            "local_part": "new",
            "password1": MAIL_PASSWORD,
            "password2": MAIL_PASSWORD,
            "enabled": "on",
        },
        scoped=True,
    ),
    Route("aliases:list", "/aliases/"),
    Route(
        "aliases:create",
        "/aliases/add/?kind=forward",
        {"source": "team@example.org", "destinations": "john@example.org", "enabled": "on"},
    ),
    Route(
        "aliases:edit", "/aliases/sales@example.org/", {"destinations": "x@gmail.com"}, scoped=True
    ),
    Route("aliases:enable", "/aliases/sales@example.org/enable/", {}, get=False, scoped=True),
    Route("aliases:disable", "/aliases/sales@example.org/disable/", {}, get=False, scoped=True),
    Route("aliases:enable_confirm", "/aliases/sales@example.org/enable/confirm/", scoped=True),
    Route("aliases:disable_confirm", "/aliases/sales@example.org/disable/confirm/", scoped=True),
    Route("aliases:delete", "/aliases/sales@example.org/delete/", {}, scoped=True),
    Route(
        "aliases:bulk",
        "/aliases/bulk/",
        {"action": "disable", "source": "sales@example.org", "confirm": "1"},
        get=False,
        scoped=False,  # the keys are in the POST: tests/panel/test_bulk_actions.py
    ),
    Route("accounts:list", "/admins/", who="superuser"),
    Route(
        "accounts:create",
        "/admins/add/",
        {"username": "carol", "password1": "Carol-Pass-1234", "password2": "Carol-Pass-1234"},
        who="superuser",
    ),
    Route("accounts:edit", "/admins/{alice}/", {"active": "on"}, who="superuser"),
    Route(
        "accounts:password",
        "/admins/{alice}/password/",
        {"password1": "Alice-New-Pass-77", "password2": "Alice-New-Pass-77"},
        who="superuser",
    ),
    Route("accounts:delete", "/admins/{alice}/delete/", {}, who="superuser"),
    Route(
        "password_change",
        "/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    ),
    Route("audit:aliases", "/audit/?domain=example.org", scoped=True),
    Route("audit:aliases_csv", "/audit/aliases.csv?domain=example.org", scoped=True),
    Route("audit:findings", "/audit/findings/?domain=example.org", scoped=True),
    Route("audit:findings_run", "/audit/findings/run/", {}, get=False, who="superuser"),
    Route("audit:trace", "/audit/trace/?address=john@example.org", scoped=True),
    Route("audit:history", "/audit/history/?domain=example.org", scoped=True),
    Route("audit:history_csv", "/audit/history.csv?domain=example.org", scoped=True),
    Route("selfservice:account", "/account/", who="mailbox"),
    Route(
        "selfservice:login",
        "/account/login/",
        {"address": "john@example.org", "password": MAIL_PASSWORD},
        who="anyone",
    ),
    Route(
        "selfservice:password_change",
        "/account/password/",
        {
            "current_password": MAIL_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        who="mailbox",
    ),
    Route("selfservice:logout", "/account/logout/", {}, get=False, who="mailbox"),
    Route("bulk:index", "/bulk/", who="superuser"),
    Route("bulk:import", "/bulk/import/", {"mode": "strict"}, get=False, who="superuser"),
    Route("bulk:export", "/bulk/export/", {}, get=False, who="superuser"),
]

# The staff's own API tokens page (the API itself, `api:*`, has its own matrix: tests/api).
ROUTES += [
    Route("tokens", "/tokens/", {"name": "deploy"}),
    Route("token_revoke", "/tokens/feedbeef/revoke/", {}, get_status=404),
]

BY_NAME = {route.name: route for route in ROUTES}


def route_names(patterns=None, namespace: str = ""):
    """Every named route but the API's (`api:*`, tests/api/test_permission_matrix.py)."""
    return (name for name in _route_names(patterns, namespace) if not name.startswith("api:"))


def _route_names(patterns=None, namespace: str = ""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _route_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}"
