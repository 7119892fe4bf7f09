"""The password generator on mailbox create and on a password reset, in headless Chromium:
20 characters from crypto.getRandomValues in both fields, shown once, copyable; without
JavaScript the block stays hidden and the form works as before."""

import re

import pytest
from django.contrib.auth.models import User

from domains import services
from domains.models import Mailbox
from mailadmin import passwords

pytestmark = pytest.mark.browser

STAFF_PASSWORD = "Postmaster-Pass-2024"
GENERATED = re.compile(r"[a-km-zA-HJ-NP-Z2-9._!-]{20}")


@pytest.fixture
def root(transactional_db, actor):
    services.create_domain("example.org", actor=actor)
    services.create_mailbox("ann@example.org", "Ann-Old-Secret-77", actor=actor)
    User.objects.create_user("root", password=STAFF_PASSWORD, is_staff=True, is_superuser=True)


def log_in(page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_url(f"{base}/")


def generate(page) -> str:
    page.click("button:has-text('Generate a strong password')")
    shown = page.input_value("#generated-password")
    assert GENERATED.fullmatch(shown), shown
    assert page.input_value("input[name=password1]") == shown
    assert page.input_value("input[name=password2]") == shown
    assert "not shown again" in page.inner_text("[data-status]")
    return shown


def test_a_generated_password_creates_a_mailbox_and_is_shown_once(live_server, root, page):
    base = live_server.url
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    log_in(page, base)
    page.goto(f"{base}/domains/example.org/mailboxes/add/")
    assert page.is_hidden("#generated-password")
    first = generate(page)
    password = generate(page)
    assert password != first
    page.click("[data-copy]")
    page.wait_for_selector("[data-status]:has-text('Copied.')")
    assert page.evaluate("navigator.clipboard.readText()") == password
    page.fill("input[name=local_part]", "bob")
    page.click("main button[type=submit]:has-text('Add mailbox')")
    page.wait_for_url(f"{base}/domains/example.org/")
    assert password not in page.content()
    mailbox = Mailbox.objects.get(address="bob@example.org")
    assert passwords.verify_password(password, mailbox.crypt).correct
    page.go_back()
    assert password not in page.content()


def test_a_reset_uses_a_generated_password(live_server, root, page):
    base = live_server.url
    log_in(page, base)
    page.goto(f"{base}/domains/mailboxes/ann@example.org/password/")
    password = generate(page)
    page.click("main button[type=submit]:has-text('Set password')")
    page.wait_for_url(f"{base}/domains/mailboxes/ann@example.org/")
    assert password not in page.content()
    mailbox = Mailbox.objects.get(address="ann@example.org")
    assert passwords.verify_password(password, mailbox.crypt).correct


def test_without_javascript_the_form_still_works(live_server, root, page):
    base = live_server.url
    context = page.context.browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, base)
    page.goto(f"{base}/domains/example.org/mailboxes/add/")
    assert not page.is_visible("button:has-text('Generate a strong password')")
    page.fill("input[name=local_part]", "carl")
    page.fill("input[name=password1]", "Carl-Typed-Pass-2024")
    page.fill("input[name=password2]", "Carl-Typed-Pass-2024")
    page.click("main button[type=submit]:has-text('Add mailbox')")
    page.wait_for_url(f"{base}/domains/example.org/")
    assert Mailbox.objects.filter(address="carl@example.org").exists()
    context.close()
