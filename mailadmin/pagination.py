"""Pagination and counts that stay fast at a million rows.

`COUNT(*)` over a million InnoDB rows costs a few hundred milliseconds, so lists count at
most `BOUND` matching rows ("more than 10,000: refine the search") and the dashboard shows
the server's row estimate for large tables.
"""

from functools import cached_property

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, QuerySet
from django.db.models.sql.constants import LOUTER

from mailadmin.prepared import Prepared

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
        if not isinstance(self.object_list, QuerySet):
            return len(self.object_list)
        # Only the keys: annotations of the listed rows need not run for 10,000 rows.
        keys = self.object_list.order_by().values("pk")[: self.bound + 1]
        if connection.vendor == "mysql" and self._lists_a_whole_table():
            return _counted_unless_large(keys, self.bound + 1)
        return keys.count()

    def _lists_a_whole_table(self) -> bool:
        """An unfiltered list: every row of its table, so the table's size answers."""
        query = self.object_list.query
        if query.where or query.is_sliced or query.distinct or query.combinator:
            return False
        # An inner join may drop rows; the server's estimate must be far above the bound.
        inner = any(join.join_type not in (None, LOUTER) for join in query.alias_map.values())
        return not inner and self.bound * 10 <= EXACT_BELOW

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
    with connection.cursor() as cursor:
        cursor.execute(_estimate_sql(len(tables)), list(tables))
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else None


def _estimate_sql(tables: int) -> str:
    """The largest server estimate of `tables` tables, their names as parameters."""
    placeholders = ", ".join(["%s"] * tables)
    query = "SELECT MAX(table_rows) FROM information_schema.tables"
    query += f" WHERE table_schema = DATABASE() AND table_name IN ({placeholders})"
    return query


def _counted_unless_large(keys: QuerySet, enough: int, large: int = EXACT_BELOW) -> int:
    """`enough` when the server estimates the table at `large` rows or more, else the
    keys counted: one query either way, since MariaDB evaluates only the CASE branch taken
    (0.2 ms instead of 2.8 ms for the first 10,001 keys of a million aliases).

    The estimate is InnoDB's (within about half either way, refreshed after a tenth of the
    rows change), and EXACT_BELOW is ten times the bound."""
    sql, params = keys.query.sql_with_params()
    query = "SELECT CASE WHEN ("
    query += _estimate_sql(1)
    query += ") >= %s THEN %s ELSE (SELECT COUNT(*) FROM ("
    query += sql  # compiled by Django, its values in params
    query += ") AS listed_keys) END"
    with connection.cursor() as cursor:
        cursor.execute(query, [keys.model._meta.db_table, large, enough, *params])
        return int(cursor.fetchone()[0])


_PREPARED_COUNTS: dict = {}


def _whole_table_counts(model, bound: int) -> tuple[Prepared, Prepared]:
    """A table's rows counted by `enabled` (grouped on its index), and its disabled rows up
    to one past `bound`: prepared once per model and bound."""
    key = (model, bound)
    if key not in _PREPARED_COUNTS:
        manager = model._default_manager
        _PREPARED_COUNTS[key] = (
            Prepared(lambda: manager.order_by().values("enabled").annotate(n=Count("pk"))),
            Prepared(lambda: manager.filter(enabled=False).order_by().values("pk")[: bound + 1]),
        )
    return _PREPARED_COUNTS[key]


def table_estimates(*tables: str) -> dict[str, int] | None:
    """The server's estimate of each table's row count, in one query; None off MySQL."""
    if connection.vendor != "mysql":
        return None
    placeholders = ", ".join(["%s"] * len(tables))
    query = "SELECT table_name, table_rows FROM information_schema.tables"
    query += f" WHERE table_schema = DATABASE() AND table_name IN ({placeholders})"
    with connection.cursor() as cursor:
        cursor.execute(query, list(tables))
        found = {name: int(rows) for name, rows in cursor.fetchall() if rows is not None}
    return {table: found.get(table, 0) for table in tables}


def table_counts(*querysets: QuerySet) -> list[tuple[int, int, bool]]:
    """(total, disabled, estimated) of each whole table with an `enabled` column.

    One query for the server's estimates of them all, then one per table: an exact count
    by `enabled` when the table is small; when it is large, the disabled rows counted on
    the `enabled` index up to one past BOUND (a disabled count above BOUND means "more than
    BOUND": at ten million aliases an exact count reads 400,000 index entries, 57 ms).
    """
    for queryset in querysets:
        if queryset.query.where or queryset.query.is_sliced:
            raise ValueError("table_counts counts whole tables, not a filtered queryset")
    estimates = table_estimates(*(q.model._meta.db_table for q in querysets)) or {}
    counts = []
    for queryset in querysets:
        exact, disabled = _whole_table_counts(queryset.model, BOUND)
        estimate = estimates.get(queryset.model._meta.db_table)
        if estimate is not None and estimate >= EXACT_BELOW:
            counts.append((estimate, disabled.count(), True))
        else:
            by_state = dict(exact.rows())
            counts.append((sum(by_state.values()), by_state.get(False, 0), False))
    return counts
