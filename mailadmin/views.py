from django.db.models import Count, Q
from django.shortcuts import render

from accounts.decorators import staff_required
from aliases.models import Alias
from domains.models import Domain, Mailbox


def _totals(queryset) -> tuple[int, int]:
    result = queryset.aggregate(total=Count("pk"), disabled=Count("pk", filter=Q(enabled=False)))
    return result["total"], result["disabled"]


@staff_required
def dashboard(request):
    counts = [
        ("Domains", *_totals(Domain.objects.all())),
        ("Mailboxes", *_totals(Mailbox.objects.all())),
        ("Aliases", *_totals(Alias.objects.all())),
    ]
    return render(request, "dashboard.html", {"counts": counts})
