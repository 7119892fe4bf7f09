"""The panel's API tokens (not read by the mail servers; a table of the panel's own)."""

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A staff user's bearer token. Only the SHA-256 of the secret is stored; `prefix`, the
    secret's public start, finds the row without scanning (api.tokens)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    read_only = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(null=True, blank=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "mailadmin_api_tokens"
        ordering = ["user_id", "-created", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"
