"""Is this mail database large? Pages that cannot do their work per request at a million
rows (the findings checks, substring search) switch to their large-database mode above
LARGE_FROM rows, decided with one cheap query whatever the size."""

from django.db import connection

from aliases.models import Alias
from domains.models import Mailbox

LARGE_FROM = 20_000


def is_large() -> bool:
    """True when `aliases` or `users` holds LARGE_FROM rows or more.

    MySQL/MariaDB: the server's row estimate (information_schema, no scan). Elsewhere
    (SQLite, small by nature): counts of at most LARGE_FROM rows.
    """
    if connection.vendor == "mysql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT MAX(table_rows) FROM information_schema.tables"
                " WHERE table_schema = DATABASE() AND table_name IN (%s, %s)",
                [Alias._meta.db_table, Mailbox._meta.db_table],
            )
            row = cursor.fetchone()
        return bool(row and row[0] is not None and int(row[0]) >= LARGE_FROM)
    counts = [model.objects.order_by()[:LARGE_FROM].count() for model in (Alias, Mailbox)]
    return max(counts) >= LARGE_FROM
