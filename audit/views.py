"""Audit pages: alias audit (+ CSV), findings, address tracer, change history (+ CSV).

Read-only except "Run checks now" (a superuser's POST that stores a findings report): every
other view is a GET and fetches through the user's scope (accounts.access), so a domain
admin sees only its domains; a filter naming another domain is a 404. Each page runs a
fixed number of queries whatever the number of rows, and counts at most BOUND matching
rows (mailadmin.pagination), so it stays fast on a million aliases (docs/PERFORMANCE.md).
"""

import datetime
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from accounts.access import (
    aliases_for,
    domain_name_list_for,
    in_domains_of,
    is_superuser,
    require_domain,
    staff_only,
    superuser_only,
)
from audit import alias_queries
from audit.findings.kinds import ERROR, FINDING_KINDS, INFO, WARNING
from audit.findings.store import run_and_save
from audit.forms import AliasAuditForm, FindingsForm, HistoryForm, TraceForm
from audit.live import current_report
from audit.models import AuditEntry, FindingsReport, StoredFinding
from audit.route_diagram import route_svg
from audit.scale import is_large
from domains.list_filters import PAGE_SIZE
from mailadmin.addresses import domain_of, normalize_address
from mailadmin.csvsafe import csv_lines
from mailadmin.pagination import BOUND, BoundedPaginator
from mailstack.sender_report import report as sender_report
from mailstack.tracer import redacted
from mailstack.tracer import trace as run_trace

FINDINGS_PAGE_SIZE = 100
CSV_CHUNK = 2000


def _query(request) -> str:
    """The current filters, without the page number, for pagination and export links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _page(request, items, size: int):
    return BoundedPaginator(items, size).get_page(request.GET.get("page"))


def _csv_response(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- alias audit -------------------------------------------------------------------------
def _search(q: str, *, anywhere: bool) -> Q:
    """Substring search on a small scope; on a large one, index ranges: the start of the
    address, of its domain or of the destination (MySQL's collation ignores case)."""
    if anywhere:
        return Q(mail__icontains=q) | Q(destination__icontains=q)
    return (
        Q(mail__istartswith=q)
        | Q(destination__istartswith=q)
        | Q(domain_name__istartswith=q.lstrip("@"))
    )


def _audited_aliases(request) -> tuple[AliasAuditForm, QuerySet, str, bool]:
    """The filtered aliases, unsorted, with the sort asked for and the search mode."""
    form = AliasAuditForm(request.user, request.GET)
    queryset = aliases_for(request.user)
    domain = form.value("domain")
    if domain:
        queryset = queryset.filter(domain_name=domain)
    if state := form.value("state"):
        queryset = queryset.filter(alias_queries.STATE_Q[state])
    if kind := form.value("kind"):
        queryset = queryset.of_kind(kind)
    queryset = alias_queries.filter_locality(queryset, form.value("locality"))
    anywhere = True
    if q := form.value("q").strip():
        anywhere = bool(domain) or not is_large()
        queryset = queryset.filter(_search(q, anywhere=anywhere))
    return form, queryset, form.value("sort") or "mail", anywhere


def _sorted(queryset: QuerySet, sort: str) -> QuerySet:
    return alias_queries.order(
        queryset, alias_queries.SORTS[sort.lstrip("-")], sort.startswith("-")
    )


@require_GET
@staff_only
def alias_audit(request):
    form, queryset, sort, anywhere = _audited_aliases(request)
    paginator = BoundedPaginator(_sorted(queryset, "mail"), PAGE_SIZE)
    sort_refused = False
    if sort != "mail":
        if (
            alias_queries.SORTS[sort.lstrip("-")] in alias_queries.COMPUTED_SORTS
            and paginator.truncated
        ):
            sort_refused = True  # sorting a computed value would sort every matching row
        else:
            paginator.object_list = _sorted(queryset, sort)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    alias_queries.describe(rows)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": _query(request),
        "sort_refused": sort_refused,
        "prefix_search": not anywhere,
        "bound": BOUND,
    }
    return render(request, "audit/alias_audit.html", context)


@require_GET
@staff_only
def alias_audit_csv(request):
    _, queryset, sort, _ = _audited_aliases(request)
    rows = (
        (a["mail"], a["destination"], a["kind_value"], a["state"], a["locality"], a["domain_name"])
        for a in _sorted(alias_queries.annotate(queryset), sort)
        .values("mail", "destination", "kind_value", "state", "locality", "domain_name")
        .iterator(CSV_CHUNK)
    )
    header = ["mail", "destination", "kind", "state", "destinations", "domain"]
    return _csv_response("aliases.csv", header, rows)


# --- findings ------------------------------------------------------------------------------
class _Summary:
    """Totals of a stored report for what the user may see (the template's `report`)."""

    def __init__(
        self, style: str, errors: int, warnings: int, by_kind: dict[str, int], infos: int = 0
    ):
        self.style, self.errors, self.warnings, self.infos = style, errors, warnings, infos
        self._by_kind = by_kind

    @classmethod
    def of_rows(cls, style: str, counts) -> "_Summary":
        """From (level, kind, n) rows."""
        totals = {ERROR: 0, WARNING: 0, INFO: 0}
        by_kind: dict[str, int] = {}
        for level, kind, n in counts:
            totals[level] = totals.get(level, 0) + n
            by_kind[kind] = by_kind.get(kind, 0) + n
        return cls(style, totals[ERROR], totals[WARNING], by_kind, totals[INFO])

    def by_kind(self) -> dict[str, int]:
        return self._by_kind


def _live_findings(request, form: FindingsForm) -> dict:
    """A small database: the checks as of now, for the user's scope (audit.live)."""
    scope = domain_name_list_for(request.user)
    if domain := form.value("domain"):
        scope = [domain]
    report = current_report(scope)
    shown = [
        f
        for f in report.findings
        if (not form.value("level") or f.level == form.value("level"))
        and (not form.value("kind") or f.kind == form.value("kind"))
    ]
    return {"report": report, "page": _page(request, shown, FINDINGS_PAGE_SIZE)}


def _stored_findings(request, form: FindingsForm) -> dict:
    """A large database: the newest stored report, limited to the user's scope."""
    domain = form.value("domain")
    later = AuditEntry.objects.filter(id__gt=OuterRef("last_entry"))  # changes since the run
    later = in_domains_of(request.user, later, "domain")
    if domain:
        later = later.filter(domain=domain)
    stored = FindingsReport.objects.order_by("-id").annotate(stale=Exists(later)).first()
    if stored is None:
        return {"stored": None, "report": None, "page": _page(request, [], FINDINGS_PAGE_SIZE)}
    rows = in_domains_of(request.user, StoredFinding.objects.filter(report=stored), "domain")
    if domain:
        rows = rows.filter(domain=domain)
    if is_superuser(request.user) and not domain:  # everything: the totals stored with it
        by_kind = dict(stored.by_kind)
        infos = sum(by_kind.values()) - stored.errors - stored.warnings
        report = _Summary(stored.style, stored.errors, stored.warnings, by_kind, infos)
    else:
        counts = rows.order_by().values_list("level", "kind").annotate(n=Count("*"))
        report = _Summary.of_rows(stored.style, counts)
    if level := form.value("level"):
        rows = rows.filter(level=level)
    if kind := form.value("kind"):
        rows = rows.filter(kind=kind)
    return {
        "stored": stored,
        "report": report,
        "stale": stored.stale,
        "page": _page(request, rows.order_by("position"), FINDINGS_PAGE_SIZE),
    }


@require_GET
@staff_only
def findings(request):
    form = FindingsForm(request.user, request.GET)
    large = is_large()
    context = _stored_findings(request, form) if large else _live_findings(request, form)
    report = context["report"]
    counts = []
    if report is not None:
        counts = [
            (kind, gettext(FINDING_KINDS.get(kind, kind)), n)
            for kind, n in sorted(report.by_kind().items())
        ]
    context.update(form=form, counts=counts, query=_query(request), large=large)
    return render(request, "audit/findings.html", context)


@require_POST
@superuser_only
def findings_run(request):
    """Run every check over the whole database now and store the report (a large database
    shows the stored report; `mail check --save` does the same from cron)."""
    report, stored = run_and_save(request.user.get_username())
    seconds = (stored.finished_at - stored.started_at).total_seconds()
    words = {
        "seconds": number_format(seconds, 1),
        "errors": report.errors,
        "warnings": report.warnings,
    }
    messages.success(
        request,
        gettext("Checks run in %(seconds)s s: %(errors)s error(s), %(warnings)s warning(s).")
        % words,
    )
    return redirect("audit:findings")


# --- address tracer ------------------------------------------------------------------------
def _redacted_senders(found, allowed: set[str] | None):
    """A domain admin sees the mailboxes and addresses of its own domains only."""
    if allowed is None:
        return found.owners, found.sends_as

    def visible(grants):
        shown, hidden = [], set()
        for grant in grants:
            if domain_of(grant.address) in allowed:
                shown.append(grant)
            elif domain_of(grant.address) not in hidden:
                hidden.add(domain_of(grant.address))
                shown.append(None)
        return shown

    return visible(found.owners), visible(found.sends_as)


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
        names = domain_name_list_for(request.user)
        allowed = None if names is None else set(names)
        if allowed is not None:
            require_domain(request.user, domain_of(address), names=allowed)
        result = run_trace(address)
        steps, recipients, expansion = redacted(result, allowed)
        # "As which addresses may it send" reads every alias row: only when asked.
        with_sends_as = "sends_as" in request.GET
        sending = sender_report(address, sends_as=with_sends_as)
        owners, sends_as = _redacted_senders(sending, allowed)
        context.update(
            result=result,
            steps=steps,
            recipients=recipients,
            expansion=expansion,
            show_expansion=not result.accepted and bool(expansion),
            route_diagram=route_svg(result.address, steps, recipients),
            sending=sending,
            with_sends_as=with_sends_as,
            sender_owners=owners,
            sends_as=sends_as,
        )
    return render(request, "audit/trace.html", context)


# --- change history ------------------------------------------------------------------------
def _day_start(day: datetime.date) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time.min)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _history(request) -> tuple[HistoryForm, QuerySet]:
    form = HistoryForm(request.user, request.GET)
    queryset = in_domains_of(request.user, AuditEntry.objects.all(), "domain")
    if domain := form.value("domain"):
        queryset = queryset.filter(domain=domain)
    # Prefix matches: index ranges on `actor` and `object_id`.
    if actor := form.value("actor").strip():
        queryset = queryset.filter(actor__istartswith=actor)
    if object_type := form.value("object_type"):
        queryset = queryset.filter(object_type=object_type)
    if object_id := form.value("object_id").strip():
        queryset = queryset.filter(object_id__istartswith=object_id)
    if since := form.value("since"):
        queryset = queryset.filter(at__gte=_day_start(since))
    if until := form.value("until"):
        queryset = queryset.filter(at__lt=_day_start(until + datetime.timedelta(days=1)))
    if form.errors:
        # A filter that was not understood is shown beside the filters, never dropped.
        queryset = queryset.none()
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
    form, queryset = _history(request)
    if form.errors:
        problems = " ".join(message for errors in form.errors.values() for message in errors)
        return HttpResponseBadRequest(problems, content_type="text/plain")

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
