"""The panel's own audit log (not read by the mail servers)."""

from django.db import models


class AuditEntry(models.Model):
    """Who changed which mail object, when, and its state before → after."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.CharField(max_length=150, help_text="staff username, mailbox, or cli:<user>")
    ip = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=20)
    object_id = models.CharField(max_length=128, db_index=True)
    domain = models.CharField(max_length=128, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    message = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = "mailadmin_audit"
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_id}"
