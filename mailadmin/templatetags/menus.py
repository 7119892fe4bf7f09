"""The navigation bar's menus, rendered once per language and role.

Every page draws them. As a dozen `{% translate %}` and `{% url %}` tags they cost about a
tenth of a small page (bench/pages.py), yet they depend only on the language, the URL
prefix and the user's role, and translations and URLs are fixed while the process runs.
So each combination is rendered once per process. What differs per request (the CSRF
token, the username) stays out of the cached part.
"""

from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

_USERNAME = "mailadmin-menu-username"  # where the username goes in the cached HTML


@lru_cache(maxsize=128)
def _rendered(
    template_name: str, language: str, prefix: str, urlconf, is_staff: bool, is_superuser: bool
) -> tuple[str, str]:
    html = render_to_string(
        template_name,
        {
            "LANGUAGE_CODE": language,
            "is_staff": is_staff,
            "is_superuser": is_superuser,
            "username": _USERNAME,
        },
    )
    before, _, after = html.partition(_USERNAME)
    return before, after


@register.simple_tag(takes_context=True)
def menu(context, template_name: str) -> SafeString:
    """`template_name` rendered for this request's language and user role (`is_staff`,
    `is_superuser`, `LANGUAGE_CODE`; `username` is the user's, escaped)."""
    user = context.get("user")
    before, after = _rendered(
        template_name,
        get_language(),
        get_script_prefix(),
        get_urlconf(),
        bool(getattr(user, "is_staff", False)),
        bool(getattr(user, "is_superuser", False)),
    )
    if not after:
        return mark_safe(before)  # noqa: S308 - rendered by the template engine
    username = conditional_escape(user.get_username())
    return mark_safe(f"{before}{username}{after}")  # noqa: S308 - escaped above
