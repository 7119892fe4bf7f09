"""docker-compose.yml and the Dockerfiles: structure, secrets, and check --deploy.

Docker itself is not needed: the files are parsed and checked for what the deployment
relies on (docs/DEPLOY.md), and the web service's environment, with its secrets files,
passes `manage.py check --deploy`.
"""

import os
import re
import runpy
import secrets
from pathlib import Path

import pytest
import yaml

from tests.security.test_deploy_settings import check_deploy

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_it_has_mariadb_and_the_panel():
    assert SERVICES["db"]["image"].startswith("mariadb:")
    assert SERVICES["web"]["build"] == "."
    assert "gunicorn mailadmin.wsgi" in SERVICES["web"]["command"]
    assert "migrate" in SERVICES["web"]["command"]


def test_the_panel_waits_for_a_healthy_database():
    assert "healthcheck" in SERVICES["db"]
    assert SERVICES["web"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_only_the_panel_is_published_and_only_on_loopback():
    assert "ports" not in SERVICES["db"]
    assert SERVICES["web"]["ports"] == ["127.0.0.1:8000:8000"]


@pytest.mark.parametrize("name", list(SERVICES))
def test_no_secret_is_written_into_the_file(name):
    for key, value in (SERVICES[name].get("environment") or {}).items():
        if (
            re.search(r"PASSWORD|SECRET|DATABASE_URL", key)
            and key != "MARIADB_RANDOM_ROOT_PASSWORD"
        ):
            assert key.endswith("_FILE"), key
            assert str(value).startswith("/run/secrets/"), key


@pytest.mark.parametrize("name", list(SERVICES))
def test_every_secret_volume_and_build_a_service_uses_is_declared(name):
    service = SERVICES[name]
    for secret in service.get("secrets", []):
        assert secret in COMPOSE["secrets"], secret
    for volume in service.get("volumes", []):
        source = volume.split(":")[0]
        if not source.startswith((".", "/")):
            assert source in COMPOSE["volumes"], source
    if "build" in service:
        assert (ROOT / service["build"] / "Dockerfile").is_file()
    for env_value in (service.get("environment") or {}).values():
        if str(env_value).startswith("/run/secrets/"):
            assert str(env_value).removeprefix("/run/secrets/") in service["secrets"]


def test_secret_files_stay_out_of_git_and_the_image():
    for name, secret in COMPOSE["secrets"].items():
        assert secret["file"].startswith("./secrets/"), name
    assert "secrets" in (ROOT / ".dockerignore").read_text().split()
    assert "secrets" in (ROOT / ".gitignore").read_text().replace("/", "\n").split()


def test_the_mail_servers_are_optional_and_wired_to_generated_configs():
    config = SERVICES["mailconfig"]
    assert config["profiles"] == ["mail"]
    for product in ("postfix", "dovecot", "grants"):
        assert f"mail config {product}" in config["command"]
    for name in ("postfix", "dovecot"):
        service = SERVICES[name]
        assert service["profiles"] == ["mail"]
        assert "mailconfig:/config:ro" in service["volumes"]
        assert service["depends_on"]["mailconfig"]["condition"] == "service_completed_successfully"
    entrypoint = (ROOT / "docker/mail/entrypoint.sh").read_text()
    assert "/config/postfix" in entrypoint and "/config/dovecot" in entrypoint


def test_the_panel_image_runs_gunicorn_as_an_unprivileged_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^USER (?!root)\S+", dockerfile, re.M)
    assert "EXPOSE 8000" in dockerfile
    assert re.search(r'^CMD \["gunicorn", "mailadmin.wsgi"', dockerfile, re.M)
    assert "collectstatic" in dockerfile
    assert not re.search(r"^ENV .*(SECRET_KEY|PASSWORD)", dockerfile, re.M)


def test_the_panels_environment_passes_check_deploy(tmp_path):
    environment = {}
    for key, value in SERVICES["web"]["environment"].items():
        if str(value).startswith("/run/secrets/"):
            secret = tmp_path / Path(value).name
            secret.write_text(
                secrets.token_urlsafe(50) if "secret_key" in value else f"sqlite:///{tmp_path}/db"
            )
            value = str(secret)
        environment[key] = str(value)
    result = check_deploy(tmp_path, **environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def gunicorn_settings(monkeypatch, **environ) -> dict:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_runs_one_worker_per_usable_core(monkeypatch):
    assert gunicorn_settings(monkeypatch)["workers"] == len(os.sched_getaffinity(0))
    assert gunicorn_settings(monkeypatch, WEB_CONCURRENCY="5")["workers"] == 5


def test_no_way_of_serving_overrides_the_worker_count():
    """The measured default lives in gunicorn.conf.py only (docs/PERFORMANCE.md)."""
    served = [
        (ROOT / "Dockerfile").read_text(),
        SERVICES["web"]["command"],
        (ROOT / "Makefile").read_text(),
        (ROOT / "docs" / "DEPLOY.md").read_text(),
    ]
    assert not any("--workers" in text for text in served)
