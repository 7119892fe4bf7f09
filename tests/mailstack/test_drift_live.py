"""`mail config diff` against the private Postfix, Courier and Dovecot configuration of the
test stack, read with the real `postconf -c`."""

import io
import json
import shutil
from dataclasses import replace

import pytest
from django.core.management import CommandError, call_command

from mailstack import config
from tests.mailstack import servers

pytestmark = pytest.mark.mailstack


def diff(stack, postfix_dir: str, *extra: str) -> tuple[int, dict]:
    """`mail config diff --json` for the stack's files (Postfix's in postfix_dir): the exit
    code and the report, without the info lines (files the diff does not compare)."""
    out = io.StringIO()
    args = [
        "config",
        "diff",
        "--json",
        "--db-user",
        stack.target.db_user,
        "--mail-home",
        stack.target.mail_home,
        "--postfix-dir",
        postfix_dir,
        "--courier-dir",
        str(stack.root / "courier-etc"),
        "--dovecot-dir",
        stack.target.dovecot_dir,
        *extra,
    ]
    try:
        call_command("mail", *args, stdout=out)
        code = 0
    except CommandError as error:
        code = error.returncode
    report = json.loads(out.getvalue())
    report["differences"] = [d for d in report["differences"] if d["severity"] != "info"]
    return code, report


@pytest.fixture
def panel_password(stack, settings):
    settings.MAILADMIN_MAILSERVER_DB_PASSWORD = stack.target.db_password
    return stack


@pytest.fixture
def generated_postfix(panel_password, tmp_path):
    """The test Postfix's configuration (its own queue, log and transport settings) with the
    generated main.cf lines as they are, without the test's report maildir."""
    stack = panel_password
    conf = tmp_path / "postfix"
    shutil.copytree(stack.target.postfix_dir, conf)
    files = config.generate("postfix", replace(stack.target, postfix_dir=str(conf)))
    config.write({k: v for k, v in files.items() if k.endswith(".cf")}, conf)
    main = servers.MAIN_CF.format(root=stack.root) + "\n" + files["main.cf.mailadmin"]
    (conf / "main.cf").write_text(main)
    master = servers.MASTER_CF.format(smtp="smtp inet n - n - - smtpd")
    (conf / "master.cf").write_text(master + files["master.cf.mailadmin"])
    return conf


def test_the_generated_configuration_is_clean_for_the_real_postconf(stack, generated_postfix):
    code, report = diff(stack, str(generated_postfix))
    assert (code, report["differences"]) == (0, [])
    assert report["live"]["style"] == "guide"
    assert report["live"]["recipient_delimiter"] == stack.target.recipient_delimiter
    assert report["live"]["dovecot_version"] == stack.target.dovecot_version


def test_a_delimiter_changed_with_postconf_e_exits_1(stack, generated_postfix):
    servers.run(["postconf", "-c", str(generated_postfix), "-e", "recipient_delimiter=-"])
    code, report = diff(stack, str(generated_postfix), "--recipient-delimiter=+")
    assert code == 1
    assert report["live"]["recipient_delimiter"] == "-"
    assert [(d["severity"], d["where"]) for d in report["differences"]] == [
        ("routing", "main.cf recipient_delimiter")
    ]


def test_a_foreign_alias_map_added_with_postconf_e_exits_1(stack, generated_postfix):
    alias = f"mysql:{generated_postfix}/mysql_alias.cf"
    virtual = "inline:{ info@blobber.org=karl@blobber.org }"
    servers.run(
        ["postconf", "-c", str(generated_postfix), "-e", f"virtual_alias_maps={virtual}, {alias}"]
    )
    code, report = diff(stack, str(generated_postfix))
    assert code == 1
    (difference,) = report["differences"]
    assert difference["where"] == "main.cf virtual_alias_maps"
    assert virtual in difference["message"]
    assert report["live"]["style"] == "guide"


def test_the_running_stack_differs_by_its_report_maildir_not_its_own_settings(panel_password):
    stack = panel_password
    code, report = diff(stack, stack.target.postfix_dir)
    assert code == 1  # the -bv reports' maildir is a domain and maps the panel does not write
    reports = {d["where"] for d in report["differences"] if servers.REPORT_DOMAIN in d["message"]}
    assert reports == {
        "main.cf virtual_mailbox_domains",
        "main.cf virtual_mailbox_maps",
        "main.cf virtual_uid_maps",
        "main.cf virtual_gid_maps",
    }
    # the test instance's own settings (queue, log, discard transports) are its own
    test_only = {line.partition("=")[0].strip() for line in servers.MAIN_CF.splitlines()}
    assert "default_transport" in test_only
    assert not {d["where"].removeprefix("main.cf ") for d in report["differences"]} & test_only
