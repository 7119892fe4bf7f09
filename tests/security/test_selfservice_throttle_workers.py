"""The documented self-service limits hold across real gunicorn workers (issue 13, item 4).

With the counters in each process's memory, every worker counted on its own: after a 429
the right password got in on another worker. Here two sync workers serve a migrated
SQLite file; failed logins arrive at once over separate connections, then the right
password is refused by both workers (their PIDs come from gunicorn's access log).
"""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ADDRESS = "john@example.org"
PASSWORD = "Quite-a-long-pass-1"
LIMIT = 5  # failures per address in 5 minutes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env: dict, *args: str, stdin: str = "") -> None:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def server(tmp_path):
    """Two gunicorn workers on a free loopback port: (port, access log path)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAILADMIN_", "DJANGO_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'mailadmin.sqlite3'}",
        MAILADMIN_DATA_DIR=str(tmp_path),
        SECRET_KEY="test-secret-key-for-two-workers-" + "x" * 20,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="mailadmin.settings",
        MAILADMIN_CRYPT_ROUNDS="1000",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "mail", "domain", "add", "example.org")
    manage(env, "mail", "mailbox", "add", ADDRESS, "--password-stdin", stdin=PASSWORD + "\n")
    port = free_port()
    log = tmp_path / "access.log"
    process = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "mailadmin.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(log),
            "--access-logformat",
            "%(p)s %(m)s %(U)s %(s)s",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn did not start: {process.stderr.read().decode()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"gunicorn is not listening on 127.0.0.1:{port}")
                time.sleep(0.1)
        yield port, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def request(port: int, method: str, path: str, body: str = "", cookie: str = ""):
    """One request on its own connection: (status, headers, text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Connection": "close", "Cookie": cookie}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode()
    finally:
        connection.close()


def login_form(port: int) -> tuple[str, str]:
    """(csrftoken cookie, form token) from the login page."""
    status, headers, text = request(port, "GET", "/account/login/")
    assert status == 200
    cookie = next(v for k, v in headers if k.lower() == "set-cookie" and "csrftoken" in v)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)
    return cookie.split(";")[0], token


def log_in(port: int, cookie: str, token: str, password: str) -> int:
    body = urlencode({"csrfmiddlewaretoken": token, "address": ADDRESS, "password": password})
    return request(port, "POST", "/account/login/", body, cookie)[0]


def workers_answering(log: Path, status: int) -> set[str]:
    lines = [line.split() for line in log.read_text().splitlines()]
    return {pid for pid, method, path, code in lines if method == "POST" and code == str(status)}


def test_after_the_limit_every_worker_refuses_the_right_password(server):
    port, log = server
    cookie, token = login_form(port)
    assert log_in(port, cookie, token, PASSWORD) == 302  # it works before the failures

    with ThreadPoolExecutor(LIMIT) as pool:  # at once: the increments must not be lost
        failures = list(pool.map(lambda _: log_in(port, cookie, token, "Wrong-pass-1"), "x" * 5))
    assert failures == [200] * LIMIT

    statuses = []
    with ThreadPoolExecutor(4) as pool:
        for _ in range(10):  # until both workers have answered the right password
            statuses += pool.map(lambda _: log_in(port, cookie, token, PASSWORD), "x" * 4)
            if len(workers_answering(log, 429)) == 2:
                break
    assert set(statuses) == {429}, statuses
    assert len(workers_answering(log, 429)) == 2, log.read_text()
