"""Read endpoints: the address tracer, findings, history, a mailbox's usage.

Each answers from the same code as its panel page, within the token owner's domains. (A
domain's limits and a mailbox's vacation are read and written in api.v1.views.)
"""

from dataclasses import asdict

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from api.v1.pagination import paginate
from audit.live import current_report
from audit.models import AuditEntry, FindingsReport, StoredFinding
from audit.scale import is_large
from mailadmin import quota
from mailadmin.addresses import domain_of, normalize_address
from mailstack.tracer import redacted
from mailstack.tracer import trace as run_trace
from usage.models import MailboxUsage as UsageRow

ADDRESS = OpenApiParameter("address", str, required=True)


def _step(step) -> dict:
    if step is None:
        return {"hidden": True, "text": "a step in a domain you do not administer"}
    return asdict(step)


def _recipient(recipient) -> dict:
    return {
        "address": recipient.address,
        "outcome": recipient.outcome,
        "text": recipient.text,
        "maildir": recipient.maildir,
    }


class Trace(APIView):
    """The route Postfix takes for an address, step by step, and the outcome."""

    @extend_schema(parameters=[ADDRESS], responses=dict)
    def get(self, request):
        address = normalize_address(request.query_params.get("address", ""))
        names = access.domain_name_list_for(request.user)
        allowed = None if names is None else set(names)
        if allowed is not None:
            access.require_domain(request.user, domain_of(address), names=allowed)
        result = run_trace(address)
        steps, recipients, _ = redacted(result, allowed)
        return Response(
            {
                "address": result.address,
                "style": result.style,
                "accepted": result.accepted,
                "smtp_code": result.smtp_code,
                "smtp_text": result.smtp_text,
                "steps": [_step(s) for s in steps],
                "recipients": [_recipient(r) for r in recipients],
                "warnings": result.warnings,
            }
        )


def _entry(entry: AuditEntry) -> dict:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "domain": entry.domain,
        "before": entry.before,
        "after": entry.after,
        "message": entry.message,
    }


class History(APIView):
    """Audit entries of the user's domains, newest first."""

    @extend_schema(
        parameters=[
            OpenApiParameter("domain", str),
            OpenApiParameter("object_type", str),
            OpenApiParameter("cursor", str),
            OpenApiParameter("limit", int),
        ],
        responses=dict,
    )
    def get(self, request):
        queryset = access.in_domains_of(request.user, AuditEntry.objects.all(), "domain")
        if name := access.domain_filter(request.user, request.query_params.get("domain", "")):
            queryset = queryset.filter(domain=name)
        if object_type := request.query_params.get("object_type", ""):
            queryset = queryset.filter(object_type=object_type)
        return paginate(request, queryset, "id", _entry, descending=True, numeric=True)


def _finding(finding) -> dict:
    return {
        "kind": finding.kind,
        "level": finding.level,
        "object_type": finding.object_type,
        "object_id": finding.object_id,
        "domain": finding.domain,
        "message": finding.message,
    }


class Findings(APIView):
    """The integrity findings in the user's domains: as of now on a small database, the
    newest stored report (`mail check --save`) on a large one, as the findings page."""

    @extend_schema(parameters=[OpenApiParameter("domain", str)], responses=dict)
    def get(self, request):
        scope = access.domain_name_list_for(request.user)
        if name := access.domain_filter(request.user, request.query_params.get("domain", "")):
            scope = [name]
        if not is_large():
            report = current_report(scope)
            return Response({"stored": False, "results": [_finding(f) for f in report.findings]})
        stored = FindingsReport.objects.order_by("-id").first()
        rows = StoredFinding.objects.filter(report=stored)
        if scope is not None:
            rows = rows.filter(domain__in=scope)
        return paginate(request, rows, "position", _finding, numeric=True)


class MailboxUsage(APIView):
    """How full a mailbox is, as `mail usage collect` last measured it (None: not yet)."""

    @extend_schema(responses=dict)
    def get(self, request, address):
        mailbox = access.get_mailbox_for_user(request.user, address)
        usage = UsageRow.objects.filter(mailbox_id=mailbox.address).first()
        measured = None
        if usage is not None:
            measured = {
                "bytes": usage.bytes,
                "messages": usage.messages,
                "fill_percent": usage.fill,
                "source": usage.source,
                "measured_at": usage.measured_at.isoformat(),
            }
        shown = quota.as_input(mailbox.quota, exact=True)
        return Response({"address": mailbox.address, "quota": shown, "usage": measured})
