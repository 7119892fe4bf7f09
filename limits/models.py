"""The panel's own limits of a domain (the guide's tables stay as they are: the mail servers
read nothing here). Empty means unlimited."""

from django.db import models

from domains.models import Domain


class DomainLimits(models.Model):
    """What a domain may hold. Its row is also the lock every creating transaction takes
    (`limits.services.hold`), so two admins racing cannot pass a limit together."""

    domain = models.OneToOneField(
        Domain, on_delete=models.CASCADE, primary_key=True, related_name="limits"
    )
    # Enabled mailboxes, and enabled aliases that are not a mailbox's own row.
    mailboxes = models.PositiveIntegerField(null=True, blank=True)
    aliases = models.PositiveIntegerField(null=True, blank=True)
    # Bytes: the largest quota of one mailbox, and the sum of its mailboxes' quotas.
    max_quota = models.PositiveBigIntegerField(null=True, blank=True)
    total_quota = models.PositiveBigIntegerField(null=True, blank=True)
    # Courier's quota string a new mailbox gets when none is given.
    default_quota = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        db_table = "mailadmin_domain_limits"

    def __str__(self) -> str:
        return str(self.domain_id)

    @property
    def is_empty(self) -> bool:
        return (
            self.mailboxes is None
            and self.aliases is None
            and self.max_quota is None
            and self.total_quota is None
            and not self.default_quota
        )
