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


def test_an_unfiltered_list_of_a_large_table_is_not_counted(
    aliases, monkeypatch, django_assert_num_queries
):
    asked = []
    monkeypatch.setattr(
        "mailadmin.pagination.estimated_rows", lambda table: asked.append(table) or 2_000_000
    )
    paginator = BoundedPaginator(Alias.objects.with_mailbox_flag().order_by("mail"), 10)
    with django_assert_num_queries(0):  # the estimate is asked for, no key is counted
        assert (paginator.count, paginator.num_pages, paginator.truncated) == (10_000, 1000, True)
    assert asked == ["aliases"]


@pytest.mark.parametrize(
    "listed",
    [
        lambda: Alias.objects.filter(mail__startswith="a00"),
        lambda: Alias.objects.filter(domain_name="example.org").with_mailbox_flag(),
        lambda: Alias.objects.distinct(),
    ],
)
def test_a_filtered_list_is_counted_whatever_the_table_s_size(aliases, monkeypatch, listed):
    monkeypatch.setattr("mailadmin.pagination.estimated_rows", lambda table: 2_000_000)
    paginator = BoundedPaginator(listed().order_by("mail"), 10, bound=100)
    assert paginator.truncated is False
    assert paginator.count == listed().count()


def test_a_small_table_s_unfiltered_list_is_counted(aliases, monkeypatch):
    monkeypatch.setattr("mailadmin.pagination.estimated_rows", lambda table: 99_999)
    paginator = BoundedPaginator(Alias.objects.order_by("mail"), 10)
    assert (paginator.count, paginator.truncated) == (30, False)
