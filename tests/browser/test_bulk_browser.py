"""Bulk disable from the alias list in headless Chromium: three checkboxes, one
confirmation listing each row, one audit entry per row."""

import pytest

from aliases import services as alias_services
from aliases.models import Alias
from audit.models import AuditEntry
from tests.browser.test_postmaster_browser import log_in, staff  # noqa: F401

pytestmark = pytest.mark.browser

SOURCES = ["a1@example.org", "a2@example.org", "a3@example.org"]


def test_bulk_disable_of_three_aliases_is_confirmed_and_audited(live_server, staff, page, actor):  # noqa: F811
    for source in SOURCES:
        alias_services.create_alias(source, "mary@other.org", actor=actor)
    before = AuditEntry.objects.count()
    base = live_server.url
    log_in(page, base, "alice")
    page.goto(f"{base}/aliases/")
    for source in SOURCES:
        page.check(f"input[name=source][value='{source}']")
    page.click("button[name=action][value=disable]")
    page.wait_for_load_state()
    assert "Disable 3 aliases?" in page.content()
    assert Alias.objects.filter(mail__in=SOURCES, enabled=True).count() == 3
    page.click("main button[type=submit]:has-text('Disable 3 aliases')")
    page.wait_for_url(f"{base}/aliases/")
    assert "3 aliases: disable done." in page.content()
    assert not Alias.objects.filter(mail__in=SOURCES, enabled=True).exists()
    entries = AuditEntry.objects.order_by("pk")[before:]
    assert sorted((e.action, e.object_id) for e in entries) == [("disable", s) for s in SOURCES]
