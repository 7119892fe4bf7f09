"""`mail import --from-mysql`: the source database's password need not be on the command
line, where every user of the machine sees it in `ps`."""

import io

import MySQLdb
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bulk import flurdy

pytestmark = pytest.mark.django_db

URL = "mysql://reader@db.example.org:3306/maildb"


@pytest.fixture
def connect_calls(monkeypatch) -> list[dict]:
    """Record what the import connects with; the source then refuses the connection."""
    calls: list[dict] = []

    def connect(**kwargs):
        calls.append(kwargs)
        raise MySQLdb.OperationalError(2003, "Can't connect (test)")

    monkeypatch.setattr(flurdy.MySQLdb, "connect", connect)
    monkeypatch.delenv("MAILADMIN_IMPORT_MYSQL_PASSWORD", raising=False)
    return calls


def mail_import(*args: str) -> tuple[int, str]:
    """(exit code, stderr) of `mail import ARGS`."""
    err = io.StringIO()
    try:
        call_command("mail", "import", *args, stdout=io.StringIO(), stderr=err)
    except CommandError as exc:
        return exc.returncode, err.getvalue() + str(exc)
    return 0, err.getvalue()


def test_the_password_is_read_from_a_file_named_on_the_command_line(connect_calls, tmp_path):
    secret = tmp_path / "source-password"
    secret.write_text("S3cret pass phrase\n")

    code, stderr = mail_import("--from-mysql", URL, "--from-mysql-password-file", str(secret))

    assert code == 1 and "cannot connect to mysql://reader@db.example.org:3306/maildb" in stderr
    assert connect_calls[0]["password"] == "S3cret pass phrase"
    assert connect_calls[0]["user"] == "reader"
    assert "warning" not in stderr and "S3cret" not in stderr


def test_the_password_may_come_from_standard_input(connect_calls, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("from-stdin\n"))

    mail_import("--from-mysql", URL, "--from-mysql-password-file", "-")

    assert connect_calls[0]["password"] == "from-stdin"


def test_the_password_may_come_from_the_environment(connect_calls, monkeypatch):
    monkeypatch.setenv("MAILADMIN_IMPORT_MYSQL_PASSWORD", "from-env")

    code, stderr = mail_import("--from-mysql", URL)

    assert code == 1
    assert connect_calls[0]["password"] == "from-env"
    assert "warning" not in stderr


def test_a_password_in_the_url_still_works_but_warns_on_stderr(connect_calls):
    code, stderr = mail_import("--from-mysql", "mysql://reader:in-url@db.example.org/maildb")

    assert connect_calls[0]["password"] == "in-url"
    assert "warning: the password in the --from-mysql URL is visible" in stderr
    assert "--from-mysql-password-file" in stderr
    assert "in-url" not in stderr


def test_a_password_in_both_the_url_and_a_file_is_a_usage_error(connect_calls, tmp_path):
    secret = tmp_path / "source-password"
    secret.write_text("other")

    code, stderr = mail_import(
        "--from-mysql",
        "mysql://reader:in-url@db.example.org/maildb",
        "--from-mysql-password-file",
        str(secret),
    )

    assert code == 2 and "leave it out" in stderr
    assert connect_calls == []


def test_an_unreadable_password_file_is_bad_input(connect_calls, tmp_path):
    code, stderr = mail_import(
        "--from-mysql", URL, "--from-mysql-password-file", str(tmp_path / "missing")
    )

    assert code == 1 and "cannot read" in stderr
    assert connect_calls == []


def test_the_password_file_needs_a_mysql_source(connect_calls, tmp_path):
    code, _ = mail_import(str(tmp_path / "x.csv"), "--from-mysql-password-file", "pw")

    assert code == 2
