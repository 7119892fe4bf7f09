"""Optional TOTP two-factor authentication for staff (django-otp).

A staff account with a confirmed authenticator logs in in two steps: username and password
(Django's login view, throttled by django-axes), then a six-digit code at /2fa/verify/.
Until the code is given the session is logged in but *unverified*, and
`TwoFactorMiddleware` opens nothing but the code page and the logout for it. With
MAILADMIN_REQUIRE_2FA_FOR_SUPERUSERS on, a superuser without an authenticator is sent to
the enrolment page (/2fa/) instead, and can use nothing else until they enrolled.

Whether a login still owes a code is decided once, when it happens (`user_logged_in`), and
kept in the session, so ordinary page views cost no query. Recovery for a lost phone:
`python manage.py mail admin reset-2fa USER` (README, "Staff accounts").
"""

from base64 import b32encode
from binascii import unhexlify
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from accounts.access import is_staff
from audit.services import Actor, record

SESSION_STEP_KEY = "mailadmin_2fa"  # what the login still owes: VERIFY or ENROL
SESSION_NEW_KEY = "mailadmin_2fa_new_key"  # the secret being enrolled (hex)
VERIFY = "verify"
ENROL = "enrol"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def required_step(user) -> str | None:
    """VERIFY when the account has an authenticator; ENROL when it must get one; else None."""
    if not is_staff(user):
        return None
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return VERIFY
    if user.is_superuser and settings.MAILADMIN_REQUIRE_2FA_FOR_SUPERUSERS:
        return ENROL
    return None


@receiver(user_logged_in, dispatch_uid="mailadmin-2fa-step")
def _remember_step(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    step = required_step(user)
    if step:
        session[SESSION_STEP_KEY] = step
    else:
        session.pop(SESSION_STEP_KEY, None)


def pending_step(request: HttpRequest) -> str | None:
    """The step this staff session still owes before any page opens, or None."""
    user = request.user
    if not is_staff(user) or user.is_verified():
        return None
    step = request.session.get(SESSION_STEP_KEY)
    if step is None and user.is_superuser and settings.MAILADMIN_REQUIRE_2FA_FOR_SUPERUSERS:
        # Logged in before the setting was switched on.
        step = required_step(user)
    return step


class TwoFactorMiddleware:
    """Holds an unverified staff session at the code page (or the enrolment page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        step = pending_step(request)
        if step is not None:
            allowed = {reverse("logout"), reverse("twofactor:verify"), reverse("twofactor:setup")}
            target = reverse("twofactor:verify" if step == VERIFY else "twofactor:setup")
            if request.path not in allowed:
                next_url = request.get_full_path() if request.method == "GET" else "/"
                return redirect(f"{target}?next={quote(next_url)}")
        return self.get_response(request)


# --- enrolment -------------------------------------------------------------------------


def enrolment_key(request: HttpRequest) -> str:
    """The secret offered to this session for enrolment (kept until it is confirmed)."""
    key = request.session.get(SESSION_NEW_KEY)
    if not key:
        key = default_key()
        request.session[SESSION_NEW_KEY] = key
    return key


def otpauth_uri(user, key: str) -> str:
    return TOTPDevice(user=user, key=key).config_url


def qr_data_uri(uri: str) -> str:
    """An SVG QR code of `uri` as a data: URI (img-src allows data:, no outside service)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def base32_secret(key: str) -> str:
    """The secret for typing into an app by hand, in groups of four."""
    text = b32encode(unhexlify(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _token_matches(key: str, token: str) -> bool:
    try:
        value = int(token)
    except ValueError:
        return False
    return TOTP(unhexlify(key)).verify(value, tolerance=1)


@transaction.atomic
def confirm_enrolment(user, key: str, token: str, *, actor: Actor) -> TOTPDevice | None:
    """The new confirmed device when `token` fits `key`, else None (nothing written)."""
    if not _token_matches(key, token):
        return None
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="authenticator", key=key, confirmed=True)
    record(actor, "2fa", "admin", user.get_username(), message="two-factor login enabled")
    return device


@transaction.atomic
def remove_devices(user, *, actor: Actor, message: str) -> int:
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    record(actor, "2fa", "admin", user.get_username(), message=message)
    return removed
