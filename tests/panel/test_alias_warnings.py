"""The warnings before an alias is saved (aliases.checks), read off the address tracer with
the proposed row in place: dead ends, loops, and what Postfix does not call a loop."""

import pytest

from aliases.checks import alias_warnings
from aliases.models import Alias
from domains import services
from domains.models import Domain, Mailbox
from tests.conftest import ACTOR

PASSWORD = "Mailbox-Secret-2024"


def dead_end(address: str) -> str:
    return f"{address} is a local address with no mailbox and no alias: mail to it will bounce."


def not_a_mailbox(source: str) -> str:
    return f"{source} lists itself as a destination but is not a mailbox: that copy will bounce."


def loop(source: str) -> str:
    return (
        f"Mail for {source} would loop: its destinations lead back to it. Postfix bounces "
        "such mail."
    )


def row(mail: str, destination: str, *, enabled: bool = True) -> None:
    Alias.objects.update_or_create(
        mail=mail, defaults={"destination": destination, "enabled": enabled}
    )


@pytest.fixture
def world(db):
    """d.org and e.org hosted, off.org disabled; m@d.org (self-alias), nm@d.org (no
    self-alias), dm@d.org (disabled mailbox), m@e.org."""
    for name in ("d.org", "e.org", "off.org"):
        services.create_domain(name, actor=ACTOR)
    Domain.objects.filter(domain="off.org").update(enabled=False)
    for address in ("m@d.org", "nm@d.org", "dm@d.org", "m@e.org"):
        services.create_mailbox(address, PASSWORD, actor=ACTOR)
    Alias.objects.filter(mail="nm@d.org").delete()
    Mailbox.objects.filter(address="dm@d.org").update(enabled=False)


@pytest.mark.parametrize(
    "rows, source, destinations, expected",
    [
        ([], "a@d.org", ["m@d.org", "nm@d.org", "x@gmail.com"], []),
        ([], "a@d.org", ["ghost@d.org"], [dead_end("ghost@d.org")]),
        (
            [],
            "a@d.org",
            ["ghost@d.org", "x@gmail.com", "ghost2@e.org", "m@d.org"],
            [dead_end("ghost@d.org"), dead_end("ghost2@e.org")],
        ),
        # a domain in the table but disabled: its mail goes out to an MX that refuses it
        ([], "a@d.org", ["x@off.org"], [dead_end("x@off.org")]),
        # a disabled mailbox or alias is still a mailbox or an alias
        ([], "a@d.org", ["dm@d.org"], []),
        ([("g@d.org", "x@gmail.com", False)], "a@d.org", ["g@d.org"], []),
        ([("@e.org", "m@e.org", False)], "a@d.org", ["g@e.org"], []),
        ([("@e.org", "m@e.org", True)], "a@d.org", ["g@e.org"], []),
        # keeping a copy: the source itself is not a dead end, but without a mailbox the
        # copy bounces (a@d.org is no mailbox here)
        ([], "a@d.org", ["a@d.org", "x@gmail.com"], [not_a_mailbox("a@d.org")]),
        ([], "m@d.org", ["m@d.org", "x@gmail.com"], []),
        # a new catch-all, or one replaced, onto an address with no mailbox
        ([], "@e.org", ["ghost@e.org"], [dead_end("ghost@e.org")]),
        ([("@e.org", "m@e.org", True)], "@e.org", ["ghost@e.org"], [dead_end("ghost@e.org")]),
        ([], "@e.org", ["m@e.org"], []),
    ],
)
def test_dead_ends(world, rows, source, destinations, expected):
    for mail, destination, enabled in rows:
        row(mail, destination, enabled=enabled)
    assert alias_warnings(source, destinations) == expected


def test_a_loop_back_to_the_source(world):
    row("b@d.org", "c@d.org")
    row("c@d.org", "a@d.org")
    assert alias_warnings("a@d.org", ["b@d.org"]) == [loop("a@d.org")]


def test_a_loop_further_down_is_reported_too(world):
    row("b@d.org", "c@d.org")
    row("c@d.org", "b@d.org")
    assert alias_warnings("a@d.org", ["b@d.org"]) == [loop("a@d.org")]


def test_a_loop_still_names_the_dead_ends_first(world):
    row("b@d.org", "a@d.org")
    assert alias_warnings("a@d.org", ["b@d.org", "ghost@d.org"]) == [
        dead_end("ghost@d.org"),
        loop("a@d.org"),
    ]


def test_the_proposed_row_replaces_the_saved_one(world):
    row("a@d.org", "b@d.org")
    row("b@d.org", "a@d.org")
    assert alias_warnings("a@d.org", ["m@d.org"]) == []
    assert alias_warnings("b@d.org", ["a@d.org"]) == [loop("b@d.org")]


def test_a_domain_alias_loop(world):
    row("@d.org", "@e.org")
    assert alias_warnings("@e.org", ["@d.org"]) == [loop("@e.org")]
    assert alias_warnings("@e.org", ["@off.org"]) == []


@pytest.mark.parametrize(
    "rows, source, destinations",
    [
        # Postfix ignores a disabled row
        ([("b@d.org", "a@d.org", False)], "a@d.org", ["b@d.org"]),
        # an address that expands to itself is delivered (@d.org → nm@d.org → itself)
        ([], "@d.org", ["nm@d.org"]),
        # a result that contains the address stops its expansion
        ([("b@d.org", "a@d.org", True)], "a@d.org", ["b@d.org", "a@d.org"]),
    ],
)
def test_what_postfix_does_not_call_a_loop(world, rows, source, destinations):
    for mail, destination, enabled in rows:
        row(mail, destination, enabled=enabled)
    # no loop; a source that lists itself without being a mailbox is a dead end of its own
    expected = [not_a_mailbox(source)] if source in destinations else []
    assert alias_warnings(source, destinations) == expected


def test_a_long_chain_is_not_a_loop(world):
    for n in range(30):
        row(f"c{n}@d.org", f"c{n + 1}@d.org")
    row("c30@d.org", "m@d.org")
    assert alias_warnings("a@d.org", ["c0@d.org"]) == []


def test_the_queries_stay_bounded(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        alias_warnings("a@d.org", ["m@d.org", "ghost@d.org", "x@gmail.com"])
    # The most destinations the column holds, each looping back: the tracer caches its
    # reads, and each destination is traced once more for its dead ends.
    fan_out = [f"f{n}@d.org" for n in range(12)]
    assert len(",".join(fan_out)) <= 120
    for address in fan_out:
        row(address, "a@d.org")
    with django_assert_max_num_queries(60):
        assert alias_warnings("a@d.org", fan_out) == [loop("a@d.org")]


def test_an_address_listing_itself_without_a_mailbox_is_warned(world):
    assert alias_warnings("x@d.org", ["x@d.org", "m@e.org"]) == [not_a_mailbox("x@d.org")]


def test_a_mailbox_keeping_a_local_copy_is_not_warned(world):
    assert alias_warnings("m@d.org", ["m@d.org", "m@e.org"]) == []
