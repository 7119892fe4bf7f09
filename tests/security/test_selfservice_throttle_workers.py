"""The documented self-service limits hold across real gunicorn workers (issue 13, item 4).

With the counters in each process's memory, every worker counted on its own: after a 429
the right password got in on another worker. Here two sync workers serve a migrated
SQLite file; failed logins arrive at once over separate connections, then the right
password is refused by both workers (their PIDs come from gunicorn's access log).
"""

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest

from selfservice import throttle
from tests.live_panel import LivePanel, live_panel, manage, panel_env

ADDRESS = "john@example.org"
PASSWORD = "Quite-a-long-pass-1"
LIMIT = 5  # failures per address in 5 minutes
LIMIT_PERIOD = 300


@pytest.fixture
def server(tmp_path):
    """Two gunicorn workers serving a mailbox john@example.org."""
    with live_panel(panel_env(tmp_path), workers=2) as panel:
        manage(panel.env, "mail", "domain", "add", "example.org")
        manage(
            panel.env, "mail", "mailbox", "add", ADDRESS, "--password-stdin", stdin=PASSWORD + "\n"
        )
        yield panel


def outside_a_window_end(address: str, within: int = 20) -> None:
    """Waits, if the address's 5-minute window ends in the next `within` seconds, until it
    has: the workers read the real clock, and a window ending mid-test splits the count."""
    now = int(time.time())
    left = throttle._window_end(address, LIMIT_PERIOD, now) - now
    if left < within:
        time.sleep(left + 1)


def login_form(panel: LivePanel) -> tuple[str, str]:
    """(csrftoken cookie, form token) from the login page."""
    page = panel.request("GET", "/account/login/")
    assert page.status == 200
    return page.cookie("csrftoken"), page.csrf_token()


def log_in(panel: LivePanel, cookie: str, token: str, password: str) -> int:
    body = urlencode({"csrfmiddlewaretoken": token, "address": ADDRESS, "password": password})
    return panel.request("POST", "/account/login/", body, cookie).status


def workers_answering(log: Path, status: int) -> set[str]:
    lines = [line.split() for line in log.read_text().splitlines()]
    return {pid for pid, method, path, code in lines if method == "POST" and code == str(status)}


def test_after_the_limit_every_worker_refuses_the_right_password(server):
    log = server.access_log
    cookie, token = login_form(server)
    assert log_in(server, cookie, token, PASSWORD) == 302  # it works before the failures
    outside_a_window_end(ADDRESS)

    with ThreadPoolExecutor(LIMIT) as pool:  # at once: the increments must not be lost
        failures = list(pool.map(lambda _: log_in(server, cookie, token, "Wrong-pass-1"), "x" * 5))
    assert failures == [200] * LIMIT

    statuses = []
    with ThreadPoolExecutor(4) as pool:
        for _ in range(10):  # until both workers have answered the right password
            statuses += pool.map(lambda _: log_in(server, cookie, token, PASSWORD), "x" * 4)
            if len(workers_answering(log, 429)) == 2:
                break
    assert set(statuses) == {429}, statuses
    assert len(workers_answering(log, 429)) == 2, log.read_text()
