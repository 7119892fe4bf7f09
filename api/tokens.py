"""API tokens: create, authenticate, revoke; creation and revocation are audited.

A secret reads `mla_<prefix>_<random>`: the prefix (public, unique) finds the row, the
SHA-256 of the whole secret is compared in constant time. Only staff accounts that are
active may hold or use a token; an expired or revoked token never authenticates.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import is_staff
from api.models import ApiToken
from audit.services import Actor, record

SCHEME = "mla"
LAST_USED_EVERY = timedelta(minutes=1)  # last use is written at most once a minute


@dataclass(frozen=True)
class Created:
    token: ApiToken
    secret: str  # shown once, never stored


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def snapshot(token: ApiToken) -> dict:
    return {
        "name": token.name,
        "prefix": token.prefix,
        "user": token.user.get_username(),
        "read_only": token.read_only,
        "expires": token.expires.isoformat() if token.expires else None,
    }


def state(token: ApiToken, now=None) -> str:
    now = now or timezone.now()
    if token.revoked:
        return "revoked"
    if token.expires and token.expires <= now:
        return "expired"
    return "active"


@transaction.atomic
def create(
    user, name: str, *, actor: Actor, read_only: bool = False, expires_days: int | None = None
) -> Created:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError(
            _("A token needs a name of at most %(max)s characters.") % {"max": 100}, code="name"
        )
    if not is_staff(user):
        raise ValidationError(
            _("%(username)s is not an active staff account.") % {"username": user.get_username()},
            code="not_staff",
        )
    if expires_days is not None and not 1 <= expires_days <= 3650:
        raise ValidationError(
            _("A token expires after 1 to %(max)s days.") % {"max": 3650}, code="expires"
        )
    prefix = secrets.token_hex(4)
    secret = f"{SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
    expires = timezone.now() + timedelta(days=expires_days) if expires_days else None
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        secret_hash=_hash(secret),
        read_only=read_only,
        expires=expires,
    )
    record(actor, "create", "api_token", prefix, after=snapshot(token), message=name)
    return Created(token, secret)


def authenticate(secret: str) -> ApiToken | None:
    """The active token of an active staff account this secret belongs to, else None."""
    scheme, _sep, rest = (secret or "").partition("_")
    prefix, _sep, random_part = rest.partition("_")
    if scheme != SCHEME or not prefix or not random_part or len(secret) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(secret)):
        return None
    now = timezone.now()
    if state(token, now) != "active" or not is_staff(token.user):
        return None
    if token.last_used is None or now - token.last_used >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
    return token


def actor_for(token: ApiToken, ip: str | None) -> Actor:
    """Whom the audit log names for a change made with the token."""
    return Actor(f"{token.user.get_username()} via API token {token.name}", ip)


@transaction.atomic
def revoke(token: ApiToken, *, actor: Actor) -> ApiToken:
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked is None:
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
        record(actor, "revoke", "api_token", token.prefix, before=snapshot(token))
    return token


def tokens_of(user):
    return ApiToken.objects.filter(user=user).order_by("-created", "-id")


def get_by_prefix(prefix: str, user=None) -> ApiToken:
    queryset = ApiToken.objects.select_related("user")
    if user is not None:
        queryset = queryset.filter(user=user)
    try:
        return queryset.get(prefix=(prefix or "").strip())
    except ApiToken.DoesNotExist:
        raise ValidationError(
            _("There is no API token %(prefix)s.") % {"prefix": prefix}, code="no_token"
        ) from None
