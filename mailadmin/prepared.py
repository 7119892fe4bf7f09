"""Queries the ORM compiles once per process; each later call only binds its values.

Building and compiling a queryset costs 0.3–1 ms of Python per query (a limits use count:
1.2 ms through the ORM, 0.3 ms prepared), more than the database takes to answer it on a
small installation. A query that runs on every page view with the same shape (a session, a
domain's use) is built here once per database connection alias by the ORM, which stays the
one author of its SQL, and later calls put their values in the parameter slots.

`build` receives placeholder values and must depend on nothing else. It is built twice
with different placeholders: anything else that differs between the two (the time) refuses
to prepare, as does a placeholder the ORM transforms (`__icontains`, a lower-cased value)
or inlines into the SQL text. What the build reads from elsewhere (a constant, a setting,
a LIMIT) is kept as it was at the first call: keep one Prepared per such value.
"""

import threading
from collections.abc import Callable, Sequence
from itertools import count as counter

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler

_BUILDS = counter()


class NotPreparable(Exception):
    """The query's SQL depends on more than its arguments, or hides one of them."""


def _placeholder(kind: type, build: int, position: int):
    if kind is str:
        return f"\x1fmailadmin-prepared-{build}-{position}\x1f"
    if kind is int:
        return -(10**15) - 1000 * build - position
    raise TypeError(f"a prepared query takes str and int arguments, not {kind.__name__}")


def _argument(value, marks: dict) -> int | None:
    """Which argument's placeholder `value` is, if it is one."""
    if type(value) not in (str, int):
        return None
    return marks.get(value)


class _Compiled:
    def __init__(self, compiler: SQLCompiler, sql: str, params: list, slots: list[tuple]):
        self.compiler = compiler
        self.sql = sql
        self.params = params
        self.slots = slots  # (parameter index, argument index)

    def bind(self, values: Sequence) -> list:
        params = list(self.params)
        for index, argument in self.slots:
            params[index] = values[argument]
        return params


class Prepared:
    """A query of a fixed shape: `Prepared(lambda name: Alias.objects.filter(...), str)`."""

    def __init__(self, build: Callable[..., QuerySet], *kinds: type) -> None:
        self._build = build
        self._kinds = kinds
        # Per thread, as Django's connections are: a compiler keeps the connection it
        # converts values for.
        self._local = threading.local()

    def rows(self, *values, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
        """The rows, converted as the ORM converts them (booleans, decimals, datetimes)."""
        compiled, fetched = self._run(values, using)
        return list(compiled.compiler.results_iter([fetched], tuple_expected=True))

    def dicts(self, *values, using: str = DEFAULT_DB_ALIAS) -> list[dict]:
        """The rows as dicts by column alias (a `values()` queryset's names)."""
        compiled, fetched = self._run(values, using)
        names = [column[2] for column in compiled.compiler.select]
        rows = compiled.compiler.results_iter([fetched])
        return [dict(zip(names, row, strict=True)) for row in rows]

    def objects(self, *values, using: str = DEFAULT_DB_ALIAS) -> list[Model]:
        """The model instances of a plain model queryset (no annotations or joins loaded)."""
        compiled, fetched = self._run(values, using)
        info = compiled.compiler.klass_info
        if not info or info.get("related_klass_infos") or compiled.compiler.annotation_col_map:
            raise NotPreparable("objects() needs a plain model queryset")
        start, end = info["select_fields"][0], info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in compiled.compiler.select[start:end]]
        rows = compiled.compiler.results_iter([fetched])
        return [info["model"].from_db(using, names, row[start:end]) for row in rows]

    def count(self, *values, using: str = DEFAULT_DB_ALIAS) -> int:
        """How many rows the query returns (bounded by its own slice, if any)."""
        compiled = self._ready(using)
        with connections[using].cursor() as cursor:
            counted = f"SELECT COUNT(*) FROM ({compiled.sql}) prepared_rows"  # noqa: S608 - ORM's SQL
            cursor.execute(counted, self._bound(values, compiled))
            return int(cursor.fetchone()[0])

    def _run(self, values: Sequence, using: str) -> tuple[_Compiled, list]:
        compiled = self._ready(using)
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql, self._bound(values, compiled))
            return compiled, cursor.fetchall()

    def _bound(self, values: Sequence, compiled: _Compiled) -> list:
        if len(values) != len(self._kinds):
            raise TypeError(f"the query takes {len(self._kinds)} values, {len(values)} given")
        for value, kind in zip(values, self._kinds, strict=True):
            if not isinstance(value, kind) or isinstance(value, bool):
                raise TypeError(f"{value!r} is not a {kind.__name__}")
        return compiled.bind(values)

    def _ready(self, using: str) -> _Compiled:
        connection = connections[using]
        cache = self._local.__dict__.setdefault("compiled", {})
        compiled = cache.get((using, id(connection)))
        if compiled is None or compiled.compiler.connection is not connection:
            compiled = cache[(using, id(connection))] = self._prepare(using)
        return compiled

    def _prepare(self, using: str) -> _Compiled:
        first, second = (self._compile(next(_BUILDS), using) for _ in range(2))
        (compiler, sql, params, marks), (_, other_sql, other_params, other_marks) = first, second
        if sql != other_sql or len(params) != len(other_params):
            raise NotPreparable("the query's SQL changes between two builds")
        slots = []
        for index, (value, other) in enumerate(zip(params, other_params, strict=True)):
            argument = _argument(value, marks)
            if argument is not None and _argument(other, other_marks) == argument:
                slots.append((index, argument))
            elif value != other:
                raise NotPreparable(f"parameter {index} depends on more than the arguments")
        filled = {index for index, _ in slots}
        everything = [sql, *(str(p) for i, p in enumerate(params) if i not in filled)]
        for mark in marks:
            if any(str(mark) in text for text in everything):
                raise NotPreparable("an argument is transformed or written into the SQL")
        if {argument for _, argument in slots} != set(range(len(self._kinds))):
            raise NotPreparable("an argument is not a parameter of the query")
        return _Compiled(compiler, sql, list(params), slots)

    def _compile(self, build: int, using: str):
        marks = {_placeholder(kind, build, i): i for i, kind in enumerate(self._kinds)}
        queryset = self._build(*marks)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        return compiler, sql, tuple(params), marks
