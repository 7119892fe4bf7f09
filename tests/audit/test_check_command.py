"""`mail check [--json]`: the report, and exit 1 exactly when an error-level finding exists."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aliases import services as alias_services
from domains import services
from tests.conftest import ACTOR

ROOT = Path(__file__).resolve().parents[2]


def check(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("mail", "check", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def example(db):
    services.create_domain("example.org", actor=ACTOR)
    services.create_mailbox("john@example.org", "Mailbox-Secret-2024", actor=ACTOR)


def test_warnings_alone_exit_0(example):
    code, out = check()
    assert code == 0
    assert "WARNING  role-address" in out
    assert "0 error(s), 2 warning(s)" in out


def test_an_error_exits_1_and_fixing_it_exits_0_again(example):
    alias_services.create_alias("sales@example.org", "nobody@example.org", actor=ACTOR)
    code, out = check()
    assert code == 1
    assert "ERROR    dead-end" in out

    alias_services.replace_alias("sales@example.org", "john@example.org", actor=ACTOR)
    assert check()[0] == 0


def test_json_lists_every_finding_with_its_level_object_and_link(example):
    alias_services.create_alias("sales@example.org", "nobody@example.org", actor=ACTOR)
    code, out = check("--json")
    data = json.loads(out)
    assert code == 1
    assert (data["errors"], data["warnings"], data["style"]) == (1, 2, "guide")
    dead = next(f for f in data["findings"] if f["kind"] == "dead-end")
    assert dead == {
        "kind": "dead-end",
        "level": "error",
        "object_type": "alias",
        "object": "sales@example.org",
        "domain": "example.org",
        "message": dead["message"],
        "link": "/aliases/sales@example.org/",
    }


def test_domain_limits_the_report(example):
    services.create_domain("other.org", actor=ACTOR)
    alias_services.create_alias("x@other.org", "nobody@other.org", actor=ACTOR)
    assert check("--domain", "example.org")[0] == 0
    assert check("--domain", "other.org")[0] == 1


def test_the_real_process_exits_1_with_one_line_on_stderr_then_0(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env["MAILADMIN_DATA_DIR"] = str(tmp_path)

    def run(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert run("migrate", "-v0").returncode == 0
    for args in (
        ("domain", "add", "example.org"),
        ("alias", "add", "postmaster@example.org", "pm@elsewhere.net"),
        ("alias", "add", "abuse@example.org", "pm@elsewhere.net"),
    ):
        assert run("mail", *args).returncode == 0
    assert run("mail", "check").returncode == 0

    assert run("mail", "alias", "add", "sales@example.org", "nobody@example.org").returncode == 0
    result = run("mail", "check")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "1 error-level finding(s)" in result.stderr
    assert "sales@example.org" in result.stdout

    assert run("mail", "alias", "remove", "sales@example.org").returncode == 0
    assert run("mail", "check", "--json").returncode == 0
