"""Stored reports: the findings page of a large database."""

from django.db import transaction
from django.utils import timezone

from audit.findings.report import FindingsRun, run_checks
from audit.models import AuditEntry, FindingsReport, StoredFinding

KEEP_REPORTS = 2  # the newest and the one before (a reader may still be paging through it)
SAVE_BATCH = 2000


def run_and_save(actor: str, *, style: str | None = None) -> tuple[FindingsRun, FindingsReport]:
    """Run every check over the whole database and store the report, in one transaction."""
    started = timezone.now()
    last_entry = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    report = run_checks(None, style=style)
    return report, save_report(report, actor=actor, started_at=started, last_entry=last_entry)


def save_report(
    report: FindingsRun, *, actor: str, started_at, last_entry: int = 0
) -> FindingsReport:
    """Store `report` (a whole-database run) and drop the reports older than KEEP_REPORTS."""
    with transaction.atomic():
        stored = FindingsReport.objects.create(
            started_at=started_at,
            finished_at=timezone.now(),
            actor=actor[:150],
            style=report.style,
            errors=report.errors,
            warnings=report.warnings,
            by_kind=report.by_kind(),
            last_entry=last_entry,
        )
        StoredFinding.objects.bulk_create(
            (
                StoredFinding(
                    report=stored,
                    position=position,
                    kind=f.kind,
                    level=f.level,
                    object_type=f.object_type,
                    object_id=f.object_id[:255],
                    domain=f.domain[:255],
                    message=f.message,
                    text_keys=f.text_keys,
                    params=f.params,
                    link=(f.link or "")[:500],
                )
                for position, f in enumerate(report.findings)
            ),
            batch_size=SAVE_BATCH,
        )
        kept = FindingsReport.objects.order_by("-id").values_list("id", flat=True)[:KEEP_REPORTS]
        old = list(FindingsReport.objects.exclude(id__in=list(kept)).values_list("id", flat=True))
        if old:
            StoredFinding.objects.filter(report_id__in=old).delete()
            FindingsReport.objects.filter(id__in=old).delete()
    return stored
