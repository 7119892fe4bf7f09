"""Who may see what: every panel queryset is scoped through these helpers.

A superuser sees everything; a domain admin (a staff account that is not a superuser)
sees the domains assigned to it and their mailboxes and aliases; anyone else sees nothing.
Objects are always fetched through the scoped queryset, so another domain's object is a
404, never a leak.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, QuerySet, Value
from django.db.models.lookups import Exact
from django.http import Http404, HttpRequest

from aliases.models import Alias
from aliases.services import normalize_source
from audit.services import Actor
from domains.models import Domain, Mailbox
from mailadmin.addresses import display_domain, normalize_address, normalize_domain
from mailadmin.client import client_address
from mailadmin.sql import Binary


def is_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def is_superuser(user) -> bool:
    return is_staff(user) and user.is_superuser


def staff_only(view):
    """Anonymous users go to the login page (middleware); other non-staff users get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def superuser_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_superuser(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def require_superuser(user) -> None:
    """For views whose object a domain admin may see but not change (e.g. the domain row)."""
    if not is_superuser(user):
        raise PermissionDenied


def actor_for(request: HttpRequest) -> Actor:
    return Actor(request.user.get_username(), client_address(request))


def domains_for(user) -> QuerySet[Domain]:
    if not is_staff(user):
        return Domain.objects.none()
    if user.is_superuser:
        return Domain.objects.all()
    return Domain.objects.filter(admin_assignments__user=user)


def domain_names_for(user) -> QuerySet | None:
    """A subquery of the domain names the user may see; None for a superuser (all of them)."""
    if is_superuser(user):
        return None
    return domains_for(user).values("domain")


def mailboxes_for(user) -> QuerySet[Mailbox]:
    names = domain_names_for(user)
    return Mailbox.objects.all() if names is None else Mailbox.objects.filter(domain_name__in=names)


def aliases_for(user) -> QuerySet[Alias]:
    names = domain_names_for(user)
    return Alias.objects.all() if names is None else Alias.objects.filter(domain_name__in=names)


def may_use_domain(user, name: str) -> bool:
    return domains_for(user).filter(domain=name).exists()


def get_domain_for_user(user, name: str) -> Domain:
    try:
        name = normalize_domain(name)
    except ValidationError:
        raise Http404("No such domain.") from None
    try:
        return domains_for(user).get(domain=name)
    except Domain.DoesNotExist:
        raise Http404("No such domain.") from None


def get_mailbox_for_user(user, address: str) -> Mailbox:
    queryset = mailboxes_for(user)
    try:
        address = normalize_address(address)
    except ValidationError:
        # A row stored before the address rules (a '/' or quotes in its local part) still
        # has a page, found by its exact bytes only, so staff can see what `mail check` says.
        address = (address or "").strip()
        queryset = queryset.filter(Exact(Binary(F("address")), Binary(Value(address))))
    try:
        return queryset.get(address=address)
    except Mailbox.DoesNotExist:
        raise Http404("No such mailbox.") from None


def get_alias_for_user(user, source: str) -> Alias:
    try:
        source = normalize_source(source)
    except ValidationError:
        raise Http404("No such alias.") from None
    try:
        return aliases_for(user).get(mail=source)
    except Alias.DoesNotExist:
        raise Http404("No such alias.") from None


def domain_choices(user) -> list[tuple[str, str]]:
    """(punycode, Unicode) pairs of the user's domains, for select fields."""
    return [(d.domain, display_domain(d.domain)) for d in domains_for(user).only("pkid", "domain")]
