"""The postmaster's journey in headless Debian Chromium, against the live server.

Set MAILADMIN_SCREENSHOTS=DIR (`make screenshots`) to save the main pages as PNG files.
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from accounts.models import DomainAssignment
from aliases.models import Alias
from domains import services
from domains.models import Domain, Mailbox

pytestmark = pytest.mark.browser

STAFF_PASSWORD = "Postmaster-Pass-2024"
MAIL_PASSWORD = "Anna-Mail-Secret-77"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def staff(transactional_db, actor):
    services.create_domain("example.org", actor=actor)
    services.create_domain("other.org", actor=actor)
    services.create_mailbox("mary@other.org", MAIL_PASSWORD, actor=actor)
    User.objects.create_user("root", password=STAFF_PASSWORD, is_staff=True, is_superuser=True)
    alice = User.objects.create_user("alice", password=STAFF_PASSWORD, is_staff=True)
    DomainAssignment.objects.create(user=alice, domain=Domain.objects.get(domain="example.org"))


def shot(page, name: str) -> None:
    directory = os.environ.get("MAILADMIN_SCREENSHOTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    shot(page, "01-login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_url(f"{base}/")


def submit(page, label: str = "Save") -> None:
    page.click(f"main button[type=submit]:has-text('{label}')")
    page.wait_for_load_state()


def row(page, text: str):
    return page.locator("tr", has_text=text)


def test_a_postmaster_sets_up_a_domain_in_the_browser(live_server, staff, page):
    base = live_server.url
    log_in(page, base, "root")
    shot(page, "02-dashboard")

    # a domain, with an international name
    page.click("nav >> text=Domains")
    page.click("text=Add domain")
    page.fill("input[name=name]", "Bücher.example")
    shot(page, "03-domain-add")
    submit(page, "Add domain")
    page.wait_for_url(f"{base}/domains/xn--bcher-kva.example/")
    assert "Domain bücher.example created." in page.content()
    assert Domain.objects.filter(domain="xn--bcher-kva.example").exists()

    # a mailbox with a quota in human units
    page.click("text=Add mailbox")
    page.fill("input[name=local_part]", "anna")
    page.fill("input[name=name]", "Anna")
    page.fill("input[name=password1]", MAIL_PASSWORD)
    page.fill("input[name=password2]", MAIL_PASSWORD)
    page.fill("input[name=quota]", "500 MB")
    shot(page, "04-mailbox-add")
    submit(page, "Add mailbox")
    assert "Mailbox anna@bücher.example created." in page.content()
    assert "500 MB" in row(page, "anna@bücher.example").first.inner_text()
    assert Mailbox.objects.get(address="anna@xn--bcher-kva.example").quota == "524288000S"

    # a forward with two destinations
    page.click("text=Add forward")
    page.fill("input[name=source]", "team@bücher.example")
    page.fill("textarea[name=destinations]", "anna@bücher.example\nboss@gmail.com")
    submit(page)
    assert "team@bücher.example" in page.content()
    team = row(page, "team@bücher.example").first.inner_text()
    assert "boss@gmail.com" in team and "forward" in team

    # a catch-all
    page.click("text=Add catch-all")
    page.fill("textarea[name=destinations]", "anna@xn--bcher-kva.example")
    submit(page)
    assert "catch-all" in row(page, "@bücher.example").filter(has_text="catch-all").inner_text()

    # a domain alias, with its note about accept-then-bounce
    page.goto(f"{base}/domains/example.org/")
    page.click("text=Add domain alias")
    assert "backscatter" in page.content()
    page.select_option("select[name=source]", "example.org")  # nothing is preselected
    page.select_option("select[name=destinations]", "xn--bcher-kva.example")
    shot(page, "05-domain-alias-add")
    submit(page)
    assert Alias.objects.get(mail="@example.org").destination == "@xn--bcher-kva.example"

    # disable the catch-all
    page.goto(f"{base}/domains/xn--bcher-kva.example/")
    catch_all = row(page, "@bücher.example").filter(has_text="catch-all")
    catch_all.locator("a:has-text('Disable')").click()
    page.wait_for_load_state()
    assert "Disable catch-all @bücher.example?" in page.content()
    submit(page, "Disable the alias")
    assert "Alias @bücher.example disabled." in page.content()
    assert "disabled" in row(page, "@bücher.example").filter(has_text="catch-all").inner_text()
    assert not Alias.objects.get(mail="@xn--bcher-kva.example").enabled
    shot(page, "06-domain-page")

    # the tracer draws the route of the forward: address → anna and boss@gmail.com
    page.goto(f"{base}/audit/trace/?address=team@xn--bcher-kva.example")
    diagram = page.locator(".route-diagram-box svg")
    assert diagram.count() == 1 and "boss@gmail.com" in diagram.text_content()
    shot(page, "11-tracer")
    page.goto(f"{base}/domains/xn--bcher-kva.example/")

    # delete the forward, behind a confirmation page
    row(page, "team@bücher.example").locator("text=Delete").click()
    assert "Delete alias team@bücher.example?" in page.content()
    submit(page, "Delete the alias")
    assert not Alias.objects.filter(mail="team@xn--bcher-kva.example").exists()

    # delete the domain: the confirmation says what goes with it
    page.click("text=Delete domain")
    warning = page.locator(".alert-danger").inner_text()
    assert "1 mailbox and 2 aliases" in warning  # anna's own row and the catch-all
    shot(page, "07-domain-delete")
    submit(page, "Delete the domain")
    page.wait_for_url(f"{base}/domains/")
    assert not Domain.objects.filter(domain="xn--bcher-kva.example").exists()
    shot(page, "08-domain-list")

    page.goto(f"{base}/aliases/")
    shot(page, "09-alias-list")
    page.goto(f"{base}/admins/")
    shot(page, "10-admins")

    # the same panel on a phone
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/")
    assert page.is_visible("button.navbar-toggler")
    shot(page, "12-phone-dashboard")
    page.goto(f"{base}/domains/")
    shot(page, "13-phone-domain-list")


def test_a_domain_admin_cannot_reach_another_domain(live_server, staff, page):
    base = live_server.url
    log_in(page, base, "alice")
    page.click("nav >> text=Domains")
    assert row(page, "example.org").count() == 1
    assert row(page, "other.org").count() == 0
    for url in ("/domains/other.org/", "/domains/mailboxes/mary@other.org/", "/admins/"):
        response = page.goto(base + url)
        assert response.status in (403, 404)
    assert page.goto(base + "/domains/other.org/").status == 404
