"""`mail import` and `mail export` as a postmaster's shell and scripts see them."""

import fcntl
import os
import pty
import select
import stat
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from tests.bulk.conftest import OLD_HASHES, csv_text

ROOT = Path(__file__).resolve().parents[2]

GOOD = csv_text(
    [
        {"kind": "domain", "address": "example.org"},
        {"kind": "mailbox", "address": "john@example.org", "password": "Pw-Lantern-Quiet-1"},
        {"kind": "mailbox", "address": "moved@example.org", "crypt": OLD_HASHES["md5_crypt"]},
        {"kind": "alias", "address": "@example.org", "destination": "john@example.org"},
    ]
)
BAD = csv_text(
    [
        {"kind": "domain", "address": "example.org"},
        {"kind": "mailbox", "address": "john@example.org", "password": "123"},
        {"kind": "alias", "address": "x@nowhere.org", "destination": "john@example.org"},
    ]
)


@pytest.fixture
def cli(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MAILADMIN_DATA_DIR": str(tmp_path),
    }

    def run(*args: str, stdin: str = "", **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            **kwargs,
        )

    assert run("migrate", "-v0").returncode == 0
    run.env = env
    run.tmp = tmp_path
    return run


def test_import_prints_a_summary_and_nothing_else_when_piped(cli):
    (cli.tmp / "in.csv").write_text(GOOD)
    result = cli("mail", "import", str(cli.tmp / "in.csv"))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "note: weak hashes kept (DES, MD5-crypt): upgraded when their owner logs in: 1",
        "  moved@example.org",
        f"{cli.tmp / 'in.csv'}: created 1 domain, 2 mailboxes, 1 alias.",
    ]


def test_bad_rows_exit_1_listed_on_stdout_with_one_line_on_stderr(cli):
    result = cli("mail", "import", "-", stdin=BAD)
    assert result.returncode == 1
    assert result.stderr.strip() == ("CommandError: 2 bad rows in standard input: nothing written.")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("line 3: This password is too short.")
    assert lines[1] == "line 4: Domain nowhere.org is not hosted here: add it before its aliases."
    assert cli("mail", "domain", "list", "--json").stdout.strip() == "[]"


def test_dry_run_and_the_existing_modes_from_the_command_line(cli):
    (cli.tmp / "in.csv").write_text(GOOD)
    path = str(cli.tmp / "in.csv")
    dry = cli("mail", "import", path, "--dry-run")
    assert dry.returncode == 0 and dry.stdout.splitlines()[-1].startswith(
        "Dry run, nothing written."
    )
    assert cli("mail", "domain", "list", "--json").stdout.strip() == "[]"
    assert cli("mail", "import", path).returncode == 0
    assert cli("mail", "import", path).returncode == 1
    skipped = cli("mail", "import", path, "--skip-existing")
    assert skipped.returncode == 0 and "skipped 1 domain, 2 mailboxes, 1 alias" in skipped.stdout
    assert cli("mail", "import", path, "--update").returncode == 0
    both = cli("mail", "import", path, "--update", "--skip-existing")
    assert both.returncode == 2


@pytest.mark.parametrize("args", [(), ("a.csv", "--from-mysql", "mysql://root@127.0.0.1/x")])
def test_import_needs_exactly_one_source(cli, args):
    result = cli("mail", "import", *args)
    assert result.returncode == 2
    assert "give either FILE or --from-mysql URL" in result.stderr


def test_a_missing_file_is_bad_input(cli):
    result = cli("mail", "import", str(cli.tmp / "nope.csv"))
    assert result.returncode == 1
    assert "cannot read" in result.stderr and "No such file" in result.stderr


def test_export_to_a_file_is_private_and_imports_back(cli, tmp_path):
    (cli.tmp / "in.csv").write_text(GOOD)
    assert cli("mail", "import", str(cli.tmp / "in.csv")).returncode == 0
    out = tmp_path / "out.csv"
    result = cli("mail", "export", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert result.stderr.strip() == f"Exported 4 row(s) to {out}."
    assert cli("mail", "export").stdout == out.read_text()
    assert "'@example.org" in out.read_text()


def test_a_terminal_gets_a_progress_bar_on_stderr(cli):
    (cli.tmp / "in.csv").write_text(GOOD)
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "manage.py", "mail", "import", str(cli.tmp / "in.csv")],
        cwd=ROOT,
        env=cli.env,
        stdout=subprocess.PIPE,
        stderr=secondary,
        text=False,
    )
    os.close(secondary)
    seen = b""
    while True:
        ready, _, _ = select.select([primary], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(primary, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    stdout, _ = process.communicate(timeout=60)
    os.close(primary)
    assert process.returncode == 0
    assert b"checking rows" in seen and b"writing" in seen and b"100%" in seen
    assert b"created 1 domain," in stdout
