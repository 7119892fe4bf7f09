"""A superuser in headless Chromium: filters to disabled aliases, exports the CSV, traces
john@whopper.nu on the guide's data to xandros@blobber.org's maildir, and fixes a finding."""

import csv
import io

import pytest
from django.contrib.auth.models import User

from aliases import services as alias_services
from domains.demo import load_guide_example
from tests.conftest import ACTOR

pytestmark = pytest.mark.browser

PASSWORD = "Audit-Browser-Pass-2024"


@pytest.fixture
def demo(transactional_db):
    load_guide_example(ACTOR)
    alias_services.set_alias_enabled("karl@blobber.org", False, actor=ACTOR)
    User.objects.create_user("root", password=PASSWORD, is_staff=True, is_superuser=True)


def log_in(page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_url(f"{base}/")


def test_a_superuser_audits_exports_and_traces(live_server, demo, page):
    base = live_server.url
    log_in(page, base)

    page.click("nav >> text=Audit")
    page.wait_for_url(f"{base}/audit/")
    page.select_option("select[name=state]", "disabled")
    page.click("#alias-audit-filters button[type=submit]")
    page.wait_for_url("**/audit/?*state=disabled*")
    rows = page.locator("#alias-audit tbody tr")
    assert rows.count() == 1
    assert "karl@blobber.org" in rows.first.inner_text()

    with page.expect_download() as info:
        page.click("#export-csv")
    download = info.value
    assert download.suggested_filename == "aliases.csv"
    with open(download.path(), encoding="utf-8") as handle:
        exported = list(csv.DictReader(io.StringIO(handle.read())))
    assert [(r["mail"], r["state"]) for r in exported] == [("karl@blobber.org", "disabled")]

    page.click("text=Address tracer")
    page.fill("input[name=address]", "john@whopper.nu")
    page.click("#trace-form button[type=submit]")
    page.wait_for_selector("#trace-outcome")
    outcome = page.locator("#trace-outcome tbody tr")
    assert outcome.count() == 1
    text = outcome.first.inner_text()
    assert "xandros@blobber.org" in text
    assert "delivered" in text
    assert page.locator("#trace-outcome code.maildir").inner_text().endswith("/xandros/")
    assert "catch-all @whopper.nu" in page.locator("#trace-steps").inner_text()


def test_a_superuser_fixes_a_finding_and_sees_it_gone(live_server, demo, page):
    """The page is current after the fix (audit.live: the cached report of the tables before
    the change is not shown again)."""
    alias_services.create_alias("sales@blobber.org", "nobody@blobber.org", actor=ACTOR)
    base = live_server.url
    log_in(page, base)

    page.goto(f"{base}/audit/findings/?kind=dead-end")
    finding = page.locator("#findings tbody tr", has_text="sales@blobber.org")
    assert finding.count() == 1
    assert "no mailbox and no alias" in finding.inner_text()
    page.goto(f"{base}/audit/findings/?kind=dead-end")  # the second view: the cached report
    assert page.locator("#findings tbody tr", has_text="sales@blobber.org").count() == 1

    page.locator("#findings tbody tr", has_text="sales@blobber.org").locator("text=Fix").click()
    page.wait_for_url(f"{base}/aliases/sales@blobber.org/")
    page.fill("textarea[name=destinations], input[name=destinations]", "xandros@blobber.org")
    page.click("main button[type=submit]:has-text('Save')")
    page.wait_for_load_state()

    page.click("nav >> text=Audit")
    page.click("text=Findings")
    page.wait_for_url(f"{base}/audit/findings/")
    assert page.locator("#findings tbody tr", has_text="sales@blobber.org").count() == 0
    assert page.locator("#findings-summary").is_visible()
