"""`{% usage_bar mailbox %}`: how full a mailbox is, against its quota as it is now.

Built in Python rather than by an included template: a list page draws fifty of them, and
an inclusion tag's template and context cost about 80 µs each.
"""

from datetime import timedelta
from functools import lru_cache

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from mailadmin import quota
from mailadmin.html import format_html
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


def _state(fill: int | None) -> str:
    if fill is None:
        return ""
    if fill > FULL_FILL:
        return "over"
    return "nearly" if fill >= WARN_FILL else ""


@lru_cache(maxsize=16)
def _words_in(language: str | None) -> dict:
    """The bar's fixed words, translated once per language (a list draws fifty bars)."""
    return {
        "of": _("%(size)s of %(max_size)s"),
        "Usage": _("Usage"),
        "over quota": format_html(' <strong class="text-danger">{}</strong>', _("over quota")),
        "nearly full": format_html(
            ' <strong class="text-warning-emphasis">{}</strong>', _("nearly full")
        ),
        "not measured": format_html('<span class="text-muted small">{}</span>', _("not measured")),
        "measured": _("measured %(age)s ago"),
    }


def _amount(usage, max_bytes, max_messages, compact: bool, words: dict) -> str:
    size = quota.human_size(usage.bytes)
    text = (
        words["of"] % {"size": size, "max_size": quota.human_size(max_bytes)} if max_bytes else size
    )
    if compact and not max_messages:
        return text
    if max_messages:
        messages = ngettext(
            "%(messages)s of %(counter)s message",
            "%(messages)s of %(counter)s messages",
            max_messages,
        ) % {"messages": usage.messages, "counter": max_messages}
    else:
        messages = ngettext("%(counter)s message", "%(counter)s messages", usage.messages) % {
            "counter": usage.messages
        }
    return f"{text}, {messages}"


@register.simple_tag
def usage_bar(mailbox, compact: bool = False) -> SafeString:
    words = _words_in(get_language())
    usage = usage_of(mailbox)
    if usage is None:
        return words["not measured"]
    fill = fill_of(mailbox.quota, usage.bytes, usage.messages)
    max_bytes, max_messages = quota.limits(mailbox.quota)
    state = _state(fill)
    parts = [format_html("{}", _amount(usage, max_bytes, max_messages, compact, words))]
    bar = ""
    if fill is not None:
        percent = fill // 10
        colour = {"over": "bg-danger", "nearly": "bg-warning"}.get(state, "bg-success")
        bar = format_html(
            '<div class="progress size-bar" role="progressbar" aria-label="{}" '
            'aria-valuenow="{}" aria-valuemin="0" aria-valuemax="100">'
            '<div class="progress-bar {} share-{}"></div></div>',
            words["Usage"],
            percent,
            colour,
            _step(fill),
        )
        parts.append(format_html(" ({}%)", percent))
    if state == "over":
        parts.append(words["over quota"])
    elif state == "nearly":
        parts.append(words["nearly full"])
    stale = usage.measured_at < timezone.now() - timedelta(seconds=STALE_AFTER)
    if stale or not compact:
        measured = words["measured"] % {"age": timesince(usage.measured_at)}
        css = "text-danger" if stale else "text-muted"
        parts.append(format_html(' <span class="{}">{}</span>', css, measured))
    return format_html(
        '<div class="usage-bar{}">{}<span class="small">{}</span></div>',
        "" if compact else " mb-1",
        bar,
        mark_safe("".join(parts)),  # noqa: S308 - each part is format_html's
    )
