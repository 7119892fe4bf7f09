"""`mail config`: the files for Postfix, Courier, Dovecot 2.3/2.4 and the grants, and the
README section rendered from the same templates (no mail server needed)."""

import io
import json
import os
import stat
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mailstack import config

TARGET = config.Target(db_name="maildb", db_password="s3cret-Pw")
README = Path(__file__).resolve().parents[2] / "README.md"


def setting(text: str, name: str) -> str:
    """The value of `name = value` (or `NAME<tab>value`) in a configuration file."""
    for line in text.splitlines():
        key, _, value = line.replace("\t", " ").partition(" ")
        if key == name:
            return value.strip().removeprefix("= ").strip()
    raise AssertionError(f"{name} not in\n{text}")


def test_postfix_maps_read_the_guide_tables_over_tcp():
    files = config.generate("postfix", TARGET)
    for name in config.POSTFIX_MAPS + config.POSTFIX_ALIAS_MAPS:
        assert setting(files[name], "hosts") == "127.0.0.1"
        assert setting(files[name], "dbname") == "maildb"
        assert setting(files[name], "user") == "mailserver"
        assert setting(files[name], "password") == "s3cret-Pw"
    assert "FROM domains WHERE domain = '%s' AND enabled = 1" in files["mysql_domains.cf"]
    assert "SELECT maildir FROM users WHERE id = '%s' AND enabled = 1" in files["mysql_mailbox.cf"]
    assert "SELECT uid FROM users WHERE id = '%s'" in files["mysql_uid.cf"]
    assert "SELECT gid FROM users WHERE id = '%s'" in files["mysql_gid.cf"]
    assert "FROM aliases WHERE mail = '%s' AND enabled = 1" in files["mysql_alias.cf"]


def test_another_port_is_written_as_inet():
    files = config.generate("postfix", replace(TARGET, db_port=3307))
    assert setting(files["mysql_domains.cf"], "hosts") == "inet:127.0.0.1:3307"


def test_the_main_cf_lines_name_the_maps_of_the_chosen_style():
    guide = config.generate("postfix", TARGET)["main.cf.mailadmin"]
    assert "virtual_alias_maps = mysql:/etc/postfix/mysql_alias.cf\n" in guide
    assert "virtual_mailbox_base = /var/spool/mail/virtual\n" in guide
    assert "virtual_mailbox_domains = mysql:/etc/postfix/mysql_domains.cf" in guide
    plain = config.generate("postfix", replace(TARGET, style="no-backscatter"))
    assert (
        "virtual_alias_maps = mysql:/etc/postfix/mysql_alias_plain.cf, "
        "mysql:/etc/postfix/mysql_alias_domain.cf\n" in plain["main.cf.mailadmin"]
    )
    assert "NOT (mail LIKE '@%%' AND destination LIKE '@%%')" in plain["mysql_alias_plain.cf"]
    assert "CONCAT('%u', d.destination)" in plain["mysql_alias_domain.cf"]


def test_courier_authmysqlrc_keeps_its_version_line_and_marker():
    text = config.generate("courier", TARGET)["authmysqlrc"]
    assert text.startswith("##VERSION: ")
    assert text.rstrip().endswith("must be present at the end of this file.")
    assert "##NAME: MARKER:0" in text
    assert setting(text, "MYSQL_CRYPT_PWFIELD") == "crypt"
    assert setting(text, "MYSQL_MAILDIR_FIELD") == "concat(home,'/',maildir)"
    assert setting(text, "MYSQL_QUOTA_FIELD") == "quota"
    # the guide's enabled=1, and (since a disabled domain must not log in) its domain enabled
    assert setting(text, "MYSQL_WHERE_CLAUSE") == (
        "enabled = 1 AND domain_name IN (SELECT domain FROM domains WHERE enabled = 1)"
    )
    assert setting(text, "MYSQL_SERVER") == "127.0.0.1"
    assert "MYSQL_CLEAR_PWFIELD" not in text


def test_dovecot_23_uses_crypt_and_percent_u():
    files = config.generate("dovecot", TARGET)
    assert set(files) == {"dovecot-sql.conf.ext", "auth-sql.conf.ext", "quota.conf"}
    sql = files["dovecot-sql.conf.ext"]
    assert setting(sql, "default_pass_scheme") == "CRYPT"
    assert setting(sql, "driver") == "mysql"
    assert "host=127.0.0.1 port=3306 dbname=maildb user=mailserver password=s3cret-Pw" in sql
    assert "WHERE id = '%u' AND enabled = 1" in setting(sql, "password_query")
    user_query = setting(sql, "user_query")
    assert "CONCAT('maildir:', CONCAT(home, '/', maildir)) AS mail" in user_query
    assert "AS quota_rule" in user_query and "$" not in user_query
    assert "args = /etc/dovecot/dovecot-sql.conf.ext" in files["auth-sql.conf.ext"]
    assert "quota = maildir:User quota" in files["quota.conf"]


def test_dovecot_24_has_its_own_syntax():
    files = config.generate("dovecot", replace(TARGET, dovecot_version="2.4"))
    assert set(files) == {"auth-sql.conf.ext", "quota.conf"}
    text = files["auth-sql.conf.ext"]
    assert "sql_driver = mysql" in text
    assert "mysql 127.0.0.1 {\n  port = 3306\n  dbname = maildb\n" in text
    assert "passdb sql {\n  default_password_scheme = CRYPT\n" in text
    assert "userdb sql {" in text
    assert "'%{user}'" in text and "'%u'" not in text
    assert "'maildir' AS mail_driver" in text
    assert "AS quota_storage_size" in text and "AS quota_message_count" in text
    assert "quota_rule" not in text
    assert "driver = maildir" in files["quota.conf"]


@pytest.mark.parametrize(
    ("output", "version"),
    [
        ("2.3.19.1 (9b53102964)", "2.3"),
        ("2.4.1-4 (7d8c0e5759)", "2.4"),
        ("2.2.36", "2.3"),
        ("3.0.0", "2.4"),
        ("", None),
    ],
)
def test_the_dovecot_version_is_read_from_dovecot_version(output, version):
    assert config.parse_dovecot_version(output) == version


def test_the_grants_are_select_only_and_leave_out_the_clear_column():
    sql = config.generate("grants", replace(TARGET, usage_password="u-Pw"))["grants.sql"]
    grants = [
        line
        for line in sql.splitlines()
        if line.startswith("GRANT")
        and line.endswith(("'mailserver'@'127.0.0.1';", "'mailserver'@'localhost';"))
    ]
    # three tables, the backup MX settings and the two vacation tables, two client hosts
    assert len(grants) == 12
    writes = [line for line in grants if not line.startswith("GRANT SELECT ON")]
    writes = [line for line in writes if not line.startswith("GRANT SELECT (")]
    # The vacation responder writes when it answered whom, nothing else (issue: vacation).
    assert writes == [
        f"GRANT SELECT, INSERT, UPDATE ON `maildb`.`mailadmin_vacation_notice` TO {account};"
        for account in ("'mailserver'@'127.0.0.1'", "'mailserver'@'localhost'")
    ]
    users = next(line for line in grants if "`users`" in line)
    assert "crypt" in users and "clear" not in users
    relay = next(line for line in grants if "`mailadmin_relay_settings`" in line)
    assert relay.startswith("GRANT SELECT (domain_id, backup_mx) ON")
    assert "CREATE USER IF NOT EXISTS 'mailserver'@'127.0.0.1' IDENTIFIED BY 's3cret-Pw';" in sql
    assert "'mailserver'@'localhost'" in sql


def test_the_usage_collector_account_may_write_only_the_usage_table():
    sql = config.generate("grants", replace(TARGET, usage_password="u-Pw"))["grants.sql"]
    grants = [
        line for line in sql.splitlines() if line.startswith("GRANT") and "'mailusage'@" in line
    ]
    assert len(grants) == 6  # two client hosts
    writes = [line for line in grants if not line.startswith("GRANT SELECT (")]
    assert {line.split(" TO ")[0] for line in writes} == {
        "GRANT SELECT, INSERT, UPDATE, DELETE ON `maildb`.`mailadmin_mailbox_usage`"
    }
    users = next(line for line in grants if "`users`" in line)
    assert users.startswith("GRANT SELECT (id, home, maildir, quota, domain_name) ON")
    assert "CREATE USER IF NOT EXISTS 'mailusage'@'localhost' IDENTIFIED BY 'u-Pw';" in sql


@pytest.mark.parametrize("password", ["with space", "quote'd", "hash#tag", "back\\slash", ""])
def test_values_that_would_break_the_files_are_refused(password):
    with pytest.raises(config.ValidationError):
        replace(TARGET, db_password=password)


def test_the_readme_section_is_rendered_from_the_templates():
    section = config.readme_section()
    assert "## Connect your mail server" in section
    assert config.generate("courier", config.EXAMPLE)["authmysqlrc"].rstrip() in section
    assert section in README.read_text(), (
        "README.md is out of date: replace its section with `python manage.py mail config readme`"
    )


def settings_values(tmp_path, **variables) -> list[str]:
    """MAILADMIN_ALIAS_STYLE and MAILADMIN_MAILSERVER_DB_PASSWORD as a fresh process's
    settings read them from `variables` (the environment of `mail config`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILADMIN_")}
    env.update(SECRET_KEY="settings-test", MAILADMIN_DATA_DIR=str(tmp_path), **variables)
    code = (
        "from mailadmin import settings as s;"
        "print(repr(s.MAILADMIN_ALIAS_STYLE), repr(s.MAILADMIN_MAILSERVER_DB_PASSWORD))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=README.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_the_style_and_the_password_come_from_the_environment(tmp_path):
    assert settings_values(tmp_path) == ["'guide'", "''"]
    assert settings_values(
        tmp_path,
        MAILADMIN_ALIAS_STYLE="no-backscatter",
        MAILADMIN_MAILSERVER_DB_PASSWORD="from-env",
    ) == ["'no-backscatter'", "'from-env'"]
    (tmp_path / "password").write_text("from-file\n")
    assert settings_values(
        tmp_path,
        MAILADMIN_MAILSERVER_DB_PASSWORD="from-env",
        MAILADMIN_MAILSERVER_DB_PASSWORD_FILE=str(tmp_path / "password"),
    ) == ["'guide'", "'from-file'"]


def test_the_password_is_generated_once_into_the_data_directory(settings, tmp_path):
    settings.MAILADMIN_MAILSERVER_DB_PASSWORD = ""
    settings.DATA_DIR = tmp_path
    first = config.mailserver_password()
    assert first == config.mailserver_password()
    assert stat.S_IMODE((tmp_path / "mailserver_db_password").stat().st_mode) == 0o600
    settings.MAILADMIN_MAILSERVER_DB_PASSWORD = "from-env"
    assert config.mailserver_password() == "from-env"


# --- the command line ----------------------------------------------------------------------
def mail(*args: str) -> str:
    out = io.StringIO()
    call_command("mail", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def env_password(settings):
    settings.MAILADMIN_MAILSERVER_DB_PASSWORD = "cli-Passw0rd"


def test_mail_config_writes_the_files_with_mode_0640(db, tmp_path, env_password):
    out = mail("config", "postfix", "--db-name", "maildb", "--output", str(tmp_path / "pf"))
    assert "Wrote" in out
    written = tmp_path / "pf" / "mysql_alias.cf"
    assert stat.S_IMODE(written.stat().st_mode) == 0o640
    assert "password = cli-Passw0rd" in written.read_text()


def test_mail_config_prints_to_stdout(db, env_password):
    out = mail("config", "dovecot", "--db-name", "maildb", "--dovecot-version", "2.4")
    assert "# ==> auth-sql.conf.ext <==" in out and "passdb sql {" in out
    out = mail("config", "grants", "--db-name", "maildb", "--db-user", "mx")
    assert "'mx'@'127.0.0.1'" in out


class FakeConnection:
    def __init__(self, engine: str, host: str = ""):
        self.settings_dict = {"ENGINE": engine, "NAME": "maildb", "HOST": host, "PORT": ""}


def test_the_target_is_the_configured_mysql_database_over_tcp(env_password, settings):
    target = config.target_for_database(
        FakeConnection("django.db.backends.mysql", "localhost"), dovecot_version="2.4"
    )
    assert (target.db_name, target.db_host, target.db_port) == ("maildb", "127.0.0.1", 3306)
    assert target.db_password == "cli-Passw0rd"
    assert target.mail_home == settings.MAILADMIN_MAIL_HOME


def test_an_sqlite_database_is_refused_unless_a_name_is_given(env_password):
    sqlite = FakeConnection("django.db.backends.sqlite3")
    with pytest.raises(config.ValidationError, match="MySQL/MariaDB"):
        config.target_for_database(sqlite)
    assert config.target_for_database(sqlite, db_name="other").db_name == "other"


def test_mail_config_readme_prints_the_section(db):
    assert mail("config", "readme") == config.readme_section()


def test_mail_trace_prints_the_route(guide_data):
    out = mail("trace", "john@whopper.nu")
    assert "catch-all @whopper.nu → xandros@blobber.org" in out
    data = json.loads(mail("trace", "karl@blobber.org", "--json"))
    assert data["recipients"][0]["outcome"] == "forwarded"
    out = mail("trace", "stranger@lala.com", "--style", "no-backscatter")
    assert "RCPT TO from the Internet: 550" in out


def test_mail_trace_refuses_what_is_not_an_address(db):
    with pytest.raises(CommandError) as error:
        mail("trace", "@whopper.nu")
    assert error.value.returncode == 1


QUOTA_CASES = {
    "": (None, None),
    "524288000S": (524288000, None),
    "1000C": (None, 1000),
    "524288000S,1000C": (524288000, 1000),
    "1000C,524288000S": (524288000, 1000),
    "10M": (None, None),  # Courier ignores it: no quota
    "500": (None, None),
    "5S,6S": (None, None),
}


@pytest.mark.mariadb
@pytest.mark.parametrize("version", config.DOVECOT_VERSIONS)
def test_the_dovecot_user_query_translates_courier_quotas_on_mariadb(db, version, actor):
    """Run the generated user_query (as Dovecot would, %u filled in) on MariaDB."""
    from django.db import connection

    from domains import services
    from domains.models import Mailbox
    from mailadmin import quota
    from tests.quota_rules import dovecot_rule

    services.create_domain("q.test", actor=actor)
    query = config.dovecot_queries(version)["user_query"]
    for number, (stored, (size, count)) in enumerate(QUOTA_CASES.items()):
        address = f"q{number}@q.test"
        services.create_mailbox(address, "Quota-Passw0rd-1", actor=actor)
        Mailbox.objects.filter(address=address).update(quota=stored)  # adopted rows too
        sql = query.replace("'%u'", "%s").replace("'%{user}'", "%s")
        with connection.cursor() as cursor:
            cursor.execute(sql, [address])
            columns = [c[0] for c in cursor.description]
            row = dict(zip(columns, cursor.fetchone(), strict=True))
        assert row["home"].endswith(f"/q.test/q{number}/")
        if version == "2.3":
            assert row["mail"] == f"maildir:{row['home']}"
            expected = dovecot_rule(stored) if quota.is_courier_quota(stored) else ""
            assert (row["quota_rule"] or "") == expected, stored
        else:
            assert row["mail_path"] == row["home"]
            got = (row["quota_storage_size"], row["quota_message_count"])
            assert tuple(int(v) if v is not None else None for v in got) == (size, count), stored


def test_the_sender_login_map_and_the_submission_service_are_generated():
    files = config.generate("postfix", TARGET)
    assert (
        "smtpd_sender_login_maps = mysql:/etc/postfix/mysql_sender_login.cf"
        in (files["main.cf.mailadmin"])
    )
    assert "%u@%d" in files["mysql_sender_login.cf"]
    master = files["master.cf.mailadmin"]
    assert master.splitlines()[4].split()[:2] == ["submission", "inet"]
    assert "-o smtpd_sender_restrictions=reject_sender_login_mismatch" in master
    assert "-o smtpd_sasl_type=dovecot" in master
