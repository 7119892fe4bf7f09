"""The data directory holds the secret key, the SQLite database (every password hash) and
the mail servers' database password: other users of the machine may read none of it."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mailadmin.datadir import generated_secret

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def manage(data_dir: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env["MAILADMIN_DATA_DIR"] = str(data_dir)
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def umask_022():
    old = os.umask(0o022)  # the usual umask: without care, new files are world-readable
    yield
    os.umask(old)


def test_a_fresh_data_directory_and_its_sqlite_file_are_private(tmp_path, umask_022):
    data = tmp_path / "data"

    manage(data, "migrate", "-v0")

    assert mode(data) == 0o700
    assert mode(data / "mailadmin.sqlite3") == 0o600
    assert mode(data / "secret_key") == 0o600


def test_an_existing_world_readable_sqlite_file_is_made_private(tmp_path, umask_022):
    data = tmp_path / "data"
    manage(data, "migrate", "-v0")
    (data / "mailadmin.sqlite3").chmod(0o644)

    manage(data, "mail", "domain", "list")

    assert mode(data / "mailadmin.sqlite3") == 0o600


def test_the_mail_servers_password_file_is_private(settings, tmp_path, umask_022):
    settings.MAILADMIN_MAILSERVER_DB_PASSWORD = ""
    settings.DATA_DIR = tmp_path / "data"
    from mailstack import config

    password = config.mailserver_password()

    assert mode(tmp_path / "data") == 0o700
    assert mode(tmp_path / "data" / "mailserver_db_password") == 0o600
    assert config.mailserver_password() == password


def test_a_generated_secret_is_kept_whole_and_leaves_no_temporary_file(tmp_path, umask_022):
    first = generated_secret(tmp_path / "key", 50)

    assert generated_secret(tmp_path / "key", 50) == first
    assert len(first) > 50
    assert [p.name for p in tmp_path.iterdir()] == ["key"]


def test_the_images_data_directory_is_private_to_its_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "chown mailadmin /data && chmod 700 /data" in dockerfile
