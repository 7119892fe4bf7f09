"""`migrate` takes over a database set up by the guide without losing or changing a row."""

import pytest

pytestmark = [pytest.mark.mariadb]

GUIDE_ROWS = {
    "domains": "SELECT pkid, domain, transport, enabled FROM domains ORDER BY pkid",
    "aliases": "SELECT pkid, mail, destination, enabled FROM aliases ORDER BY pkid",
    "users": "SELECT id, name, uid, gid, home, maildir, enabled, change_password, clear, crypt,"
    " quota, procmailrc, spamassassinrc FROM users ORDER BY id",
}


def snapshot(database) -> dict:
    return {table: database.rows(query) for table, query in GUIDE_ROWS.items()}


def test_migrate_keeps_every_row_of_the_guide_s_database(guide_database):
    before = snapshot(guide_database)
    assert len(before["aliases"]) == 17 and len(before["users"]) == 3

    result = guide_database.manage("migrate", "--no-input")
    assert result.returncode == 0, result.stderr

    assert snapshot(guide_database) == before
    assert guide_database.rows(
        "SELECT domain_name, COUNT(*) FROM aliases GROUP BY domain_name ORDER BY domain_name"
    ) == [
        ("blobber.org", 5),
        ("lala.com", 1),
        ("localhost", 6),
        ("localhost.localdomain", 1),
        ("mail.blobber.org", 1),
        ("whopper.nu", 3),
    ]


def test_the_adopted_database_is_then_managed_by_the_panel(guide_database):
    assert guide_database.manage("migrate", "--no-input").returncode == 0
    assert guide_database.manage("migrate", "--no-input").returncode == 0  # idempotent

    added = guide_database.manage("mail", "alias", "add", "sales@blobber.org", "vivita@blobber.org")
    assert added.returncode == 0, added.stderr
    listed = guide_database.manage("mail", "mailbox", "list", "--domain", "blobber.org", "--json")
    assert '"xandros@blobber.org"' in listed.stdout
    assert guide_database.rows("SELECT MAX(pkid) FROM aliases") == [(18,)]


def test_a_fresh_and_an_adopted_database_end_with_the_same_schema(
    guide_database, scratch_database_2
):
    assert guide_database.manage("migrate", "--no-input").returncode == 0
    assert scratch_database_2.manage("migrate", "--no-input").returncode == 0
    query = (
        "SELECT table_name, column_name, column_type, is_nullable, column_default, extra"
        " FROM information_schema.columns WHERE table_schema = DATABASE()"
        " AND table_name IN ('domains', 'aliases', 'users') ORDER BY table_name, column_name"
    )
    assert guide_database.rows(query) == scratch_database_2.rows(query)


def test_duplicate_domains_stop_the_takeover_and_change_nothing(guide_database):
    guide_database.execute_script("INSERT INTO domains (domain) VALUES ('Blobber.org')")
    before = snapshot(guide_database)

    result = guide_database.manage("migrate", "--no-input")

    assert result.returncode != 0
    assert "domains listed more than once: blobber.org (2 rows)" in result.stderr
    assert snapshot(guide_database) == before
