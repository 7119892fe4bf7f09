import os
import time
from unittest import mock

import pytest
from django.conf import settings

from audit.services import Actor

ACTOR = Actor("tester")


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    if os.environ.get("MAILADMIN_TEST_ENGINE") == "mysql" and "mysql" not in engine:
        raise pytest.UsageError(f"MAILADMIN_TEST_ENGINE=mysql but DATABASE_URL gives {engine}")


def pytest_collection_modifyitems(config, items):
    """The mail-stack tests run on one xdist worker (`--dist loadgroup`): Courier's
    authdaemond reads compiled-in paths, so one stack at a time runs on a machine."""
    for item in items:
        if item.get_closest_marker("mailstack"):
            item.add_marker(pytest.mark.xdist_group("mailstack"))


@pytest.fixture(autouse=True)
def _needs_mariadb(request):
    """MariaDB-only tests fail, never skip, when run on another engine."""
    marked = request.node.get_closest_marker("mariadb") or request.node.get_closest_marker(
        "mailstack"
    )
    if marked and "mysql" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.fail("this test needs MariaDB: run it with DATABASE_URL=mysql://...")


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Each test starts in the default language: LocaleMiddleware activates a request's
    language on the thread and leaves it there, so a French request of one test would
    otherwise speak French in the next test's direct service calls."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clean_cache():
    """Each test starts with an empty cache: login throttles, cached findings (audit.live)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_staff_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def actor() -> Actor:
    return ACTOR


@pytest.fixture
def guide_data(db):
    """The guide's example data, written through the services."""
    from domains.demo import load_guide_example

    load_guide_example(ACTOR)


CHROMIUM = "/usr/bin/chromium"  # Debian's: Playwright never downloads a browser here
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def clock():
    """The time both login-throttle counter stores read, held still until a test moves it.

    The throttle's windows are fixed and jittered per key, so a test that counts failures
    on the real clock fails when a window happens to end between two of its requests."""
    with (
        mock.patch("selfservice.throttle.time") as ours,
        mock.patch("django_ratelimit.core.time", ours),
    ):
        ours.time.return_value = time.time()
        yield ours.time


@pytest.fixture
def page(monkeypatch):
    """A headless Chromium page for the browser tests (marker `browser`)."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test
    # body stay synchronous. monkeypatch restores the variable afterwards.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page.set_default_timeout(15_000)
        yield page
        browser.close()
