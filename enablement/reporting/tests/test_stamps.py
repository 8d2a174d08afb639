"""Stamped dashboard figures (ADR 0043): a fresh stamp of exactly the scope is shown and said
to be one; a stale one, yesterday's, or one that does not read back is not, and the figures
are computed when opened, as before."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.models import Schedule
from pypdf import PdfReader

from enablement.catalogue.models import Service
from enablement.referrals.models import Referral
from enablement.reporting import stamps
from enablement.reporting.models import StampedFigures
from enablement.reporting.tests.factory import build

pytestmark = pytest.mark.django_db

# Mid-April 2025: the dashboard opens on May 2024 to April 2025, which holds the factory's
# January to March. TA is not the first service a manager oversees, so it is asked for; the
# period and the teams are left as the page opens them, the default scope.
PAGE = "/performance/?service=TA"
CSV = "/performance/tables/referrals.csv?service=TA"
FACT_TABLES = ("referrals_referral", "casework_episode", "visits_visit")
STAMPED_AT_TEN = (
    "Figures as they stood at 10:00 on 15 April 2025, recounted at least every 60 minutes."
)


def at(*parts) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*parts))


MORNING = at(2025, 4, 15, 10, 0)


@pytest.fixture
def data(demo):
    return build(now=demo)


def _received(client) -> int:
    """The whole period's referrals received, as the manager's CSV of that table says."""
    last = client.get(CSV).content.decode().splitlines()[-1].split(",")
    assert last[0] == "Whole period"
    return int(last[1])


def _one_fewer_referral() -> None:
    """A referral of January 2025 moved out of the period, as a correction of its dates would."""
    long_ago = at(2020, 1, 6, 12, 0)
    assert Referral.objects.filter(reference="T-E1").update(
        received_at=long_ago, decided_at=long_ago
    )


def _scope(data, *, suppress=False):
    return stamps.default_scope(data.services["TA"], today=MORNING.date(), suppress=suppress)


def test_a_stamp_holds_exactly_the_figures_computed_live_for_its_scope(data):
    stamps.refresh(now=MORNING)
    ta = data.services["TA"]
    for suppress in (False, True):
        scope = _scope(data, suppress=suppress)
        got = stamps.stamped_or_live(ta, scope, now=MORNING, max_age=dt.timedelta(minutes=60))
        assert got.stamped
        assert got.computed_at == MORNING
        assert got.figures == stamps.live(ta, scope)
    # A manager's stamp and a commissioner's are not interchangeable.
    manager = stamps.live(ta, _scope(data, suppress=False))
    commissioner = stamps.live(ta, _scope(data, suppress=True))
    assert manager != commissioner


def test_a_commissioner_is_never_shown_a_managers_stamp(data, client_for):
    with time_machine.travel(at(2025, 4, 15, 10, 5), tick=False):
        stamps.refresh(now=MORNING)
        commissioner = client_for("commissioner").get(PAGE).content.decode()
        manager = client_for("quality_manager").get(PAGE).content.decode()
    for html in (commissioner, manager):
        assert "Figures as they stood at 10:00 on 15 April 2025" in html
    assert "Worker W2" in manager
    assert "(hidden: a small number)" not in manager
    assert "Worker W2" not in commissioner
    assert "(hidden: a small number)" in commissioner


def test_the_page_says_as_they_stood_when_stamped_and_computed_when_opened_when_not(
    data, client_for
):
    client = client_for("quality_manager")
    with time_machine.travel(MORNING, tick=False):
        first = client.get(PAGE).content.decode()
    assert "Computed from the records as they stood at 10:00 on 15 April 2025" in first
    assert "Figures as they stood" not in first
    # That viewer's figures were stamped: the next viewer within the hour is shown them.
    with time_machine.travel(at(2025, 4, 15, 10, 20), tick=False):
        second = client_for("quality_manager").get(PAGE).content.decode()
    assert STAMPED_AT_TEN in second
    assert "Computed from the records" not in second
    assert second.count('role="img"') == first.count('role="img"') > 0


def test_the_pdf_says_as_they_stood_too(data, client_for):
    with time_machine.travel(at(2025, 4, 15, 10, 30), tick=False):
        stamps.refresh(now=MORNING)
        response = client_for("commissioner").get("/performance/dashboard.pdf?service=TA")
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert STAMPED_AT_TEN in text
    assert "a count of fewer than 5 people" in text


def test_a_stale_stamp_is_not_used_and_the_records_now_are_shown(data, client_for):
    client = client_for("quality_manager")
    with time_machine.travel(MORNING, tick=False):
        stamps.refresh(now=MORNING)
        before = _received(client)
    _one_fewer_referral()
    with time_machine.travel(at(2025, 4, 15, 10, 59), tick=False):
        assert _received(client) == before  # the stamp, as the page says
    with time_machine.travel(at(2025, 4, 15, 11, 1), tick=False):
        assert _received(client) == before - 1
        html = client.get(PAGE).content.decode()
    assert "Computed from the records as they stood at 11:01 on 15 April 2025" in html


def test_yesterdays_stamp_is_not_used_today(data, client_for):
    client = client_for("quality_manager")
    late = at(2025, 4, 15, 23, 50)
    with time_machine.travel(late, tick=False):
        stamps.refresh(now=late)
        before = _received(client)
    _one_fewer_referral()
    # Twenty minutes on, but the next day: caseloads and waits are counted on another day.
    with time_machine.travel(at(2025, 4, 16, 0, 10), tick=False):
        assert _received(client) == before - 1
        assert "Computed from the records" in client.get(PAGE).content.decode()


def test_a_stamp_that_does_not_read_back_is_ignored(data, client_for):
    with time_machine.travel(MORNING, tick=False):
        stamps.refresh(now=MORNING)
        live = _received(client_for("quality_manager"))
        # As a deploy that reshaped the figures, or a damaged row, might leave it.
        StampedFigures.objects.update(figures=b"not a pickle")
        response = client_for("quality_manager").get(PAGE)
        assert _received(client_for("quality_manager")) == live
    assert response.status_code == 200
    assert "Computed from the records" in response.content.decode()


def test_the_job_stamps_every_active_service_for_both_audiences_and_removes_old_ones(data):
    data.services["TB"].active = False
    data.services["TB"].save()
    with time_machine.travel(at(2025, 4, 14, 9, 0), tick=False):
        call_command("refresh_dashboards", stdout=io.StringIO())
    assert StampedFigures.objects.filter(as_of=dt.date(2025, 4, 14)).exists()
    with time_machine.travel(MORNING, tick=False):
        call_command("refresh_dashboards", stdout=io.StringIO())
    active = set(Service.objects.filter(active=True).values_list("pk", flat=True))
    assert data.services["TA"].pk in active
    rows = set(
        StampedFigures.objects.values_list(
            "service_id", "team_id", "start", "end", "suppress", "as_of"
        )
    )
    start, end = stamps.default_period(MORNING.date())
    assert rows == {
        (pk, None, start, end, suppress, MORNING.date())
        for pk in active
        for suppress in (False, True)
    }


def test_the_worker_refreshes_them_every_15_minutes():
    schedule = Schedule.objects.get(func="enablement.reporting.jobs.refresh_dashboards")
    assert (schedule.schedule_type, schedule.minutes) == (Schedule.MINUTES, 15)
    assert schedule.minutes == stamps.REFRESH_MINUTES


def _tables_read(client) -> set[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    return {t for t in FACT_TABLES for q in queries if t in q["sql"]}


def test_a_stamped_page_reads_no_records_of_referrals_episodes_or_visits(data, client_for):
    client = client_for("commissioner")
    with time_machine.travel(MORNING, tick=False):
        assert _tables_read(client) == set(FACT_TABLES)  # computed when opened
        stamps.refresh(now=MORNING)
        assert _tables_read(client) == set()


def test_stamps_can_be_turned_off(data, client_for, settings):
    settings.DASHBOARD_STAMP_MINUTES = 0
    client = client_for("commissioner")
    with time_machine.travel(MORNING, tick=False):
        client.get(PAGE)
        assert not StampedFigures.objects.exists()  # a live view stamps nothing either
        stamps.refresh(now=MORNING)
        html = client.get(PAGE).content.decode()
    assert "Computed from the records" in html
