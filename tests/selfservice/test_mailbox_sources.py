from aliases import services as alias_services
from aliases.models import AliasKind
from domains import services
from routing.sources import sources_of


def _table(address):
    return [(s.address, s.kind, s.rule, s.to) for s in sources_of(address)]


def test_a_plain_mailbox_has_no_other_source(mailbox):
    assert sources_of("john@example.org") == []


def test_the_guide_catch_all_and_domain_aliases_reach_xandros(guide_data):
    assert _table("xandros@blobber.org") == [
        ("@whopper.nu", AliasKind.CATCH_ALL, "@whopper.nu", "xandros@blobber.org"),
        ("xandros@lala.com", AliasKind.DOMAIN_ALIAS, "@lala.com", "xandros@blobber.org"),
        (
            "xandros@mail.blobber.org",
            AliasKind.DOMAIN_ALIAS,
            "@mail.blobber.org",
            "xandros@blobber.org",
        ),
    ]


def test_chains_of_forwards_are_followed(guide_data):
    sources = {s.address: s for s in sources_of("root@localhost")}
    assert sources["postmaster@localhost"].kind == AliasKind.FORWARD
    assert sources["@localhost"].kind == AliasKind.CATCH_ALL
    # postmaster@whopper.nu → postmaster@localhost → root@localhost
    assert sources["postmaster@whopper.nu"].to == "postmaster@localhost"
    # @localhost.localdomain → @localhost: every address there ends up here too
    assert sources["@localhost.localdomain"].kind == AliasKind.DOMAIN_ALIAS
    assert sources["root@localhost.localdomain"].to == "root@localhost"
    # two hops through a domain alias: postmaster@lala.com → postmaster@blobber.org → ...
    assert sources["postmaster@lala.com"].to == "postmaster@blobber.org"
    assert "karl@blobber.org" not in sources


def test_a_forward_among_several_destinations_counts(mailbox, actor):
    alias_services.create_alias(
        "team@example.org", ["jane@else.example", "john@example.org"], actor=actor
    )
    assert [s.address for s in sources_of("john@example.org")] == ["team@example.org"]


def test_a_destination_that_only_contains_the_address_does_not_count(mailbox, actor):
    alias_services.create_alias("x@example.org", "bigjohn@example.org.uk", actor=actor)
    assert sources_of("john@example.org") == []


def test_disabled_aliases_deliver_nothing(mailbox, actor):
    alias_services.create_alias("team@example.org", "john@example.org", actor=actor)
    alias_services.set_alias_enabled("team@example.org", False, actor=actor)
    assert sources_of("john@example.org") == []


def test_an_address_with_its_own_alias_is_not_taken_by_the_domain_alias(mailbox, actor):
    services.create_domain("alias.example", actor=actor)
    alias_services.create_alias("@alias.example", "@example.org", actor=actor)
    alias_services.create_alias("john@alias.example", "other@else.example", actor=actor)
    assert sources_of("john@example.org") == []


def test_loops_end(mailbox, actor):
    alias_services.create_alias("a@example.org", "b@example.org,john@example.org", actor=actor)
    alias_services.create_alias("b@example.org", "a@example.org", actor=actor)
    assert sorted(s.address for s in sources_of("john@example.org")) == [
        "a@example.org",
        "b@example.org",
    ]


def test_each_hop_costs_at_most_two_queries(guide_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(2 * 5):
        sources_of("root@localhost")
