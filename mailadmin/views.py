from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_ratelimit.exceptions import Ratelimited

from accounts.access import (
    aliases_for,
    domain_names_for,
    domains_for,
    is_staff,
    mailboxes_for,
    staff_only,
)
from audit.models import AuditEntry
from mailadmin.pagination import BOUND, table_counts
from selfservice.auth import SESSION_KEY as MAILBOX_SESSION_KEY

RECENT_CHANGES = 10
LARGEST_DOMAINS = 8


@dataclass(frozen=True)
class Tally:
    label: str
    url_name: str
    total: int
    disabled: int
    estimated: bool = False

    @property
    def disabled_truncated(self) -> bool:
        """Only the first BOUND disabled rows of a large table are counted."""
        return self.estimated and self.disabled > BOUND

    @property
    def enabled(self) -> int:
        return max(self.total - self.disabled, 0)

    @property
    def disabled_step(self) -> int:
        """The disabled share in 5 % steps, for the bar's CSS class (the CSP forbids style=);
        a non-zero share never rounds down to an empty bar."""
        if self.total <= 0 or self.disabled <= 0:
            return 0
        step = round(20 * min(self.disabled, self.total) / self.total) * 5
        return max(step, 5)


def _tallies(user) -> list[Tally]:
    """Totals and disabled rows of the user's domains, mailboxes and aliases; a superuser's
    are whole tables, whose totals are the server's estimates when large."""
    tables = [
        (_("Domains"), "domains:list", domains_for(user)),
        (_("Mailboxes"), "domains:mailbox_list", mailboxes_for(user)),
        (_("Aliases"), "aliases:list", aliases_for(user)),
    ]
    if domain_names_for(user) is None:
        counted = table_counts(*(queryset for label, url, queryset in tables))
        return [
            Tally(label, url, *count)
            for (label, url, queryset), count in zip(tables, counted, strict=True)
        ]
    tallies = []
    for label, url, queryset in tables:
        result = queryset.aggregate(
            total=Count("pk"), disabled=Count("pk", filter=Q(enabled=False))
        )
        tallies.append(Tally(label, url, result["total"], result["disabled"]))
    return tallies


@dataclass(frozen=True)
class DomainSize:
    domain: str
    mailboxes: int
    aliases: int
    step: int  # the bar's length in 5 % steps of the largest domain's mailboxes


def largest_domains(user, mailboxes: Tally) -> list[DomainSize]:
    """The user's domains with the most mailboxes, at most LARGEST_DOMAINS, in two queries.

    The mailboxes are grouped on the (domain_name, address) index only while the table is
    counted exactly (fewer than EXACT_BELOW rows); past that the dashboard links to the
    domain list sorted by size instead. The aliases are counted for those few domains
    only, each an index range on (domain_name, mail), never over the whole aliases table.
    """
    if mailboxes.estimated or not mailboxes.total:
        return []
    top = list(
        mailboxes_for(user)
        .values("domain_name")
        .annotate(n=Count("*"))
        .order_by("-n", "domain_name")[:LARGEST_DOMAINS]
    )
    names = [row["domain_name"] for row in top]
    aliases = dict(
        aliases_for(user)
        .filter(domain_name__in=names)
        .order_by()
        .values("domain_name")
        .annotate(n=Count("*"))
        .values_list("domain_name", "n")
    )
    largest = top[0]["n"] if top else 0
    return [
        DomainSize(
            row["domain_name"],
            row["n"],
            aliases.get(row["domain_name"], 0),
            max(round(20 * row["n"] / largest) * 5, 5),
        )
        for row in top
    ]


def recent_changes(user):
    """The latest audit entries of what the user may see (domain admins: their domains)."""
    entries = AuditEntry.objects.all()
    names = domain_names_for(user)
    if names is not None:
        entries = entries.filter(domain__in=names)
    return entries[:RECENT_CHANGES]


@staff_only
def dashboard(request):
    user = request.user
    counts = _tallies(user)
    context = {
        "counts": counts,
        "largest": largest_domains(user, counts[1]),
        "recent": recent_changes(user),
        "bound": BOUND,
    }
    return render(request, "dashboard.html", context)


# --- error pages (handler403, handler404 in mailadmin.urls; the 500 and 503 pages are
# mailadmin.errors.server_error's, rendered without the request or the database) ---------


def way_back(request) -> tuple[str | None, list[tuple[str, str]]]:
    """Where an error page leads: (its home, or None, and the (URL, label) links offered):
    the dashboard for staff, the self-service page for a mailbox owner, else the logins."""
    user = getattr(request, "user", None)
    if user is not None and is_staff(user):
        home = reverse("dashboard")
        return home, [(home, _("Back to the dashboard"))]
    session = getattr(request, "session", None)
    if session is not None and session.get(MAILBOX_SESSION_KEY):
        home = reverse("selfservice:account")
        return home, [(home, _("Back to your mailbox"))]
    mailbox_login = (reverse("selfservice:login"), _("Mailbox owners' login"))
    if user is not None and user.is_authenticated:  # not staff: the staff login is no way
        return None, [mailbox_login]
    return None, [(reverse("login"), _("Postmaster login")), mailbox_login]


def error_page(request, template: str, status: int) -> HttpResponse:
    home, links = way_back(request)
    return render(request, template, {"home_url": home, "way_back": links}, status=status)


def permission_denied(request, exception=None) -> HttpResponse:
    """403; a rate limit (django-ratelimit's Ratelimited is a PermissionDenied) is a 429."""
    if isinstance(exception, Ratelimited):
        return too_many_requests(request, exception)
    return error_page(request, "403.html", 403)


def page_not_found(request, exception=None) -> HttpResponse:
    return error_page(request, "404.html", 404)


def too_many_requests(request, exception=None) -> HttpResponse:
    """429, for a view limited with django-ratelimit (also usable as RATELIMIT_VIEW)."""
    return error_page(request, "429.html", 429)
