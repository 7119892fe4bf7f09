"""An end user's journey in headless Debian Chromium: log in, change the password, log out,
log in with the new password."""

import pytest
from django.core.cache import cache

from domains import services
from domains.models import Mailbox
from mailadmin import passwords

pytestmark = pytest.mark.browser

ADDRESS = "julia@example.org"
OLD = "Julia-first-pass-1"
NEW = "Julia-second-pass-2"


@pytest.fixture
def julia(transactional_db, actor):
    cache.clear()
    services.create_domain("example.org", actor=actor)
    services.create_mailbox(ADDRESS, OLD, actor=actor, quota_text="1G")


def _log_in(page, base: str, password: str) -> None:
    page.goto(f"{base}/account/login/")
    page.fill("input[name=address]", ADDRESS)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]:has-text('Log in')")


def test_an_end_user_changes_the_password_and_logs_in_with_the_new_one(live_server, julia, page):
    page = page
    _log_in(page, live_server.url, OLD)
    page.wait_for_url(f"{live_server.url}/account/")
    assert page.locator("h1").inner_text() == ADDRESS
    assert "1 GB" in page.content()

    page.click("text=Change password")
    page.fill("input[name=current_password]", OLD)
    page.fill("input[name=new_password1]", NEW)
    page.fill("input[name=new_password2]", NEW)
    page.click("button[type=submit]:has-text('Change password')")
    page.wait_for_url(f"{live_server.url}/account/")
    assert "Your mail password is changed" in page.content()
    assert passwords.verify_password(NEW, Mailbox.objects.get(pk=ADDRESS).crypt).correct

    page.click("button:has-text('Log out')")
    page.wait_for_url(f"{live_server.url}/account/login/")
    assert "You are logged out." in page.content()

    _log_in(page, live_server.url, OLD)
    page.wait_for_selector("text=Unknown address or wrong password.")

    _log_in(page, live_server.url, NEW)
    page.wait_for_url(f"{live_server.url}/account/")
    assert page.locator("h1").inner_text() == ADDRESS
