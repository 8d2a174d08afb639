"""Exports made by the worker (django-q2) when they are too large to stream while the user
waits (more than `settings.EXPORT_STREAM_ROWS` rows; ADR 0036).

The request stores the job (who, which export, the filter) and queues `run`; the worker reads
the rows again through the same access door *as that user*, writes the file under
`settings.EXPORT_DIR` (in the var directory), and logs it in the access log as one export
row, exactly as a streamed export is logged at request. The page `/exports/<id>/` says it is
being prepared and then links to the file; only its owner is served (404 to anyone else).
Files are removed after `settings.EXPORT_KEEP_HOURS` by `purge_expired` (hourly in the worker,
and before each job).
"""

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import QueryDict
from django.utils.module_loading import import_string

from enablement.core import clock
from enablement.core.exports import csv_lines, write_xlsx
from enablement.core.models import ExportJob

log = logging.getLogger(__name__)


@dataclass
class Source:
    """What an export writes: its file name (without extension), sheet, columns (title,
    width) and rows, each `(person id or None, values)` so the access log names the people."""

    stem: str
    sheet_title: str
    columns: Sequence[tuple[str, int]]
    rows: Callable[[], Iterator[tuple[int | None, Sequence]]]


# Exports that may become jobs: key -> a function (user, QueryDict) -> Source, which raises
# ValueError when the filter is no longer valid for that user.
SOURCES = {"referrals": "enablement.referrals.tracker.export_source"}


def directory() -> Path:
    return Path(settings.EXPORT_DIR)


def file_path(job: ExportJob) -> Path:
    return directory() / job.stored_name


def start(*, user, source: str, fmt: str, path: str, query: str, filename: str, expected: int):
    """Store the job and queue it once the request's transaction has committed."""
    if source not in SOURCES:
        raise ValueError(source)
    job = ExportJob.objects.create(
        user=user,
        source=source,
        format=fmt,
        path=path[:300],
        query=query[:500],
        requested_at=clock.now(),
        filename=filename,
        expected_rows=expected,
    )
    transaction.on_commit(lambda: queue(job.pk))
    return job


def queue(job_id) -> None:
    from django_q.tasks import async_task

    async_task(
        "enablement.core.export_jobs.run",
        str(job_id),
        task_name=f"export {job_id}",
        timeout=settings.EXPORT_JOB_TIMEOUT,
    )


def _write(job: ExportJob, source: Source, out, export) -> None:
    rows = (values for _, values in export.rows(source.rows(), person_of=lambda r: r[0]))
    if job.format == ExportJob.Format.CSV:
        for chunk in csv_lines([title for title, _ in source.columns], rows):
            out.write(chunk)
    else:
        write_xlsx(out, source.sheet_title, source.columns, rows)


def run(job_id: str) -> None:
    """Make one export's file (the worker's task). Safe to run again: a finished job is left
    alone."""
    from enablement.governance import reads
    from enablement.governance.models import AccessLogEntry
    from enablement.governance.services import log_access

    purge_expired()
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.state != ExportJob.State.QUEUED:
        return
    directory().mkdir(parents=True, exist_ok=True)
    final = file_path(job)
    partial = final.with_name(final.name + ".part")
    export = reads.Export()
    try:
        source = import_string(SOURCES[job.source])(job.user, QueryDict(job.query))
        with open(partial, "wb") as out:
            _write(job, source, out, export)
        os.replace(partial, final)
    except Exception:
        log.exception("export %s could not be made", job.pk)
        partial.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, finished_at=clock.now()
        )
        return
    now = clock.now()
    with transaction.atomic():
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.DONE,
            finished_at=now,
            expires_at=now + timedelta(hours=settings.EXPORT_KEEP_HOURS),
            row_count=export.count,
        )
        # The same row a streamed export writes at request: filter, rows and people.
        log_access(
            user=job.user,
            action=AccessLogEntry.Action.EXPORT,
            now=now,
            path=job.path,
            query=job.query,
            row_count=export.count,
            exported_people=sorted(export.people),
        )


def purge_expired() -> int:
    """Remove the files (and jobs) past their time; a failed or never-made job goes after the
    same time."""
    now = clock.now()
    keep = timedelta(hours=settings.EXPORT_KEEP_HOURS)
    expired = (
        ExportJob.objects.filter(expires_at__lt=now)
        | ExportJob.objects.filter(state=ExportJob.State.FAILED, finished_at__lt=now - keep)
        # Never made (the worker was down for all that time): the page stops promising it.
        | ExportJob.objects.filter(state=ExportJob.State.QUEUED, requested_at__lt=now - keep)
    )
    removed = 0
    for job in expired:
        file_path(job).unlink(missing_ok=True)
        job.delete()
        removed += 1
    return removed


def purge_expired_job() -> None:
    """The hourly schedule's entry point."""
    purge_expired()
