"""The panel served by a real gunicorn, on a migrated SQLite file of its own.

For tests that need what the test client cannot give: several worker processes, or
gunicorn's own limits. The server listens on a free loopback port, fails the test loudly
when it does not start, and is stopped by its PID.
"""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.mailstack.servers import free_port

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Response:
    status: int
    headers: list[tuple[str, str]]
    text: str

    def cookie(self, name: str) -> str:
        """`name=value` of a cookie this response sets."""
        for key, value in self.headers:
            if key.lower() == "set-cookie" and value.startswith(f"{name}="):
                return value.split(";", 1)[0]
        raise AssertionError(f"no {name} cookie in {self.headers}")

    def csrf_token(self) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.text).group(1)


@dataclass(frozen=True)
class LivePanel:
    port: int
    env: dict
    access_log: Path

    def request(self, method: str, path: str, body: str = "", cookie: str = "") -> Response:
        """One request on its own connection (so gunicorn may hand it to any worker)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Connection": "close"}
        if cookie:
            headers["Cookie"] = cookie
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return Response(
                response.status,
                response.getheaders(),
                response.read().decode(errors="replace"),
            )
        finally:
            connection.close()


def panel_env(tmp_path: Path, **extra: str) -> dict:
    """The environment of a panel on its own database in tmp_path (none of ours leaks in)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAILADMIN_", "DJANGO_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'mailadmin.sqlite3'}",
        MAILADMIN_DATA_DIR=str(tmp_path),
        SECRET_KEY="test-secret-key-of-a-live-panel-" + "x" * 20,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="mailadmin.settings",
        MAILADMIN_CRYPT_ROUNDS="1000",
    )
    env.update(extra)
    return env


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


@contextmanager
def live_panel(env: dict, *, workers: int = 1) -> Iterator[LivePanel]:
    """gunicorn with the repository's config, as `make run` starts it, on a migrated database."""
    manage(env, "migrate", "--noinput")
    port = free_port()
    log = Path(env["MAILADMIN_DATA_DIR"]) / "access.log"
    process = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "mailadmin.wsgi",
            "--config",
            "gunicorn.conf.py",
            "--workers",
            str(workers),
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
        yield LivePanel(port, env, log)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
