"""Where mail goes, in the browser: a mailbox's forward and a domain's inbound rows."""

import pytest
from django.contrib.auth.models import User

from aliases import services as alias_services
from aliases.models import Alias
from domains import services
from domains.models import Domain
from tests.browser.test_postmaster_browser import STAFF_PASSWORD, log_in, submit

pytestmark = pytest.mark.browser


@pytest.fixture
def root(transactional_db, actor):
    services.create_domain("example.org", actor=actor)
    services.create_domain("other.org", actor=actor)
    services.create_mailbox("mary@other.org", "Mary-Mail-Secret-77", actor=actor)
    alias_services.create_alias("to-mary@example.org", "mary@other.org", actor=actor)
    User.objects.create_user("root", password=STAFF_PASSWORD, is_staff=True, is_superuser=True)


def test_a_postmaster_forwards_a_mailbox_and_removes_a_domain_pointed_into(live_server, root, page):
    base = live_server.url
    log_in(page, base, "root")

    # The plain forward form sends a mailbox to its own forward page.
    page.goto(f"{base}/aliases/add/?kind=forward")
    page.fill("input[name=source]", "mary@other.org")
    page.fill("textarea[name=destinations]", "mary@gmail.com")
    submit(page)
    page.click("text=forward its mail")
    assert page.url == f"{base}/domains/mailboxes/mary@other.org/forward/"
    assert page.is_checked("input[name=keep_copy]")  # a copy is kept unless unticked
    page.fill("textarea[name=destinations]", "mary@gmail.com")
    submit(page)
    assert "forwarded to mary@gmail.com, copy kept" in page.locator("#delivery").inner_text()
    assert Alias.objects.get(mail="mary@other.org").destination == "mary@other.org,mary@gmail.com"

    # Deleting other.org lists what example.org delivers into it, and can remove it.
    page.goto(f"{base}/domains/other.org/delete/")
    assert "to-mary@example.org" in page.locator("#inbound").inner_text()
    page.check("input[name=inbound][value=remove]")
    submit(page, "Delete the domain")
    page.wait_for_url(f"{base}/domains/")
    assert not Domain.objects.filter(domain="other.org").exists()
    assert not Alias.objects.filter(mail="to-mary@example.org").exists()
