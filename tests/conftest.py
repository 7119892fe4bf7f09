import os

import pytest
from django.conf import settings

from audit.services import Actor

ACTOR = Actor("tester")


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    if os.environ.get("MAILADMIN_TEST_ENGINE") == "mysql" and "mysql" not in engine:
        raise pytest.UsageError(f"MAILADMIN_TEST_ENGINE=mysql but DATABASE_URL gives {engine}")


@pytest.fixture(autouse=True)
def _needs_mariadb(request):
    """MariaDB-only tests fail, never skip, when run on another engine."""
    marked = request.node.get_closest_marker("mariadb") or request.node.get_closest_marker(
        "mailstack"
    )
    if marked and "mysql" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.fail("this test needs MariaDB: run it with DATABASE_URL=mysql://...")


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
