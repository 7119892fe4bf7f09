"""Panel fixtures: two domains, three staff roles and a non-staff user.

- superuser: everything;
- admin_a: domain admin of example.org; admin_b: domain admin of other.org;
- end_user: a logged-in account that is not staff.
"""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import DomainAssignment
from aliases import services as alias_services
from domains import services
from tests.conftest import ACTOR

PASSWORD = "Unusual-Staff-Pass-42"
MAIL_PASSWORD = "Mailbox-Secret-2024"


@pytest.fixture
def mail_data(db):
    """example.org with john, a forward and a catch-all; other.org with mary."""
    for name in ("example.org", "other.org"):
        services.create_domain(name, actor=ACTOR)
    services.create_mailbox("john@example.org", MAIL_PASSWORD, actor=ACTOR, name="John")
    services.create_mailbox("mary@other.org", MAIL_PASSWORD, actor=ACTOR, name="Mary")
    alias_services.create_alias("sales@example.org", "john@example.org", actor=ACTOR)
    alias_services.create_alias("@example.org", "john@example.org", actor=ACTOR)
    alias_services.create_alias("info@other.org", "mary@other.org", actor=ACTOR)


def _staff(username: str, *, superuser: bool = False, domains: tuple[str, ...] = ()) -> User:
    user = User.objects.create_user(
        username, password=PASSWORD, is_staff=True, is_superuser=superuser
    )
    for name in domains:
        DomainAssignment.objects.create(user=user, domain=services.get_domain(name))
    return user


@pytest.fixture
def superuser(mail_data) -> User:
    return _staff("root", superuser=True)


@pytest.fixture
def admin_a(mail_data) -> User:
    return _staff("alice", domains=("example.org",))


@pytest.fixture
def admin_b(mail_data) -> User:
    return _staff("bob", domains=("other.org",))


@pytest.fixture
def end_user(mail_data) -> User:
    return User.objects.create_user("eve", password=PASSWORD)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def su_client(superuser) -> Client:
    return client_for(superuser)


@pytest.fixture
def a_client(admin_a) -> Client:
    return client_for(admin_a)


@pytest.fixture
def b_client(admin_b) -> Client:
    return client_for(admin_b)


def large_tables(*tables: str) -> dict[str, int]:
    """A stand-in for the server's estimates: every table holds over a million rows."""
    return dict.fromkeys(tables, 1_234_567)
