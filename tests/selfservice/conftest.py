import pytest
from django.core.cache import cache

from domains import services

PASSWORD = "Quite-a-long-pass-1"
ADDRESS = "john@example.org"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The login throttle counts in the cache: every test starts from none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mailbox(db, actor):
    services.create_domain("example.org", actor=actor)
    return services.create_mailbox(ADDRESS, PASSWORD, actor=actor, name="John", quota_text="2G")


def log_in(client, address=ADDRESS, password=PASSWORD, **extra):
    return client.post("/account/login/", {"address": address, "password": password}, **extra)


@pytest.fixture
def mailbox_client(client, mailbox):
    """A browser logged in as the mailbox owner (and as nobody on the staff side)."""
    response = log_in(client)
    assert response.status_code == 302, response.content
    return client
