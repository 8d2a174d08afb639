"""The page of an export the worker is making, and its download: its owner's alone (a 404
to anyone else, as for a record they may not see)."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from enablement.core import clock, export_jobs
from enablement.core.exports import CSV_TYPE, XLSX_TYPE
from enablement.core.models import ExportJob


def _own_job(request, pk) -> ExportJob:
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(ExportJob, pk=pk, user=request.user)


def job(request, pk):
    found = _own_job(request, pk)
    return render(request, "core/export_job.html", {"job": found, "State": ExportJob.State})


def download(request, pk):
    found = _own_job(request, pk)
    path = export_jobs.file_path(found)
    expired = found.expires_at is None or found.expires_at <= clock.now()
    if found.state != ExportJob.State.DONE or expired or not path.exists():
        raise Http404
    content_type = CSV_TYPE if found.format == ExportJob.Format.CSV else XLSX_TYPE
    return FileResponse(
        open(path, "rb"),
        as_attachment=True,
        filename=found.filename,
        content_type=content_type,
    )
