"""Exit codes of `mail usage collect` in a real process, as cron and systemd see them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    data = tmp_path_factory.mktemp("usage-cli")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}",
        "MAILADMIN_DATA_DIR": str(data),
    }

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert run("migrate", "-v0").returncode == 0
    return run


def test_a_collection_exits_0_with_json_on_stdout(run):
    result = run("mail", "usage", "collect", "--json")
    assert (result.returncode, result.stderr) == (0, "")
    assert json.loads(result.stdout)["mailboxes"] == 0


def test_bad_input_exits_1_with_one_line_on_stderr(run):
    result = run("mail", "usage", "collect", "--domain", "nowhere.test")
    assert result.returncode == 1 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "nowhere.test" in result.stderr


def test_a_usage_error_exits_2(run):
    assert run("mail", "usage", "collect", "--jobs", "many").returncode == 2
    assert run("mail", "usage").returncode == 2
