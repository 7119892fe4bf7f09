"""`mail usage collect` against maildirs the real servers wrote: Postfix's virtual delivery
(no `maildirsize`: the collector walks it, compared to `du`) and Dovecot's quota code (it
keeps `maildirsize`: the collector reads it, compared to `doveadm quota get`)."""

import imaplib
import json
import subprocess
import time
from email.message import EmailMessage
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from domains.models import Mailbox
from tests.mailstack.corpus import PASSWORD, mail
from usage.models import MailboxUsage

pytestmark = pytest.mark.mailstack


def maildir_of(address: str) -> Path:
    mailbox = Mailbox.objects.get(address=address)
    return Path(mailbox.home) / mailbox.maildir


def wait_for_files(directory: Path, count: int, timeout: float = 30) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = [p for p in directory.glob("new/*")] if directory.exists() else []
        if len(files) >= count:
            return files
        time.sleep(0.1)
    raise AssertionError(f"{count} messages did not arrive in {directory}")


def du_bytes(files: list[Path]) -> int:
    out = subprocess.run(
        ["du", "-cb", "--apparent-size", *map(str, files)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out.splitlines()[-1].split()[0])


def doveadm_quota(stack, address: str) -> dict[str, int]:
    result = stack.doveadm("quota", "get", "-u", address)
    assert result.returncode == 0, result.stderr
    values = {}
    for line in result.stdout.splitlines()[1:]:
        parts = line.split()
        values[parts[-4]] = int(parts[-3])  # "User quota STORAGE 3 10240 0": type, value
    return values


def imap_append(stack, address: str, subjects: list[str]) -> None:
    with imaplib.IMAP4("127.0.0.1", stack.imap_port, timeout=10) as imap:
        imap.login(address, PASSWORD)
        for subject in subjects:
            message = EmailMessage()
            message["From"] = address
            message["To"] = address
            message["Subject"] = subject
            message.set_content("appended through Dovecot\n" * 40)
            assert (
                imap.append(
                    "INBOX", "", imaplib.Time2Internaldate(time.time()), message.as_bytes()
                )[0]
                == "OK"
            )
        imap.logout()


def test_the_collector_agrees_with_du_and_with_dovecots_quota(stack):
    mail("domain", "add", "usage.test")
    mail(
        "mailbox", "add", "dora@usage.test", "--quota", "1M", "--password-stdin", password=PASSWORD
    )
    mail(
        "mailbox", "add", "eve@usage.test", "--quota", "10M", "--password-stdin", password=PASSWORD
    )
    for n in range(3):
        assert stack.send("dora@usage.test", f"delivered {n}", "x" * (1000 * (n + 1)))[0] == 250
    delivered = wait_for_files(maildir_of("dora@usage.test"), 3)
    assert not (maildir_of("dora@usage.test") / "maildirsize").exists()  # Postfix keeps none
    imap_append(stack, "eve@usage.test", ["appended 1", "appended 2"])
    assert (maildir_of("eve@usage.test") / "maildirsize").exists()  # Dovecot's quota code
    dovecot = doveadm_quota(stack, "eve@usage.test")

    out = StringIO()
    call_command("mail", "usage", "collect", "--domain", "usage.test", "--json", stdout=out)
    assert json.loads(out.getvalue())["mailboxes"] == 2

    dora = MailboxUsage.objects.get(mailbox_id="dora@usage.test")
    assert (dora.source, dora.messages, dora.bytes) == ("walk", 3, du_bytes(delivered))
    eve = MailboxUsage.objects.get(mailbox_id="eve@usage.test")
    assert (eve.source, eve.messages) == ("maildirsize", dovecot["MESSAGE"])
    assert -(-eve.bytes // 1024) == dovecot["STORAGE"]  # doveadm counts kilobytes, rounded up
    files = [p for d in ("cur", "new") for p in (maildir_of("eve@usage.test") / d).glob("*")]
    assert eve.bytes == du_bytes(files)

    root = User.objects.create_superuser("root", password="Unusual-Staff-Pass-42")
    client = Client()
    client.force_login(root)
    html = client.get("/domains/mailboxes/dora@usage.test/").content.decode()
    assert f"{dora.bytes / 1024:.1f} KB of 1 MB, 3 messages" in html
