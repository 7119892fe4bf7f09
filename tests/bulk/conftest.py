"""Bulk fixtures: CSV builders, table snapshots, and the panel's roles for the view tests."""

import csv
import io

import pytest
from passlib.hash import bcrypt, des_crypt, md5_crypt, sha256_crypt, sha512_crypt

from aliases.models import Alias
from bulk.importer import import_csv
from domains.models import Domain, Mailbox
from tests.conftest import ACTOR
from tests.mariadb.conftest import guide_database, scratch_database  # noqa: F401
from tests.panel.conftest import (  # noqa: F401 - fixtures
    admin_a,
    admin_b,
    client_for,
    end_user,
    mail_data,
    superuser,
)

OLD_PASSWORD = "Old-Server-Pass-1"
# Hashes written by other servers: what `crypt` of a moved mailbox looks like.
OLD_HASHES = {
    "des_crypt": des_crypt.hash(OLD_PASSWORD[:8]),  # DES only reads 8 characters
    "md5_crypt": md5_crypt.hash(OLD_PASSWORD),
    "sha256_crypt": sha256_crypt.hash(OLD_PASSWORD),
    "sha512_crypt": sha512_crypt.using(rounds=5000).hash(OLD_PASSWORD),
    "bcrypt": bcrypt.hash(OLD_PASSWORD),
}


def csv_text(rows: list[dict], columns: list[str] | None = None) -> str:
    """A CSV file from dicts; the header is the union of their keys, `kind` first."""
    if columns is None:
        columns = ["kind", "address"]
        for row in rows:
            columns += [c for c in row if c not in columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


def run_import(text: str, **kwargs):
    kwargs.setdefault("actor", ACTOR)
    kwargs.setdefault("source", "test.csv")
    return import_csv(io.StringIO(text), **kwargs)


def tables() -> dict[str, list[tuple]]:
    """The three mail tables as the mail servers see them (without pkid numbers)."""
    return {
        "domains": list(
            Domain.objects.order_by("domain").values_list("domain", "transport", "enabled")
        ),
        "users": list(
            Mailbox.objects.order_by("address").values_list(
                "address",
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
            )
        ),
        "aliases": list(
            Alias.objects.order_by("mail").values_list("mail", "destination", "enabled")
        ),
    }


@pytest.fixture
def domain_rows() -> list[dict]:
    return [
        {"kind": "domain", "address": "example.org"},
        {"kind": "domain", "address": "other.org"},
    ]
