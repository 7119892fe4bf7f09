"""Is this mail database large? Pages that cannot do their work per request at a million
rows (the findings checks, substring search) switch to their large-database mode above
LARGE_FROM rows, decided with one cheap query whatever the size."""

from aliases.models import Alias
from domains.models import Mailbox
from mailadmin.pagination import estimated_rows

LARGE_FROM = 20_000


def is_large() -> bool:
    """True when `aliases` or `users` holds LARGE_FROM rows or more.

    MySQL/MariaDB: the server's row estimate (information_schema, no scan). Elsewhere
    (SQLite, small by nature): counts of at most LARGE_FROM rows.
    """
    estimate = estimated_rows(Alias._meta.db_table, Mailbox._meta.db_table)
    if estimate is not None:
        return estimate >= LARGE_FROM
    counts = [model.objects.order_by()[:LARGE_FROM].count() for model in (Alias, Mailbox)]
    return max(counts) >= LARGE_FROM
