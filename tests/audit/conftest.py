"""Audit fixtures: example.org and other.org, three staff roles and a non-staff user."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import DomainAssignment
from aliases import services as alias_services
from domains import services
from tests.conftest import ACTOR

PASSWORD = "Unusual-Audit-Pass-42"
MAIL_PASSWORD = "Mailbox-Secret-2024"


@pytest.fixture
def two_domains(db):
    """example.org: john, sales → john; other.org: mary, info → mary (disabled)."""
    for name in ("example.org", "other.org"):
        services.create_domain(name, actor=ACTOR)
    services.create_mailbox("john@example.org", MAIL_PASSWORD, actor=ACTOR, name="John")
    services.create_mailbox("mary@other.org", MAIL_PASSWORD, actor=ACTOR, name="Mary")
    alias_services.create_alias("sales@example.org", "john@example.org", actor=ACTOR)
    alias_services.create_alias("info@other.org", "mary@other.org", actor=ACTOR, enabled=False)


def staff(username: str, *, superuser: bool = False, domains: tuple[str, ...] = ()) -> User:
    user = User.objects.create_user(
        username, password=PASSWORD, is_staff=True, is_superuser=superuser
    )
    for name in domains:
        DomainAssignment.objects.create(user=user, domain=services.get_domain(name))
    return user


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def su_client(two_domains) -> Client:
    return client_for(staff("root", superuser=True))


@pytest.fixture
def a_client(two_domains) -> Client:
    """The admin of example.org."""
    return client_for(staff("alice", domains=("example.org",)))


@pytest.fixture
def b_client(two_domains) -> Client:
    """The admin of other.org."""
    return client_for(staff("bob", domains=("other.org",)))


@pytest.fixture
def non_staff_client(two_domains) -> Client:
    return client_for(User.objects.create_user("eve", password=PASSWORD))
