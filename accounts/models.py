"""The panel's own accounts data: which domains a staff account administers.

Not read by the mail servers; kept in its own table, next to the guide's tables.
"""

from django.conf import settings
from django.db import models


class DomainAssignment(models.Model):
    """A staff user (not a superuser) may see and change everything in `domain`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="domain_assignments"
    )
    # No database constraint: an adopted guide database may keep `domains` in MyISAM, which
    # InnoDB cannot reference. Django still cascades when a domain is removed.
    domain = models.ForeignKey(
        "domains.Domain",
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="admin_assignments",
    )

    class Meta:
        db_table = "mailadmin_domain_admin"
        ordering = ["user_id", "domain_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "domain"], name="domain_admin_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} administers {self.domain}"
