"""The findings table's rows, built in Python as the lists' are (domains.templatetags.list_rows):
a page of a hundred findings written as template tags spent half its time on them."""

from functools import lru_cache

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from audit.findings.kinds import ERROR, FINDING_KINDS, INFO, WARNING
from mailadmin.html import format_html

register = template.Library()


@lru_cache(maxsize=16)
def _words_in(language: str | None) -> dict:
    badge = '<span class="badge {}">{}</span>'
    return {
        ERROR: format_html(badge, "text-bg-danger", pgettext("finding level", "error")),
        WARNING: format_html(badge, "text-bg-warning", pgettext("finding level", "warning")),
        INFO: format_html(badge, "text-bg-info", pgettext("finding level", "info")),
        "Fix": _("Fix"),
        "kinds": {kind: _(label) for kind, label in FINDING_KINDS.items()},
    }


@register.simple_tag
def finding_rows(findings) -> SafeString:
    """One row per finding (a live `Finding` or a `StoredFinding`: the same attributes)."""
    words = _words_in(get_language())

    def row(finding) -> SafeString:
        link = finding.link
        return format_html(
            '<tr class="finding-{}" data-kind="{}">'
            "<td>{}</td>"
            '<td class="small">{}</td>'
            '<td class="small text-break" translate="no">{} {}</td>'
            '<td class="text-break">{}</td>'
            "<td>{}</td></tr>\n",
            finding.level,
            finding.kind,
            words.get(finding.level, words[WARNING]),
            words["kinds"].get(finding.kind, finding.kind),
            finding.object_type,
            finding.object_id,
            finding.explanation,
            format_html(
                '<a class="btn btn-sm btn-outline-primary" href="{}">{}</a>', link, words["Fix"]
            )
            if link
            else "",
        )

    return mark_safe("".join(row(finding) for finding in findings))  # noqa: S308 - format_html's
