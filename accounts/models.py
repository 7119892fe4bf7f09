"""The panel's own accounts data: which domains a staff account administers, and the
self-service login throttle's counters.

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


class LoginFailureCount(models.Model):
    """Failed self-service logins of one key in one window (`selfservice.throttle`).

    In the database so that every worker and host shares the count; incremented with
    `F()`, so concurrent failures are never lost. `key` is a SHA-256 of the counted value
    (a normalised address, the text typed, or a client address): exact whatever the
    collation, and no typed text is stored. Rows of ended windows are deleted as new
    failures come in.
    """

    group = models.CharField(max_length=40)  # e.g. "selfservice-login-address"
    period = models.PositiveIntegerField()  # window length in seconds
    key = models.CharField(max_length=64)
    window_end = models.BigIntegerField()  # Unix time the window ends
    count = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "mailadmin_login_failure"
        constraints = [
            models.UniqueConstraint(
                fields=["group", "period", "key", "window_end"], name="login_failure_unique"
            )
        ]
        indexes = [models.Index(fields=["window_end"], name="login_failure_window_end")]

    def __str__(self) -> str:
        return f"{self.count} failed logins ({self.group}, {self.period} s)"


class StaffLanguage(models.Model):
    """The language a staff account chose in the menu, applied again at each of its logins
    (the menu's cookie alone stays with one browser)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panel_language"
    )
    language = models.CharField(max_length=16)

    class Meta:
        db_table = "mailadmin_staff_language"

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"
