"""Bulk enable, disable and delete of mailboxes and aliases from the panel's lists.

One rule for both lists: at most a page of keys per request; the keys are resolved through
the user's scoped queryset (a key outside it means the whole request is refused); the change
runs in one transaction, calling the single-row service per row so each row gets its own
audit entry; a refusal of any row rolls back every row.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aliases import services as alias_services
from audit.services import Actor
from domains import services
from domains.list_filters import PAGE_SIZE

ACTIONS = ("enable", "disable", "delete")
MAX_KEYS = PAGE_SIZE


class OutOfScope(LookupError):
    """A selected key is not among the rows the user may change."""


def selected(keys: list[str], action: str) -> list[str]:
    """The selection, deduplicated in order; refused when empty, too large or unknown."""
    if action not in ACTIONS:
        raise ValidationError(_("Choose enable, disable or delete."), code="bulk_action")
    keys = list(dict.fromkeys(k.strip() for k in keys if k.strip()))
    if not keys:
        raise ValidationError(_("Select at least one row."), code="bulk_empty")
    if len(keys) > MAX_KEYS:
        raise ValidationError(
            _("%(count)s rows selected: at most %(max)s (one page) at a time.")
            % {"count": len(keys), "max": MAX_KEYS},
            code="bulk_too_many",
        )
    return keys


def resolve(queryset, field: str, keys: list[str]) -> list:
    """The rows of `queryset` (the user's scope) whose `field` is one of `keys`, in their
    order; OutOfScope when any key is missing."""
    rows = {getattr(row, field): row for row in queryset.filter(**{f"{field}__in": keys})}
    if len(rows) != len(keys):
        raise OutOfScope(", ".join(k for k in keys if k not in rows))
    return [rows[k] for k in keys]


def _apply(keys: list[str], change) -> None:
    with transaction.atomic():
        refused = []
        for key in keys:
            try:
                change(key)
            except ValidationError as error:
                # Translators: key is a mailbox or alias address, reason why it was refused.
                refused.extend(
                    _("%(key)s: %(reason)s") % {"key": key, "reason": m} for m in error.messages
                )
        if refused:
            raise ValidationError(refused, code="bulk_refused")


def apply_mailboxes(
    addresses: list[str], action: str, *, actor: Actor, over_limit: bool = False
) -> None:
    """Enable, disable or remove every mailbox, all or none; enabling is held to the
    domains' limits (`over_limit`: a superuser who confirmed passing them)."""
    if action == "delete":
        _apply(addresses, lambda a: services.remove_mailbox(a, actor=actor))
    else:
        enabled = action == "enable"
        _apply(
            addresses,
            lambda a: services.set_mailbox_enabled(a, enabled, actor=actor, over_limit=over_limit),
        )


def apply_aliases(
    sources: list[str], action: str, *, actor: Actor, over_limit: bool = False
) -> None:
    """Enable, disable or remove every alias row, all or none (a mailbox's own row refuses);
    enabling is held to the domains' alias limits."""
    if action == "delete":
        _apply(sources, lambda s: alias_services.remove_alias(s, actor=actor))
    else:
        enabled = action == "enable"
        _apply(
            sources,
            lambda s: alias_services.set_alias_enabled(
                s, enabled, actor=actor, over_limit=over_limit
            ),
        )
