"""The guide's `aliases` table, in place: Postfix's `virtual_alias_maps` reads it."""

from django.db import models

from domains.models import domain_part


def split_destinations(destination: str) -> list[str]:
    """The addresses of a comma-separated `aliases.destination`, as Postfix reads them."""
    return [d.strip() for d in destination.split(",") if d.strip()]


class AliasKind(models.TextChoices):
    SELF = "self", "self-alias"
    FORWARD = "forward", "forward"
    CATCH_ALL = "catch-all", "catch-all"
    DOMAIN_ALIAS = "domain-alias", "domain alias"


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

    class Meta:
        db_table = "aliases"
        ordering = ["mail"]
        indexes = [
            models.Index(fields=["domain_name", "mail"], name="aliases_domain_name_idx"),
            # Search by destination prefix and the dashboard's disabled count: index ranges.
            models.Index(fields=["destination"], name="aliases_destination_idx"),
            models.Index(fields=["enabled"], name="aliases_enabled_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.mail} → {self.destination}"

    @property
    def destinations(self) -> list[str]:
        return split_destinations(self.destination)

    @property
    def kind(self) -> AliasKind:
        if self.mail.startswith("@"):
            if self.destination.startswith("@"):
                return AliasKind.DOMAIN_ALIAS
            return AliasKind.CATCH_ALL
        if self.destinations == [self.mail]:
            return AliasKind.SELF
        return AliasKind.FORWARD
