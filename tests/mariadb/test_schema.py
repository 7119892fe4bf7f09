"""The panel's tables are the guide's tables: every column the mail servers read matches."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.mariadb, pytest.mark.django_db]

GUIDE_COLUMNS = {
    "domains": ["pkid", "domain", "transport", "enabled"],
    "aliases": ["pkid", "mail", "destination", "enabled"],
    "users": [
        "id",
        "name",
        "uid",
        "gid",
        "home",
        "maildir",
        "enabled",
        "change_password",
        "clear",
        "crypt",
        "quota",
        "procmailrc",
        "spamassassinrc",
    ],
}
# Compatible extensions (docs/ARCHITECTURE.md, "The guide's tables"): keys wide enough for
# millions of rows.
WIDENED = {("aliases", "pkid"), ("domains", "pkid")}

QUERY = """
    SELECT table_name, column_name, column_type, is_nullable, column_default, extra
    FROM information_schema.columns
    WHERE table_schema = %s AND table_name IN ('domains', 'aliases', 'users')
"""


def columns(schema: str, cursor) -> dict:
    cursor.execute(QUERY, [schema])
    return {(row[0], row[1]): row[2:] for row in cursor.fetchall()}


def test_every_guide_column_has_the_guide_s_type_null_and_default(scratch_database):
    scratch_database.execute_script(
        "\n".join(line for line in scratch_database_sql() if line.startswith("CREATE TABLE"))
    )
    with connection.cursor() as cursor:
        guide = columns(scratch_database.name, cursor)
        ours = columns(connection.settings_dict["NAME"], cursor)
    assert {key for key in guide} == {(t, c) for t, cols in GUIDE_COLUMNS.items() for c in cols}
    for key, (column_type, nullable, default, _extra) in guide.items():
        our_type, our_nullable, our_default, our_extra = ours[key]
        if key in WIDENED:
            assert our_type == "bigint(20)" and "auto_increment" in our_extra, key
            continue
        assert (our_type, our_nullable, our_default) == (column_type, nullable, default), key


def test_the_extensions_are_in_place():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, index_name, non_unique,"
            " GROUP_CONCAT(column_name ORDER BY seq_in_index)"
            " FROM information_schema.statistics WHERE table_schema = DATABASE()"
            " AND table_name IN ('domains', 'aliases', 'users')"
            " GROUP BY table_name, index_name, non_unique"
        )
        indexes = {(t, cols, unique == 0) for t, _, unique, cols in cursor.fetchall()}
    assert ("domains", "domain", True) in indexes
    assert ("aliases", "mail", True) in indexes
    assert ("aliases", "domain_name,mail", False) in indexes
    assert ("users", "domain_name,id", False) in indexes


def test_per_domain_lists_are_an_index_range_not_a_scan():
    with connection.cursor() as cursor:
        for table, key in (("aliases", "mail"), ("users", "id")):
            cursor.execute(
                f"EXPLAIN SELECT * FROM {table} WHERE domain_name = 'example.org' ORDER BY {key}"
            )
            plan = dict(zip([c[0] for c in cursor.description], cursor.fetchone(), strict=True))
            assert plan["key"] == f"{table}_domain_name_idx", plan
            assert plan["type"] == "ref", plan


def scratch_database_sql() -> list[str]:
    from tests.mariadb.conftest import GUIDE_SQL

    return GUIDE_SQL.splitlines()
