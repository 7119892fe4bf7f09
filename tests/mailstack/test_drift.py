"""`mailstack.drift`: the live settings against the generated ones, in private directories
(a stand-in postconf; tests/mailstack/test_drift_live.py runs the real one)."""

import json
from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError

from mailstack import config, drift
from tests.mailstack.drift_support import fake_postconf, install

SECRET = "s3cret-Pw"
TARGET = config.Target(db_name="maildb", db_password=SECRET)


@pytest.fixture
def postconf(tmp_path):
    return fake_postconf(tmp_path)


def diff(installed, postconf, **changes) -> drift.Report:
    return drift.diff(replace(installed.target, **changes), installed.live(postconf))


def counted(report: drift.Report) -> list[drift.Difference]:
    """The differences, without the info lines (files the diff does not compare)."""
    return [d for d in report.differences if d.severity != drift.INFO]


def lines(report: drift.Report) -> list[str]:
    return [d.line() for d in counted(report)]


@pytest.mark.parametrize("version", config.DOVECOT_VERSIONS)
@pytest.mark.parametrize("style", ["guide", "no-backscatter"])
def test_the_generated_configuration_is_clean(tmp_path, postconf, version, style):
    installed = install(tmp_path / "etc", replace(TARGET, dovecot_version=version, style=style))
    report = diff(installed, postconf)
    assert counted(report) == []
    assert not report.changes_routing
    assert report.live["style"] == style
    assert report.live["recipient_delimiter"] == "+"
    assert drift.live_dovecot_version(installed.live(postconf)) == version
    assert drift.render_text(report).endswith("No differences.")


def test_a_changed_delimiter_changes_routing_and_is_named(tmp_path, postconf):
    installed = install(tmp_path / "etc", TARGET)
    installed.edit(
        installed.postfix / "main.cf", "recipient_delimiter = +", "recipient_delimiter = -"
    )
    report = diff(installed, postconf)
    assert report.changes_routing
    assert lines(report) == [
        'routing: postfix main.cf recipient_delimiter: the live value is "-"; the panel writes "+".'
    ]
    assert report.live["recipient_delimiter"] == "-"
    assert "Live configuration: alias map style guide, recipient delimiter: -" in (
        drift.render_text(report)
    )


def test_no_delimiter_line_is_postfix_default_of_none(tmp_path, postconf):
    installed = install(tmp_path / "etc", replace(TARGET, recipient_delimiter=""))
    installed.edit(installed.postfix / "main.cf", "recipient_delimiter =\n", "")
    report = diff(installed, postconf)
    assert counted(report) == []
    assert report.live["recipient_delimiter"] == ""
    assert diff(installed, postconf, recipient_delimiter="+").changes_routing


def test_a_foreign_alias_map_changes_routing(tmp_path, postconf):
    installed = install(tmp_path / "etc", TARGET)
    alias = f"mysql:{installed.postfix}/mysql_alias.cf"
    installed.edit(
        installed.postfix / "main.cf",
        f"virtual_alias_maps = {alias}",
        f"virtual_alias_maps = hash:/etc/postfix/virtual, {alias}",
    )
    report = diff(installed, postconf)
    assert lines(report) == [
        "routing: postfix main.cf virtual_alias_maps: a map the panel does not know: "
        "hash:/etc/postfix/virtual (the panel does not write it)."
    ]
    assert report.live["style"] == "guide"  # the panel's own map is still the guide's


def test_a_routing_parameter_the_panel_does_not_write_is_reported(tmp_path, postconf):
    installed = install(tmp_path / "etc", TARGET)
    main = installed.postfix / "main.cf"
    main.write_text(
        main.read_text() + "recipient_canonical_maps = hash:/etc/postfix/recipient_canonical\n"
        # a server's own settings are its own
        "queue_directory = /var/spool/postfix\ndefault_transport = discard\n"
    )
    assert lines(diff(installed, postconf)) == [
        "routing: postfix main.cf recipient_canonical_maps: a map the panel does not know: "
        "hash:/etc/postfix/recipient_canonical (the panel does not write it)."
    ]


def test_a_routing_parameter_set_to_postfix_default_is_clean(tmp_path, postconf):
    installed = install(tmp_path / "etc", TARGET)
    main = installed.postfix / "main.cf"
    main.write_text(main.read_text() + "propagate_unmatched_extensions = canonical,virtual\n")
    assert counted(diff(installed, postconf)) == []
    main.write_text(main.read_text() + "propagate_unmatched_extensions = canonical\n")
    assert lines(diff(installed, postconf)) == [
        "routing: postfix main.cf propagate_unmatched_extensions: the live value is "
        '"canonical"; the panel writes "canonical virtual".'
    ]


def test_a_generated_file_it_cannot_compare_is_an_info_line(tmp_path, postconf, monkeypatch):
    installed = install(tmp_path / "etc", TARGET)
    generate = config.generate

    def with_snippet(product, target):
        files = generate(product, target)
        if product == "postfix":
            files["header_checks.mailadmin"] = "/^X-Test:/ IGNORE\n"
        return files

    monkeypatch.setattr(config, "generate", with_snippet)
    report = diff(installed, postconf)
    assert [d.line() for d in report.differences] == [
        "info: postfix header_checks.mailadmin: not compared (check it by hand)."
    ]
    assert not report.changes_routing
    assert drift.render_text(report).endswith("No differences.")


def test_cosmetic_differences_are_clean(tmp_path, postconf):
    installed = install(tmp_path / "etc", replace(TARGET, style="no-backscatter"))
    p = installed.postfix
    installed.edit(
        p / "main.cf",
        f"virtual_alias_maps = mysql:{p}/mysql_alias_plain.cf, mysql:{p}/mysql_alias_domain.cf",
        f"# ours\nvirtual_alias_maps=proxy:mysql:{p}/mysql_alias_plain.cf\n"
        f"    mysql:{p}/mysql_alias_domain.cf",
    )
    installed.edit(p / "main.cf", "mydestination =", "mydestination   =   ")
    installed.edit(p / "mysql_alias_plain.cf", "AND enabled = 1\n", "AND enabled=1\n\n  ")
    installed.edit(p / "mysql_domains.cf", "hosts = 127.0.0.1", "hosts = inet:127.0.0.1:3306")
    installed.edit(installed.courier / "authmysqlrc", "MYSQL_SERVER\t\t", "MYSQL_SERVER  ")
    installed.edit(
        installed.courier / "authmysqlrc", "concat(home,'/',maildir)", "concat(home, '/', maildir)"
    )
    installed.edit(installed.dovecot / "auth-sql.conf.ext", "  driver = sql", "driver=sql  ")
    assert counted(diff(installed, postconf)) == []


def test_another_query_changes_routing_and_the_style_is_unknown(tmp_path, postconf):
    installed = install(tmp_path / "etc", TARGET)
    installed.edit(
        installed.postfix / "mysql_alias.cf",
        "AND enabled = 1",
        "AND enabled = 1 AND mail NOT LIKE '@%%'",
    )
    report = diff(installed, postconf)
    assert report.changes_routing
    assert report.live["style"] is None
    (line,) = lines(report)
    assert line.startswith(f"routing: postfix {installed.postfix}/mysql_alias.cf: query: the live")
    assert "NOT LIKE '@%%'" in line


def test_the_other_alias_map_style_is_named(tmp_path, postconf):
    installed = install(tmp_path / "etc", replace(TARGET, style="no-backscatter"))
    report = diff(installed, postconf, style="guide")
    assert report.live["style"] == "no-backscatter"
    assert report.changes_routing
    assert lines(report)[0] == (
        "routing: postfix main.cf virtual_alias_maps: the live alias maps are the "
        "no-backscatter style; the panel assumes guide (MAILADMIN_ALIAS_STYLE or --style)."
    )


def test_another_database_changes_routing(tmp_path, postconf):
    installed = install(tmp_path / "etc", TARGET)
    installed.edit(installed.postfix / "mysql_mailbox.cf", "dbname = maildb", "dbname = olddb")
    installed.edit(installed.postfix / "mysql_mailbox.cf", "user = mailserver", "user = postfix")
    assert lines(diff(installed, postconf)) == [
        f"routing: postfix {installed.postfix}/mysql_mailbox.cf: dbname: the live value is "
        '"olddb"; the panel writes "maildb".',
        f"routing: postfix {installed.postfix}/mysql_mailbox.cf: user: the live value is "
        '"postfix"; the panel writes "mailserver".',
    ]


def test_a_different_password_is_a_warning_and_never_printed(tmp_path, postconf):
    installed = install(tmp_path / "etc", replace(TARGET, dovecot_version="2.4"))
    for path in (
        installed.postfix / "mysql_domains.cf",
        installed.courier / "authmysqlrc",
        installed.dovecot / "auth-sql.conf.ext",
    ):
        installed.edit(path, SECRET, "0ther-Pw")
    report = diff(installed, postconf, db_password="Panel-Pw")
    text = drift.render_text(report) + json.dumps(report.as_dict())
    for secret in (SECRET, "0ther-Pw", "Panel-Pw"):
        assert secret not in text
    assert not report.changes_routing
    assert sum("password differs" in line for line in lines(report)) == 9 + 2  # maps, files
    assert not any(SECRET in line for line in lines(report))


def test_missing_files_are_reported(tmp_path, postconf):
    installed = install(tmp_path / "etc", TARGET)
    (installed.postfix / "mysql_alias.cf").unlink()
    (installed.courier / "authmysqlrc").unlink()
    (installed.dovecot / "dovecot-sql.conf.ext").unlink()
    report = diff(installed, postconf)
    assert lines(report) == [
        f"routing: postfix {installed.postfix}/mysql_alias.cf: the file is missing; the panel "
        "writes it.",
        f"warning: courier {installed.courier}/authmysqlrc: the file is missing; the panel "
        "writes it.",
        f"warning: dovecot {installed.dovecot}/dovecot-sql.conf.ext: the file is missing; the "
        "panel writes it.",
    ]


def test_a_missing_parameter_is_compared_with_postfix_default(tmp_path, postconf):
    installed = install(tmp_path / "etc", TARGET)
    installed.edit(installed.postfix / "main.cf", "mydestination =\n", "")
    assert lines(diff(installed, postconf)) == [
        'routing: postfix main.cf mydestination: the live value is "$myhostname '
        'localhost.$mydomain localhost"; the panel writes "".'
    ]


def test_dovecot_24_in_conf_d_and_its_differences_are_warnings(tmp_path, postconf):
    installed = install(tmp_path / "etc", replace(TARGET, dovecot_version="2.4"), conf_d=True)
    live = installed.live(postconf)
    assert drift.live_dovecot_version(live) == "2.4"
    assert counted(diff(installed, postconf)) == []
    auth = installed.dovecot / "conf.d" / "auth-sql.conf.ext"
    installed.edit(auth, "mysql 127.0.0.1 {", "mysql 10.0.0.9 {")
    installed.edit(auth, "  iterate_query = ", "  iterate_query = SELECT 1 -- ")
    report = diff(installed, postconf)
    assert not report.changes_routing
    assert [d.where for d in counted(report)] == [
        f"{auth}: mysql/host",
        f"{auth}: userdb sql/iterate_query",
    ]
    assert {d.severity for d in counted(report)} == {"warning"}


def test_dovecot_23_connect_settings_are_compared_one_by_one(tmp_path, postconf):
    installed = install(tmp_path / "etc", TARGET)
    sql = installed.dovecot / "dovecot-sql.conf.ext"
    installed.edit(sql, "dbname=maildb", "dbname=other")
    installed.edit(sql, "default_pass_scheme = CRYPT", "default_pass_scheme = PLAIN")
    assert lines(diff(installed, postconf)) == [
        f'warning: dovecot {sql}: connect/dbname: the live value is "other"; the panel '
        'writes "maildb".',
        f'warning: dovecot {sql}: default_pass_scheme: the live value is "PLAIN"; the panel '
        'writes "CRYPT".',
    ]


def test_a_missing_postconf_or_main_cf_is_an_error(tmp_path, postconf):
    installed = install(tmp_path / "etc", TARGET)
    with pytest.raises(ValidationError, match="Cannot run"):
        diff(installed, str(tmp_path / "no-postconf"))
    (installed.postfix / "main.cf").unlink()
    with pytest.raises(ValidationError, match="main.cf"):
        diff(installed, postconf)


def test_values_are_compared_as_postfix_reads_them():
    assert drift.postfix_tokens("a,b  c,\n d") == ["a", "b", "c", "d"]
    assert drift.postfix_tokens("x, inline:{ @a=b/ }, proxy:mysql:/m.cf") == [
        "x",
        "inline:{ @a=b/ }",
        "mysql:/m.cf",
    ]
    assert drift.normalize_sql("SELECT a , b\n FROM t WHERE id = '%s'") == (
        "SELECT a,b FROM t WHERE id='%s'"
    )


def test_a_submission_service_without_the_sender_check_changes_who_may_send(tmp_path, postconf):
    installed = install(tmp_path / "etc", TARGET)
    installed.edit(
        installed.postfix / "master.cf",
        "smtpd_sender_restrictions=reject_sender_login_mismatch",
        "smtpd_sender_restrictions=permit_sasl_authenticated",
    )
    report = diff(installed, postconf)
    assert lines(report) == [
        "routing: postfix master.cf submission/inet -o smtpd_sender_restrictions: the live "
        'value is "permit_sasl_authenticated"; the panel writes "reject_sender_login_mismatch".'
    ]
    assert report.changes_routing


def test_a_master_cf_without_the_submission_service_is_a_warning(tmp_path, postconf):
    installed = install(tmp_path / "etc", TARGET)
    (installed.postfix / "master.cf").write_text("smtp inet n - y - - smtpd\n")
    report = diff(installed, postconf)
    wheres = [d.where for d in report.differences]
    assert wheres == ["master.cf submission/inet", "master.cf vacation/unix"]
    assert not report.changes_routing


def test_master_cf_entries_and_their_options_are_parsed():
    text = (
        "# comment\nsmtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd\n"
        "  -o syslog_name=postfix/submission\n\n  -o smtpd_sasl_auth_enable=yes\n"
    )
    assert drift.parse_master(text) == {
        ("smtp", "inet"): {},
        ("submission", "inet"): {
            "syslog_name": "postfix/submission",
            "smtpd_sasl_auth_enable": "yes",
        },
    }


def test_the_vacation_responders_database_url_is_compared_and_never_shown(tmp_path, postconf):
    installed = install(tmp_path / "etc", TARGET)
    (installed.postfix / "mailadmin-vacation.url").write_text("mysql://other:S3cret-Other@h/db\n")
    [line] = lines(diff(installed, postconf))
    assert line.endswith(
        "mailadmin-vacation.url: differs from what the panel writes (the value is not shown)."
    )
    assert "S3cret-Other" not in line
