"""Real SMTP deliveries land in the maildir the tracer names, owned by uid 5000, where
Courier and Dovecot look for them, and IMAP shows them."""

import imaplib
import time
from pathlib import Path

import pytest

from domains.demo import DEMO_PASSWORD, load_guide_example
from mailstack import tracer
from tests.mailstack.corpus import ACTOR, PASSWORD, mail

pytestmark = pytest.mark.mailstack


def build():
    load_guide_example(ACTOR)
    mail("domain", "add", "deliver.test")
    mail("mailbox", "add", "dora@deliver.test", "--password-stdin", password=PASSWORD)
    mail("mailbox", "add", "eve@deliver.test", "--password-stdin", password=PASSWORD)
    mail("alias", "add", "both@deliver.test", "dora@deliver.test,eve@deliver.test")


@pytest.fixture
def data(stack):
    build()
    return stack


def wait_for_message(maildir: Path, subject: str, timeout: float = 20) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in (maildir / "new").glob("*") if (maildir / "new").exists() else []:
            if f"Subject: {subject}" in path.read_text(errors="replace"):
                return path
        time.sleep(0.1)
    raise AssertionError(f"no message {subject!r} in {maildir}")


def test_the_guide_catch_all_delivers_to_xandros_maildir_as_uid_5000(data):
    result = tracer.trace("john@whopper.nu", mail_base=data.target.mail_home)
    [recipient] = result.recipients
    assert data.send("john@whopper.nu", "walk-through")[0] == 250

    message = wait_for_message(Path(recipient.maildir), "walk-through")
    assert message.stat().st_uid == 5000 and message.stat().st_gid == 5000
    assert Path(recipient.maildir).stat().st_uid == 5000
    assert "X-Original-To: john@whopper.nu" in message.read_text()


def test_courier_and_dovecot_read_the_maildir_postfix_wrote(data):
    [recipient] = tracer.trace("xandros@blobber.org", mail_base=data.target.mail_home).recipients
    courier = data.courier_auth("xandros@blobber.org", DEMO_PASSWORD)
    assert courier.ok, courier.output
    assert courier.fields["Maildir"] == recipient.maildir
    dovecot = data.dovecot_user("xandros@blobber.org")
    assert dovecot["mail"] == f"maildir:{recipient.maildir}"
    assert (dovecot["uid"], dovecot["gid"]) == ("5000", "5000")


def test_a_forward_to_two_mailboxes_reaches_both_and_imap_shows_it(data):
    result = tracer.trace("both@deliver.test", mail_base=data.target.mail_home)
    assert [r.outcome for r in result.recipients] == [tracer.DELIVERED, tracer.DELIVERED]
    assert data.send("both@deliver.test", "to-both")[0] == 250
    for recipient in result.recipients:
        wait_for_message(Path(recipient.maildir), "to-both")

    with imaplib.IMAP4("127.0.0.1", data.imap_port, timeout=10) as imap:
        imap.login("dora@deliver.test", PASSWORD)
        status, data_ = imap.select("INBOX", readonly=True)
        assert status == "OK" and int(data_[0]) == 1
        status, found = imap.search(None, "SUBJECT", "to-both")
        assert status == "OK" and found[0]
        imap.logout()


def test_a_disabled_mailbox_is_refused_at_rcpt_with_550(data):
    mail("mailbox", "disable", "eve@deliver.test")
    try:
        assert tracer.trace("eve@deliver.test").smtp_code == 550
        code, text = data.send("eve@deliver.test", "to-disabled")
        assert code == 550, text
    finally:
        mail("mailbox", "enable", "eve@deliver.test")
