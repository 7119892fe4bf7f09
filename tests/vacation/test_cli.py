"""`mail vacation set|off|show|expire|reply`: exit codes, JSON, the pipe program never failing."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from aliases.models import Alias
from mailadmin.autoreply import autoreply_address
from tests.vacation.conftest import ANN
from vacation.models import Vacation


def mail(*args: str, stdin: str | None = None) -> str:
    out = io.StringIO()
    if stdin is not None:
        saved, sys.stdin = sys.stdin, io.TextIOWrapper(io.BytesIO(stdin.encode()))
    try:
        call_command("mail", *args, stdout=out)
    finally:
        if stdin is not None:
            sys.stdin = saved
    return out.getvalue()


def test_set_show_and_off(mailboxes):
    out = mail("vacation", "set", ANN, "--body", "Back soon.", "--last-day", "2099-01-31")
    assert out.strip() == f"Vacation on for {ANN} until 2099-01-31."
    shown = json.loads(mail("vacation", "show", ANN, "--json"))
    assert shown["enabled"] and shown["body"] == "Back soon." and shown["subject"] == "Auto"
    assert shown["changed_by"].startswith("cli:")
    assert Alias.objects.get(mail=ANN).destinations == [ANN, autoreply_address(ANN)]
    assert mail("vacation", "off", ANN).strip() == "Vacation off."
    assert mail("vacation", "off", ANN).strip() == "No vacation was on."


def test_the_body_can_come_from_stdin(mailboxes):
    mail("vacation", "set", ANN, "--body-file", "-", stdin="Line one.\nLine two.\n")
    assert Vacation.objects.get(mailbox=ANN).body == "Line one.\nLine two."


@pytest.mark.parametrize(
    "args",
    [
        ("set", "nobody@example.org", "--body", "x"),
        ("set", ANN, "--body", "x", "--last-day", "31/01/2099"),
        ("set", ANN, "--body", "x", "--first-day", "2099-02-01", "--last-day", "2099-01-31"),
        ("set", ANN, "--body", "x", "--interval", "0"),
        ("set", ANN, "--body-file", "/nonexistent/file"),
        ("show", "nobody@example.org"),
    ],
)
def test_bad_input_exits_1_and_writes_nothing(mailboxes, args):
    with pytest.raises(CommandError) as error:
        mail("vacation", *args)
    assert error.value.returncode == 1
    assert not Vacation.objects.exists()


def test_expire_lists_what_it_ended(mailboxes):
    assert json.loads(mail("vacation", "expire", "--json")) == []


def test_reply_exits_0_whatever_happens(tmp_path):
    """The real process, as Postfix's pipe runs it: a database it cannot use is logged, and
    the delivery is not failed (no bounce to the sender)."""
    root = Path(__file__).resolve().parents[2]
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path}/missing/no.sqlite3",
        "SECRET_KEY": "x",
        "MAILADMIN_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [
            sys.executable,
            str(root / "manage.py"),
            "mail",
            "vacation",
            "reply",
            "--sender=bob@x.test",
            f"--recipient={autoreply_address(ANN)}",
        ],
        input=b"Subject: hi\n\nhello\n",
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert b"no reply to bob@x.test" in result.stdout
