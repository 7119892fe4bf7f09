"""Settings come from the environment, with defaults that run a fresh checkout."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "from django.conf import settings as s; d = s.DATABASES['default'];"
    "print(d['ENGINE'], d['NAME'], d.get('HOST', ''), d.get('PORT', ''), s.DEBUG,"
    " s.MAILADMIN_CRYPT_ROUNDS, len(s.SECRET_KEY) > 30)"
)


def settings_in(env: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    clean.update(
        {"MAILADMIN_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "mailadmin.settings"}
    )
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {SHOW}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_default_is_an_sqlite_file_debug_off_and_a_generated_secret_key(tmp_path):
    result = settings_in({}, tmp_path)
    assert result.returncode == 0, result.stderr
    engine, name, *_, debug, rounds, has_key = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert name == str(tmp_path / "mailadmin.sqlite3")
    assert (debug, rounds, has_key) == ("False", "5000", "True")
    key_file = tmp_path / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert settings_in({}, tmp_path).stdout == result.stdout  # the same key is reused


def test_database_url_selects_mysql(tmp_path):
    result = settings_in({"DATABASE_URL": "mysql://mail:pw@127.0.0.1:3306/maildb"}, tmp_path)
    assert result.stdout.split()[:4] == ["django.db.backends.mysql", "maildb", "127.0.0.1", "3306"]


def test_secrets_may_come_from_files(tmp_path):
    (tmp_path / "url").write_text("mysql://mail:pw@db.internal:3307/maildb\n")
    result = settings_in({"DATABASE_URL_FILE": str(tmp_path / "url")}, tmp_path)
    assert result.stdout.split()[2:4] == ["db.internal", "3307"]


def test_bad_values_fail_loudly(tmp_path):
    for env, message in [
        ({"DEBUG": "maybe"}, "DEBUG must be a boolean"),
        ({"MAILADMIN_CRYPT_ROUNDS": "lots"}, "MAILADMIN_CRYPT_ROUNDS must be an integer"),
        ({"MAILADMIN_CRYPT_ROUNDS": "10"}, "between 1000"),
        ({"DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL"),
    ]:
        result = settings_in(env, tmp_path)
        assert result.returncode != 0
        assert message in result.stderr
