import pytest
from django.core.exceptions import ValidationError

from aliases import services
from aliases.models import Alias, AliasKind
from audit.models import AuditEntry
from domains import services as domain_services

PASSWORD = "Quite-a-long-pass-1"


@pytest.fixture
def example(db, actor):
    domain_services.create_domain("example.org", actor=actor)
    domain_services.create_domain("alias.example", actor=actor)
    domain_services.create_mailbox("john@example.org", PASSWORD, actor=actor)


def test_a_forward_takes_several_destinations_normalised_and_deduplicated(example, actor):
    alias = services.create_alias(
        "Sales@Example.org", "A@Else.net, b@else.net\na@else.net  c@else.net", actor=actor
    )
    assert alias.mail == "sales@example.org"
    assert alias.destination == "a@else.net,b@else.net,c@else.net"
    assert alias.kind == AliasKind.FORWARD
    assert AuditEntry.objects.first().after["destination"] == alias.destination


def test_a_catch_all_is_an_at_domain_source(example, actor):
    alias = services.create_alias("@example.org", "john@example.org", actor=actor)
    assert (alias.mail, alias.kind) == ("@example.org", AliasKind.CATCH_ALL)


def test_a_domain_alias_points_at_another_domain(example, actor):
    alias = services.create_alias("@alias.example", "@Example.org", actor=actor)
    assert (alias.mail, alias.destination) == ("@alias.example", "@example.org")
    assert alias.kind == AliasKind.DOMAIN_ALIAS


def test_the_self_alias_of_a_mailbox_is_recognised(example):
    assert Alias.objects.get(mail="john@example.org").kind == AliasKind.SELF


@pytest.mark.parametrize(
    ("source", "destinations", "message"),
    [
        ("x@nowhere.org", "a@else.net", "not hosted"),
        ("@nowhere.org", "a@else.net", "not hosted"),
        ("x@example.org", "", "at least one destination"),
        ("x@example.org", " , ", "at least one destination"),
        ("x@example.org", "not-an-address", "not a mail address"),
        ("x@example.org", "@alias.example", "only allowed alone"),
        ("@alias.example", "@example.org,a@else.net", "only allowed alone"),
        ("@example.org", "@example.org", "itself"),
        ("bad source", "a@else.net", "not"),
        ("x@example.org", ",".join(f"user{i}@elsewhere.example" for i in range(6)), "holds 120"),
    ],
)
def test_invalid_aliases_are_refused_and_nothing_is_written(
    example, actor, source, destinations, message
):
    before = Alias.objects.count()
    with pytest.raises(ValidationError, match=message):
        services.create_alias(source, destinations, actor=actor)
    assert Alias.objects.count() == before


def test_an_alias_cannot_be_created_twice(example, actor):
    services.create_alias("x@example.org", "a@else.net", actor=actor)
    with pytest.raises(ValidationError, match="already exists"):
        services.create_alias("X@example.org", "b@else.net", actor=actor)


def test_replacing_keeps_a_local_copy_when_the_mailbox_is_listed(example, actor):
    alias = services.replace_alias(
        "john@example.org", "john@example.org,john@else.net", actor=actor
    )
    assert alias.destination == "john@example.org,john@else.net"
    assert alias.kind == AliasKind.FORWARD
    entry = AuditEntry.objects.first()
    assert entry.before["destination"] == "john@example.org"
    assert entry.after["destination"] == "john@example.org,john@else.net"


def test_replacing_an_unknown_alias_is_a_clear_error(example, actor):
    with pytest.raises(ValidationError, match="no alias"):
        services.replace_alias("ghost@example.org", "a@else.net", actor=actor)


def test_an_alias_can_be_disabled_enabled_and_removed(example, actor):
    services.create_alias("x@example.org", "a@else.net", actor=actor)
    services.set_alias_enabled("x@example.org", False, actor=actor)
    assert not Alias.objects.get(mail="x@example.org").enabled
    services.set_alias_enabled("x@example.org", True, actor=actor)
    assert Alias.objects.get(mail="x@example.org").enabled
    services.remove_alias("x@example.org", actor=actor)
    assert not Alias.objects.filter(mail="x@example.org").exists()
    assert AuditEntry.objects.first().before["mail"] == "x@example.org"


@pytest.mark.parametrize("operation", ["remove", "disable"])
def test_the_alias_row_of_a_mailbox_only_goes_with_its_mailbox(example, actor, operation):
    with pytest.raises(ValidationError, match="follows its mailbox"):
        if operation == "remove":
            services.remove_alias("john@example.org", actor=actor)
        else:
            services.set_alias_enabled("john@example.org", False, actor=actor)
    assert Alias.objects.get(mail="john@example.org").enabled


def test_aliases_of_a_domain_are_found_by_the_derived_domain_column(example, actor):
    services.create_alias("@example.org", "john@example.org", actor=actor)
    services.create_alias("x@alias.example", "john@example.org", actor=actor)
    assert set(Alias.objects.filter(domain_name="example.org").values_list("mail", flat=True)) == {
        "john@example.org",
        "@example.org",
    }


def test_a_catch_all_of_a_domain_that_fills_its_column_is_refused_not_truncated(db, actor):
    # A domain may have 120 characters; '@' + that domain does not fit aliases.mail (120).
    name = ("a" * 60 + "." + "b" * 55 + ".org")[:120]
    domain_services.create_domain(name, actor=actor)
    with pytest.raises(ValidationError, match="at most 120 characters"):
        services.create_alias(f"@{name}", "john@example.org", actor=actor)
    assert not Alias.objects.filter(mail__startswith="@").exists()
