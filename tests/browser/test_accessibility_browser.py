"""axe-core on the panel's main pages at 1280 px and 390 px: no serious or critical violation.

axe-core is the browser tests' own file (package.json, package-lock.json; `npm ci` in
`make test`), added to every page from node_modules, never from a CDN. A keyboard-only
postmaster creates a mailbox with Tab and Enter, and the focus is always visible.
"""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from accounts.models import DomainAssignment
from aliases import services as alias_services
from domains import services
from domains.models import Domain, Mailbox

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
STAFF_PASSWORD = "Postmaster-Pass-2024"
MAIL_PASSWORD = "Anna-Mail-Secret-77"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SERIOUS = ("serious", "critical")

STAFF_PAGES = [
    "/",
    "/domains/",
    "/domains/example.org/",
    "/domains/mailboxes/",
    "/domains/example.org/mailboxes/add/",
    "/aliases/",
    "/aliases/add/?kind=forward&domain=example.org",
    "/aliases/add/?kind=catch-all&domain=example.org",
    "/aliases/add/?kind=domain-alias&domain=example.org",
    "/audit/trace/?address=sales@example.org",
    "/audit/findings/",
    "/audit/history/",
    "/domains/mailboxes/ann@example.org/password/",
]


@pytest.fixture
def panel(transactional_db, actor):
    cache.clear()
    services.create_domain("example.org", actor=actor)
    services.create_domain("example.net", actor=actor)
    services.create_mailbox("ann@example.org", MAIL_PASSWORD, actor=actor, name="Ann")
    alias_services.create_alias("sales@example.org", "ann@example.org, x@example.com", actor=actor)
    alias_services.create_alias("@example.net", "@example.org", actor=actor)
    User.objects.create_user("root", password=STAFF_PASSWORD, is_staff=True, is_superuser=True)
    alice = User.objects.create_user("alice", password=STAFF_PASSWORD, is_staff=True)
    DomainAssignment.objects.create(user=alice, domain=Domain.objects.get(domain="example.org"))


def with_axe(page):
    assert AXE.is_file(), f"{AXE} is missing: run `npm ci` (make test does)"
    # an init script, as the panel's CSP allows no inline script and no other origin
    page.context.add_init_script(path=str(AXE))
    return page


def serious_violations(page) -> list[str]:
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]} {v['help']}"
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


def log_in(page, base: str, username: str = "root") -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_url(f"{base}/")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_the_staff_pages_have_no_serious_violation(live_server, panel, page, viewport):
    page = with_axe(page)
    page.set_viewport_size(viewport)
    base = live_server.url
    page.goto(f"{base}/login/")
    found = {"/login/": serious_violations(page)}
    log_in(page, base)
    for url in STAFF_PAGES:
        assert page.goto(base + url).status == 200, url
        found[url] = serious_violations(page)
    assert {url: v for url, v in found.items() if v} == {}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_the_mailbox_owners_pages_have_no_serious_violation(live_server, panel, page, viewport):
    page = with_axe(page)
    page.set_viewport_size(viewport)
    base = live_server.url
    page.goto(f"{base}/account/login/")
    found = {"login": serious_violations(page)}
    page.fill("input[name=address]", "ann@example.org")
    page.fill("input[name=password]", MAIL_PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_url(f"{base}/account/")
    found["account"] = serious_violations(page)
    page.goto(f"{base}/account/password/")
    found["password"] = serious_violations(page)
    assert {url: v for url, v in found.items() if v} == {}


def focus_outline(page) -> str:
    """The focused element's outline or box-shadow: what shows where the keyboard is."""
    return page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
        return s.outlineStyle !== 'none' && s.outlineWidth !== '0px'
            ? 'outline ' + s.outlineWidth : s.boxShadow; }"""
    )


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Tab until the element `selector` has the focus, checking the focus is always shown."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        shown = focus_outline(page)
        tag = page.evaluate("document.activeElement.tagName")
        assert shown not in ("", "none"), f"focus not visible on a {tag}"
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_postmaster_creates_a_mailbox_with_the_keyboard_only(live_server, panel, page):
    base = live_server.url
    log_in(page, base)
    page.goto(f"{base}/domains/")
    tab_to(page, "a[href='/domains/example.org/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/domains/example.org/")
    tab_to(page, "a[href='/domains/example.org/mailboxes/add/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/domains/example.org/mailboxes/add/")
    tab_to(page, "input[name=local_part]")
    page.keyboard.type("bob")
    tab_to(page, "input[name=password1]")
    page.keyboard.type("Bob-Keyboard-Pass-88")
    tab_to(page, "input[name=password2]")
    page.keyboard.type("Bob-Keyboard-Pass-88")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/domains/example.org/")
    assert Mailbox.objects.filter(address="bob@example.org").exists()
