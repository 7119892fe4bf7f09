"""`mail import` / the importer held to the domains' limits; limits as import/export columns."""

import io

from bulk.exporter import export_csv
from domains.models import Mailbox
from limits.services import limits_of, set_limits
from tests.bulk.conftest import OLD_HASHES, csv_text, run_import
from tests.cli.test_mail_command import mail
from tests.conftest import ACTOR

CRYPT = OLD_HASHES["sha512_crypt"]


def mailboxes(*addresses, quota="1M", enabled="1"):
    return [
        {
            "kind": "mailbox",
            "address": a,
            "crypt": CRYPT,
            "quota": quota,
            "enabled": enabled,
        }
        for a in addresses
    ]


def test_an_import_up_to_the_limit_is_written(limited):
    report = run_import(csv_text(mailboxes("b@example.org")))
    assert report.ok and report.written


def test_an_import_one_past_the_limit_writes_nothing_and_says_which_limit(limited):
    report = run_import(csv_text(mailboxes("b@example.org", "c@example.org")))
    assert not report.written
    assert [str(p) for p in report.errors] == [
        "limits: Domain example.org allows 2 mailboxes and has 1."
    ]
    assert Mailbox.objects.count() == 1


def test_a_dry_run_reports_the_limit_too(limited):
    report = run_import(csv_text(mailboxes("b@example.org", "c@example.org")), dry_run=True)
    assert "allows 2 mailboxes" in str(report.errors[0])


def test_over_limit_writes_it_and_says_so(limited):
    report = run_import(csv_text(mailboxes("b@example.org", "c@example.org")), over_limit=True)
    assert report.written
    assert report.notes["over the limit, confirmed"] == [
        "Domain example.org allows 2 mailboxes and has 1."
    ]
    assert report.audit_data()["over_limit"]


def test_quota_and_alias_limits_hold_in_an_import(limited):
    report = run_import(csv_text(mailboxes("b@example.org", quota="2G")))
    assert "at most 1 GB per mailbox, not 2 GB" in str(report.errors[0])
    rows = [{"kind": "alias", "address": "info@example.org", "destination": "john@example.org"}]
    report = run_import(csv_text(rows))
    assert "allows 1 alias and has 1" in str(report.errors[0])


def test_enabling_disabled_mailboxes_by_update_is_held_to_the_limit(limited):
    set_limits("example.org", actor=ACTOR, mailboxes="")
    run_import(csv_text(mailboxes("b@example.org", "c@example.org", enabled="0")))
    set_limits("example.org", actor=ACTOR, mailboxes="2")
    report = run_import(
        csv_text(mailboxes("b@example.org", "c@example.org", enabled="1")), mode="update"
    )
    assert "allows 2 mailboxes and has 1" in str(report.errors[0])
    report = run_import(csv_text(mailboxes("b@example.org", enabled="1")), mode="update")
    assert report.written


def test_domain_rows_set_limits_that_hold_for_the_same_file(db):
    rows = [
        {"kind": "domain", "address": "new.org", "max_mailboxes": "1", "default_quota": "100M"},
        *mailboxes("a@new.org", "b@new.org"),
    ]
    report = run_import(csv_text(rows))
    assert "Domain new.org allows 1 mailbox and has 0." in str(report.errors[0])
    rows = [
        {"kind": "domain", "address": "new.org", "max_mailboxes": "1", "default_quota": "100M"},
        {"kind": "mailbox", "address": "a@new.org", "crypt": CRYPT},
    ]
    assert run_import(csv_text(rows)).written
    assert limits_of("new.org").mailboxes == 1
    assert Mailbox.objects.get(address="a@new.org").quota == f"{100 * 1024**2}S"


def test_a_bad_limit_cell_is_an_error_of_its_line(db):
    rows = [{"kind": "domain", "address": "new.org", "max_quota": "lots"}]
    report = run_import(csv_text(rows))
    assert report.errors[0].where == "line 2"
    assert "max_quota" in report.errors[0].message


def test_export_and_import_carry_the_limits(limited):
    set_limits("example.org", actor=ACTOR, default_quota="250M")
    out = io.StringIO()
    export_csv(out, actor=ACTOR)
    text = out.getvalue()
    assert "max_mailboxes,max_aliases,max_quota,total_quota,default_quota" in text.splitlines()[0]
    assert f",2,1,1G,1536M,{250 * 1024**2}S" in text
    domain_lines = [line for line in text.splitlines() if line.startswith("domain,example.org")]
    from limits.models import DomainLimits

    DomainLimits.objects.all().delete()
    report = run_import(text.splitlines()[0] + "\r\n" + domain_lines[0] + "\r\n", mode="update")
    assert report.written, report.errors
    limits = limits_of("example.org")
    assert (limits.mailboxes, limits.aliases, limits.max_quota) == (2, 1, 1024**3)
    assert limits.total_quota == 1536 * 1024**2 and limits.default_quota == f"{250 * 1024**2}S"


def test_mail_import_takes_over_limit(limited, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(csv_text(mailboxes("b@example.org", "c@example.org")))
    out = mail("import", str(path), "--over-limit")
    assert "over the limit, confirmed" in out
    assert Mailbox.objects.filter(domain_name="example.org").count() == 3
