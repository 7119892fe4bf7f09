"""The bulk CSV format, shared by `mail import`, `mail export` and the browser pages.

UTF-8 (a byte-order mark is accepted), comma-separated, one header row, then one row per
domain, mailbox or alias, in any order. Column names are case-insensitive; only `kind`
and `address` are required, a missing column takes its default, an unknown one is an
error (so that a typo such as `pasword` cannot be silently ignored).

| column | domain row | mailbox row | alias row |
|---|---|---|---|
| `kind` | `domain` | `mailbox` | `alias` |
| `address` | the domain name | the address | the source: an address, or `@domain` |
| `destination` | | | `DEST[,DEST...]`, or `@target.tld` for a domain alias |
| `enabled` | `1`/`0` (also yes/no, true/false; default 1) | same | same |
| `transport` | default `virtual:` | | |
| `name` | | the owner's name | |
| `password` | | a password in clear, hashed on import | |
| `crypt` | | a hash, stored as is | |
| `quota` | | `500M`, `2G`, `1000C`, Courier's `524288000S`; empty = unlimited | |
| `change_password` | | 1: the owner may change it; 0: locked (default 1) | |
| `maildir`, `home`, `uid`, `gid` | | default `domain/local/` and the settings | |
| `procmailrc`, `spamassassinrc` | | the guide's columns, default empty | |
| `max_mailboxes`, `max_aliases` | the domain's limits (`limits`); empty = unlimited | | |
| `max_quota`, `total_quota` | size limits, e.g. `2G`, `100G`; empty = unlimited | | |
| `default_quota` | the quota of a new mailbox given none | | |

A mailbox row gives exactly one of `password` (checked by the password validators, then
hashed with SHA512-CRYPT) and `crypt`: any hash the panel verifies (SHA512/SHA256-crypt,
bcrypt, MD5-crypt, DES), kept as is so that users keep their passwords when moving servers.
Each new mailbox gets its self-alias (`mail = destination = address`); an alias row whose
source is a mailbox of the file replaces that row's destinations (e.g. a forward that
keeps a local copy) and its `enabled` state.

Formula injection: a spreadsheet runs a cell starting with `=`, `+`, `-`, `@`, a tab or a
carriage return as a formula. The export puts an apostrophe in front of such cells (and of
cells that start with an apostrophe), e.g. `'@example.org` for a catch-all
(`mailadmin.csvsafe.safe_cell`); the import removes one leading apostrophe from every cell
except `password` (`restore_cell`), so an export imports back unchanged. A hand-written
cell that must start with an apostrophe needs two.
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TextIO

from django.utils.translation import gettext as _

from mailadmin.csvsafe import restore_cell, safe_cell

ROW_KINDS = ("domain", "mailbox", "alias")
COLUMNS = [
    "kind",
    "address",
    "destination",
    "enabled",
    "transport",
    "name",
    "password",
    "crypt",
    "quota",
    "change_password",
    "maildir",
    "home",
    "uid",
    "gid",
    "procmailrc",
    "spamassassinrc",
    "max_mailboxes",
    "max_aliases",
    "max_quota",
    "total_quota",
    "default_quota",
]
REQUIRED = ("kind", "address")
VERBATIM = ("password",)  # taken exactly as written: never exported, never unescaped


class FormatError(ValueError):
    """The file as a whole cannot be read (no header, unknown columns, not UTF-8)."""


@dataclass
class Row:
    """One input row: `where` names it in reports (`line 12`), `number` orders them."""

    number: int
    where: str
    kind: str
    values: dict[str, str] = field(default_factory=dict)

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    def has(self, column: str) -> bool:
        return column in self.values


def read_rows(stream: TextIO) -> Iterator[Row]:
    """Rows of a CSV stream; raises FormatError for a bad header.

    A row with more cells than the header comes back with kind `!` and the reason in
    `values["!"]`, so that the importer reports it with the other bad rows.
    """
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        raise FormatError(_("The file is empty: it needs a header row.")) from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise FormatError(_("Line 1: %(error)s") % {"error": exc}) from None
    columns = [c.strip().lower() for c in header]
    if columns and columns[0].startswith("\ufeff"):
        columns[0] = columns[0][1:]
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        words = {"unknown": ", ".join(repr(c) for c in unknown), "columns": ", ".join(COLUMNS)}
        raise FormatError(
            _("Line 1: unknown column(s) %(unknown)s; the columns are %(columns)s.") % words
        )
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise FormatError(
            _("Line 1: the header needs the column(s) %(missing)s.")
            % {"missing": ", ".join(missing)}
        )
    if len(set(columns)) != len(columns):
        raise FormatError(_("Line 1: a column is named twice."))
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            raise FormatError(
                _("Line %(number)s: %(error)s") % {"number": start, "error": exc}
            ) from None
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        # Translators: where a bad row of an imported file is, e.g. "line 12".
        where = _("line %(number)s") % {"number": start}
        if len(cells) > len(columns):
            yield Row(
                start,
                where,
                "!",
                {
                    "!": _("%(cells)s cells, but the header has %(columns)s columns.")
                    % {"cells": len(cells), "columns": len(columns)}
                },
            )
            continue
        values = {
            column: cell if column in VERBATIM else restore_cell(cell)
            for column, cell in zip(columns, cells, strict=False)
        }
        yield Row(start, where, values.get("kind", "").strip().lower(), values)


def _cells(row: dict[str, str]) -> list[str]:
    return [safe_cell(row.get(column, "")) for column in COLUMNS]


def write_rows(stream: TextIO, rows: Iterable[dict[str, str]]) -> int:
    """Write the header and the rows (dicts by column), neutralised; the number of rows."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(_cells(row))
        count += 1
    return count
