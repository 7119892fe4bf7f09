"""How full each mailbox is: the panel's own table, written by `mail usage collect`.

The mail servers read nothing here. The collector writes through its own database account
(`mail config grants`), which may write only this table and read the users it measures.
"""

from django.db import models

from domains.models import Mailbox
from mailadmin import quota

WARN_FILL = 900  # per mille: the findings warn from 90 % of the quota
FULL_FILL = 1000
STALE_AFTER = 24 * 3600  # seconds: older usage means the collector is not running


def fill_of(quota_string: str, size: int, messages: int) -> int | None:
    """Per mille of the quota used (the fuller of bytes and messages); None: no quota."""
    max_bytes, max_messages = quota.limits(quota_string)
    fills = [
        used * 1000 // limit
        for used, limit in ((size, max_bytes), (messages, max_messages))
        if limit
    ]
    return max(fills) if fills else None


class MailboxUsage(models.Model):
    """The last measurement of one mailbox (`users.id`); no foreign key on the guide's
    table, so removing a mailbox never waits on this one (the collector drops its row)."""

    mailbox = models.OneToOneField(
        Mailbox,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="usage",
    )
    bytes = models.PositiveBigIntegerField()
    messages = models.PositiveBigIntegerField()
    source = models.CharField(max_length=16)  # usage.measure: maildirsize, walk, missing
    # Per mille of the quota at measurement time (None: no quota), for "most full" from
    # an index; pages recompute the share from the quota as it is now.
    fill = models.PositiveIntegerField(null=True)
    measured_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "mailadmin_mailbox_usage"
        indexes = [models.Index(fields=["fill"], name="mailbox_usage_fill_idx")]

    def __str__(self) -> str:
        return f"{self.mailbox_id}: {self.bytes} bytes, {self.messages} messages"
