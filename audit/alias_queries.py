"""The alias audit's queries: state, kind and destination locality of every alias.

Built to stay fast on a million aliases:

- filters are plain conditions on the `aliases` table, index ranges where they can be
  (`mail`, `domain_name`, `destination`, `enabled`); the rows of one page get their state,
  kind and locality in Python (`describe`), from one query for the domains they name;
- `state`, `kind` and `locality` also exist as SQL expressions (`annotate`) for the CSV
  export and for the filters and sorts on them;
- the locality of a single destination is one lookup in the unique index of
  `domains.domain`; only destination lists (rows with a comma) count their local
  destinations by scanning `domains`. The locality filter is still the slowest filter: it
  evaluates that lookup for every alias it examines (bounded by the paginator's count).

- state: `enabled`, `disabled`, or `inert` (enabled, but its domain is disabled or missing:
  outside clients get 454);
- kind: self, forward, catch-all, domain alias (`aliases.models`: `Alias.kind`, and
  `kind_expression` in SQL);
- locality: `local` (every destination is in a domain of this database), `external` (none
  is), `mixed`.
"""

from collections.abc import Callable

from django.db.models import (
    Case,
    CharField,
    Exists,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    Concat,
    Length,
    Lower,
    Replace,
    StrIndex,
    Substr,
    Trim,
)
from django.db.models.lookups import Contains, Exact, GreaterThanOrEqual
from django.utils.translation import gettext_lazy as _

from aliases.models import Alias, AliasKind, kind_expression
from domains.models import Domain
from mailadmin.addresses import domain_of

STATES = [
    ("enabled", _("enabled")),
    ("disabled", _("disabled")),
    ("inert", _("inert (domain off)")),
]
ALIAS_KIND_CHOICES = AliasKind.choices
# Translators: which destinations an alias has: only local ones, only external ones, or both.
LOCALITIES = [("local", _("local only")), ("external", _("external only")), ("mixed", _("mixed"))]

_LIST = Q(destination__contains=",")


def _domain_on() -> Exists:
    return Exists(Domain.objects.filter(domain=OuterRef("domain_name"), enabled=True))


STATE_Q = {
    "enabled": Q(enabled=True) & Q(_domain_on()),
    "disabled": Q(enabled=False),
    "inert": Q(enabled=True) & ~Q(_domain_on()),
}


def _local_in_list() -> Coalesce:
    """How many destinations of a destination list are in a domain of the `domains` table.

    `,a@x.org,b@y.org,` contains `@x.org,` once per destination in x.org; the number of
    occurrences is (length - length with them removed) / length of the needle.
    """
    padded = Concat(Value(","), Lower(OuterRef("destination")), Value(","))
    needle = Concat(Value("@"), Lower(F("domain")), Value(","))
    occurrences = Cast(
        (Length(padded) - Length(Replace(padded, needle, Value("")))) / Length(needle),
        IntegerField(),
    )
    per_domain = (
        Domain.objects.filter(Contains(padded, needle))
        .order_by()
        .annotate(group=Value(1))
        .values("group")
        .annotate(n=Sum(occurrences))
        .values("n")
    )
    return Coalesce(Cast(Subquery(per_domain), IntegerField()), Value(0))


def _destination_count() -> Cast:
    commas = Length("destination") - Length(Replace("destination", Value(","), Value("")))
    return Cast(commas + 1, IntegerField())


def _single_is_local() -> Exists:
    """The domain of a single destination is in `domains` (`@x.org` gives x.org)."""
    destination = OuterRef("destination")
    name = Lower(Trim(Substr(destination, StrIndex(destination, Value("@")) + 1)))
    return Exists(Domain.objects.filter(domain=name))


def locality_expression() -> Case:
    listed = _local_in_list()
    return Case(
        When(~_LIST & Q(_single_is_local()), then=Value("local")),
        When(~_LIST, then=Value("external")),
        When(Exact(listed, 0), then=Value("external")),
        When(GreaterThanOrEqual(listed, _destination_count()), then=Value("local")),
        default=Value("mixed"),
        output_field=CharField(),
    )


def state_expression() -> Case:
    return Case(
        When(enabled=False, then=Value("disabled")),
        When(_domain_on(), then=Value("enabled")),
        default=Value("inert"),
        output_field=CharField(),
    )


def annotate(queryset: QuerySet[Alias]) -> QuerySet[Alias]:
    """Add `state`, `kind_value` and `locality` in SQL (the CSV export, the sorts on them)."""
    return queryset.annotate(
        state=state_expression(), kind_value=kind_expression(), locality=locality_expression()
    )


def filter_locality(queryset: QuerySet[Alias], locality: str) -> QuerySet[Alias]:
    if not locality:
        return queryset
    return queryset.alias(locality=locality_expression()).filter(locality=locality)


# Sorts on a column are read off an index; sorts on a computed value sort every matching
# row, so the view offers them only while few rows match (COMPUTED_SORTS).
SORTS = {
    "mail": "mail",
    "destination": "destination",
    "kind": "kind_value",
    "state": "state",
    "locality": "locality",
    "domain": "domain_name",
}
COMPUTED_SORTS: dict[str, Callable[[], Expression]] = {
    "kind_value": kind_expression,
    "state": state_expression,
    "locality": locality_expression,
}
TIE_BREAKS = {"mail": [], "destination": ["pkid"], "domain_name": ["mail"]}


def order(queryset: QuerySet[Alias], field: str, descending: bool) -> QuerySet[Alias]:
    """Sort by one of SORTS' fields; columns in their index order, so no filesort."""
    if field in COMPUTED_SORTS:
        expression: Expression = COMPUTED_SORTS[field]()
        first = expression.desc() if descending else expression.asc()
        return queryset.order_by(first, "mail")
    fields = [field, *TIE_BREAKS[field]]
    return queryset.order_by(*(f"-{f}" if descending else f for f in fields))


def describe(rows: list[Alias]) -> None:
    """Set `state`, `kind_value`, `locality` and `marked` on a page of aliases: one query.

    The same rules as the SQL expressions, for the rows shown only.
    """
    names = {a.domain_name.lower() for a in rows}
    for alias in rows:
        names.update(domain_of(d).lower() for d in alias.destination.split(","))
    names.discard("")
    enabled = dict(Domain.objects.filter(domain__in=sorted(names)).values_list("domain", "enabled"))
    hosted = {name.lower(): bool(on) for name, on in enabled.items()}
    for alias in rows:
        alias.kind_value = alias.kind.value
        if not alias.enabled:
            alias.state = "disabled"
        elif hosted.get(alias.domain_name.lower()):
            alias.state = "enabled"
        else:
            alias.state = "inert"
        alias.marked = [(d, domain_of(d).lower() in hosted) for d in alias.destinations]
        alias.locality = _locality(alias.destination, hosted)


def _locality(destination: str, hosted: dict[str, bool]) -> str:
    if "," not in destination:
        name = destination.strip().partition("@")[2].strip().lower()
        return "local" if name in hosted else "external"
    entries = destination.lower().split(",")
    local = sum(1 for entry in entries if "@" in entry and domain_of(entry) in hosted)
    if local == 0:
        return "external"
    return "local" if local >= len(entries) else "mixed"
