"""The API served by a real gunicorn (tests/live_panel.py), driven with `requests` as a
provisioning script would: a domain, a mailbox, a forward and a catch-all, 1,000 aliases
paged through with the cursor, and a trace."""

import subprocess

import pytest
import requests

from tests.live_panel import BIN, ROOT, live_panel, manage, panel_env

PASSWORD = "Provisioned-Secret-77"


def _secret(env: dict) -> str:
    manage(
        {**env, "DJANGO_SUPERUSER_PASSWORD": "Root-Pass-4242"},
        "createsuperuser",
        "--noinput",
        "--username",
        "root",
        "--email",
        "root@example.org",
    )
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [str(BIN / "python"), "manage.py", "mail", "admin", "token", "create", "root"]
        + ["--name", "live"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def api(tmp_path):
    env = panel_env(tmp_path, MAILADMIN_API_RATE="100000/min")
    with live_panel(env, workers=2) as panel:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {_secret(env)}"
        session.base = f"http://127.0.0.1:{panel.port}/api/v1"
        yield session


def test_a_provisioning_script_through_gunicorn(api):
    base = api.base
    assert api.post(f"{base}/domains/", json={"domain": "example.org"}).status_code == 201
    mailbox = {"address": "john@example.org", "password": PASSWORD, "quota": "500 MB"}
    response = api.post(f"{base}/mailboxes/", json=mailbox)
    assert response.status_code == 201 and response.json()["quota"] == "500 MB"
    forward = {"destination": "john.elsewhere@gmail.com", "keep_copy": True}
    response = api.put(f"{base}/mailboxes/john@example.org/forward/", json=forward)
    assert response.status_code == 200
    catch_all = {"mail": "@example.org", "destination": "john@example.org"}
    assert api.post(f"{base}/aliases/", json=catch_all).status_code == 201

    for i in range(1000):
        alias = {"destination": "john@example.org"}
        assert api.put(f"{base}/aliases/a{i:04d}@example.org/", json=alias).status_code == 201

    seen, url = [], f"{base}/aliases/?kind=forward&limit=250"
    while url:
        page = api.get(url)
        assert page.status_code == 200
        seen += [row["mail"] for row in page.json()["results"]]
        url = page.json()["next"]
    assert seen == sorted(seen)
    assert [m for m in seen if m.startswith("a")] == [f"a{i:04d}@example.org" for i in range(1000)]
    assert "john@example.org" in seen  # its forward

    trace = api.get(f"{base}/trace/", params={"address": "nobody@example.org"}).json()
    assert trace["accepted"] is True
    assert trace["recipients"][0]["address"] == "john@example.org"
    assert api.get(f"{base}/domains/", headers={"Authorization": "Bearer x"}).status_code == 401
