"""The tracker's exports streamed from narrow rows, and the large ones made by the worker
(issue 14 item 3, ADR 0036): the door applies to every row, labels not codes, one access-log
row per file, and a job's file for its owner only."""

import csv
import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from enablement.casework.models import Episode
from enablement.core import export_jobs
from enablement.core.models import ExportJob
from enablement.governance.models import AccessLogEntry
from enablement.referrals import tracker
from enablement.referrals.models import Referral
from enablement.referrals.rules import Status

CSV = "/referrals/export/csv/"
XLSX = "/referrals/export/xlsx/"
EXPORT = AccessLogEntry.Action.EXPORT


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8"))))


def _xlsx(response) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path
    return tmp_path


def test_csv_is_streamed_and_xlsx_sent_from_a_file_with_every_row(demo_episodes, client_for):
    client = client_for("quality_manager")  # sees every referral
    streamed = client.get(CSV, {"sort": "reference"})
    assert isinstance(streamed, StreamingHttpResponse)
    rows = _csv(streamed)
    expected = list(Referral.objects.order_by("reference").values_list("reference", flat=True))
    assert [r["Reference"] for r in rows] == expected
    assert list(rows[0]) == tracker.HEADERS
    sent = client.get(XLSX, {"sort": "reference"})
    assert isinstance(sent, FileResponse)
    table = _xlsx(sent)
    assert list(table[0]) == tracker.HEADERS
    assert [r[0] for r in table[1:]] == expected


def test_rows_carry_labels_not_codes_and_the_worker_by_name(demo_episodes, client_for):
    episode = (
        Episode.objects.filter(status="closed")
        .exclude(closure_reason="")
        .select_related("referral", "worker__user")
        .first()
    )
    assert episode is not None, "the demo has a closed enablement"
    rows = _csv(client_for("quality_manager").get(CSV))
    row = next(r for r in rows if r["Reference"] == episode.referral.reference)
    assert row["Status"] == episode.referral.get_status_display()
    assert row["Enablement"] == episode.get_status_display() != episode.status
    from enablement.catalogue.vocab import ClosureReason

    assert row["Closure reason"] == ClosureReason(episode.closure_reason).label
    assert row["Closure reason"] != episode.closure_reason
    assert row["Allocated to"] == str(episode.worker.user)
    assert row["Person"] == episode.referral.person.full_name
    codes = {s.value for s in Status}
    assert not codes & {r["Status"] for r in rows}


def test_a_row_the_user_may_not_see_never_appears(demo_episodes, client_for, user_for, var_dir):
    from enablement.accounts import access

    west = user_for("worker.west")
    visible = set(access.visible_referrals(west).values_list("reference", flat=True))
    everyone = set(Referral.objects.values_list("reference", flat=True))
    hidden = everyone - visible
    assert visible and hidden
    client = client_for("worker.west")
    for query in ({}, {"sort": "status"}, {"overdue": "on"}):
        assert {r["Reference"] for r in _csv(client.get(CSV, query))} <= visible
        assert {r[0] for r in _xlsx(client.get(XLSX, query))[1:]} <= visible
    # The worker's job reads through the same door, as the user who asked.
    job = export_jobs.start(
        user=west, source="referrals", fmt="csv", path=CSV, query="", filename="r.csv", expected=9
    )
    export_jobs.run(str(job.pk))
    made = {r["Reference"] for r in csv.DictReader(io.StringIO(_file(job).decode()))}
    assert made == visible


def _file(job) -> bytes:
    return export_jobs.file_path(job).read_bytes()


def test_a_streamed_export_is_one_access_log_row_at_request(demo_episodes, client_for):
    client = client_for("admin")
    response = client.get(CSV, {"status": Status.SUBMITTED.value})
    # Written before a byte of the file was sent, so a cut download is still logged.
    [entry] = AccessLogEntry.objects.filter(action=EXPORT)
    rows = _csv(response)
    refs = [r["Reference"] for r in rows]
    assert entry.row_count == len(refs) > 0
    assert entry.query == "status=submitted"
    people = set(Referral.objects.filter(reference__in=refs).values_list("person_id", flat=True))
    assert set(entry.exported_ids()) == people - {None}
    assert not AccessLogEntry.objects.exclude(action=EXPORT).filter(path=CSV).exists()


def test_a_large_export_becomes_a_job_whose_file_only_its_owner_gets(
    demo_episodes, client_for, settings, var_dir, django_capture_on_commit_callbacks
):
    from django_q.models import OrmQ

    settings.EXPORT_STREAM_ROWS = 3
    owner = client_for("quality_manager")
    with django_capture_on_commit_callbacks(execute=True):
        asked = owner.get(XLSX, {"sort": "reference", "page": "2"})
    assert asked.status_code == 302
    job = ExportJob.objects.get()
    assert asked["Location"] == f"/exports/{job.pk}/"
    assert OrmQ.objects.count() == 1  # queued for the worker
    page = owner.get(asked["Location"]).content.decode()
    assert "Your export is being prepared" in page
    assert "/download/" not in page
    assert owner.get(f"/exports/{job.pk}/download/").status_code == 404
    assert not AccessLogEntry.objects.filter(action=EXPORT).exists()  # nothing sent yet

    export_jobs.run(str(job.pk))  # what the worker runs

    page = owner.get(asked["Location"]).content.decode()
    assert "Your export is ready" in page
    link = re.search(r'href="(/exports/[^"]+/download/)"', page).group(1)
    download = owner.get(link)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    table = _xlsx(download)
    expected = list(Referral.objects.order_by("reference").values_list("reference", flat=True))
    assert [r[0] for r in table[1:]] == expected
    # Logged once, at completion, as the streamed export is: filter, rows, people.
    [entry] = AccessLogEntry.objects.filter(action=EXPORT)
    assert entry.row_count == len(expected)
    assert entry.query == "sort=reference&page=2"
    assert entry.path == XLSX
    # Anyone else, even one who sees every referral too, is told it does not exist.
    other = client_for("sysadmin")
    assert other.get(asked["Location"]).status_code == 404
    assert other.get(link).status_code == 404
    assert client_for("provision_manager").get(link).status_code == 404
    # Running it again (a redelivered task) makes no second file or log row.
    export_jobs.run(str(job.pk))
    assert AccessLogEntry.objects.filter(action=EXPORT).count() == 1


def test_the_file_is_removed_after_its_time(demo_episodes, client_for, settings, var_dir):
    settings.EXPORT_STREAM_ROWS = 1
    client = client_for("admin")
    location = client.get(CSV)["Location"]
    job = ExportJob.objects.get()
    export_jobs.run(str(job.pk))
    assert export_jobs.file_path(job).exists()
    link = f"/exports/{job.pk}/download/"
    assert client.get(link).status_code == 200
    job.refresh_from_db()
    assert job.expires_at == job.finished_at + timedelta(hours=settings.EXPORT_KEEP_HOURS)
    # Its time passes (moved back rather than travelling: the session would expire too).
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(link).status_code == 404  # past its time, even before the purge
    assert export_jobs.purge_expired() == 1
    assert not export_jobs.file_path(job).exists()
    assert client.get(location).status_code == 404


def test_the_tracker_offers_a_large_download_instead_of_refusing_it(
    demo_episodes, client_for, settings
):
    settings.EXPORT_STREAM_ROWS = 3
    page = client_for("quality_manager").get("/referrals/").content.decode()
    assert "/referrals/export/csv/" in page
    assert "prepared in the background" in page


def test_an_export_reads_no_model_objects_and_the_same_queries_at_any_size(
    demo_episodes, client_for, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    built = []
    original = Referral.from_db.__func__

    def counting(cls, *args, **kwargs):
        built.append(1)
        return original(cls, *args, **kwargs)

    client = client_for("quality_manager")
    costs = []
    for _ in range(2):
        monkeypatch.setattr(Referral, "from_db", classmethod(counting))
        with CaptureQueriesContext(connection) as queries:
            rows = _csv(client.get(CSV))  # the stream read inside the context
        monkeypatch.undo()
        costs.append((len(rows), len(queries)))
        for n in range(40):  # more rows: copies of a referral, under new references
            copy = Referral.objects.order_by("pk").first()
            copy.pk, copy.reference = None, f"X-{len(costs)}-{n:04d}"
            copy._state.adding = True
            copy.save()
    assert not built, "an export builds no Referral objects"
    (before, first), (after, second) = costs
    assert after == before + 40
    assert first == second


def test_a_job_whose_filter_no_longer_holds_fails_without_a_file_or_log_row(
    demo_episodes, client_for, user_for, var_dir
):
    # Asked with a team the user could see then; by the time the worker runs, they cannot.
    job = export_jobs.start(
        user=user_for("worker.west"),
        source="referrals",
        fmt="csv",
        path=CSV,
        query="team=999999",
        filename="r.csv",
        expected=60_000,
    )
    export_jobs.run(str(job.pk))
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED
    assert not export_jobs.file_path(job).exists()
    assert not AccessLogEntry.objects.filter(action=EXPORT).exists()
    page = client_for("worker.west").get(f"/exports/{job.pk}/").content.decode()
    assert "Your export could not be prepared" in page and "Nothing was exported" in page
