"""`mail config diff` and `--recipient-delimiter` on the command line: output, --json and the
exit codes a postmaster's script relies on (0 clean or cosmetic, 1 routing differs, 2 usage)."""

import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mailstack import config
from tests.mailstack.drift_support import fake_postconf, install

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "cli-Passw0rd"


@pytest.fixture
def installed(tmp_path, settings):
    settings.MAILADMIN_MAILSERVER_DB_PASSWORD = PASSWORD
    settings.MAILADMIN_RECIPIENT_DELIMITER = "+"
    settings.MAILADMIN_ALIAS_STYLE = "guide"
    target = config.Target(
        db_name="maildb", db_password=PASSWORD, mail_home=settings.MAILADMIN_MAIL_HOME
    )
    return install(tmp_path / "etc", target)


def arguments(installed, tmp_path) -> list[str]:
    return [
        "config",
        "diff",
        "--db-name",
        "maildb",
        "--postfix-dir",
        str(installed.postfix),
        "--courier-dir",
        str(installed.courier),
        "--dovecot-dir",
        str(installed.dovecot),
        "--postconf",
        fake_postconf(tmp_path),
    ]


def mail(*args: str) -> str:
    out = io.StringIO()
    call_command("mail", *args, stdout=out)
    return out.getvalue()


def test_the_generated_configuration_exits_0(db, installed, tmp_path):
    out = mail(*arguments(installed, tmp_path)).splitlines()
    assert out[:2] == [
        "Live configuration: alias map style guide, recipient delimiter: +, Dovecot 2.3.",
        "The panel assumes: alias map style guide, recipient delimiter: +.",
    ]
    assert out[-1] == "No differences."
    assert all(line.startswith("info: ") for line in out[2:-1])


def test_a_changed_delimiter_exits_1_after_the_report(db, installed, tmp_path):
    installed.edit(
        installed.postfix / "main.cf", "recipient_delimiter = +", "recipient_delimiter = -"
    )
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("mail", *arguments(installed, tmp_path), stdout=out)
    assert error.value.returncode == 1
    assert "routes mail differently" in str(error.value)
    assert 'routing: postfix main.cf recipient_delimiter: the live value is "-"' in out.getvalue()


def test_the_panel_side_delimiter_can_be_given(db, installed, tmp_path):
    with pytest.raises(CommandError) as error:
        mail(*arguments(installed, tmp_path), "--recipient-delimiter=-")
    assert error.value.returncode == 1 and "routes mail differently" in str(error.value)
    installed.edit(
        installed.postfix / "main.cf", "recipient_delimiter = +", "recipient_delimiter ="
    )
    assert "No differences." in mail(*arguments(installed, tmp_path), "--recipient-delimiter", "")


def test_warnings_alone_exit_0(db, installed, tmp_path):
    (installed.courier / "authmysqlrc").unlink()
    out = mail(*arguments(installed, tmp_path))
    assert "warning: courier" in out and "1 difference(s), 0 of them change routing." in out


def test_json_lists_the_differences(db, installed, tmp_path):
    installed.edit(
        installed.postfix / "main.cf",
        "virtual_alias_maps = ",
        "virtual_alias_maps = hash:/etc/postfix/virtual ",
    )
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("mail", *arguments(installed, tmp_path), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["changes_routing"] is True
    assert report["live"]["style"] == "guide"
    assert report["live"]["recipient_delimiter"] == "+"
    assert report["panel"] == {"style": "guide", "recipient_delimiter": "+"}
    assert [d for d in report["differences"] if d["severity"] != "info"] == [
        {
            "severity": "routing",
            "product": "postfix",
            "where": "main.cf virtual_alias_maps",
            "message": "a map the panel does not know: hash:/etc/postfix/virtual "
            "(the panel does not write it).",
        }
    ]


def test_a_bad_delimiter_is_bad_input(db, installed, tmp_path):
    with pytest.raises(CommandError) as error:
        mail(*arguments(installed, tmp_path), "--recipient-delimiter", "@")
    assert error.value.returncode == 1


def test_mail_config_postfix_writes_the_delimiter_given(db, settings):
    settings.MAILADMIN_MAILSERVER_DB_PASSWORD = PASSWORD
    out = mail("config", "postfix", "--db-name", "maildb", "--recipient-delimiter=-+")
    assert "\nrecipient_delimiter = -+\n" in out
    out = mail("config", "postfix", "--db-name", "maildb", "--recipient-delimiter", "")
    assert "\nrecipient_delimiter =\n" in out


def test_mail_trace_assumes_the_delimiter_given(guide_data):
    out = mail("trace", "xandros+tag@blobber.org", "--recipient-delimiter", "")
    assert "Assuming recipient delimiter: none" in out
    data = json.loads(
        mail("trace", "xandros+tag@blobber.org", "--recipient-delimiter=-+", "--json")
    )
    assert data["recipient_delimiter"] == "-+"
    with pytest.raises(CommandError) as error:
        mail("trace", "xandros@blobber.org", "--recipient-delimiter", "a b")
    assert error.value.returncode == 1


def test_the_real_process_exits_1_2_and_0(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}",
        "MAILADMIN_DATA_DIR": str(data),
        "MAILADMIN_MAILSERVER_DB_PASSWORD": PASSWORD,
        "MAILADMIN_RECIPIENT_DELIMITER": "+",
        "MAILADMIN_ALIAS_STYLE": "guide",
    }
    env.pop("MAILADMIN_MAIL_HOME", None)
    target = replace(config.Target(db_name="maildb", db_password=PASSWORD))
    installed = install(tmp_path / "etc", target)

    def run(*args):
        return subprocess.run(
            [sys.executable, "manage.py", "mail", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    args = arguments(installed, tmp_path)
    assert run(*args).returncode == 0
    assert run(*args, "--no-such-option").returncode == 2
    installed.edit(
        installed.postfix / "main.cf", "recipient_delimiter = +", "recipient_delimiter = -"
    )
    result = run(*args)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
