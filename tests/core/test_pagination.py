import pytest

from aliases.models import Alias
from domains.models import Domain
from mailadmin.pagination import BoundedPaginator, table_count


@pytest.fixture
def aliases(db):
    Domain.objects.create(domain="example.org")
    Alias.objects.bulk_create(
        Alias(mail=f"a{i:03d}@example.org", destination="x@else.net") for i in range(30)
    )


def test_counting_stops_at_the_bound(aliases, django_assert_num_queries):
    paginator = BoundedPaginator(Alias.objects.order_by("mail"), 10, bound=25)
    with django_assert_num_queries(1):
        assert (paginator.count, paginator.num_pages, paginator.truncated) == (25, 3, True)


def test_below_the_bound_the_count_is_exact(aliases):
    paginator = BoundedPaginator(Alias.objects.order_by("mail"), 10, bound=100)
    assert (paginator.count, paginator.truncated) == (30, False)
    assert [a.mail for a in paginator.page(3)][-1] == "a029@example.org"


def test_small_tables_are_counted_exactly(aliases):
    assert table_count(Alias.objects.all()) == (30, 0, False)


def test_large_tables_take_the_server_s_estimate(aliases, monkeypatch):
    monkeypatch.setattr("mailadmin.pagination.estimated_rows", lambda table: 2_000_000)
    assert table_count(Alias.objects.all()) == (2_000_000, 0, True)
