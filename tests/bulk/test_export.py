"""`bulk.exporter`: the import's format, hashes as stored, cells safe in a spreadsheet."""

import csv
import io

import pytest

from aliases import services as alias_services
from aliases.models import Alias
from audit.models import AuditEntry
from bulk.exporter import export_csv
from domains import services
from domains.models import Domain, Mailbox
from mailadmin.csvsafe import DANGEROUS_FIRST, restore_cell, safe_cell
from tests.bulk.conftest import OLD_HASHES, run_import, tables
from tests.conftest import ACTOR

pytestmark = pytest.mark.django_db


def export_text() -> str:
    out = io.StringIO()
    export_csv(out, actor=ACTOR)
    return out.getvalue()


@pytest.fixture
def varied_data(guide_data):
    """The guide's data plus every state a row can be in."""
    services.create_domain("off.example", actor=ACTOR, enabled=False)
    services.create_domain("relay.example", actor=ACTOR, transport="smtp:[relay.example]:587")
    services.create_mailbox(
        "quota@blobber.org",
        "Pw-Lantern-Quiet-1",
        actor=ACTOR,
        name='Quota, "Q" Person',
        quota_text="500M,1000C",
        enabled=False,
        change_password=False,
    )
    services.create_mailbox("copy@blobber.org", "Pw-Lantern-Quiet-2", actor=ACTOR, name="Çopy")
    alias_services.replace_alias(
        "copy@blobber.org", "copy@blobber.org,copy@elsewhere.example", actor=ACTOR
    )
    alias_services.create_alias(
        "off@blobber.org", "xandros@blobber.org", actor=ACTOR, enabled=False
    )
    # An adopted row: a moved hash, the guide's maildir layout, other ids and columns.
    Mailbox.objects.filter(address="vivita@blobber.org").update(
        crypt=OLD_HASHES["des_crypt"],
        maildir="vivita/",
        uid=1001,
        gid=1002,
        home="/srv/mail",
        procmailrc="/etc/procmailrc",
        spamassassinrc="spam.cf",
    )
    # A self-alias whose enabled state differs from its mailbox's.
    Alias.objects.filter(mail="root@localhost").update(enabled=False)
    # Cells a spreadsheet would run as formulas.
    Mailbox.objects.filter(address="xandros@blobber.org").update(name='=HYPERLINK("x")')
    Mailbox.objects.filter(address="root@localhost").update(name="@SUM(A1)")
    Mailbox.objects.filter(address="copy@blobber.org").update(name="'quoted")


def test_export_then_import_into_an_empty_database_gives_identical_tables(varied_data):
    before = tables()
    text = export_text()

    Alias.objects.all().delete()
    Mailbox.objects.all().delete()
    Domain.objects.all().delete()
    report = run_import(text)

    assert report.ok, report.errors
    assert tables() == before


def test_hashes_are_exported_as_stored_and_never_a_clear_password(varied_data):
    Mailbox.objects.filter(address="vivita@blobber.org").update(clear="ChangeMe")
    rows = list(csv.DictReader(io.StringIO(export_text())))
    vivita = next(r for r in rows if r["address"] == "vivita@blobber.org")
    assert vivita["crypt"] == OLD_HASHES["des_crypt"]
    assert all(r["password"] == "" for r in rows)
    assert "ChangeMe" not in export_text()


def test_self_aliases_are_implied_by_their_mailbox_row(varied_data):
    rows = list(csv.DictReader(io.StringIO(export_text())))
    aliases = {r["address"]: r for r in rows if r["kind"] == "alias"}
    assert "xandros@blobber.org" not in aliases
    assert aliases["copy@blobber.org"]["destination"] == "copy@blobber.org,copy@elsewhere.example"
    assert aliases["root@localhost"]["enabled"] == "0"


def test_formula_cells_are_neutralised(varied_data):
    cells = [cell for row in csv.reader(io.StringIO(export_text())) for cell in row]
    assert cells, "the export has rows"
    dangerous = [c for c in cells if c.startswith(DANGEROUS_FIRST)]
    assert dangerous == []
    assert '\'=HYPERLINK("x")' in cells
    assert "'@SUM(A1)" in cells
    assert "'@lala.com" in cells  # a domain alias source
    assert "''quoted" in cells  # an apostrophe of its own is doubled, so it comes back


@pytest.mark.parametrize(
    "value", ["=1+1", "+1", "-1", "@x", "\tx", "\rx", "'", "'=x", "plain", "", "a=b"]
)
def test_the_formula_guard_is_undone_on_import(value):
    assert restore_cell(safe_cell(value)) == value
    assert not safe_cell(value).startswith(DANGEROUS_FIRST)


def test_an_export_is_audited():
    export_text()
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type, entry.message) == (
        "export",
        "bulk",
        "exported 0 row(s)",
    )
