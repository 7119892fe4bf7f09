"""Bulk import and export in the browser: superusers only (a domain admin gets 403)."""

import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import actor_for, superuser_only
from bulk.exporter import export_csv
from bulk.forms import ImportForm
from bulk.importer import import_csv


@superuser_only
def index(request):
    return render(request, "bulk/index.html", {"form": ImportForm()})


@superuser_only
@require_POST
def import_upload(request):
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "bulk/index.html", {"form": form}, status=400)
    upload = form.cleaned_data["file"]
    stream = io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")
    report = import_csv(
        stream,
        actor=actor_for(request),
        source=f"upload {upload.name}"[:128],
        mode=form.cleaned_data["mode"],
        dry_run=form.cleaned_data["dry_run"],
        over_limit=form.cleaned_data["over_limit"],
    )
    status = 200 if report.ok else 503 if report.unavailable else 400
    return render(request, "bulk/result.html", {"report": report}, status=status)


@superuser_only
@require_POST
def export_download(request):
    buffer = io.StringIO()
    export_csv(buffer, actor=actor_for(request), target="download")
    name = f"mailadmin-{timezone.now():%Y%m%d-%H%M%S}.csv"
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"  # password hashes
    return response
