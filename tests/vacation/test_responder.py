"""vacation.responder: one reply per sender per interval, only while active, never failing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aliases import services as alias_services
from mailadmin.autoreply import autoreply_address
from tests.vacation.conftest import ANN
from vacation import responder, services
from vacation.models import VacationNotice

MESSAGE = (
    b"From: bob@example.net\nTo: ann@example.org\nSubject: Lunch?\nMessage-ID: <m1@x>\n\nHi.\n"
)


@pytest.fixture
def sent():
    return []


@pytest.fixture
def on_vacation(mailboxes, actor):
    services.set_vacation(ANN, services.Setting("Away", "Back on Monday."), actor=actor)


def respond(sent, raw=MESSAGE, sender="bob@example.net", now=None):
    return responder.respond(
        raw, sender, autoreply_address(ANN), now=now, send=lambda m, to: sent.append((m, to))
    )


def test_it_answers_once_per_interval(on_vacation, sent):
    assert respond(sent) == f"{ANN}: replied to bob@example.net"
    [(reply, to)] = sent
    assert to == "bob@example.net" and reply["Subject"] == "Away: Lunch?"
    assert "answered less than 7 day(s) ago" in respond(sent)
    later = timezone.now() + timedelta(days=8)
    assert respond(sent, now=later) == f"{ANN}: replied to bob@example.net"
    assert len(sent) == 2 and VacationNotice.objects.count() == 1


def test_no_vacation_no_reply(mailboxes, sent):
    assert "no vacation today" in respond(sent)
    assert sent == []


def test_a_message_to_an_alias_of_the_mailbox_is_answered(on_vacation, actor, sent):
    alias_services.create_alias("info@example.org", ANN, actor=actor)
    raw = MESSAGE.replace(b"To: ann@example.org", b"To: info@example.org")
    assert "replied" in respond(sent, raw=raw)


def test_a_list_message_is_not_answered(on_vacation, sent):
    raw = MESSAGE.replace(b"Subject:", b"List-Id: <l.x>\nSubject:")
    assert "no reply to bob@example.net: a mailing list" in respond(sent, raw=raw)
    assert sent == [] and not VacationNotice.objects.exists()


def test_an_address_that_is_not_an_autoreply_address_is_ignored(on_vacation, sent):
    out = responder.respond(MESSAGE, "bob@example.net", ANN, send=lambda m, to: sent.append(m))
    assert "not an autoreply address" in out and sent == []


def test_garbage_on_stdin_is_not_a_crash(on_vacation, sent):
    assert "no reply" in respond(sent, raw=b"\xff\xfe\x00 not a message at all")
