"""The panel's own vacation tables (the mail servers read none of the guide's columns anew).

- `mailadmin_vacation`: one row per mailbox that has an out-of-office setting.
- `mailadmin_vacation_notice`: when the responder last answered a sender for a mailbox, so
  that one sender gets one reply per interval. The mail servers' account writes it
  (`mail config grants`), as the responder runs under Postfix's pipe service.
"""

from django.db import models

from vacation.rules import DEFAULT_INTERVAL_DAYS, DEFAULT_SUBJECT


class Vacation(models.Model):
    mailbox = models.CharField(max_length=128, unique=True)  # users.id
    enabled = models.BooleanField(default=False)
    subject = models.CharField(max_length=200, default=DEFAULT_SUBJECT)
    body = models.TextField()
    first_day = models.DateField(null=True, blank=True)
    last_day = models.DateField(null=True, blank=True)
    interval_days = models.PositiveSmallIntegerField(default=DEFAULT_INTERVAL_DAYS)
    changed_by = models.CharField(max_length=150, blank=True)  # "by staff X", shown to the owner
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "mailadmin_vacation"

    def __str__(self) -> str:
        return f"vacation of {self.mailbox}"


class VacationNotice(models.Model):
    mailbox = models.CharField(max_length=128)
    sender = models.CharField(max_length=255)
    notified_at = models.DateTimeField()

    class Meta:
        db_table = "mailadmin_vacation_notice"
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "sender"], name="vacation_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.mailbox} answered {self.sender}"
