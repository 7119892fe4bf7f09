"""The guide's `aliases` table, in place: Postfix's `virtual_alias_maps` reads it.

The four kinds of row are defined here once (KIND_TESTS), as SQL conditions for querysets
(`Alias.objects.of_kind`, `kind_expression`) and as Python tests for a row in hand
(`Alias.kind`): the two are built from the same table, so they cannot disagree.
"""

from collections.abc import Callable
from typing import NamedTuple

from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Concat, Replace
from django.utils.translation import gettext_lazy as _

from domains.models import Mailbox, domain_part
from mailadmin.autoreply import SEPARATOR, autoreply_domain, is_autoreply


def split_destinations(destination: str) -> list[str]:
    """The addresses of a comma-separated `aliases.destination`, as Postfix reads them."""
    return [d.strip() for d in destination.split(",") if d.strip()]


class AliasKind(models.TextChoices):
    SELF = "self", _("self-alias")
    FORWARD = "forward", _("forward")
    CATCH_ALL = "catch-all", _("catch-all")
    DOMAIN_ALIAS = "domain-alias", _("domain alias")


def is_domain_source(mail: str) -> bool:
    """`@domain`: a catch-all or a domain alias, which Postfix looks up after the address."""
    return mail.startswith("@")


def is_domain_target(destination: str) -> bool:
    """`@target.tld`: the destination of a domain alias."""
    return destination.startswith("@")


class RowTest(NamedTuple):
    """One test on an alias row, in SQL (`q`) and in Python (`holds(mail, destination)`)."""

    q: Q
    holds: Callable[[str, str], bool]


# `istartswith` is LIKE '@%' on MySQL, an index range on `mail`; `startswith` would be
# LIKE BINARY, which the case-insensitive index cannot serve ('@' has no case anyway).
DOMAIN_SOURCE = RowTest(Q(mail__istartswith="@"), lambda mail, destination: is_domain_source(mail))
DOMAIN_TARGET = RowTest(
    Q(destination__istartswith="@"), lambda mail, destination: is_domain_target(destination)
)


def routing_destinations(destination: str) -> list[str]:
    """The addresses of a row that are routing choices: its autoreply address (a vacation
    that is on, mailadmin.autoreply) left out."""
    return [d for d in split_destinations(destination) if not is_autoreply(d)]


def _with_autoreply() -> Concat:
    """SQL: `mail` followed by its autoreply address, as the vacation writes the row."""
    local_hash_domain = Replace(F("mail"), Value("@"), Value(SEPARATOR))
    return Concat(
        F("mail"),
        Value(","),
        local_hash_domain,
        Value("@" + autoreply_domain()),
        output_field=models.CharField(),
    )


# The row delivers to its own source only (and, while its vacation is on, to its autoreply
# address): a mailbox's self-alias. SQL compares the column (under MySQL's collation),
# Python the addresses Postfix reads from it.
TO_ITSELF = RowTest(
    Q(mail=F("destination")) | Q(destination=_with_autoreply()),
    lambda mail, destination: routing_destinations(destination) == [mail],
)

# Each kind: the tests it passes (True) and fails (False). In the order of the SQL `CASE`.
KIND_TESTS: dict[AliasKind, tuple[tuple[RowTest, bool], ...]] = {
    AliasKind.DOMAIN_ALIAS: ((DOMAIN_SOURCE, True), (DOMAIN_TARGET, True)),
    AliasKind.CATCH_ALL: ((DOMAIN_SOURCE, True), (DOMAIN_TARGET, False)),
    AliasKind.SELF: ((DOMAIN_SOURCE, False), (TO_ITSELF, True)),
    AliasKind.FORWARD: ((DOMAIN_SOURCE, False), (TO_ITSELF, False)),
}


def kind_q(kind: AliasKind | str) -> Q:
    """The SQL condition of the rows of one kind."""
    condition = Q()
    for test, passes in KIND_TESTS[AliasKind(kind)]:
        condition &= test.q if passes else ~test.q
    return condition


def kind_of(mail: str, destination: str) -> AliasKind:
    """The kind of a row in hand: the same tests as `kind_q`."""
    for kind, tests in KIND_TESTS.items():
        if all(test.holds(mail, destination) == passes for test, passes in tests):
            return kind
    raise AssertionError("every row has a kind")  # the tests cover every case


def kind_expression() -> Case:
    """The kind's value as a SQL expression (`kind_value`: the audit's CSV and sorts)."""
    return Case(
        *(When(kind_q(kind), then=Value(kind.value)) for kind in KIND_TESTS),
        output_field=models.CharField(),
    )


class AliasQuerySet(models.QuerySet):
    def of_kind(self, kind: AliasKind | str) -> "AliasQuerySet":
        return self.filter(kind_q(kind))

    def self_rows(self) -> "AliasQuerySet":
        return self.of_kind(AliasKind.SELF)

    def forwards(self) -> "AliasQuerySet":
        return self.of_kind(AliasKind.FORWARD)

    def catch_alls(self) -> "AliasQuerySet":
        return self.of_kind(AliasKind.CATCH_ALL)

    def domain_aliases(self) -> "AliasQuerySet":
        return self.of_kind(AliasKind.DOMAIN_ALIAS)

    def with_mailbox_flag(self) -> "AliasQuerySet":
        """`is_mailbox_row`: the row is a mailbox's own row (it goes only with the mailbox)."""
        return self.annotate(
            is_mailbox_row=Exists(Mailbox.objects.filter(address=OuterRef("mail")))
        )


class Alias(models.Model):
    """One `virtual_alias_maps` row: `mail` (address, `@domain`) → `destination` list.

    Postfix looks up the full address first, then `@domain`; `destination` is a
    comma-separated list of addresses, or `@target` for a domain alias.
    """

    pkid = models.BigAutoField(primary_key=True)
    mail = models.CharField(max_length=120, unique=True, db_default="")
    destination = models.CharField(max_length=120, db_default="")
    enabled = models.BooleanField(default=True, db_default=True)
    domain_name = models.GeneratedField(
        expression=domain_part("mail"),
        output_field=models.CharField(max_length=120),
        db_persist=True,
    )

    objects = AliasQuerySet.as_manager()

    class Meta:
        db_table = "aliases"
        ordering = ["mail"]
        indexes = [
            models.Index(fields=["domain_name", "mail"], name="aliases_domain_name_idx"),
            # Search by destination prefix and the dashboard's disabled count: index ranges;
            # the disabled aliases in the list's order, read off the index (not 20 ms of
            # row lookups to skip the enabled ones, at ten million aliases).
            models.Index(fields=["destination"], name="aliases_destination_idx"),
            models.Index(fields=["enabled", "mail"], name="aliases_enabled_mail_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.mail} → {self.destination}"

    @property
    def destinations(self) -> list[str]:
        return split_destinations(self.destination)

    @property
    def kind(self) -> AliasKind:
        return kind_of(self.mail, self.destination)

    def is_self_alias_of(self, address: str) -> bool:
        """The row is the self-alias of mailbox `address` (`mail = destination = address`)."""
        return self.mail == address and self.kind is AliasKind.SELF
