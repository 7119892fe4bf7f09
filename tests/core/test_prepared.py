import datetime

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aliases.models import Alias
from domains.models import Domain, Mailbox
from mailadmin.prepared import NotPreparable, Prepared


@pytest.fixture
def rows(db):
    Domain.objects.create(domain="example.org")
    Domain.objects.create(domain="other.org", enabled=False)
    Alias.objects.bulk_create(
        [
            *(Alias(mail=f"a{i}@example.org", destination="x@else.net") for i in range(5)),
            Alias(mail="off@example.org", destination="x@else.net", enabled=False),
            Alias(mail="b@other.org", destination="y@else.net"),
        ]
    )


def aliases_of(name):
    return Alias.objects.filter(domain_name=name).order_by("mail")


def test_a_prepared_query_answers_what_the_orm_answers(rows):
    query = Prepared(aliases_of, str)
    for name in ("example.org", "other.org", "nowhere.example"):
        orm = list(aliases_of(name))
        assert [(a.pk, a.mail, a.enabled) for a in query.objects(name)] == [
            (a.pk, a.mail, a.enabled) for a in orm
        ]
        assert query.count(name) == len(orm)


def test_values_come_back_converted_as_the_orm_converts_them(rows):
    def tally(name):
        return (
            Alias.objects.filter(domain_name=name)
            .order_by()
            .values("domain_name")
            .annotate(total=Count("pk"), disabled=Count("pk", filter=Q(enabled=False)))
            .values("total", "disabled")
        )

    assert Prepared(tally, str).dicts("example.org") == [{"total": 6, "disabled": 1}]
    enabled = Prepared(lambda name: aliases_of(name).values_list("enabled"), str)
    assert {row[0] for row in enabled.rows("example.org")} == {True, False}


def test_integer_arguments_fill_their_slots(rows):
    first = Alias.objects.order_by("pk").first()
    by_key = Prepared(lambda pk: Alias.objects.filter(pk=pk), int)
    assert [a.mail for a in by_key.objects(first.pk)] == [first.mail]
    assert by_key.objects(-1) == []


def test_the_query_is_built_once_and_each_call_is_one_query(rows):
    builds = []

    def build(name):
        builds.append(name)
        return aliases_of(name)

    query = Prepared(build, str)
    query.count("example.org")
    with CaptureQueriesContext(connection) as queries:
        assert query.count("other.org") == 1
        assert query.count("example.org") == 6
    assert len(queries) == 2
    assert len(builds) == 2  # twice at the first call, to compare the two builds


def test_it_sees_the_transaction_s_own_rows(rows):
    query = Prepared(aliases_of, str)
    assert query.count("new.example") == 0
    Alias.objects.create(mail="n@new.example", destination="x@else.net")
    assert query.count("new.example") == 1


def test_a_query_that_depends_on_the_time_is_refused(rows):
    recent = Prepared(
        lambda name: aliases_of(name).filter(
            destination__gt=str(timezone.now() + datetime.timedelta(microseconds=1))
        ),
        str,
    )
    with pytest.raises(NotPreparable):
        recent.count("example.org")


def test_an_argument_the_orm_transforms_is_refused(rows):
    with pytest.raises(NotPreparable):
        Prepared(lambda text: Alias.objects.filter(mail__icontains=text), str).count("a1")


def test_an_argument_the_query_does_not_use_is_refused(rows):
    with pytest.raises(NotPreparable):
        Prepared(lambda name: Alias.objects.all(), str).count("example.org")


def test_values_of_the_wrong_kind_are_refused(rows):
    query = Prepared(aliases_of, str)
    with pytest.raises(TypeError):
        query.count(5)
    with pytest.raises(TypeError):
        query.count("example.org", "other.org")
    with pytest.raises(TypeError):
        Prepared(lambda pk: Alias.objects.filter(pk=pk), int).count(True)


def test_objects_needs_a_plain_model_queryset(rows):
    joined = Prepared(
        lambda name: Mailbox.objects.filter(domain_name=name).select_related("usage"), str
    )
    with pytest.raises(NotPreparable):
        joined.objects("example.org")
