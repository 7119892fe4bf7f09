"""Relay domains against real Postfix: a domain whose transport is not `virtual:` is handed
to that transport (here a second SMTP server on loopback started by the test); unknown
recipients get 550 at RCPT unless the domain is a backup MX; the tracer says the same."""

import pytest

from aliases import services as aliases
from audit.services import Actor
from domains import services as domains
from mailstack import tracer
from tests.mailstack.smtp_sink import SmtpSink

pytestmark = pytest.mark.mailstack

ACTOR = Actor("mailstack-relay")
PASSWORD = "Relay-Test-Pass-1"  # noqa: S105 - a test mailbox


@pytest.fixture
def sink():
    with SmtpSink() as server:
        yield server


@pytest.fixture
def relay(stack, sink):
    transport = f"smtp:[127.0.0.1]:{sink.port}"
    domains.create_domain("relay.test", actor=ACTOR, transport=transport)
    domains.create_mailbox("bob@relay.test", PASSWORD, actor=ACTOR)
    aliases.create_alias("info@relay.test", "bob@relay.test", actor=ACTOR)
    aliases.create_alias("off@relay.test", "bob@relay.test", actor=ACTOR, enabled=False)
    domains.create_domain("backup.test", actor=ACTOR, transport=transport, backup_mx=True)
    domains.create_domain("hosted.test", actor=ACTOR)
    domains.create_mailbox("carol@hosted.test", PASSWORD, actor=ACTOR)
    return stack


def test_the_maps_list_relay_domains_apart_from_hosted_ones(relay, sink):
    stack = relay
    assert stack.postmap_query("relay.test", "mysql_relay_domains.cf") == "relay.test"
    assert stack.postmap_query("relay.test", "mysql_domains.cf") is None
    assert stack.postmap_query("hosted.test", "mysql_domains.cf") == "hosted.test"
    assert stack.postmap_query("hosted.test", "mysql_relay_domains.cf") is None
    assert stack.postmap_query("relay.test", "mysql_transport.cf") == (
        f"smtp:[127.0.0.1]:{sink.port}"
    )
    assert stack.postmap_query("hosted.test", "mysql_transport.cf") is None
    assert stack.postmap_query("bob@relay.test", "mysql_relay_recipients.cf") == "OK"
    assert stack.postmap_query("info@relay.test", "mysql_relay_recipients.cf") == "OK"
    assert stack.postmap_query("off@relay.test", "mysql_relay_recipients.cf") is None
    assert stack.postmap_query("@relay.test", "mysql_relay_recipients.cf") is None
    assert stack.postmap_query("@backup.test", "mysql_relay_recipients.cf") == "OK"


ADDRESSES = [
    "bob@relay.test",
    "bob+tag@relay.test",
    "info@relay.test",
    "off@relay.test",
    "nobody@relay.test",
    "anyone@backup.test",
    "carol@hosted.test",
    "nobody@hosted.test",
]


def test_the_tracer_gives_postfix_s_rcpt_answers(relay):
    stack = relay
    disagreements = []
    for address in ADDRESSES:
        code, text = stack.smtp_rcpt(address)
        result = tracer.trace(address)
        if result.smtp_code != code:
            disagreements.append(f"{address}: Postfix {code} {text}\n{tracer.render_text(result)}")
    assert not disagreements, "\n\n".join(disagreements)
    assert stack.smtp_rcpt("nobody@relay.test")[0] == 550
    assert stack.smtp_rcpt("anyone@backup.test")[0] == 250


def test_sendmail_bv_asks_the_relay_host_for_the_final_recipients_the_tracer_names(relay):
    addresses = ["bob@relay.test", "bob+tag@relay.test", "info@relay.test", "anyone@backup.test"]
    reports = relay.verify(addresses)
    for address in addresses:
        postfix = {(r.recipient, r.deliverable, r.text) for r in reports[address]}
        mine = {(r.address, True, "smtp; 250 2.1.5 Ok") for r in tracer.trace(address).recipients}
        assert postfix == mine, address


def test_a_relay_domain_hands_real_mail_to_its_transport(relay, sink):
    stack = relay
    for address, subject in (
        ("bob@relay.test", "to bob"),
        ("info@relay.test", "to info"),
        ("anyone@backup.test", "to the backup MX"),
    ):
        code, text = stack.send(address, subject)
        assert code == 250, (address, code, text)
    sink.wait_for("bob@relay.test", "Subject: to bob")
    # The alias is expanded here: its target is handed over.
    sink.wait_for("bob@relay.test", "Subject: to info")
    sink.wait_for("anyone@backup.test", "Subject: to the backup MX")
    for address in ("bob@relay.test", "info@relay.test", "anyone@backup.test"):
        result = tracer.trace(address)
        assert [r.outcome for r in result.recipients] == [tracer.RELAYED]
        assert result.recipients[0].text == f"relayed to [127.0.0.1]:{sink.port} via smtp"


def test_turning_backup_mx_on_accepts_any_recipient(relay):
    stack = relay
    assert stack.smtp_rcpt("stranger@relay.test")[0] == 550
    domains.update_domain(
        "relay.test",
        actor=ACTOR,
        transport=domains.get_domain("relay.test").transport,
        backup_mx=True,
    )
    assert stack.smtp_rcpt("stranger@relay.test")[0] == 250
    assert tracer.trace("stranger@relay.test").smtp_code == 250
