"""`mail trace --senders ADDRESS [--json]`: who may send as an address (routing.senders)."""

import io
import json

import pytest
from django.core.management import call_command

from aliases import services as alias_services
from domains import services
from tests.conftest import ACTOR


def mail(*args: str) -> str:
    out = io.StringIO()
    call_command("mail", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def data(db):
    services.create_domain("example.org", actor=ACTOR)
    services.create_mailbox("ann@example.org", "Mailbox-Secret-2024", actor=ACTOR)
    alias_services.create_alias("info@example.org", "ann@example.org", actor=ACTOR)
    alias_services.create_alias("@example.org", "ann@example.org", actor=ACTOR)


def test_it_names_the_mailboxes_that_may_send_as_an_alias(data):
    out = mail("trace", "--senders", "Info@example.org")
    assert out.splitlines()[:2] == [
        "Who may send as info@example.org (recipient delimiter: +)",
        "  ann@example.org: listed by the alias info@example.org",
    ]


def test_a_mailbox_lists_the_addresses_it_may_send_as(data):
    out = mail("trace", "--senders", "ann@example.org")
    assert "As which addresses may ann@example.org send:" in out
    assert "  info@example.org: listed by the alias info@example.org" in out
    assert "ann+anything@example.org" in out


def test_a_catch_all_address_is_refused(data):
    out = mail("trace", "--senders", "nobody@example.org")
    assert "no mailbox: the submission service refuses it (553)" in out


def test_json_gives_both_answers_and_the_key(data):
    report = json.loads(mail("trace", "--senders", "info+x@example.org", "--json"))
    assert report["key"] == "info@example.org"
    assert [o["address"] for o in report["owners"]] == ["ann@example.org"]
    assert report["is_mailbox"] is False and report["sends_as"] == []
    report = json.loads(mail("trace", "--senders", "ann@example.org", "--json"))
    assert [s["address"] for s in report["sends_as"]] == ["ann@example.org", "info@example.org"]


def test_the_delimiter_can_be_given(data):
    report = json.loads(
        mail("trace", "--senders", "info+x@example.org", "--recipient-delimiter=", "--json")
    )
    assert (report["key"], report["owners"]) == ("", [])
