"""Audit pages: alias audit (+ CSV), findings, address tracer, change history (+ CSV).

Read-only: every view is a GET and fetches through the user's scope (accounts.access), so a
domain admin sees only its domains; a filter naming another domain is a 404. Each page runs
a fixed number of queries whatever the number of rows.
"""

import datetime
import json

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.access import aliases_for, domains_for, is_superuser, staff_only
from audit import listing
from audit.csvsafe import csv_lines
from audit.findings import KINDS, run_checks
from audit.forms import AliasAuditForm, FindingsForm, HistoryForm, TraceForm
from audit.models import AuditEntry
from domains.models import Domain
from mailadmin.addresses import domain_of, normalize_address
from mailstack.tracer import trace as run_trace

PAGE_SIZE = 50
FINDINGS_PAGE_SIZE = 100
CSV_CHUNK = 2000


def _query(request) -> str:
    """The current filters, without the page number, for pagination and export links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _page(request, items, size: int):
    return Paginator(items, size).get_page(request.GET.get("page"))


def _csv_response(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- alias audit -------------------------------------------------------------------------
def _audited_aliases(request) -> tuple[AliasAuditForm, QuerySet]:
    form = AliasAuditForm(request.user, request.GET)
    queryset = listing.annotate(aliases_for(request.user))
    if domain := form.value("domain"):
        queryset = queryset.filter(domain_name=domain)
    if state := form.value("state"):
        queryset = queryset.filter(listing.STATE_Q[state])
    if kind := form.value("kind"):
        queryset = queryset.filter(listing.KIND_Q[kind])
    queryset = listing.filter_locality(queryset, form.value("locality"))
    if q := form.value("q").strip():
        queryset = queryset.filter(Q(mail__icontains=q) | Q(destination__icontains=q))
    sort = form.value("sort") or "mail"
    field = listing.SORTS[sort.lstrip("-")]
    order = f"-{field}" if sort.startswith("-") else field
    return form, queryset.order_by(order, "pkid")


@require_GET
@staff_only
def alias_audit(request):
    form, queryset = _audited_aliases(request)
    page = _page(request, queryset, PAGE_SIZE)
    rows = list(page.object_list)
    wanted = {domain_of(d) for a in rows for d in a.destinations}
    hosted = set(Domain.objects.filter(domain__in=wanted).values_list("domain", flat=True))
    for alias in rows:
        alias.marked = [(d, domain_of(d) in hosted) for d in alias.destinations]
    return render(
        request,
        "audit/alias_audit.html",
        {"form": form, "page": page, "rows": rows, "query": _query(request)},
    )


@require_GET
@staff_only
def alias_audit_csv(request):
    _, queryset = _audited_aliases(request)
    rows = (
        (a["mail"], a["destination"], a["kind_value"], a["state"], a["locality"], a["domain_name"])
        for a in queryset.values(
            "mail", "destination", "kind_value", "state", "locality", "domain_name"
        ).iterator(CSV_CHUNK)
    )
    header = ["mail", "destination", "kind", "state", "destinations", "domain"]
    return _csv_response("aliases.csv", header, rows)


# --- findings ------------------------------------------------------------------------------
@require_GET
@staff_only
def findings(request):
    form = FindingsForm(request.user, request.GET)
    scope = None if is_superuser(request.user) else form.allowed_domains
    if domain := form.value("domain"):
        scope = [domain]
    report = run_checks(scope)
    shown = [
        f
        for f in report.findings
        if (not form.value("level") or f.level == form.value("level"))
        and (not form.value("kind") or f.kind == form.value("kind"))
    ]
    counts = [(kind, KINDS[kind], n) for kind, n in sorted(report.by_kind().items())]
    return render(
        request,
        "audit/findings.html",
        {
            "form": form,
            "report": report,
            "page": _page(request, shown, FINDINGS_PAGE_SIZE),
            "counts": counts,
            "query": _query(request),
        },
    )


# --- address tracer ------------------------------------------------------------------------
def _redacted(result, allowed: set[str] | None):
    """A domain admin sees the steps and recipients of its own domains only."""
    if allowed is None:
        return result.steps, result.recipients, result.expansion
    steps, hidden = [], set()
    for step in result.steps:
        name = domain_of(step.address) or step.address.lstrip("@")
        if name in allowed:
            steps.append(step)
        elif name not in hidden:
            hidden.add(name)
            steps.append(None)

    def visible(recipients):
        return [
            r if domain_of(r.address) in allowed else _Hidden(domain_of(r.address), r.outcome)
            for r in recipients
        ]

    return steps, visible(result.recipients), visible(result.expansion)


class _Hidden:
    """A final recipient in a domain the admin does not administer: outcome only."""

    maildir = None

    def __init__(self, domain: str, outcome: str):
        self.address = f"(an address in {domain})"
        self.outcome = outcome
        self.text = "in a domain you do not administer"


@require_GET
@staff_only
def trace(request):
    form = TraceForm(request.GET or None)
    context = {"form": form}
    if form.is_valid():
        try:
            address = normalize_address(form.cleaned_data["address"])
        except ValidationError as exc:
            form.add_error("address", exc)
            return render(request, "audit/trace.html", context)
        allowed = None
        if not is_superuser(request.user):
            allowed = set(domains_for(request.user).values_list("domain", flat=True))
            if domain_of(address) not in allowed:
                raise Http404("No such domain.")
        result = run_trace(address)
        steps, recipients, expansion = _redacted(result, allowed)
        context.update(
            result=result,
            steps=steps,
            recipients=recipients,
            expansion=expansion,
            show_expansion=not result.accepted and bool(expansion),
        )
    return render(request, "audit/trace.html", context)


# --- change history ------------------------------------------------------------------------
def _day_start(day: datetime.date) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time.min)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _history(request) -> tuple[HistoryForm, QuerySet]:
    form = HistoryForm(request.user, request.GET)
    queryset = AuditEntry.objects.all()
    if not is_superuser(request.user):
        queryset = queryset.filter(domain__in=sorted(form.allowed_domains))
    if domain := form.value("domain"):
        queryset = queryset.filter(domain=domain)
    if actor := form.value("actor").strip():
        queryset = queryset.filter(actor__icontains=actor)
    if object_type := form.value("object_type"):
        queryset = queryset.filter(object_type=object_type)
    if object_id := form.value("object_id").strip():
        queryset = queryset.filter(object_id__icontains=object_id)
    if since := form.value("since"):
        queryset = queryset.filter(at__gte=_day_start(since))
    if until := form.value("until"):
        queryset = queryset.filter(at__lt=_day_start(until + datetime.timedelta(days=1)))
    return form, queryset.order_by("-at", "-id")


def changes(entry: AuditEntry) -> list[tuple[str, object, object]]:
    """(field, before, after) for the fields an entry changed (all of them on create/remove)."""
    before, after = entry.before or {}, entry.after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [("value", entry.before, entry.after)]
    keys = list(dict.fromkeys([*before, *after]))
    both = bool(before) and bool(after)
    return [
        (k, before.get(k), after.get(k)) for k in keys if not both or before.get(k) != after.get(k)
    ]


@require_GET
@staff_only
def history(request):
    form, queryset = _history(request)
    page = _page(request, queryset, PAGE_SIZE)
    rows = [(entry, changes(entry)) for entry in page.object_list]
    return render(
        request,
        "audit/history.html",
        {"form": form, "page": page, "rows": rows, "query": _query(request)},
    )


@require_GET
@staff_only
def history_csv(request):
    _, queryset = _history(request)

    def dump(value) -> str:
        return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    rows = (
        (
            e.at.isoformat(),
            e.actor,
            e.ip or "",
            e.action,
            e.object_type,
            e.object_id,
            e.domain,
            dump(e.before),
            dump(e.after),
            e.message,
        )
        for e in queryset.iterator(CSV_CHUNK)
    )
    header = ["at", "actor", "ip", "action", "object_type", "object", "domain"]
    header += ["before", "after", "message"]
    return _csv_response("history.csv", header, rows)
