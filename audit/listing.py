"""The alias audit listing: state, kind and destination locality of every alias, in SQL.

Everything the page filters or sorts on is an SQL expression, so a page costs a fixed
number of queries (count + rows + the hosted domains of the page's destinations) however
many aliases there are.

- state: `enabled`, `disabled`, or `inert` (enabled, but its domain is disabled or missing:
  outside clients get 454);
- kind: self, forward, catch-all, domain alias (as `Alias.kind`);
- locality: `local` (every destination is in a domain of this database), `external` (none
  is), `mixed`.
"""

from django.db.models import (
    Case,
    CharField,
    Exists,
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
from django.db.models.functions import Cast, Coalesce, Concat, Length, Lower, Replace
from django.db.models.lookups import Contains

from aliases.models import Alias, AliasKind
from domains.models import Domain

STATES = [("enabled", "enabled"), ("disabled", "disabled"), ("inert", "inert (domain off)")]
KINDS = [(k.value, k.label) for k in AliasKind]
LOCALITIES = [("local", "local only"), ("external", "external only"), ("mixed", "mixed")]

_AT = Q(mail__startswith="@")
_TO_DOMAIN = Q(destination__startswith="@")
KIND_Q = {
    AliasKind.DOMAIN_ALIAS.value: _AT & _TO_DOMAIN,
    AliasKind.CATCH_ALL.value: _AT & ~_TO_DOMAIN,
    AliasKind.SELF.value: ~_AT & Q(mail=F("destination")),
    AliasKind.FORWARD.value: ~_AT & ~Q(mail=F("destination")),
}


def _domain_on() -> Exists:
    return Exists(Domain.objects.filter(domain=OuterRef("domain_name"), enabled=True))


STATE_Q = {
    "enabled": Q(enabled=True) & Q(_domain_on()),
    "disabled": Q(enabled=False),
    "inert": Q(enabled=True) & ~Q(_domain_on()),
}


def _local_destinations() -> Coalesce:
    """How many destinations are in a domain of the `domains` table.

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


def annotate(queryset: QuerySet[Alias]) -> QuerySet[Alias]:
    """Add `state`, `kind_value`, `local_count`, `destination_count`, `locality`."""
    queryset = queryset.annotate(
        state=Case(
            When(enabled=False, then=Value("disabled")),
            When(_domain_on(), then=Value("enabled")),
            default=Value("inert"),
            output_field=CharField(),
        ),
        kind_value=Case(
            *(When(q, then=Value(kind)) for kind, q in KIND_Q.items()),
            output_field=CharField(),
        ),
        local_count=_local_destinations(),
        destination_count=_destination_count(),
    )
    return queryset.annotate(
        locality=Case(
            When(local_count=0, then=Value("external")),
            When(local_count__gte=F("destination_count"), then=Value("local")),
            default=Value("mixed"),
            output_field=CharField(),
        )
    )


def filter_locality(queryset: QuerySet[Alias], locality: str) -> QuerySet[Alias]:
    return queryset.filter(locality=locality) if locality else queryset


SORTS = {
    "mail": "mail",
    "destination": "destination",
    "kind": "kind_value",
    "state": "state",
    "locality": "locality",
    "domain": "domain_name",
}
