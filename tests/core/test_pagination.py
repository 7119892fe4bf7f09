import pytest
from django.db import connection

from aliases.models import Alias
from domains.models import Domain
from mailadmin.pagination import (
    EXACT_BELOW,
    BoundedPaginator,
    _counted_unless_large,
    _whole_table_counts,
    table_counts,
    table_estimates,
)


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
    Alias.objects.filter(mail="a007@example.org").update(enabled=False)
    assert table_counts(Alias.objects.all(), Domain.objects.all()) == [
        (30, 1, False),
        (1, 0, False),
    ]


def test_large_tables_take_the_server_s_estimate(aliases, monkeypatch):
    monkeypatch.setattr(
        "mailadmin.pagination.table_estimates",
        lambda *tables: {"aliases": 2_000_000, "domains": 5},
    )
    assert table_counts(Alias.objects.all(), Domain.objects.all()) == [
        (2_000_000, 0, True),
        (1, 0, False),
    ]


def test_the_estimates_of_several_tables_take_one_query(aliases, django_assert_num_queries):
    if connection.vendor != "mysql":
        assert table_estimates("aliases", "domains") is None
        return
    with django_assert_num_queries(1):
        estimates = table_estimates("aliases", "domains", "no_such_table")
    assert set(estimates) == {"aliases", "domains", "no_such_table"}
    assert estimates["no_such_table"] == 0


def test_only_whole_tables_are_counted_so(aliases):
    with pytest.raises(ValueError):
        table_counts(Alias.objects.filter(enabled=True))


@pytest.mark.parametrize(
    ("listed", "whole"),
    [
        (lambda: Alias.objects.all(), True),
        (lambda: Alias.objects.with_mailbox_flag(), True),  # a LEFT JOIN keeps every row
        (lambda: Alias.objects.filter(mail__startswith="a00"), False),
        (lambda: Alias.objects.filter(domain_name="example.org").with_mailbox_flag(), False),
        (lambda: Alias.objects.distinct(), False),
    ],
)
def test_only_an_unfiltered_list_may_take_the_table_s_estimate(aliases, listed, whole):
    paginator = BoundedPaginator(listed().order_by("mail"), 10)
    assert paginator._lists_a_whole_table() is whole
    assert paginator.count == listed().count()  # 30 rows: counted on every engine


def test_a_bound_near_the_estimate_s_threshold_is_always_counted(aliases):
    paginator = BoundedPaginator(Alias.objects.order_by("mail"), 10, bound=EXACT_BELOW)
    assert paginator._lists_a_whole_table() is False


@pytest.mark.mariadb
def test_an_unfiltered_list_of_a_large_table_is_not_counted(aliases, django_assert_num_queries):
    keys = Alias.objects.with_mailbox_flag().order_by().values("pk")[:11]
    with django_assert_num_queries(1):
        assert _counted_unless_large(keys, 11, large=0) == 11  # the estimate answers
    with django_assert_num_queries(1):
        assert _counted_unless_large(keys, 11, large=10**9) == 11  # the keys counted
    assert _counted_unless_large(Alias.objects.values("pk")[:100], 100, large=10**9) == 30


@pytest.mark.mariadb
def test_an_unfiltered_list_of_a_small_table_is_counted_in_the_same_query(
    aliases, django_assert_num_queries
):
    paginator = BoundedPaginator(Alias.objects.with_mailbox_flag().order_by("mail"), 10)
    with django_assert_num_queries(1):
        assert (paginator.count, paginator.num_pages, paginator.truncated) == (30, 3, False)


def test_a_table_s_counts_are_prepared_once_per_bound(aliases):
    assert _whole_table_counts(Alias, 10) is _whole_table_counts(Alias, 10)
    assert _whole_table_counts(Alias, 10) is not _whole_table_counts(Alias, 20)
    exact, disabled = _whole_table_counts(Alias, 3)
    Alias.objects.update(enabled=False)
    assert disabled.count() == 4  # one past the bound
