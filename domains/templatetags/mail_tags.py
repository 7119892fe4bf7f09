"""Display helpers for the panel: Unicode domains, human quotas, list links."""

from functools import lru_cache
from html import escape
from urllib.parse import quote

from django import template
from django.http import QueryDict
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.html import format_html_join
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from domains.converters import AddressConverter
from mailadmin import quota
from mailadmin.addresses import display_domain
from mailadmin.html import format_html

register = template.Library()


@register.filter
def unicode_domain(name: str) -> str:
    return display_domain(name or "")


@register.filter
def unicode_address(address: str) -> str:
    """`jo@xn--bcher-kva.example` → `jo@bücher.example` (also `@domain` sources)."""
    local, at, domain = (address or "").rpartition("@")
    return f"{local}{at}{display_domain(domain)}" if at else address


@register.filter
def join_domains(domains) -> str:
    """Domain rows as one "example.org, bücher.example" to put into a translated sentence."""
    return ", ".join(unicode_domain(d.domain) for d in domains or ())


@register.filter
def unicode_addresses(addresses) -> str:
    """A list of addresses as one "a@x.org, b@y.org" to put into a translated sentence."""
    return ", ".join(unicode_address(a) for a in addresses or ())


_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what `reverse` leaves unquoted in a path
_MARK = "mailadmin-link-mark"


@lru_cache(maxsize=256)
def _link_parts(viewname: str, script_prefix: str, urlconf) -> tuple[str, str, bool]:
    """`viewname`'s URL around its one argument, and whether the argument is an address
    segment (domains.converters: quoted once more than a plain `str` segment)."""
    prefix, _, suffix = reverse(viewname, args=[_MARK], urlconf=urlconf).partition(_MARK)
    is_address = "%2525" in reverse(viewname, args=["a%b"], urlconf=urlconf)
    return prefix, suffix, is_address


def link_maker(viewname: str):
    """`link` for many values of one view: the URL's parts looked up once."""
    prefix, suffix, is_address = _link_parts(viewname, get_script_prefix(), get_urlconf())
    to_url = AddressConverter().to_url if is_address else str

    def make(value: str) -> str:
        text = to_url(value)
        if not text or "/" in text:  # no URL matches: as `{% url ... as href %}`, no link
            return ""
        return prefix + quote(text, safe=_PATH_SAFE) + suffix

    return make


def number_maker():
    """`localize` for the many counts of one table: the language and its separators looked
    up once (`localize` asks for the active language on each call, some 5 µs)."""
    language = get_language()
    decimal = get_format("DECIMAL_SEPARATOR", language)
    grouping = get_format("NUMBER_GROUPING", language)
    thousands = get_format("THOUSAND_SEPARATOR", language)

    def make(number: int) -> str:
        return numberformat.format(number, decimal, None, grouping, thousands, use_l10n=True)

    return make


@register.filter
def link(value: str, viewname: str) -> str:
    """`{{ mailbox.address|link:"domains:mailbox" }}`: the URL `{% url viewname value %}`
    gives, for a view of one argument, in a fraction of its time (a list page links each
    of its fifty rows three times; `reverse` costs some 30 µs a call)."""
    return link_maker(viewname)(value)


@lru_cache(maxsize=16)
def _fragments_in(language: str | None) -> dict:
    """The words and badges every row repeats, translated once per language (gettext costs
    some 4 µs a call, and a list of fifty rows would ask for them hundreds of times)."""
    warning = '<span class="badge text-bg-warning">{}</span>'
    return {
        "enabled": format_html('<span class="badge text-bg-success">{}</span>', _("enabled")),
        "disabled": format_html('<span class="badge text-bg-secondary">{}</span>', _("disabled")),
        "its mailbox": format_html('<span class="text-muted">{}</span>', _("its mailbox")),
        "receives nothing": format_html(warning, _("receives nothing")),
        "forwarded, copy kept": _("forwarded to %(targets)s, copy kept"),
        # Translators: keep the <span> around the words that say no copy stays here.
        "forwarded, no copy": _(
            'forwarded to %(targets)s, <span class="badge text-bg-warning">no local copy</span>'
        ),
        "Disable": _("Disable"),
        "Enable": _("Enable"),
        "Delete": _("Delete"),
        "Select": _("Select %(address)s"),
    }


def fragments() -> dict:
    return _fragments_in(get_language())


@register.simple_tag
def state_badge(enabled: bool, words: dict | None = None) -> SafeString:
    """Enabled or disabled, as a badge: a tag, not an included template (one per row)."""
    return (words or fragments())["enabled" if enabled else "disabled"]


@register.simple_tag
def delivery(delivery, words: dict | None = None) -> SafeString:
    """Where a mailbox's mail goes (aliases.services.MailboxDelivery), in words."""
    words = words or fragments()
    if delivery.forwarded:
        targets = escape(", ".join(unicode_address(t) for t in delivery.targets))
        sentence = words["forwarded, copy kept" if delivery.keeps_copy else "forwarded, no copy"]
        return SafeString(sentence % {"targets": targets})
    return words["its mailbox"] if delivery.keeps_copy else words["receives nothing"]


@register.filter
def human_quota(value: str) -> str:
    return quota.humanize(value or "")


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current query string with some parameters replaced (None removes one)."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_link(context, listing, key: str, label: str) -> SafeString:
    """A column header that sorts by `key`, toggling the direction when already sorted."""
    current = listing.sort
    descending = current == f"-{key}"
    target = key if descending or current != key else f"-{key}"
    params: QueryDict = context["request"].GET.copy()
    params[listing.prefix + "sort"] = target
    params.pop(listing.prefix + "page", None)
    arrow = " ▲" if current == key else " ▼" if descending else ""
    return format_html(
        '<a class="link-dark text-decoration-none" href="?{}">{}{}</a>',
        params.urlencode(),
        label,
        arrow,
    )


@register.simple_tag(takes_context=True)
def query_page(context, prefix: str, number: int) -> str:
    params: QueryDict = context["request"].GET.copy()
    params[prefix + "page"] = number
    return f"?{params.urlencode()}"


@register.simple_tag(takes_context=True)
def hidden_params(context, prefix: str) -> str:
    """The other query parameters, as hidden inputs, so a search keeps filters and lists."""
    params: QueryDict = context["request"].GET
    skip = {prefix + "q", prefix + "page"}
    return format_html_join(
        "",
        '<input type="hidden" name="{}" value="{}">',
        ((k, v) for k, values in params.lists() if k not in skip for v in values),
    )
