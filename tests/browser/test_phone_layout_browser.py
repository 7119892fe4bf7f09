"""The panel at a phone's width (390 px, forms at 360 px) and on a desktop (1280 px).

The navbar collapses behind a toggler on a phone and Log out stays reachable; names of
119 to 128 characters without a space break inside their cells and headings, so no page
scrolls sideways (document.documentElement.scrollWidth <= innerWidth).
"""

import pytest
from django.contrib.auth.models import User

from accounts.models import DomainAssignment
from aliases import services as alias_services
from domains import services
from domains.models import Domain, Mailbox

pytestmark = pytest.mark.browser

STAFF_PASSWORD = "Postmaster-Pass-2024"
MAIL_PASSWORD = "Long-Name-Secret-77"
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

LONG_DOMAIN = "a" * 63 + "." + "b" * 47 + ".example"  # 119: "@" + it fills aliases.mail
MAIL_DOMAIN = "c" * 60 + ".example"
ADDRESS = "m" * 50 + "@" + MAIL_DOMAIN  # 119 characters
LONG_NAME = "N" * 128  # the name column's size, no space anywhere
FORWARD = "f" * 50 + "@" + MAIL_DOMAIN
ELSEWHERE = "x" * 60 + "@" + "y" * 50 + ".test"


@pytest.fixture
def long_names(transactional_db, actor):
    assert len(LONG_DOMAIN) == 119 and len(LONG_NAME) == 128
    services.create_domain(LONG_DOMAIN, actor=actor)
    services.create_domain(MAIL_DOMAIN, actor=actor)
    services.create_mailbox(ADDRESS, MAIL_PASSWORD, actor=actor, name=LONG_NAME)
    alias_services.create_alias(FORWARD, ELSEWHERE, actor=actor)
    alias_services.create_alias(f"team@{MAIL_DOMAIN}", ADDRESS, actor=actor)
    alias_services.create_alias(f"@{LONG_DOMAIN}", f"@{MAIL_DOMAIN}", actor=actor)
    User.objects.create_user("root", password=STAFF_PASSWORD, is_staff=True, is_superuser=True)
    admin = User.objects.create_user(
        "d" * 60, password=STAFF_PASSWORD, is_staff=True, email="e" * 60 + "@example.org"
    )
    for name in (LONG_DOMAIN, MAIL_DOMAIN):
        DomainAssignment.objects.create(user=admin, domain=Domain.objects.get(domain=name))


def log_in(page, base: str, username: str = "root") -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_url(f"{base}/")


def page_width(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def assert_no_sideways_scroll(page, url: str) -> None:
    scroll_width, inner_width = page_width(page)
    assert scroll_width <= inner_width, f"{url}: {scroll_width} px wide in {inner_width} px"


STAFF_PAGES = [
    "/",
    "/domains/",
    f"/domains/{LONG_DOMAIN}/",
    f"/domains/{MAIL_DOMAIN}/",
    f"/domains/{LONG_DOMAIN}/edit/",
    f"/domains/{LONG_DOMAIN}/delete/",
    f"/domains/{LONG_DOMAIN}/disable/confirm/",
    f"/domains/{MAIL_DOMAIN}/mailboxes/add/",
    "/domains/mailboxes/",
    f"/domains/mailboxes/?domain={MAIL_DOMAIN}",
    f"/domains/mailboxes/{ADDRESS}/",
    f"/domains/mailboxes/{ADDRESS}/forward/",
    f"/domains/mailboxes/{ADDRESS}/password/",
    f"/domains/mailboxes/{ADDRESS}/delete/",
    f"/domains/mailboxes/{ADDRESS}/disable/confirm/",
    f"/domains/mailboxes/{ADDRESS}/enable/confirm/",
    "/aliases/",
    f"/aliases/{FORWARD}/",
    f"/aliases/{FORWARD}/delete/",
    f"/aliases/{FORWARD}/disable/confirm/",
    f"/aliases/@{LONG_DOMAIN}/disable/confirm/",
    f"/aliases/@{LONG_DOMAIN}/",
    "/aliases/add/?kind=forward",
    f"/aliases/add/?kind=catch-all&domain={LONG_DOMAIN}",
    f"/aliases/add/?kind=domain-alias&domain={LONG_DOMAIN}",
    "/audit/",
    "/audit/history/",
    "/audit/findings/",
    f"/audit/trace/?address={FORWARD}",
    "/admins/",
    "/admins/add/",
    "/bulk/",
    "/2fa/",
    "/no/such/page/",
]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_no_staff_page_scrolls_sideways_with_long_names(live_server, long_names, page, viewport):
    page.set_viewport_size(viewport)
    base = live_server.url
    log_in(page, base)
    for url in STAFF_PAGES:
        response = page.goto(base + url)
        assert response.status == (404 if url == "/no/such/page/" else 200), url
        assert_no_sideways_scroll(page, url)
    # the long names are on the pages, not cut off
    page.goto(f"{base}/domains/mailboxes/")
    assert LONG_NAME in page.locator("main table").inner_text().replace("\n", "")


def test_a_domain_admin_with_a_long_name_fits_on_a_phone(live_server, long_names, page):
    page.set_viewport_size(PHONE)
    base = live_server.url
    log_in(page, base, "d" * 60)
    for url in ("/", "/domains/", f"/domains/{LONG_DOMAIN}/", "/aliases/", "/admins/"):
        page.goto(base + url)
        assert_no_sideways_scroll(page, url)


def test_the_navbar_collapses_behind_a_toggler_on_a_phone(live_server, long_names, page):
    page.set_viewport_size(PHONE)
    base = live_server.url
    log_in(page, base)
    toggler = page.locator("nav .navbar-toggler")
    log_out = page.locator("nav button:has-text('Log out')")
    assert toggler.is_visible()
    assert not log_out.is_visible()
    assert not page.locator("nav >> text=Domains").is_visible()
    assert toggler.get_attribute("aria-expanded") == "false"

    toggler.click()
    page.locator("#main-menu.show").wait_for()  # Bootstrap's collapse, opened
    assert log_out.is_visible()
    assert toggler.get_attribute("aria-expanded") == "true"
    box = log_out.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.click("nav >> text=Domains")
    page.wait_for_url(f"{base}/domains/")

    # closed again on the new page; opened, Log out logs out
    assert not log_out.is_visible()
    toggler.click()
    page.locator("#main-menu.show").wait_for()
    with page.expect_navigation(url=f"{base}/login/"):
        log_out.click()
    assert not page.locator("nav .navbar-toggler").count()  # nothing to toggle when logged out


def test_the_navbar_is_open_on_a_desktop(live_server, long_names, page):
    page.set_viewport_size(DESKTOP)
    base = live_server.url
    log_in(page, base)
    assert not page.locator("nav .navbar-toggler").is_visible()
    assert page.locator("nav >> text=Domains").is_visible()
    page.click("nav button:has-text('Log out')")
    page.wait_for_url(f"{base}/login/")


def test_forms_work_at_360_px(live_server, long_names, page):
    page.set_viewport_size(SMALL_PHONE)
    base = live_server.url
    for url in ("/login/", "/account/login/"):
        page.goto(base + url)
        assert_no_sideways_scroll(page, url)
    log_in(page, base)
    url = f"/domains/{MAIL_DOMAIN}/mailboxes/add/"
    page.goto(base + url)
    assert_no_sideways_scroll(page, url)
    page.fill("input[name=local_part]", "anna")
    page.fill("input[name=name]", "Anna")
    page.fill("input[name=password1]", MAIL_PASSWORD)
    page.fill("input[name=password2]", MAIL_PASSWORD)
    page.fill("input[name=quota]", "500 MB")
    page.click("main button[type=submit]:has-text('Add mailbox')")
    page.wait_for_url(f"{base}/domains/{MAIL_DOMAIN}/")
    assert Mailbox.objects.filter(address=f"anna@{MAIL_DOMAIN}").exists()
    assert_no_sideways_scroll(page, "the domain page after the save")


def test_the_owners_pages_fit_on_a_phone(live_server, long_names, page):
    page.set_viewport_size(PHONE)
    base = live_server.url
    page.goto(f"{base}/account/login/")
    page.fill("input[name=address]", ADDRESS)
    page.fill("input[name=password]", MAIL_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/account/")
    for url in ("/account/", "/account/password/"):
        page.goto(base + url)
        assert_no_sideways_scroll(page, url)
