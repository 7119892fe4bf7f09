import os

import pytest


@pytest.fixture(autouse=True)
def _restore_async_unsafe():
    """Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright's sync API; it must not
    leak into later tests (`check --deploy` in a subprocess refuses it)."""
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    yield
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before
