"""Authentication of mailbox owners for self-service, apart from Django's staff auth.

An end user is not a Django user: their identity is a `users` row, checked against
`users.crypt` through `mailadmin.passwords`, and their session carries the address under
its own keys. `request.user` stays anonymous, so every staff page (LoginRequiredMiddleware,
`staff_only`) refuses them, and the staff login never looks at mail passwords.
"""

import time
from collections.abc import Callable
from functools import cache, wraps
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet, Value
from django.db.models.lookups import Exact
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare, get_random_string, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_variables

from audit.services import Actor
from domains import services
from domains.models import Domain, Mailbox
from mailadmin import passwords
from mailadmin.addresses import domain_of, normalize_address
from mailadmin.sql import Binary

SESSION_KEY = "mailbox"
SESSION_HASH_KEY = "mailbox_hash"
SESSION_SEEN_KEY = "mailbox_seen"
_SESSION_KEYS = (SESSION_KEY, SESSION_HASH_KEY, SESSION_SEEN_KEY)

LOCKED_MESSAGE = gettext_lazy(
    "Your postmaster has locked the password of this mailbox: ask them to change it for you."
)
CHANGED_MESSAGE = "password changed by the user"


@cache
def _dummy_hash(rounds: int) -> str:
    return passwords.hash_password(get_random_string(24))


@sensitive_variables()
def verify_dummy(password: str) -> None:
    """Spend what a real check costs, for addresses without a usable hash."""
    passwords.verify_password(password or "-", _dummy_hash(settings.MAILADMIN_CRYPT_ROUNDS))


def _exactly(queryset: QuerySet, field: str, value: str) -> QuerySet:
    """Rows whose `field` is `value` byte for byte.

    `field = value` keeps the index lookup; on MariaDB its collation alone would also match
    rows spelled with capitals, accents, fullwidth or other look-alike letters.
    """
    return queryset.filter(**{field: value}).filter(Exact(Binary(F(field)), Binary(Value(value))))


@sensitive_variables()
def authenticate(address: str, password: str, *, ip: str | None = None) -> Mailbox | None:
    """The mailbox when the address and password let its owner in, else None.

    Unknown address, wrong password, disabled mailbox, disabled or missing domain all give
    None after the same work: two queries and one full-strength hash verification (a dummy
    one when there is no usable hash, an extra one after a legacy hash), so the time taken
    does not tell whether the address exists (README, "Self-service", says what timing
    still shows). The address is looked up exactly as `normalize_address` gives it; text
    that does not normalise names no mailbox.
    A successful login with a legacy hash rewrites it with the strong scheme, unless the
    password is longer than the scheme reads (`passwords.verify_password`).
    """
    try:
        address = normalize_address(address)
    except ValidationError:
        verify_dummy(password)
        return None
    domains = _exactly(Domain.objects.filter(enabled=True), "domain", domain_of(address))
    domain_enabled = domains.exists()
    mailbox = _exactly(Mailbox.objects, "address", address).first()
    if mailbox is None or passwords.scheme_of(mailbox.crypt) is None:
        verify_dummy(password)
        return None
    verification = passwords.verify_password(password, mailbox.crypt)
    if passwords.needs_upgrade(mailbox.crypt):
        # A legacy hash checks faster than the strong one: pay the full cost anyway, so a
        # quick refusal does not mark the address as existing.
        verify_dummy(password)
    if not (verification.correct and mailbox.enabled and domain_enabled):
        return None
    if verification.needs_upgrade:
        services.upgrade_mailbox_hash(mailbox.address, password, actor=Actor(mailbox.address, ip))
        mailbox.refresh_from_db()
    return mailbox


@sensitive_variables()
@transaction.atomic
def change_own_password(address: str, current: str, new: str, *, actor: Actor) -> Mailbox:
    """The owner's own change: honours the postmaster's lock and checks the current password."""
    mailbox = services.get_mailbox(address, for_update=True)
    if not mailbox.change_password:
        raise ValidationError(LOCKED_MESSAGE, code="locked")
    if not passwords.verify_password(current, mailbox.crypt):
        raise ValidationError(_("Your current password is not correct."), code="wrong_password")
    if new == current:
        raise ValidationError(
            _("The new password must differ from the current one."), code="same_password"
        )
    return services.set_mailbox_password(address, new, actor=actor, message=CHANGED_MESSAGE)


# --- the mailbox session ---------------------------------------------------------------


def _session_hash(mailbox: Mailbox) -> str:
    # Changes with the stored hash: a new password ends every other session of the mailbox.
    # The salt is the module's former name, kept so that sessions survive the move.
    return salted_hmac("accounts.mailbox_auth", mailbox.crypt, algorithm="sha256").hexdigest()


def login(request: HttpRequest, mailbox: Mailbox) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = mailbox.address
    request.session[SESSION_HASH_KEY] = _session_hash(mailbox)
    request.session[SESSION_SEEN_KEY] = int(time.time())


def update_session_hash(request: HttpRequest, mailbox: Mailbox) -> None:
    """Keep the current session after its owner changed the password."""
    request.session[SESSION_HASH_KEY] = _session_hash(mailbox)


def logout(request: HttpRequest) -> None:
    """End the mailbox session only; a staff login in the same browser is left alone."""
    for key in _SESSION_KEYS:
        request.session.pop(key, None)
    request.session.cycle_key()


def session_mailbox(request: HttpRequest) -> Mailbox | None:
    """The mailbox logged in on this session, if it is still active and not idle too long."""
    address = request.session.get(SESSION_KEY)
    if not address:
        return None
    seen = request.session.get(SESSION_SEEN_KEY, 0)
    now = int(time.time())
    mailbox = _exactly(Mailbox.objects.filter(enabled=True), "address", address).first()
    if (
        now - seen > settings.MAILADMIN_SELFSERVICE_IDLE_SECONDS
        or mailbox is None
        or not constant_time_compare(
            request.session.get(SESSION_HASH_KEY, ""), _session_hash(mailbox)
        )
        or not Domain.objects.filter(domain=mailbox.domain_name, enabled=True).exists()
    ):
        for key in _SESSION_KEYS:
            request.session.pop(key, None)
        return None
    request.session[SESSION_SEEN_KEY] = now
    return mailbox


def mailbox_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For self-service views: a mailbox session, not a staff login, is what counts."""

    @login_not_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        mailbox = session_mailbox(request)
        if mailbox is None:
            login_url = reverse("selfservice:login")
            return redirect(f"{login_url}?next={quote(request.get_full_path())}")
        request.mailbox = mailbox
        return view(request, *args, **kwargs)

    return wrapper
