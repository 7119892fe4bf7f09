"""Exit codes and stderr of the real process, as a postmaster's script sees them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    data = tmp_path_factory.mktemp("cli")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}",
        "MAILADMIN_DATA_DIR": str(data),
    }

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert run("migrate", "-v0").returncode == 0
    return run


def test_success_exits_0_with_the_result_on_stdout(run):
    result = run("mail", "domain", "add", "example.org")
    assert (result.returncode, result.stdout.strip(), result.stderr) == (
        0,
        "Domain example.org added.",
        "",
    )


def test_bad_input_exits_1_with_one_line_on_stderr(run):
    # Its own domain: the tests of this module may run in any order, on any worker.
    assert run("mail", "domain", "add", "bad-input.example.org").returncode == 0
    result = run(
        "mail", "mailbox", "add", "a@bad-input.example.org", "--password-stdin", stdin="123\n"
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "too short" in result.stderr
    assert "Traceback" not in result.stderr
    listing = run("mail", "mailbox", "list", "--json")
    assert listing.returncode == 0 and listing.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "args",
    [
        ("mail",),
        ("mail", "domain"),
        ("mail", "domain", "frobnicate", "x.org"),
        ("mail", "mailbox", "add", "a@example.org"),  # --password-stdin is required
        ("mail", "alias", "list", "--enabled", "--disabled"),
        ("mail", "nonsense"),
    ],
)
def test_usage_errors_exit_2(run, args):
    result = run(*args)
    assert result.returncode == 2
    assert "usage:" in result.stderr
    assert "Traceback" not in result.stderr
