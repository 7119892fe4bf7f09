"""Search, sort and pagination for the panel's list pages, in a constant number of queries."""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from accounts.access import domain_filter
from aliases.models import Alias
from aliases.services import MailboxDelivery
from mailadmin.pagination import BoundedPaginator

PAGE_SIZE = 50
MAILBOX_SORTS = {
    "address": "address",
    "name": "name",
    "quota": "quota",
    "enabled": "enabled",
    # How full at the last measurement (usage.models): `-usage` is "most full" first. The
    # tie-break is the usage row's own key, so that MariaDB reads the order off its index.
    "usage": ("usage__fill", "usage__mailbox_id"),
}
ALIAS_SORTS = {"mail": "mail", "destination": "destination", "enabled": "enabled"}
# "Most full first" is a triage list: its count joins each usage row to its mailbox (10,000
# key lookups, 25 ms at full size), so it offers the first thousand.
SORT_BOUNDS = {"usage": 1_000}


def measured_when_sorted_by_usage(request: HttpRequest, queryset: QuerySet, prefix: str = ""):
    """Sorted by usage, a list shows the measured mailboxes only: the join is then an inner
    one, and MariaDB reads the usage table in the order of its index (a full scan of users
    and a sort otherwise: over a second at 200,000 mailboxes)."""
    if request.GET.get(prefix + "sort", "").removeprefix("-") == "usage":
        return queryset.filter(usage__isnull=False)
    return queryset


def count_in_domain(model) -> Coalesce:
    rows = (
        model.objects.filter(domain_name=OuterRef("domain"))
        .order_by()
        .values("domain_name")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_delivery(mailboxes):
    """Mailboxes with their own alias row's destination (`own_destination`, None without a
    row): one subquery in the list's own query, read by `mark_delivery`."""
    own = Alias.objects.filter(mail=OuterRef("address")).values("destination")[:1]
    return mailboxes.annotate(own_destination=Subquery(own))


def mark_delivery(listing: "Listing") -> None:
    """Give each listed mailbox of a `with_delivery` queryset its `delivery`
    (MailboxDelivery). The page's rows are read here once; the template reuses them."""
    for mailbox in listing.rows:
        mailbox.delivery = MailboxDelivery.of(mailbox.address, mailbox.own_destination)


def filter_state(request, queryset):
    state = request.GET.get("state")
    if state == "enabled":
        return queryset.filter(enabled=True)
    if state == "disabled":
        return queryset.filter(enabled=False)
    return queryset


def filter_domain(request, queryset):
    """`?domain=` on a list: one of the user's domains, else a 404 (`domain_filter`, as on
    every list); an index range on domain_name, never a LIKE on the address."""
    name = domain_filter(request.user, request.GET.get("domain", ""))
    return (queryset.filter(domain_name=name) if name else queryset), name


def _search_terms(text: str) -> list[str]:
    """The search text, plus its punycode form when it holds a Unicode domain (part)."""
    local, at, domain = text.rpartition("@")
    try:
        ascii_domain = (domain if at else text).encode("idna").decode("ascii").lower()
    except UnicodeError:  # not a domain: searched as typed
        return [text]
    converted = f"{local}@{ascii_domain}" if at else ascii_domain
    return [text] if converted == text.lower() else [text, converted]


def search_branches(model, fields: list[str], text: str) -> list[Q]:
    """Rows whose `fields` start with the text (or its punycode form), or whose domain does.

    Prefix matches are index ranges (MySQL's collation makes LIKE 'x%' case-insensitive);
    a substring search would scan every row of a million-row table.
    """
    branches = []
    has_domain = any(f.name == "domain_name" for f in model._meta.get_fields())
    for term in _search_terms(text):
        branches += [Q(**{f"{field}__istartswith": term}) for field in fields]
        if has_domain and term.startswith("@"):
            branches.append(Q(domain_name__istartswith=term[1:]))
        elif has_domain and "@" not in term:
            branches.append(Q(domain_name__istartswith=term))
    return branches


def search_matches(queryset: QuerySet, fields: list[str], text: str) -> QuerySet:
    """`queryset` narrowed to the rows a search matches.

    Several prefix ranges OR-ed together make MariaDB merge and sort every matching row id
    (40 ms for 20,000 matches); so each range is first probed (one index lookup each) and
    only those that match anything are kept: usually one, read straight off its index.
    """
    matching = [
        b for b in search_branches(queryset.model, fields, text) if queryset.filter(b).exists()
    ]
    if not matching:
        return queryset.none()
    condition = Q()
    for branch in matching:
        condition |= branch
    return queryset.filter(condition)


@dataclass
class Listing:
    page: Page
    q: str
    sort: str
    prefix: str

    @property
    def rows(self):
        return self.page.object_list


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    search: list[str],
    sorts: dict[str, str],
    default_sort: str,
    prefix: str = "",
    page_size: int = PAGE_SIZE,
) -> Listing:
    """`?q=` searches the `search` fields, `?sort=` one of `sorts` (`-` for descending).

    Counting stops at BoundedPaginator's bound, so a list of a million rows costs what a
    list of ten thousand does.
    """
    q = request.GET.get(prefix + "q", "").strip()[:200]
    if q:
        queryset = search_matches(queryset, search, q)
    sort = request.GET.get(prefix + "sort", default_sort)
    field = sorts.get(sort.removeprefix("-"))
    if field is None:
        sort, field = default_sort, sorts[default_sort.removeprefix("-")]
    descending = sort.startswith("-")
    if isinstance(field, tuple):  # the fields, tie-break included
        order = [f"-{f}" if descending else f for f in field]
        queryset = queryset.order_by(*order)
        bound = SORT_BOUNDS.get(sort.removeprefix("-"))
        paginator = BoundedPaginator(queryset, page_size, bound=bound)
        page = paginator.get_page(request.GET.get(prefix + "page"))
        return Listing(page=page, q=q, sort=sort, prefix=prefix)
    order = [f"-{field}" if descending else field]
    try:
        model_field = queryset.model._meta.get_field(field)
        unique = model_field.unique or model_field.primary_key
    except FieldDoesNotExist:  # an annotation
        unique = False
    if not unique:
        # A tie-break on a unique field would stop MariaDB from reading it off the index.
        order.append(queryset.model._meta.pk.name)
    queryset = queryset.order_by(*order)
    page = BoundedPaginator(queryset, page_size).get_page(request.GET.get(prefix + "page"))
    return Listing(page=page, q=q, sort=sort, prefix=prefix)
