"""`mail import --from-mysql`: copy a flurdy database from another server, reading only."""

import io
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aliases.models import Alias
from audit.models import AuditEntry
from bulk import flurdy
from domains.models import GUIDE_DEFAULT_CRYPT, Domain, Mailbox
from mailadmin import passwords
from tests.mariadb.conftest import connect

pytestmark = [pytest.mark.mariadb, pytest.mark.django_db]

SOURCE_TABLES = {
    "domains": "SELECT * FROM domains ORDER BY pkid",
    "aliases": "SELECT * FROM aliases ORDER BY pkid",
    "users": "SELECT * FROM users ORDER BY id",
}
# What a real guide database collects over the years: a mixed-case address with a trailing
# space, left on the default hash with a quota Courier ignores and no self-alias; a domain
# typed twice; a forward with spaces and capitals.
UNTIDY = """
INSERT INTO users (id,name,maildir,quota) VALUES ('Karl.Big@Blobber.org ','karl','karlbig/','10M');
INSERT INTO domains (domain) VALUES ('WHOPPER.nu ');
INSERT INTO aliases (mail,destination)
  VALUES ('Sales@Blobber.org','Xandros@blobber.org, vivita@blobber.org')
"""


def source_rows(database) -> dict:
    return {table: database.rows(query) for table, query in SOURCE_TABLES.items()}


def mail_import(*args: str) -> str:
    out = io.StringIO()
    call_command("mail", "import", *args, stdout=out)
    return out.getvalue()


def test_it_copies_the_guide_s_database(guide_database):
    before = source_rows(guide_database)

    output = mail_import("--from-mysql", guide_database.url)

    assert source_rows(guide_database) == before
    assert set(Domain.objects.values_list("domain", flat=True)) == {
        "localhost",
        "localhost.localdomain",
        "blobber.org",
        "mail.blobber.org",
        "whopper.nu",
        "lala.com",
    }
    assert list(
        Mailbox.objects.order_by("address").values_list("address", "maildir", "crypt", "clear")
    ) == [
        ("root@localhost", "root/", "aBACh4.6nEXfA", ""),
        ("vivita@blobber.org", "vivita/", "xygHYVBYT87zI", ""),
        ("xandros@blobber.org", "xandros/", "aBACh4.6nEXfA", ""),
    ]
    source_aliases = guide_database.rows("SELECT mail, destination, enabled FROM aliases")
    assert sorted(Alias.objects.values_list("mail", "destination", "enabled")) == sorted(
        (m, d, bool(e)) for m, d, e in source_aliases
    )
    assert output.splitlines()[-1] == (
        f"{guide_database.url.replace(':@', '@')}: created 6 domains, 3 mailboxes, 17 aliases."
    )
    assert "note: clear-text passwords in users.clear not copied (crypt copied as is): 3" in output
    entry = AuditEntry.objects.get(action="import")
    assert entry.after["created"] == {"domain": 6, "mailbox": 3, "alias": 17}
    assert ":@" not in entry.object_id  # no password in the audit log


def test_it_reports_what_it_normalised(guide_database):
    guide_database.execute_script(UNTIDY)
    before = source_rows(guide_database)

    output = mail_import("--from-mysql", guide_database.url)

    assert source_rows(guide_database) == before
    karl = Mailbox.objects.get(address="karl.big@blobber.org")
    assert (karl.crypt, karl.quota, karl.maildir, karl.clear) == (
        GUIDE_DEFAULT_CRYPT,
        "",
        "karlbig/",
        "",
    )
    assert passwords.verify_password("ChangeMe", karl.crypt).correct  # copied, and flagged:
    assert Alias.objects.get(mail="karl.big@blobber.org").destination == "karl.big@blobber.org"
    assert Alias.objects.get(mail="sales@blobber.org").destination == (
        "xandros@blobber.org,vivita@blobber.org"
    )
    assert Domain.objects.filter(domain="whopper.nu").count() == 1
    for line in [
        f"note: {flurdy.SPACES}: 3",
        "  users 'Karl.Big@Blobber.org ' → karl.big@blobber.org",
        "  domain 'WHOPPER.nu ' → whopper.nu",
        f"note: {flurdy.CASE}: 4",
        "  aliases 'Sales@Blobber.org' → sales@blobber.org",
        f"note: {flurdy.DEFAULT_HASH}: 1",
        "  karl.big@blobber.org",
        f"note: {flurdy.QUOTA}: 1",
        "  karl.big@blobber.org: '10M'",
        f"note: {flurdy.SELF_ALIAS}: 1",
        f"note: {flurdy.DUPLICATE}: 1",
        f"note: {flurdy.CLEAR}: 4",
        "  karl.big@blobber.org (the guide's default)",
    ]:
        assert line in output.splitlines(), line
    assert AuditEntry.objects.get(action="import").after["notes"][flurdy.DEFAULT_HASH] == 1


def test_select_is_the_only_privilege_it_needs(guide_database):
    user = f"bulkro_{uuid.uuid4().hex[:8]}"
    admin = connect()
    cursor = admin.cursor()
    cursor.execute(f"CREATE USER '{user}'@'%' IDENTIFIED BY 'Ro-Pass-1234'")
    try:
        cursor.execute(f"GRANT SELECT ON `{guide_database.name}`.* TO '{user}'@'%'")
        url = guide_database.url.replace("root:@", f"{user}:Ro-Pass-1234@")
        mail_import("--from-mysql", url)
        assert Mailbox.objects.count() == 3
    finally:
        cursor.execute(f"DROP USER IF EXISTS '{user}'@'%'")
        admin.close()


def test_a_second_copy_reports_every_row_as_existing_unless_told(guide_database):
    mail_import("--from-mysql", guide_database.url)
    with pytest.raises(CommandError) as failure:
        mail_import("--from-mysql", guide_database.url)
    assert failure.value.returncode == 1
    assert "26 bad rows" in str(failure.value)
    output = mail_import("--from-mysql", guide_database.url, "--skip-existing")
    assert "skipped 6 domains, 3 mailboxes, 17 aliases" in output


def test_an_unreachable_source_is_bad_input(db):
    with pytest.raises(CommandError) as failure:
        mail_import("--from-mysql", "mysql://nobody:x@127.0.0.1:3306/no_such_db_here")
    assert failure.value.returncode == 1
    assert str(failure.value).startswith("cannot connect to mysql://nobody@127.0.0.1:3306/")
