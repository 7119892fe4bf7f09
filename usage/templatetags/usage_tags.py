"""`{% usage_bar mailbox %}`: how full a mailbox is, against its quota as it is now."""

from datetime import timedelta

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from mailadmin import quota
from usage.models import FULL_FILL, STALE_AFTER, WARN_FILL, fill_of

register = template.Library()


def usage_of(mailbox):
    """The mailbox's usage row (fetched with the list: select_related), or None."""
    try:
        return mailbox.usage
    except ObjectDoesNotExist:
        return None


def _step(fill: int) -> int:
    """The bar's length in 5 % steps, for its CSS class (the CSP forbids style=); a
    mailbox with anything in it never shows an empty bar."""
    step = round(min(fill, FULL_FILL) / 50) * 5
    return max(step, 5) if fill > 0 else 0


@register.inclusion_tag("usage/usage_bar.html")
def usage_bar(mailbox, compact: bool = False) -> dict:
    usage = usage_of(mailbox)
    if usage is None:
        return {"usage": None, "compact": compact}
    fill = fill_of(mailbox.quota, usage.bytes, usage.messages)
    max_bytes, max_messages = quota.limits(mailbox.quota)
    if fill is None:
        state = ""
    elif fill > FULL_FILL:
        state = "over quota"
    elif fill >= WARN_FILL:
        state = "nearly full"
    else:
        state = ""
    return {
        "usage": usage,
        "compact": compact,
        "fill": fill,
        "percent": None if fill is None else fill // 10,
        "step": None if fill is None else _step(fill),
        "size": quota.human_size(usage.bytes),
        "max_size": max_bytes and quota.human_size(max_bytes),
        "max_messages": max_messages,
        "state": state,
        "colour": {"over quota": "bg-danger", "nearly full": "bg-warning"}.get(state, "bg-success"),
        "stale": usage.measured_at < timezone.now() - timedelta(seconds=STALE_AFTER),
    }
