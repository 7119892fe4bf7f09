"""Pagination and counts that stay fast at a million rows.

`COUNT(*)` over a million InnoDB rows costs a few hundred milliseconds, so lists count at
most `BOUND` matching rows ("more than 10,000: refine the search") and the dashboard shows
the server's row estimate for large tables.
"""

from functools import cached_property

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.sql.constants import LOUTER

BOUND = 10_000
EXACT_BELOW = 100_000


class BoundedPaginator(Paginator):
    """A Paginator that counts at most `bound` rows: pages beyond them are not offered."""

    def __init__(self, object_list, per_page, *, bound: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.bound = BOUND if bound is None else bound

    @cached_property
    def _found(self) -> int:
        """Matching rows, counted up to one past the bound."""
        if isinstance(self.object_list, QuerySet):
            if self._a_whole_large_table():
                return self.bound + 1
            # Only the keys: annotations of the listed rows need not run for 10,000 rows.
            return self.object_list.order_by().values("pk")[: self.bound + 1].count()
        return len(self.object_list)

    def _a_whole_large_table(self) -> bool:
        """An unfiltered list of a table the server estimates at EXACT_BELOW rows or more
        holds more than the bound, without counting its first 10,001 keys (3 ms at a
        million aliases, on every view of the list).

        The estimate is InnoDB's (within about half either way, refreshed after a tenth of
        the rows change), and EXACT_BELOW is ten times the bound."""
        query = self.object_list.query
        if query.where or query.is_sliced or query.distinct or query.combinator:
            return False
        if any(join.join_type not in (None, LOUTER) for join in query.alias_map.values()):
            return False  # an inner join may drop rows
        if self.bound * 10 > EXACT_BELOW:
            return False
        estimate = estimated_rows(self.object_list.model._meta.db_table)
        return estimate is not None and estimate >= EXACT_BELOW

    @cached_property
    def count(self) -> int:
        return min(self._found, self.bound)

    @property
    def truncated(self) -> bool:
        """True when more rows match than are offered."""
        return self._found > self.bound


def estimated_rows(*tables: str) -> int | None:
    """The server's estimate of a table's row count (MySQL/MariaDB: information_schema, no
    scan), the largest of several tables' in one query; None elsewhere."""
    if connection.vendor != "mysql":
        return None
    placeholders = ", ".join(["%s"] * len(tables))  # the names go in as parameters
    query = "SELECT MAX(table_rows) FROM information_schema.tables"
    query += f" WHERE table_schema = DATABASE() AND table_name IN ({placeholders})"
    with connection.cursor() as cursor:
        cursor.execute(query, list(tables))
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else None


def table_count(queryset: QuerySet) -> tuple[int, int, bool]:
    """(total, disabled, estimated) of a whole table with an `enabled` column.

    Two queries at any size: the server's estimate, then an exact aggregate when the table
    is small; when it is large, the disabled rows counted on the `enabled` index up to one
    past BOUND (a disabled count above BOUND means "more than BOUND": at ten million aliases
    an exact count reads 400,000 index entries, 57 ms).
    """
    estimate = estimated_rows(queryset.model._meta.db_table)
    if estimate is not None and estimate >= EXACT_BELOW:
        disabled = queryset.filter(enabled=False).order_by().values("pk")[: BOUND + 1].count()
        return estimate, disabled, True
    result = queryset.aggregate(total=Count("pk"), disabled=Count("pk", filter=Q(enabled=False)))
    return result["total"], result["disabled"], False
