"""vacation.rules: the active days, RFC 3834's "when not to reply", the reply itself."""

from datetime import UTC, date, datetime
from email import message_from_string

import pytest

from vacation.rules import Reply, build_reply, check_days, is_active, refusal

ANN = "ann@example.org"


def message(*headers: str, to: str = ANN) -> object:
    return message_from_string("\n".join([f"To: {to}", "Subject: Lunch?", *headers, "", "Hi."]))


@pytest.mark.parametrize(
    ("first", "last", "today", "active"),
    [
        (None, None, date(2026, 12, 1), True),
        (date(2026, 12, 2), None, date(2026, 12, 1), False),
        (date(2026, 12, 1), None, date(2026, 12, 1), True),
        (None, date(2026, 12, 1), date(2026, 12, 1), True),  # the last day still answers
        (None, date(2026, 12, 1), date(2026, 12, 2), False),
    ],
)
def test_a_vacation_answers_from_its_first_to_its_last_day(first, last, today, active):
    assert is_active(True, first, last, today) is active
    assert is_active(False, first, last, today) is False


def test_the_last_day_may_not_come_before_the_first():
    assert check_days(date(2026, 12, 2), date(2026, 12, 1))
    assert check_days(date(2026, 12, 1), date(2026, 12, 1)) == ""


def test_an_ordinary_message_gets_a_reply():
    assert refusal(message(), "bob@example.net", [ANN]) == ""


@pytest.mark.parametrize(
    "sender",
    [
        "",
        "<>",
        "MAILER-DAEMON@example.net",
        "postmaster@example.net",
        "noreply@shop.test",
        "no-reply@shop.test",
        "do-not-reply@shop.test",
        "list-bounces@lists.test",
        "owner-list@lists.test",
        "list-request@lists.test",
        "bounce@mail.test",
    ],
)
def test_robots_and_empty_senders_get_none(sender):
    assert refusal(message(), sender, [ANN])


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-generated",
        "Auto-Submitted: auto-replied; owner=x",
        "Precedence: bulk",
        "Precedence: List",
        "Precedence: junk",
        "List-Id: <a.lists.test>",
        "List-Unsubscribe: <mailto:u@lists.test>",
        "X-Auto-Response-Suppress: All",
    ],
)
def test_lists_and_automatic_messages_get_none(header):
    assert refusal(message(header), "bob@example.net", [ANN])


def test_auto_submitted_no_is_a_person():
    assert refusal(message("Auto-Submitted: no"), "bob@example.net", [ANN]) == ""


def test_a_message_not_addressed_to_the_mailbox_gets_none():
    assert "not among the recipients" in refusal(message(to="all@lists.test"), "bob@x.net", [ANN])


def test_an_alias_or_catch_all_of_the_mailbox_counts_as_addressed():
    assert (
        refusal(message(to="Info <info@example.org>"), "bob@x.net", [ANN, "info@example.org"]) == ""
    )
    assert refusal(message(to="any@example.org"), "bob@x.net", [ANN, "@example.org"]) == ""
    assert refusal(message("Cc: ann@example.org", to="x@y.test"), "bob@x.net", [ANN]) == ""


def test_the_reply_follows_rfc_3834():
    original = message("Message-ID: <m1@example.net>", "References: <m0@example.net>")
    now = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    reply = build_reply(
        original, "bob@example.net", Reply(ANN, "Ann", "Out of office", "Back soon.\n"), now
    )
    assert reply["From"] == "Ann <ann@example.org>"
    assert reply["To"] == "bob@example.net"
    assert reply["Subject"] == "Out of office: Lunch?"
    assert reply["Auto-Submitted"] == "auto-replied"
    assert reply["In-Reply-To"] == "<m1@example.net>"
    assert reply["References"] == "<m0@example.net> <m1@example.net>"
    assert reply.get_content() == "Back soon.\n"


def test_a_message_without_subject_or_id_gets_the_prefix_alone():
    original = message_from_string("To: ann@example.org\n\nHi.")
    reply = build_reply(original, "bob@example.net", Reply(ANN, "", "Away", "x"), datetime.now(UTC))
    assert (reply["Subject"], reply["From"], reply["In-Reply-To"]) == ("Away", ANN, None)
