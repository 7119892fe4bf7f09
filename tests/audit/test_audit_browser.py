"""A superuser in headless Chromium: filters to disabled aliases, exports the CSV, and traces
john@whopper.nu on the guide's data to xandros@blobber.org's maildir."""

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


def test_a_superuser_audits_exports_and_traces(live_server, demo, page):
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_url(f"{base}/")

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
