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
from aliases.models import Alias
from domains import services
from domains.models import Domain, Mailbox
from vacation.models import Vacation

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
    "/domains/mailboxes/ann@example.org/vacation/",
    "/domains/example.org/limits/",
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
    page.goto(f"{base}/account/vacation/")
    found["vacation"] = serious_violations(page)
    assert {url: v for url, v in found.items() if v} == {}


def focus_outline(page) -> str:
    """The focused element's outline or box-shadow: what shows where the keyboard is."""
    return page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
        return s.outlineStyle !== 'none' && s.outlineWidth !== '0px'
            ? 'outline ' + s.outlineWidth : s.boxShadow; }"""
    )


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Tab until the element `selector` has the focus (it may have it already: autofocus),
    checking the focus is always shown."""
    if page.evaluate(f"document.activeElement.matches({selector!r})"):
        return
    for _ in range(limit):
        page.keyboard.press("Tab")
        shown = focus_outline(page)
        for _ in range(10):  # Bootstrap's focus ring fades in (a 0.15 s transition)
            if shown not in ("", "none"):
                break
            page.wait_for_timeout(50)
            shown = focus_outline(page)
        tag = page.evaluate("document.activeElement.tagName")
        name = page.evaluate("document.activeElement.name || document.activeElement.id")
        assert shown not in ("", "none"), f"focus not visible on a {tag} {name}"
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


def test_a_postmaster_disables_an_alias_through_its_confirmation_with_the_keyboard_only(
    live_server, panel, page
):
    base = live_server.url
    log_in(page, base)
    page.goto(f"{base}/aliases/sales@example.org/")
    tab_to(page, "a[href='/aliases/sales@example.org/disable/confirm/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/aliases/sales@example.org/disable/confirm/")
    tab_to(page, "form[action='/aliases/sales@example.org/disable/'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/confirm/" not in url)
    assert not Alias.objects.get(mail="sales@example.org").enabled


def test_a_postmaster_adds_a_forward_and_traces_it_with_the_keyboard_only(live_server, panel, page):
    base = live_server.url
    log_in(page, base)
    page.goto(f"{base}/aliases/add/?kind=forward&domain=example.org")
    tab_to(page, "input[name=source]")
    page.keyboard.type("team@example.org")
    tab_to(page, "textarea[name=destinations], input[name=destinations]")
    page.keyboard.type("ann@example.org")
    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/add/" not in url)
    assert Alias.objects.filter(mail="team@example.org").exists()
    page.goto(f"{base}/audit/trace/")
    tab_to(page, "input[name=address]")
    page.keyboard.type("team@example.org")
    page.keyboard.press("Enter")
    page.wait_for_selector("#trace-outcome")
    assert "ann@example.org" in page.inner_text("#trace-outcome")


def test_a_mailbox_owner_switches_on_a_vacation_with_the_keyboard_only(live_server, panel, page):
    base = live_server.url
    page.goto(f"{base}/account/login/")
    tab_to(page, "input[name=address]")
    page.keyboard.type("ann@example.org")
    tab_to(page, "input[name=password]")
    page.keyboard.type(MAIL_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/account/")
    tab_to(page, "a[href='/account/vacation/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/account/vacation/")
    tab_to(page, "textarea[name=body]")
    page.keyboard.type("Back on Monday.")
    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Vacation on: mail to ann@example.org is answered.")
    assert Vacation.objects.get(mailbox="ann@example.org").enabled
