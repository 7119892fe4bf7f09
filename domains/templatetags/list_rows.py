"""The rows of the panel's three big tables (domains, mailboxes, aliases), built in Python.

A list page shows fifty rows; written as template tags, includes and `{% url %}`s a row
cost about 200 µs to render (bench/pages.py at 1,000 aliases: 10 ms of a 13 ms page), here
about 20 µs. The tables' frames, headers and empty rows stay in their templates.
"""

from functools import lru_cache
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from aliases.models import AliasKind
from domains.templatetags.mail_tags import (
    delivery,
    fragments,
    human_quota,
    link_maker,
    number_maker,
    state_badge,
    unicode_address,
    unicode_domain,
)
from mailadmin.html import format_html
from usage.templatetags.usage_tags import usage_bar

register = template.Library()


def _join(rows) -> SafeString:
    return mark_safe("".join(rows))  # noqa: S308 - every row is format_html's


def _checkbox(name: str, value: str, shown: str, words: dict) -> SafeString:
    return format_html(
        '<td><input class="form-check-input" type="checkbox" form="bulk" name="{}" '
        'value="{}" aria-label="{}"></td>',
        name,
        value,
        words["Select"] % {"address": shown},
    )


def _actions(views: str, words: dict):
    """The row's Disable/Enable link (to its confirmation) and its Delete link; `views`
    is the URL names' common start ("aliases:", "domains:mailbox_")."""
    disable = link_maker(f"{views}disable_confirm")
    enable = link_maker(f"{views}enable_confirm")
    delete = link_maker(f"{views}delete")

    def actions(enabled: bool, value: str) -> SafeString:
        return format_html(
            '<a class="btn btn-link btn-sm p-0 me-2" href="{}">{}</a>\n'
            '        <a class="btn btn-link btn-sm p-0 text-danger" href="{}">{}</a>',
            disable(value) if enabled else enable(value),
            words["Disable"] if enabled else words["Enable"],
            delete(value),
            words["Delete"],
        )

    return actions


@register.simple_tag
def mailbox_rows(listing, bulk: str = "") -> SafeString:
    words = fragments()
    mailbox_url = link_maker("domains:mailbox")
    actions = _actions("domains:mailbox_", words)

    def row(mailbox) -> SafeString:
        shown = unicode_address(mailbox.address)
        return format_html(
            "<tr>{}"
            '<td class="text-break"><a href="{}">{}</a></td>'
            '<td class="text-break">{}</td>'
            '<td class="text-nowrap">{}</td>'
            "<td>{}</td>"
            '<td class="small">{}</td>'
            "<td>{}</td>"
            '<td class="text-end text-nowrap">{}</td></tr>\n',
            _checkbox(bulk, mailbox.address, shown, words) if bulk else "",
            mailbox_url(mailbox.address),
            shown,
            mailbox.name,
            human_quota(mailbox.quota),
            usage_bar(mailbox, compact=True),
            delivery(mailbox.delivery, words),
            state_badge(mailbox.enabled, words),
            actions(mailbox.enabled, mailbox.address),
        )

    return _join(row(mailbox) for mailbox in listing.rows)


@lru_cache(maxsize=16)
def _alias_words_in(language: str | None) -> dict:
    return {
        "mailbox": format_html(
            '<span class="badge text-bg-light" title="{}">{}</span>',
            _("goes with its mailbox"),
            _("mailbox"),
        ),
        "copy kept": format_html(", {}", _("copy kept")),
        "no local copy": format_html(
            ' <span class="badge text-bg-warning">{}</span>', _("no local copy")
        ),
        "follows": format_html(
            '<span class="small text-muted">{}</span>', _("follows its mailbox")
        ),
        **{kind: str(kind.label) for kind in AliasKind},
    }


def _alias_kind(alias, words: dict) -> SafeString:
    kind = alias.kind
    copy = ""
    if alias.is_mailbox_row and kind == AliasKind.FORWARD:
        copy = words["copy kept"] if alias.mail in alias.destinations else words["no local copy"]
    return format_html(
        "{} {}{}", words["mailbox"] if alias.is_mailbox_row else "", words[kind], copy
    )


@register.simple_tag
def alias_rows(listing, bulk: str = "") -> SafeString:
    words = {**fragments(), **_alias_words_in(get_language())}
    edit = link_maker("aliases:edit")
    actions = _actions("aliases:", words)

    def row(alias) -> SafeString:
        shown = unicode_address(alias.mail)
        return format_html(
            "<tr>{}"
            '<td class="text-break"><a href="{}">{}</a></td>'
            '<td class="text-break">{}</td>'
            "<td>{}</td>"
            "<td>{}</td>"
            '<td class="text-end text-nowrap">{}</td></tr>\n',
            _checkbox(bulk, alias.mail, shown, words) if bulk else "",
            edit(alias.mail),
            shown,
            ", ".join(unicode_address(d) for d in alias.destinations),
            _alias_kind(alias, words),
            state_badge(alias.enabled, words),
            words["follows"] if alias.is_mailbox_row else actions(alias.enabled, alias.mail),
        )

    return _join(row(alias) for alias in listing.rows)


def limit_lines(lines) -> SafeString:
    """A domain's limits against their use (limits.services.report), as a list."""
    over = _("(over the limit)")
    items = format_html_join(
        "",
        '<li class="list-inline-item{}" data-limit="{}">{}{}</li>',
        (
            (
                " text-danger fw-semibold" if line.over else "",
                line.key,
                line.text,
                format_html(" {}", over) if line.over else "",
            )
            for line in lines
        ),
    )
    return format_html('<ul class="list-inline small mb-2">{}</ul>', items)


@register.simple_tag
def domain_rows(listing) -> SafeString:
    words = fragments()
    mailbox_list = reverse("domains:mailbox_list")
    alias_list = reverse("aliases:list")
    detail = link_maker("domains:detail")
    number = number_maker()
    none = format_html('<span class="text-muted small">{}</span>', _("none"))
    invalid = format_html('<span class="badge text-bg-danger">{}</span>', _("invalid name"))

    def row(domain) -> SafeString:
        name = domain.domain
        shown = unicode_domain(name)
        href = detail(name)
        if href:
            title = format_html('<a href="{}">{}</a>', href, shown)
        else:
            title = format_html("{} {}", name, invalid)
        if shown != name:
            title = format_html('{} <small class="text-muted">{}</small>', title, name)
        query = quote(name, safe="/")
        return format_html(
            '<tr><td class="text-break">{}</td>'
            "<td><code>{}</code></td>"
            '<td><a href="{}?domain={}">{}</a></td>'
            '<td><a href="{}?domain={}">{}</a></td>'
            "<td>{}</td>"
            "<td>{}</td></tr>\n",
            title,
            domain.transport,
            mailbox_list,
            query,
            number(domain.mailbox_count),
            alias_list,
            query,
            number(domain.alias_count),
            state_badge(domain.enabled, words),
            limit_lines(domain.limit_lines) if domain.limit_lines else none,
        )

    return _join(row(domain) for domain in listing.rows)


@lru_cache(maxsize=16)
def _audit_words_in(language: str | None) -> dict:
    return {
        "local": format_html(
            '<span class="badge text-bg-light">{}</span>', pgettext("destination", "local")
        ),
        "external": format_html(
            '<span class="badge text-bg-info">{}</span>', pgettext("destination", "external")
        ),
        "inert": format_html(
            '<span class="badge text-bg-warning" title="{}">{}</span>',
            _("its domain is disabled or missing"),
            _("inert"),
        ),
        **{kind: str(kind.label) for kind in AliasKind},
    }


@register.simple_tag
def audit_alias_rows(rows) -> SafeString:
    """The alias audit's rows (audit.alias_queries): each destination marked local or
    external, the alias enabled, disabled or inert."""
    words = {**fragments(), **_audit_words_in(get_language())}
    edit = link_maker("aliases:edit")

    def destinations(alias) -> SafeString:
        return mark_safe(  # noqa: S308 - every part is format_html's
            ", ".join(
                format_html(
                    '<span class="text-nowrap">{} {}</span>',
                    unicode_address(destination),
                    words["local"] if local else words["external"],
                )
                for destination, local in alias.marked
            )
        )

    def row(alias) -> SafeString:
        return format_html(
            '<tr><td class="text-break"><a href="{}">{}</a></td>'
            "<td>{}</td><td>{}</td><td>{}</td>"
            '<td class="text-break">{}</td></tr>\n',
            edit(alias.mail),
            unicode_address(alias.mail),
            destinations(alias),
            words[alias.kind],
            words[alias.state],  # enabled, disabled (fragments) or inert
            unicode_domain(alias.domain_name),
        )

    return _join(row(alias) for alias in rows)
