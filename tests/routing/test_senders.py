"""Who may send as an address (routing.senders): the rules mysql_sender_login.cf writes,
on the guide's data and hard cases (the mailstack layer checks them against real Postfix)."""

import pytest

from aliases import services as alias_services
from domains import services
from routing import senders
from routing.tables import LazyTables
from tests.conftest import ACTOR

PASSWORD = "Mailbox-Secret-2024"


@pytest.fixture
def mailboxes(db):
    for name in ("example.org", "alias.test"):
        services.create_domain(name, actor=ACTOR)
    for user in ("ann", "bob"):
        services.create_mailbox(f"{user}@example.org", PASSWORD, actor=ACTOR)
    services.create_mailbox("off@example.org", PASSWORD, actor=ACTOR, enabled=False)
    alias_services.create_alias("info@example.org", "ann@example.org", actor=ACTOR)
    alias_services.create_alias(
        "team@example.org", "Ann@example.org, bob@example.org, x@elsewhere.net", actor=ACTOR
    )
    alias_services.create_alias("old@example.org", "ann@example.org", actor=ACTOR, enabled=False)
    alias_services.create_alias("@example.org", "bob@example.org", actor=ACTOR)
    alias_services.create_alias("@alias.test", "@example.org", actor=ACTOR)


def logins(sender: str, delimiter: str = "+") -> list[str]:
    return senders.owners(sender, LazyTables(delimiter=delimiter)).logins


def test_a_mailbox_owns_its_own_address(mailboxes):
    assert logins("ann@example.org") == ["ann@example.org"]
    assert senders.owners("ANN@Example.org").allows("Ann@example.org")


def test_every_destination_of_an_alias_row_may_send_as_it(mailboxes):
    answer = senders.owners("team@example.org")
    assert answer.logins == ["ann@example.org", "bob@example.org", "x@elsewhere.net"]
    assert answer.mailboxes == ["ann@example.org", "bob@example.org"]
    assert answer.owners[0].why == senders.LISTED


def test_a_catch_all_and_a_disabled_row_grant_nothing(mailboxes):
    assert logins("nobody@example.org") == []
    assert logins("old@example.org") == []
    assert senders.sender_keys(LazyTables(), "nobody@example.org")[-1] == "@example.org"


def test_a_disabled_mailbox_owns_nothing(mailboxes):
    assert logins("off@example.org") == []


def test_an_extension_falls_back_to_the_address_without_it(mailboxes):
    answer = senders.owners("info+news@example.org", LazyTables(delimiter="+"))
    assert (answer.key, answer.logins) == ("info@example.org", ["ann@example.org"])
    assert logins("info+news@example.org", delimiter="") == []


def test_a_domain_alias_lets_the_same_user_send(mailboxes):
    answer = senders.owners("ann@alias.test")
    assert answer.logins == ["ann@example.org"]
    assert answer.owners[0].why == senders.DOMAIN_ALIAS
    assert logins("nobody@alias.test") == []  # no such mailbox at the target


def test_an_alias_row_of_its_own_wins_over_the_domain_alias(mailboxes):
    alias_services.create_alias("ann@alias.test", "bob@example.org", actor=ACTOR)
    assert logins("ann@alias.test") == ["bob@example.org"]


def test_the_addresses_a_mailbox_may_send_as(mailboxes):
    found = [(s.address, s.owner.why) for s in senders.addresses_of("ann@example.org")]
    assert found == [
        ("ann@example.org", senders.MAILBOX),
        ("ann@alias.test", senders.DOMAIN_ALIAS),
        ("info@example.org", senders.LISTED),
        ("team@example.org", senders.LISTED),
    ]


def test_a_longer_address_containing_the_mailbox_is_not_a_match(mailboxes):
    services.create_mailbox("joann@example.org", PASSWORD, actor=ACTOR)
    alias_services.create_alias("jo@example.org", "joann@example.org", actor=ACTOR)
    assert "jo@example.org" not in [s.address for s in senders.addresses_of("ann@example.org")]
