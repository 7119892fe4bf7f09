"""Relay domains in the routing model, the tracer and the findings (docs/ROUTING.md)."""

import pytest

from aliases import services as alias_services
from audit.findings.report import run_checks
from domains import services
from domains.models import relay_nexthop, relay_words
from mailstack import tracer
from routing import rules
from routing.tables import LazyTables, PreloadedTables
from tests.conftest import ACTOR

PASSWORD = "Mailbox-Secret-2024"


@pytest.mark.parametrize(
    ("transport", "relay"),
    [
        ("virtual:", None),
        (" virtual: ", None),
        ("smtp:[10.0.0.5]:25", ("smtp", "[10.0.0.5]:25")),
        ("lmtp:unix:private/dovecot-lmtp", ("lmtp", "unix:private/dovecot-lmtp")),
        (":[10.0.0.5]", ("smtp", "[10.0.0.5]")),
        ("smtp:", ("smtp", "")),
        ("relay:mx.example.net", ("relay", "mx.example.net")),
    ],
)
def test_a_domain_is_hosted_only_with_the_virtual_transport(transport, relay):
    assert relay_nexthop(transport) == relay


def test_the_hand_off_in_words():
    assert relay_words(("smtp", "[10.0.0.5]:25")) == "relayed to [10.0.0.5]:25 via smtp"
    assert relay_words(("smtp", "")) == "relayed via smtp to the domain's own MX hosts"


@pytest.fixture
def relay(db):
    services.create_domain("relay.test", actor=ACTOR, transport="smtp:[10.0.0.5]:25")
    services.create_mailbox("bob@relay.test", PASSWORD, actor=ACTOR)
    alias_services.create_alias("info@relay.test", "bob@relay.test", actor=ACTOR)
    services.create_domain("backup.test", actor=ACTOR, transport="smtp:[10.0.0.5]", backup_mx=True)
    services.create_domain("off.test", actor=ACTOR, transport="smtp:[10.0.0.5]", enabled=False)
    services.create_domain("example.org", actor=ACTOR)
    alias_services.create_alias("fwd@example.org", "nobody@relay.test", actor=ACTOR)


@pytest.mark.parametrize("load", [lambda: LazyTables(delimiter="+"), PreloadedTables.load])
def test_both_tables_say_which_domains_are_relayed(relay, load):
    tables = load()
    assert rules.relay(tables, "relay.test") == ("smtp", "[10.0.0.5]:25")
    assert rules.relay(tables, "example.org") is None
    assert rules.relay(tables, "off.test") is None  # disabled: not in relay_domains
    assert rules.relay(tables, "unknown.test") is None
    assert tables.backup_mx("backup.test") and not tables.backup_mx("relay.test")


def test_a_relay_domain_s_known_recipients_are_accepted_and_relayed(relay):
    for address in ("bob@relay.test", "bob+tag@relay.test", "info@relay.test"):
        result = tracer.trace(address, delimiter="+")
        assert result.smtp_code == 250, address
        assert [(r.address, r.outcome) for r in result.recipients] == [
            ("bob+tag@relay.test" if "+" in address else "bob@relay.test", tracer.RELAYED)
        ]
        assert result.recipients[0].text == "relayed to [10.0.0.5]:25 via smtp"
        assert not result.hosted  # relay_domains, not virtual_mailbox_domains


def test_unknown_recipients_of_a_relay_domain_get_550_unless_it_is_a_backup_mx(relay):
    result = tracer.trace("nobody@relay.test")
    assert (result.smtp_code, result.smtp_text) == (
        550,
        "5.1.1 User unknown in relay recipient table",
    )
    assert "550 user unknown" in tracer.render_text(result)
    backup = tracer.trace("anyone@backup.test")
    assert backup.smtp_code == 250
    assert "backup MX" in tracer.render_text(backup)
    assert backup.recipients[0].outcome == tracer.RELAYED


def test_a_disabled_relay_domain_is_refused_like_a_disabled_hosted_one(relay):
    assert tracer.trace("bob@off.test").smtp_code == 454


def test_mail_forwarded_into_a_relay_domain_is_relayed_without_a_recipient_check(relay):
    result = tracer.trace("fwd@example.org")
    assert [(r.address, r.outcome) for r in result.recipients] == [
        ("nobody@relay.test", tracer.RELAYED)
    ]


def test_the_findings_do_not_report_relay_domain_rows_as_dead_ends(relay):
    # A forward to a relay domain's unknown address, a self row without a mailbox.
    alias_services.create_alias("ghost@relay.test", "ghost@relay.test", actor=ACTOR)
    dead = {f.object_id for f in run_checks(style="guide").findings if f.kind == "dead-end"}
    assert "fwd@example.org" not in dead
    assert "ghost@relay.test" not in dead
    services.update_domain("relay.test", actor=ACTOR, transport="virtual:")
    dead = {f.object_id for f in run_checks(style="guide").findings if f.kind == "dead-end"}
    assert {"fwd@example.org", "ghost@relay.test"} <= dead


def test_the_alias_and_mailbox_pages_say_a_relay_domain_s_mail_is_handed_on(relay):
    from aliases.consequences import lands
    from domains.models import Mailbox

    def where(address):
        return lands(LazyTables(), address)

    assert where("bob@relay.test").relay == "relayed to [10.0.0.5]:25 via smtp"
    assert where("bob@relay.test").kind == rules.SELF  # its self-alias: accepted, relayed
    assert where("nobody@relay.test").mailbox == ""  # 550 at RCPT
    assert where("anyone@backup.test").mailbox == "anyone@backup.test"  # a backup MX
    assert where("john@example.org").relay == ""
    Mailbox.objects.filter(address="bob@relay.test").update(address="rob@relay.test")
    assert where("rob@relay.test").mailbox == "rob@relay.test"  # relay_recipient_maps
