"""List pages run the same number of queries with 5 rows as with 500."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import DomainAssignment
from aliases.models import Alias
from domains.models import Domain, Mailbox
from tests.panel.conftest import client_for

PAGES = ["/", "/domains/", "/domains/mailboxes/", "/aliases/", "/domains/bulk.test/"]
CASES = [(url, role) for url in PAGES for role in ("superuser", "domain_admin")]
CASES.append(("/admins/", "superuser"))


def fill(start: int, stop: int) -> None:
    """Rows start..stop-1 of each kind: domains, mailboxes, aliases, domain admins."""
    bulk = Domain.objects.get_or_create(domain="bulk.test")[0]
    Domain.objects.bulk_create(Domain(domain=f"d{n}.test") for n in range(start, stop))
    Mailbox.objects.bulk_create(
        Mailbox(address=f"u{n}@bulk.test", crypt="x", quota="1024S") for n in range(start, stop)
    )
    Alias.objects.bulk_create(
        Alias(mail=f"a{n}@bulk.test", destination=f"u{n}@bulk.test") for n in range(start, stop)
    )
    admins = User.objects.bulk_create(
        User(username=f"admin{n}", is_staff=True) for n in range(start, stop)
    )
    DomainAssignment.objects.bulk_create(DomainAssignment(user=u, domain=bulk) for u in admins)


@pytest.mark.parametrize(("url", "role"), CASES)
def test_list_pages_run_a_constant_number_of_queries(db, url, role, django_assert_num_queries):
    fill(0, 5)
    if role == "superuser":
        user = User.objects.create(username="root", is_staff=True, is_superuser=True)
    else:
        user = User.objects.get(username="admin0")
    client = client_for(user)
    with CaptureQueriesContext(connection) as five_rows:
        assert client.get(url).status_code == 200
    fill(5, 500)
    with django_assert_num_queries(len(five_rows)):
        assert client.get(url).status_code == 200
