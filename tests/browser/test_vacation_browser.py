"""A mailbox owner sets an out-of-office reply in headless Debian Chromium, sees it on,
and switches it off."""

import pytest
from django.core.cache import cache

from aliases.models import Alias
from domains import services
from mailadmin.autoreply import autoreply_address
from vacation.models import Vacation

pytestmark = pytest.mark.browser

ADDRESS = "julia@example.org"
PASSWORD = "Julia-first-pass-1"


@pytest.fixture
def julia(transactional_db, actor):
    cache.clear()
    services.create_domain("example.org", actor=actor)
    services.create_mailbox(ADDRESS, PASSWORD, actor=actor)


def test_an_owner_switches_an_out_of_office_reply_on_and_off(live_server, julia, page):
    page.goto(f"{live_server.url}/account/login/")
    page.fill("input[name=address]", ADDRESS)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_url(f"{live_server.url}/account/")
    page.click("text=Automatic replies")
    page.wait_for_url(f"{live_server.url}/account/vacation/")
    assert "No automatic replies." in page.inner_text("#vacation-state")

    page.fill("input[name=subject]", "On holiday")
    page.fill("textarea[name=body]", "Back on the 14th.")
    page.fill("input[name=last_day]", "2099-01-14")
    page.click("button[type=submit]:has-text('Switch on')")
    page.wait_for_url(f"{live_server.url}/account/vacation/")
    assert "Vacation on" in page.content()
    assert "until Jan. 14, 2099" in page.inner_text("#vacation-state")
    assert Alias.objects.get(mail=ADDRESS).destinations == [ADDRESS, autoreply_address(ADDRESS)]

    page.click("button:has-text('Switch off')")
    page.wait_for_url(f"{live_server.url}/account/vacation/")
    assert "No automatic replies." in page.inner_text("#vacation-state")
    assert not Vacation.objects.get(mailbox=ADDRESS).enabled
    assert Alias.objects.get(mail=ADDRESS).destination == ADDRESS
