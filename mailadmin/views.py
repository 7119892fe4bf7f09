from django.db.models import Count, Q
from django.shortcuts import render

from accounts.access import aliases_for, domain_names_for, domains_for, mailboxes_for, staff_only
from audit.models import AuditEntry

RECENT_CHANGES = 10


def _totals(queryset) -> tuple[int, int]:
    result = queryset.aggregate(total=Count("pk"), disabled=Count("pk", filter=Q(enabled=False)))
    return result["total"], result["disabled"]


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
    counts = [
        ("Domains", "domains:list", *_totals(domains_for(user))),
        ("Mailboxes", "domains:mailbox_list", *_totals(mailboxes_for(user))),
        ("Aliases", "aliases:list", *_totals(aliases_for(user))),
    ]
    context = {"counts": counts, "recent": recent_changes(user)}
    return render(request, "dashboard.html", context)
