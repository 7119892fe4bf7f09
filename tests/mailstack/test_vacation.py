"""Vacation replies through real Postfix: the route the panel writes (the mailbox's own row
lists its autoreply address), the transport and pipe service `mail config postfix`
generates, and `mail vacation reply` answering once per sender, never to lists or robots."""

import re
import time
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from audit.services import Actor
from domains.models import Mailbox
from mailadmin.autoreply import autoreply_address
from tests.mailstack.corpus import PASSWORD, mail
from tests.mailstack.servers import run
from vacation import services
from vacation.models import Vacation

pytestmark = pytest.mark.mailstack

ANN = "ann@vac.test"
BOB = "bob@vac.test"
ACTOR = Actor("mailstack-vacation")


@pytest.fixture
def data(stack):
    mail("domain", "add", "vac.test")
    for address in (ANN, BOB):
        mail(
            "mailbox",
            "add",
            address,
            "--name",
            address[:3].title(),
            "--password-stdin",
            password=PASSWORD,
        )
    mail("vacation", "set", ANN, "--subject", "Out of office", "--body", "Back on Monday.")
    return stack


def maildir(address: str) -> Path:
    mailbox = Mailbox.objects.get(address=address)
    return Path(mailbox.home) / mailbox.maildir / "new"


def messages(address: str) -> list:
    folder = maildir(address)
    paths = sorted(folder.glob("*")) if folder.exists() else []
    return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in paths]


def responder_runs(stack) -> int:
    return len(re.findall(r"status=sent \(delivered via vacation service", stack.flush_log()))


def send(stack, sender: str, subject: str, *headers: str, to: str = ANN) -> str:
    """Submit one message on the mail host (sendmail), then wait until the responder has
    seen it (its copy delivered via the vacation service): Postfix's log since, which holds
    the responder's one line."""
    log_before = len(stack.flush_log())
    before = responder_runs(stack)
    text = "\n".join(
        [
            f"From: {sender or 'robot@vac.test'}",
            f"To: {to}",
            f"Subject: {subject}",
            f"Message-ID: <{subject.replace(' ', '.')}@example.test>",
            *headers,
            "",
            "Hello.",
        ]
    )
    run(["sendmail", "-i", "-f", sender, "--", to], input=text + "\n", env=stack.postfix_env())
    deadline = time.monotonic() + 30
    while responder_runs(stack) <= before:
        assert time.monotonic() < deadline, stack.flush_log()[-3000:]
        time.sleep(0.1)
    return stack.flush_log()[log_before:]


def wait_for(predicate, what: str, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def received(address: str, subject: str) -> list:
    """The messages with `subject` in the maildir (the maildirs outlive each test's rows)."""
    return [m for m in messages(address) if m["Subject"] == subject]


def replies_to_bob(subject: str) -> list:
    return [
        m
        for m in messages(BOB)
        if m["Auto-Submitted"] == "auto-replied" and m["Subject"].endswith(f": {subject}")
    ]


def test_a_mailbox_on_vacation_keeps_its_mail_and_answers_once(data):
    send(data, BOB, "first question")
    wait_for(lambda: len(replies_to_bob("first question")) == 1, "one auto-reply to bob")
    assert len(received(ANN, "first question")) == 1
    [reply] = replies_to_bob("first question")
    assert reply["Subject"] == "Out of office: first question"
    assert reply["In-Reply-To"] == "<first.question@example.test>"
    assert reply["From"] == f"Ann <{ANN}>"
    assert reply["Return-Path"] == "<>"
    assert "Back on Monday." in reply.get_content()
    log = send(data, BOB, "second question")  # within the interval
    wait_for(lambda: received(ANN, "second question"), "the second message in ann's maildir")
    assert f"{BOB} was answered less than 7 day(s) ago" in log
    assert replies_to_bob("second question") == []


@pytest.mark.parametrize(
    ("sender", "headers"),
    [
        (BOB, ["Precedence: bulk"]),
        (BOB, ["List-Id: <news.vac.test>"]),
        (BOB, ["Auto-Submitted: auto-generated"]),
        ("", []),
    ],
)
def test_lists_robots_and_bounces_get_no_reply(data, sender, headers):
    subject = f"robot {headers}"
    log = send(data, sender, subject, *headers)
    wait_for(lambda: received(ANN, subject), "the message in ann's maildir")
    assert f"{ANN}: no reply to {sender or '<>'}" in log
    assert replies_to_bob(subject) == []


def test_after_the_last_day_no_reply_and_expire_removes_the_route(data):
    today = services.today()
    Vacation.objects.filter(mailbox=ANN).update(last_day=today - timedelta(days=1))
    log = send(data, BOB, "too late")
    assert f"{ANN}: no vacation today, no reply" in log
    assert replies_to_bob("too late") == []
    mail("vacation", "expire")
    [report] = data.verify([ANN])[ANN]
    assert report.recipient == ANN


def test_turning_vacation_off_removes_the_route(data):
    routed = {r.recipient: r.transport for r in data.verify([ANN])[ANN]}
    assert routed == {ANN: "virtual", autoreply_address(ANN): "vacation"}
    mail("vacation", "off", ANN)
    assert [r.recipient for r in data.verify([ANN])[ANN]] == [ANN]
