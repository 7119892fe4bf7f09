"""LOG_FORMAT=json: one JSON object per log line; the request object is never dumped."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from django.test import RequestFactory

from mailadmin.logformat import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = (
    "import django, logging; django.setup(); "
    "logging.getLogger('mailadmin.test').warning('hello %s', 'world')"
)


def run(tmp_path, log_format: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="mailadmin.settings",
        MAILADMIN_DATA_DIR=str(tmp_path),
        LOG_FORMAT=log_format,
    )
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_json_logs_are_one_object_per_line(tmp_path):
    result = run(tmp_path, "json")
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "mailadmin.test"
    assert entry["message"] == "hello world"
    assert entry["time"].endswith("+00:00")


def test_text_logs_stay_the_default(tmp_path):
    result = run(tmp_path, "text")
    assert result.stderr.strip().endswith("WARNING mailadmin.test: hello world")


def test_an_unknown_log_format_fails_loudly(tmp_path):
    result = run(tmp_path, "xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be text or json" in result.stderr


def test_a_request_log_gives_method_path_and_status_but_not_the_post_data():
    request = RequestFactory().post("/login/", {"username": "root", "password": "Secret-Pass-1"})
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Forbidden", (), None
    )
    record.request = request
    record.status_code = 403
    entry = json.loads(JsonFormatter().format(record))
    assert (entry["method"], entry["path"], entry["status"]) == ("POST", "/login/", 403)
    assert "Secret-Pass-1" not in json.dumps(entry)


def test_an_exception_is_one_line_of_json(tmp_path):
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert "ValueError: boom" in json.loads(line)["exception"]
