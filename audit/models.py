"""The panel's own audit log (not read by the mail servers)."""

from django.db import models

from audit.findings import texts
from audit.findings.kinds import FINDING_KINDS


class AuditEntry(models.Model):
    """Who changed which mail object, when, and its state before → after."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.CharField(
        max_length=150, db_index=True, help_text="staff username, mailbox, or cli:<user>"
    )
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


class FindingsReport(models.Model):
    """One run of the findings checks over the whole database (`mail check --save`, or the
    findings page's "Run checks now"): what the findings page shows on a large database."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(db_index=True)
    actor = models.CharField(max_length=150)
    style = models.CharField(max_length=20, help_text="the Postfix alias map style assumed")
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    by_kind = models.JSONField(default=dict, help_text="finding kind -> count")
    last_entry = models.BigIntegerField(
        default=0, help_text="the newest audit entry id when the run started"
    )

    class Meta:
        db_table = "mailadmin_findings_report"
        ordering = ["-finished_at", "-id"]

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M}: {self.errors} errors, {self.warnings} warnings"


class StoredFinding(models.Model):
    """One finding of a stored report, in the report's order (errors first)."""

    report = models.ForeignKey(FindingsReport, on_delete=models.CASCADE, related_name="findings")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=40)
    level = models.CharField(max_length=10)
    object_type = models.CharField(max_length=20)
    object_id = models.CharField(max_length=255)
    domain = models.CharField(max_length=255, blank=True)
    message = models.TextField()  # in English, as `mail check` says it
    text_keys = models.CharField(
        max_length=200, blank=True, help_text="its sentences' keys (audit.findings.texts)"
    )
    params = models.JSONField(
        null=True, blank=True, help_text="their values (null: stored before they were kept)"
    )
    link = models.CharField(max_length=500, blank=True)

    class Meta:
        db_table = "mailadmin_findings"
        ordering = ["report", "position"]
        indexes = [
            models.Index(fields=["report", "position"], name="findings_report_pos_idx"),
            models.Index(fields=["report", "domain", "position"], name="findings_domain_idx"),
            models.Index(fields=["report", "level", "kind"], name="findings_level_kind_idx"),
            models.Index(fields=["report", "kind", "position"], name="findings_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.kind} {self.object_id}"

    @property
    def kind_label(self) -> str:
        return FINDING_KINDS.get(self.kind, self.kind)

    @property
    def explanation(self) -> str:
        """In the active language; a row stored before the texts were kept says its English."""
        return texts.explain(self.text_keys, self.params, self.message)
