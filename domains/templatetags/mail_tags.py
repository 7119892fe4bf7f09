"""Display helpers for the panel: Unicode domains, human quotas, list links."""

from functools import lru_cache
from urllib.parse import quote

from django import template
from django.http import QueryDict
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html_join
from django.utils.http import RFC3986_SUBDELIMS

from domains.converters import AddressConverter
from mailadmin import quota
from mailadmin.addresses import display_domain

register = template.Library()


@register.filter
def unicode_domain(name: str) -> str:
    return display_domain(name or "")


@register.filter
def unicode_address(address: str) -> str:
    """`jo@xn--bcher-kva.example` → `jo@bücher.example` (also `@domain` sources)."""
    local, at, domain = (address or "").rpartition("@")
    return f"{local}{at}{display_domain(domain)}" if at else address


_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what `reverse` leaves unquoted in a path
_MARK = "mailadmin-link-mark"


@lru_cache(maxsize=256)
def _link_parts(viewname: str, script_prefix: str, urlconf) -> tuple[str, str, bool]:
    """`viewname`'s URL around its one argument, and whether the argument is an address
    segment (domains.converters: quoted once more than a plain `str` segment)."""
    prefix, _, suffix = reverse(viewname, args=[_MARK], urlconf=urlconf).partition(_MARK)
    is_address = "%2525" in reverse(viewname, args=["a%b"], urlconf=urlconf)
    return prefix, suffix, is_address


@register.filter
def link(value: str, viewname: str) -> str:
    """`{{ mailbox.address|link:"domains:mailbox" }}`: the URL `{% url viewname value %}`
    gives, for a view of one argument, in a fraction of its time (a list page links each
    of its fifty rows three times; `reverse` costs some 30 µs a call)."""
    prefix, suffix, is_address = _link_parts(viewname, get_script_prefix(), get_urlconf())
    text = AddressConverter().to_url(value) if is_address else str(value)
    if not text or "/" in text:  # no URL matches: as `{% url ... as href %}`, no link
        return ""
    return prefix + quote(text, safe=_PATH_SAFE) + suffix


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


@register.inclusion_tag("includes/sort_link.html", takes_context=True)
def sort_link(context, listing, key: str, label: str) -> dict:
    """A column header that sorts by `key`, toggling the direction when already sorted."""
    current = listing.sort
    descending = current == f"-{key}"
    target = key if descending or current != key else f"-{key}"
    params: QueryDict = context["request"].GET.copy()
    params[listing.prefix + "sort"] = target
    params.pop(listing.prefix + "page", None)
    arrow = "▲" if current == key else "▼" if descending else ""
    return {"href": f"?{params.urlencode()}", "label": label, "arrow": arrow}


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
