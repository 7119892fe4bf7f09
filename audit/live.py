"""The findings page of a small database: the checks run live, and their report is kept in
Django's cache until the content of the mail tables changes.

Below audit.scale.LARGE_FROM rows the page shows current findings on every view. Running
every check costs about 15 ms at a thousand rows; fingerprinting the tables' content (the
usage table too) costs a few. So a view runs the checks only when the content
differs from the last run, however it changed: through the panel, the `mail` command, or SQL typed
straight into the database (no audit entry, no signal: only the rows themselves tell).

Nothing is written to the database: the cache is Django's (CACHES; per process by default).
"""

import hashlib
from collections.abc import Iterable

from django.core.cache import cache
from django.db import connection

from aliases.models import Alias
from audit.findings.report import FindingsRun, run_checks
from domains.models import Domain, Mailbox
from routing.extensions import recipient_delimiter
from routing.styles import alias_style
from usage.models import MailboxUsage

CACHE_SECONDS = 60 * 60  # frees the memory of scopes nobody looks at
# The usage table too: its findings (nearly full, over quota) follow each collection.
TABLES = (Domain, Mailbox, Alias, MailboxUsage)


def tables_fingerprint() -> str:
    """A digest of every row of `domains`, `users`, `aliases` and the usage table; one
    statement on MariaDB/MySQL, one query per table elsewhere."""
    if connection.vendor == "mysql":
        return _server_checksum()
    digest = hashlib.blake2b(digest_size=16)
    for model in TABLES:
        # Generated columns (`domain_name`) only repeat what the others hold.
        columns = [f.attname for f in model._meta.concrete_fields if not f.generated]
        sql, params = model.objects.order_by("pk").values_list(*columns).query.sql_with_params()
        digest.update(f"\n{model._meta.db_table}\n".encode())
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            # The rows as the driver returns them: converting every value to its Python
            # type would cost more than the query itself.
            digest.update(repr(cursor.fetchall()).encode())
    return digest.hexdigest()


def _server_checksum() -> str:
    """`CHECKSUM TABLE`: the server sums a CRC of every row (its own uncommitted rows
    included, nothing locked or committed), so no row crosses the connection: 1.3 ms
    instead of 10.6 at a thousand aliases (docs/PERFORMANCE.md). Each sum has 32 bits: a
    change leaves it equal about once in four billion."""
    names = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in TABLES)
    with connection.cursor() as cursor:
        cursor.execute(f"CHECKSUM TABLE {names}")
        return hashlib.blake2b(repr(cursor.fetchall()).encode(), digest_size=16).hexdigest()


def current_report(domains: Iterable[str] | None = None) -> FindingsRun:
    """`run_checks(domains)` as of now: from the cache when the tables have not changed."""
    style = alias_style()
    scope = "*" if domains is None else "\n".join(sorted(domains))
    # One entry per scope, style and recipient delimiter, replaced when the tables change:
    # memory stays bounded however often they change.
    assumed = f"{style}\n{recipient_delimiter()}\n{scope}"
    key = "findings:" + hashlib.blake2b(assumed.encode(), digest_size=16).hexdigest()
    fingerprint = tables_fingerprint()
    cached = cache.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    report = run_checks(None if domains is None else sorted(domains), style=style)
    # A change while the checks ran may be half seen: keep only a run of one state.
    if tables_fingerprint() == fingerprint:
        cache.set(key, (fingerprint, report), CACHE_SECONDS)
    return report
