"""The mail-server wrapper without the servers: report and field parsing, configuration it
writes, and failing loudly when a program is missing."""

import email
from email import policy
from pathlib import Path

import pytest

from mailstack import config
from tests.mailstack import servers

REPORT = b"""\
From: Mail Delivery System <MAILER-DAEMON@mailstack.test>
To: bv4@mailstack-reports.invalid
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain; charset=us-ascii

<foo@blobber.org> (expanded from <foo@lala.com>): delivery via virtual: unknown
    user: "foo@blobber.org"

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mailstack.test

Final-Recipient: rfc822; foo@blobber.org
Original-Recipient: rfc822;foo@lala.com
Action: undeliverable
Status: 5.1.1
Diagnostic-Code: X-Postfix; delivery via virtual: unknown user:
    "foo@blobber.org"

Final-Recipient: rfc822; Xandros@blobber.org
Action: deliverable
Status: 2.0.0
Diagnostic-Code: X-Postfix; delivery via virtual: delivers to maildir

--B--
"""

TARGET = config.Target(db_name="test_x", db_password="pw-123")


def test_a_sendmail_bv_report_gives_each_final_recipient():
    message = email.message_from_bytes(REPORT, policy=policy.default)
    unknown, delivered = servers.parse_report(message)
    assert (unknown.recipient, unknown.deliverable, unknown.transport) == (
        "foo@blobber.org",
        False,
        "virtual",
    )
    assert "unknown user" in unknown.text
    assert (delivered.recipient, delivered.deliverable) == ("xandros@blobber.org", True)


def test_doveadm_fields_are_read_from_both_output_forms():
    user = "field\tvalue\nuid\t5000\nmail\tmaildir:/v/a/\nquota_rule\t*:bytes=5\n"
    assert servers._fields(user) == {
        "uid": "5000",
        "mail": "maildir:/v/a/",
        "quota_rule": "*:bytes=5",
    }
    auth = "passdb: a@b.test auth succeeded\nextra fields:\n  user=a@b.test\n"
    assert servers._fields(auth) == {"user": "a@b.test"}


def test_the_private_postfix_keeps_mail_on_this_machine(tmp_path):
    stack = servers.MailStack(tmp_path / "stack", TARGET)
    main_cf = stack.postfix_main_cf()
    assert "inet_interfaces = 127.0.0.1" in main_cf
    assert "default_transport = discard:forwarded outside" in main_cf
    assert f"virtual_mailbox_base = {tmp_path}/stack/vmail" in main_cf
    assert f"virtual_alias_maps = mysql:{tmp_path}/stack/postfix/mysql_alias.cf\n" in main_cf
    assert f", {servers.REPORT_DOMAIN}\n" in main_cf  # the -bv reports' own maildir


@pytest.mark.parametrize("version", config.DOVECOT_VERSIONS)
def test_the_private_dovecot_listens_on_loopback_only(tmp_path, version):
    target = config.Target(db_name="test_x", db_password="pw-123", dovecot_version=version)
    conf = servers.MailStack(tmp_path, target).dovecot_conf()
    assert "listen = 127.0.0.1\n" in conf
    assert ("dovecot_config_version" in conf) == (version == "2.4")
    assert f"!include {tmp_path}/dovecot/auth-sql.conf.ext" in conf


def test_a_missing_program_fails_the_start_loudly(tmp_path, monkeypatch):
    monkeypatch.setitem(servers.PACKAGES, "swaks", "/nonexistent/swaks")
    with pytest.raises(servers.MailStackError, match="missing: swaks"):
        servers.MailStack(tmp_path / "stack", TARGET).start()
    assert not Path(tmp_path / "stack").exists()
