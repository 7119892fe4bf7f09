"""Request-wide rules that no single view owns: a bound on request bodies, the idle end of
a staff session, and no caching of any page the panel renders."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

STAFF_SEEN_KEY = "mailadmin_staff_seen"
# The last-seen time is rewritten at most this often, not on every request: one session
# write a minute at most, an idle limit accurate to a minute.
SEEN_RESOLUTION = 60


def max_request_bytes(request: HttpRequest) -> int:
    """The largest body this request may have: a staff login's is sized for the bulk
    import upload; anyone else (login pages, self-service) needs a few KB."""
    if request.user.is_authenticated:
        return settings.MAILADMIN_MAX_REQUEST_BYTES
    return settings.MAILADMIN_MAX_ANONYMOUS_REQUEST_BYTES


def _refusal(status: int, message: str) -> HttpResponse:
    body = render_to_string("request_refused.html", {"status": status, "message": message})
    return HttpResponse(body, status=status)


class RequestSizeMiddleware:
    """Refuses an oversized body before anything reads it.

    Placed after the session and authentication middleware, which never read the body
    (it is first read when CSRF checks the POST token, at view time).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH") or ""
        if not length:
            if request.META.get("HTTP_TRANSFER_ENCODING"):
                # Django reads a body only as far as its Content-Length says; one without
                # it would be silently taken as empty.
                return _refusal(411, _("A request body needs a Content-Length header."))
            return self.get_response(request)
        try:
            size = int(length)
        except ValueError:
            size = -1
        if size < 0:
            return _refusal(400, _("The Content-Length header is not a number."))
        limit = max_request_bytes(request)
        if size > limit:
            return _refusal(
                413,
                _(
                    "The request has %(size)s bytes; the limit is %(limit)s. For a larger "
                    "import, split the file, or use `python manage.py mail import` on the server."
                )
                % {"size": size, "limit": limit},
            )
        return self.get_response(request)


class StaffIdleMiddleware:
    """Logs a staff session out after MAILADMIN_STAFF_IDLE_SECONDS without a request, and
    sends it to the login page with a message (a mailbox session has its own limit)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(STAFF_SEEN_KEY)
            if seen is not None and now - seen > settings.MAILADMIN_STAFF_IDLE_SECONDS:
                auth.logout(request)
                messages.info(request, _idle_message(settings.MAILADMIN_STAFF_IDLE_SECONDS))
                if request.path != resolve_url(settings.LOGIN_URL):
                    return redirect_to_login(request.get_full_path())
            elif seen is None or now - seen >= SEEN_RESOLUTION:
                request.session[STAFF_SEEN_KEY] = now
        return self.get_response(request)


def staff_seen_at_login(sender, request, user, **kwargs) -> None:
    """user_logged_in: the idle time counts from the login."""
    session = getattr(request, "session", None)
    if session is not None:
        session[STAFF_SEEN_KEY] = int(time.time())


def _idle_message(seconds: int) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        count = seconds // 3600
        sentence = ngettext(
            "You were logged out after %(count)s hour without activity.",
            "You were logged out after %(count)s hours without activity.",
            count,
        )
    elif seconds >= 60 and seconds % 60 == 0:
        count = seconds // 60
        sentence = ngettext(
            "You were logged out after %(count)s minute without activity.",
            "You were logged out after %(count)s minutes without activity.",
            count,
        )
    else:
        count = seconds
        sentence = ngettext(
            "You were logged out after %(count)s second without activity.",
            "You were logged out after %(count)s seconds without activity.",
            count,
        )
    return sentence % {"count": count}


class NoStoreMiddleware:
    """Every page the panel renders is personal (staff lists, a mailbox's settings, forms
    with a CSRF token): no browser or proxy may keep a copy. Static files are answered by
    WhiteNoise before this runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" in response:
            patch_cache_control(response, no_store=True)
        else:
            add_never_cache_headers(response)
        return response
