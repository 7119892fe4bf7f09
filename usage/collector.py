"""`mail usage collect`: measure every mailbox's maildir and store it (usage.models).

Mailboxes are read in batches by address (keyset: an index range each, whatever the row
count), each batch measured by a bounded pool of threads (the walk waits on the disk, not
the interpreter) and written with one upsert. Memory holds one batch, never the whole table.
Rows of mailboxes that no longer exist (in the scope collected) are dropped at the end.
"""

import os
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import timezone

from domains.models import Domain, Mailbox
from mailadmin import maildirs
from mailadmin.addresses import normalize_domain
from usage import measure
from usage.models import MailboxUsage, fill_of

BATCH = 1000
MAX_JOBS = 64
DEFAULT_JOBS = 4
UPDATED = ["bytes", "messages", "source", "fill", "measured_at"]


def database() -> str:
    """The collector's own account when configured (MAILADMIN_USAGE_DATABASE_URL)."""
    return "usage" if "usage" in settings.DATABASES else "default"


@dataclass
class Summary:
    mailboxes: int = 0
    sources: Counter = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)  # maildirs that climb out of home
    removed: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {
            "mailboxes": self.mailboxes,
            "maildirsize": self.sources[measure.MAILDIRSIZE_SOURCE],
            "walked": self.sources[measure.WALK_SOURCE],
            "missing": self.sources[measure.MISSING_SOURCE],
            "skipped": self.skipped,
            "removed": self.removed,
            "seconds": round(self.seconds, 3),
        }


def maildir_path(home: str, maildir: str, base: str | None = None) -> str | None:
    """Where the servers open a mailbox's maildir; None when it would leave its home."""
    relative = maildirs.resolve(maildir)
    if relative is None:
        return None
    return os.path.join(base or home, relative)


def check_jobs(jobs: int) -> int:
    if not 1 <= jobs <= MAX_JOBS:
        raise ValidationError(f"--jobs must be between 1 and {MAX_JOBS}, not {jobs}.")
    return jobs


def collect(
    *,
    domain: str | None = None,
    jobs: int = DEFAULT_JOBS,
    base: str | None = None,
    batch: int = BATCH,
) -> Summary:
    """Measure the mailboxes (of `domain`, else all) and upsert their usage rows."""
    check_jobs(jobs)
    using = database()
    mailboxes = Mailbox.objects.using(using).order_by("address")
    if domain is not None:
        domain = normalize_domain(domain)
        if not Domain.objects.using(using).filter(domain=domain).exists():
            raise ValidationError(f"Domain {domain} is not in the domains table.")
        mailboxes = mailboxes.filter(domain_name=domain)
    summary = Summary()
    started = timezone.now()
    clock = time.monotonic()
    after = ""
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        while True:
            rows = list(
                mailboxes.filter(address__gt=after).values_list(
                    "address", "home", "maildir", "quota"
                )[:batch]
            )
            if not rows:
                break
            after = rows[-1][0]
            _measure_batch(rows, pool, base, using, summary)
    stale = MailboxUsage.objects.using(using).filter(measured_at__lt=started)
    if domain is not None:
        address = Cast("mailbox_id", CharField())
        stale = stale.alias(address=address).filter(address__endswith=f"@{domain}")
    summary.removed, _ = stale.delete()
    summary.seconds = time.monotonic() - clock
    return summary


def _measure_batch(rows, pool, base, using, summary: Summary) -> None:
    paths = []
    for address, home, maildir, _quota in rows:
        path = maildir_path(home, maildir, base)
        if path is None:
            summary.skipped.append(address)
        paths.append(path)
    measured = pool.map(lambda p: p and measure.measure(p), paths)
    now = timezone.now()
    usages = []
    for (address, _home, _maildir, quota_string), result in zip(rows, measured, strict=True):
        if result is None:
            continue
        summary.sources[result.source] += 1
        usages.append(
            MailboxUsage(
                mailbox_id=address,
                bytes=result.bytes,
                messages=result.messages,
                source=result.source,
                fill=fill_of(quota_string, result.bytes, result.messages),
                measured_at=now,
            )
        )
    # MariaDB's ON DUPLICATE KEY UPDATE takes no conflict target; SQLite's ON CONFLICT needs one.
    target = (
        ["mailbox"] if connections[using].features.supports_update_conflicts_with_target else None
    )
    MailboxUsage.objects.using(using).bulk_create(
        usages, update_conflicts=True, unique_fields=target, update_fields=UPDATED
    )
    summary.mailboxes += len(usages)
