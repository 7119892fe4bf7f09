"""Who may see what: every panel queryset is scoped through these helpers.

A superuser sees everything; a domain admin (a staff account that is not a superuser)
sees the domains assigned to it and their mailboxes and aliases; anyone else sees nothing.
Objects are always fetched through the scoped queryset, so another domain's object is a
404, never a leak; so is a list page's `?domain=` filter naming another domain
(`domain_filter`).
"""

from collections.abc import Collection
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


def domain_name_list_for(user) -> list[str] | None:
    """The domain names the user may see, fetched; None for a superuser (all of them)."""
    if is_superuser(user):
        return None
    return list(domains_for(user).values_list("domain", flat=True))


def in_domains_of(user, queryset: QuerySet, field: str = "domain_name") -> QuerySet:
    """`queryset` narrowed to rows whose `field` names one of the user's domains."""
    names = domain_names_for(user)
    return queryset if names is None else queryset.filter(**{f"{field}__in": names})


def mailboxes_for(user) -> QuerySet[Mailbox]:
    return in_domains_of(user, Mailbox.objects.all())


def aliases_for(user) -> QuerySet[Alias]:
    return in_domains_of(user, Alias.objects.all())


def may_use_domain(user, name: str) -> bool:
    return domains_for(user).filter(domain=name).exists()


def domain_filter(user, text: str, *, names: Collection[str] | None = None) -> str:
    """A list page's `?domain=` filter: the domain normalised, '' when none is asked for.

    A name that is not a domain, or not one of the user's, is a 404 (for a superuser: a
    domain that does not exist). `names`, when the caller has already fetched all the
    user's domain names, answers without a query.
    """
    text = (text or "").strip()
    if not text:
        return ""
    try:
        name = normalize_domain(text)
    except ValidationError:
        raise Http404("No such domain.") from None
    require_domain(user, name, names=names)
    return name


def require_domain(user, name: str, *, names: Collection[str] | None = None) -> None:
    """A 404 unless the domain `name` (as stored) is one of the user's; see `domain_filter`."""
    allowed = name in names if names is not None else may_use_domain(user, name)
    if not allowed:
        raise Http404("No such domain.")


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


def domain_choices(user, *, at_most: int | None = None) -> list[tuple[str, str]] | None:
    """(punycode, Unicode) pairs of the user's domains, for select fields, in name order.

    With `at_most`: None when the user has more domains than that (a superuser of 20,000
    domains types the name in a text box instead), read with one bounded query.
    """
    names = domains_for(user).order_by("domain").values_list("domain", flat=True)
    if at_most is not None:
        names = list(names[: at_most + 1])
        if len(names) > at_most:
            return None
    return [(name, display_domain(name)) for name in names]
