"""`mail import --from-mysql URL`: copy a flurdy database from another server.

The source is only read: one `START TRANSACTION READ ONLY` snapshot of its `domains`,
`users` and `aliases` tables (SELECT is the only privilege it needs). Rows go through the
same checks and writing as a CSV import, and the report says what was normalised on the
way:

- addresses and domains lower-cased, surrounding spaces trimmed;
- `users.clear` not copied (the panel keeps it empty; `crypt` is copied as is);
- mailboxes still on the guide's default hash (`sdtrusfX0Jj66`, the password `ChangeMe`)
  are copied but listed, so the postmaster sets real passwords;
- quotas Courier ignores (`10M`, a bare number) become unlimited, which is what Courier
  did with them;
- a mailbox without its self-alias gets one; a domain listed twice is copied once.

`maildir`, `home`, `uid` and `gid` are copied unchanged: the mail on disk stays where it is.
"""

from dataclasses import dataclass, field

import dj_database_url
import MySQLdb
import MySQLdb.cursors
from django.core.exceptions import ValidationError

from aliases.services import normalize_source
from bulk.csvformat import Row
from domains.models import GUIDE_DEFAULT_CLEAR, GUIDE_DEFAULT_CRYPT
from mailadmin import quota
from mailadmin.addresses import normalize_address, normalize_domain

CASE = "lower-cased"
SPACES = "surrounding spaces trimmed"
DEFAULT_HASH = "mailboxes still on the guide's default hash (password ChangeMe): set a password"
CLEAR = "clear-text passwords in users.clear not copied (crypt copied as is)"
QUOTA = "quotas Courier ignores, copied as unlimited"
SELF_ALIAS = "self-aliases added (mailbox without its own alias row)"
DUPLICATE = "domains listed more than once, copied once"


class SourceError(Exception):
    """The source database cannot be read."""


@dataclass
class FlurdySource:
    label: str
    rows: list[Row] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)


def _connect(url: str, password: str | None = None):
    try:
        config = dj_database_url.parse(url)
    except ValueError as exc:
        raise SourceError(f"--from-mysql needs mysql://user:password@host:port/db: {exc}") from None
    if "mysql" not in config["ENGINE"] or not config.get("NAME"):
        raise SourceError("--from-mysql needs mysql://user:password@host:port/db")
    host, port = config.get("HOST") or "127.0.0.1", int(config.get("PORT") or 3306)
    label = f"mysql://{config.get('USER') or ''}@{host}:{port}/{config['NAME']}"
    try:
        conn = MySQLdb.connect(
            host=host,
            port=port,
            user=config.get("USER") or "",
            password=(config.get("PASSWORD") or "") if password is None else password,
            database=config["NAME"],
            charset="utf8mb4",
            cursorclass=MySQLdb.cursors.DictCursor,
            connect_timeout=10,
        )
    except MySQLdb.Error as exc:
        raise SourceError(f"cannot connect to {label}: {exc}") from None
    return conn, label


def _fetch(url: str, password: str | None) -> tuple[str, dict[str, list[dict]]]:
    conn, label = _connect(url, password)
    try:
        cursor = conn.cursor()
        cursor.execute("SET SESSION TRANSACTION READ ONLY")
        cursor.execute("START TRANSACTION READ ONLY")
        tables = {}
        for table, order in (("domains", "pkid"), ("users", "id"), ("aliases", "pkid")):
            cursor.execute(f"SELECT * FROM `{table}` ORDER BY `{order}`")  # noqa: S608
            tables[table] = list(cursor.fetchall())
        conn.rollback()
    except MySQLdb.Error as exc:
        raise SourceError(f"cannot read the flurdy tables of {label}: {exc}") from None
    finally:
        conn.close()
    return label, tables


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _flag(value) -> str:
    return "1" if value not in (None, "", 0, "0") else "0"


def _normalised(raw: str, normalize) -> str | None:
    try:
        return normalize(raw)
    except ValidationError:
        return None  # the import reports it as a bad row


def _key_notes(source: FlurdySource, table: str, raw: str, normalize) -> str | None:
    key = _normalised(raw, normalize)
    if key is None:
        return None
    if raw != raw.strip():
        source.notes.append((SPACES, f"{table} {raw!r} → {key}"))
    if raw.strip() != raw.strip().lower():
        source.notes.append((CASE, f"{table} {raw.strip()!r} → {key}"))
    return key


def read_source(url: str, *, password: str | None = None) -> FlurdySource:
    """The source's rows; `password`, when given, instead of the one in the URL."""
    label, tables = _fetch(url, password)
    source = FlurdySource(label)
    number = 0

    def add(kind: str, where: str, values: dict) -> None:
        nonlocal number
        number += 1
        source.rows.append(Row(number, where, kind, {"kind": kind, **values}))

    seen_domains: set[str] = set()
    for row in tables["domains"]:
        raw = _text(row.get("domain"))
        key = _key_notes(source, "domain", raw, normalize_domain)
        if key in seen_domains:
            source.notes.append((DUPLICATE, key))
            continue
        if key:
            seen_domains.add(key)
        values = {"address": raw, "enabled": _flag(row.get("enabled", 1))}
        if row.get("transport") is not None:
            values["transport"] = _text(row["transport"])
        add("domain", f"domains row {raw!r}", values)

    mailboxes: set[str] = set()
    for row in tables["users"]:
        raw = _text(row.get("id"))
        key = _key_notes(source, "users", raw, normalize_address)
        if key:
            mailboxes.add(key)
        crypt = _text(row.get("crypt"))
        if crypt == GUIDE_DEFAULT_CRYPT:
            source.notes.append((DEFAULT_HASH, key or raw))
        clear = _text(row.get("clear"))
        if clear:
            default = " (the guide's default)" if clear == GUIDE_DEFAULT_CLEAR else ""
            source.notes.append((CLEAR, f"{key or raw}{default}"))
        stored_quota = _text(row.get("quota")).strip()
        if stored_quota and not quota.is_courier_quota(stored_quota):
            source.notes.append((QUOTA, f"{key or raw}: {stored_quota!r}"))
            stored_quota = ""
        values = {
            "address": raw,
            "name": _text(row.get("name")),
            "crypt": crypt,
            "quota": stored_quota or "unlimited",
            "enabled": _flag(row.get("enabled", 1)),
            "change_password": _flag(row.get("change_password", 1)),
        }
        for column in ("maildir", "home", "uid", "gid", "procmailrc", "spamassassinrc"):
            if row.get(column) is not None:
                values[column] = _text(row[column])
        add("mailbox", f"users row {raw!r}", values)

    alias_sources: set[str] = set()
    for row in tables["aliases"]:
        raw = _text(row.get("mail"))
        key = _key_notes(source, "aliases", raw, normalize_source)
        if key:
            alias_sources.add(key)
        destination = _text(row.get("destination"))
        if destination != destination.lower():
            source.notes.append((CASE, f"destination of {key or raw}: {destination!r}"))
        if any(part != part.strip() for part in destination.split(",")):
            source.notes.append((SPACES, f"destination of {key or raw}: {destination!r}"))
        values = {
            "address": raw,
            "destination": destination,
            "enabled": _flag(row.get("enabled", 1)),
        }
        add("alias", f"aliases row {raw!r}", values)

    for address in sorted(mailboxes - alias_sources):
        source.notes.append((SELF_ALIAS, address))
    return source
