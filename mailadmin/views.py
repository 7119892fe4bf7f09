from dataclasses import dataclass

from django.db.models import Count, Q
from django.shortcuts import render

from accounts.access import aliases_for, domain_names_for, domains_for, mailboxes_for, staff_only
from audit.models import AuditEntry
from mailadmin.pagination import table_count

RECENT_CHANGES = 10


@dataclass(frozen=True)
class Tally:
    label: str
    url_name: str
    total: int
    disabled: int
    estimated: bool = False


def _tally(label: str, url_name: str, queryset, *, whole_table: bool) -> Tally:
    """Totals and disabled rows; a whole large table's total is the server's estimate."""
    if whole_table:
        return Tally(label, url_name, *table_count(queryset))
    result = queryset.aggregate(total=Count("pk"), disabled=Count("pk", filter=Q(enabled=False)))
    return Tally(label, url_name, result["total"], result["disabled"])


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
    whole = domain_names_for(user) is None
    counts = [
        _tally("Domains", "domains:list", domains_for(user), whole_table=whole),
        _tally("Mailboxes", "domains:mailbox_list", mailboxes_for(user), whole_table=whole),
        _tally("Aliases", "aliases:list", aliases_for(user), whole_table=whole),
    ]
    context = {"counts": counts, "recent": recent_changes(user)}
    return render(request, "dashboard.html", context)
