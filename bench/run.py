"""Benchmarks: each hot path against the raw SQL that answers the same question, on the same
database, in the same run. Not a test: prints a table for docs/PERFORMANCE.md.

    make bench                         # SQLite under var/bench/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench make bench
    BENCH_REFERRALS=1000000 make bench # national scale (bench/generate.py makes the data)
"""

import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enablement.settings")
os.environ.setdefault("ENABLEMENT_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("ENABLEMENT_DEMO", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "0")) or None  # default: a fifth of the referrals
REFERRALS = int(os.environ.get("BENCH_REFERRALS", "200000"))
SEED = int(os.environ.get("BENCH_SEED", "1"))
RUNS = 15


def timed(fn, runs: int = RUNS) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main():
    from django.contrib.auth import get_user_model

    from bench.generate import generate
    from enablement.people.models import Person
    from enablement.people.selectors import search_people

    # Migrates, loads the demo and the generated set; nothing when it is already there.
    generate(referrals=REFERRALS, people=PEOPLE, seed=SEED)
    user = get_user_model().objects.get(username="quality")  # sees everyone
    people = Person.objects.exclude(nhs_number=None)
    sample = people.order_by("pk")[people.count() // 2]
    table = Person._meta.db_table
    cases = [
        (
            "person search by NHS number",
            lambda: list(search_people(user, sample.nhs_number)[:25]),
            f"SELECT * FROM {table} WHERE nhs_number = %s LIMIT 25",
            [sample.nhs_number],
        ),
        (
            "person search by date of birth",
            lambda: list(search_people(user, sample.date_of_birth.strftime("%d/%m/%Y"))[:25]),
            f"SELECT * FROM {table} WHERE date_of_birth = %s ORDER BY family_name, given_name "
            "LIMIT 25",
            [sample.date_of_birth],
        ),
        (
            "person search by family name",
            lambda: list(search_people(user, sample.family_name)[:25]),
            f"SELECT * FROM {table} WHERE UPPER(family_name) LIKE UPPER(%s) "
            "ORDER BY family_name, given_name LIMIT 25",
            [f"%{sample.family_name}%"],
        ),
    ]
    cases += allocation_cases()
    cases += daily_cases()
    cases += reporting_cases()
    from enablement.referrals.models import Referral

    print(
        f"database: {connection.vendor}; people: {Person.objects.count():,}; "
        f"referrals: {Referral.objects.count():,}; median of {RUNS} runs"
    )
    print(f"{'path':<34} {'app ms':>9} {'raw SQL ms':>11} {'ratio':>7}")
    for name, app, sql, params in cases:

        def raw(sql=sql, params=params):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()

        if sql is None:  # nothing in SQL answers it: time alone, over fewer runs
            a = timed(app, runs=3)
            print(f"{name:<34} {a * 1000:>9.2f} {'-':>11} {'-':>7}")
            continue
        a = timed(app)
        r = timed(raw)
        print(f"{name:<34} {a * 1000:>9.2f} {r * 1000:>11.2f} {a / r:>7.1f}")


def allocation_cases():
    """The waiting list with its plan, the caseloads of a team, and the forecast."""
    from enablement.allocation import forecasting, selectors
    from enablement.casework.models import Episode
    from enablement.catalogue.models import Service, StaffMember, Team
    from enablement.referrals.models import Referral

    team = Team.objects.get(service__code="KERS", name="Kent East")
    today = timezone.localdate()
    referral_table = Referral._meta.db_table
    episode_table = Episode._meta.db_table
    staff_table = StaffMember._meta.db_table
    waiting = Referral.objects.filter(team=team, status="accepted").count()
    kers = Service.objects.get(code="KERS")
    return [
        (
            f"waiting list + plan ({waiting} waiting)",
            lambda: selectors.team_plan(team, on=today),
            f"SELECT * FROM {referral_table} WHERE team_id = %s AND status = 'accepted' "
            "ORDER BY decided_at, id",
            [team.pk],
        ),
        (
            "team caseloads (open per worker)",
            lambda: selectors.team_workers(team, on=today),
            f"SELECT s.id, COUNT(e.id) FROM {staff_table} s LEFT JOIN {episode_table} e "
            "ON e.worker_id = s.id AND e.status IN ('planning', 'active') "
            "WHERE s.team_id = %s GROUP BY s.id",
            [team.pk],
        ),
        (
            "forecast KERS (median of 3)",
            lambda: forecasting.outlook(kers, today=today),
            None,
            None,
        ),
    ]


def daily_cases():
    """My caseload (a bench worker with a full caseload), the senior's team view with its
    prompts, and the episode page as a signed-in worker requests it."""
    from django.db.models import Count
    from django.test import Client

    from enablement.casework import daily_selectors
    from enablement.casework.models import OPEN_EPISODE_STATUSES, Episode
    from enablement.catalogue.models import StaffMember, Team
    from enablement.visits.models import Visit

    team = Team.objects.get(service__code="KERS", name="Kent East")
    busiest = (
        StaffMember.objects.filter(team=team, episodes__status__in=OPEN_EPISODE_STATUSES)
        .annotate(n=Count("episodes"))
        .order_by("-n", "pk")
        .first()
    )
    worker = busiest.user
    senior = get_user_model_user("senior.east")
    now = timezone.now()
    today = timezone.localdate(now)
    episode = (
        Episode.objects.filter(worker=busiest, status__in=OPEN_EPISODE_STATUSES)
        .order_by("pk")
        .first()
    )
    statuses = "('planning', 'active', 'on_hold', 'closing')"
    e_table = Episode._meta.db_table
    v_table = Visit._meta.db_table
    # The same question in SQL: each open episode with its earliest unrecorded visit.
    caseload_sql = (
        f"SELECT e.*, (SELECT MIN(v.planned_for) FROM {v_table} v WHERE v.episode_id = e.id "
        f"AND v.outcome = '') FROM {e_table} e WHERE e.worker_id = %s AND e.status IN "
        f"{statuses}"
    )
    client = Client()
    client.force_login(worker)
    n_open = Episode.objects.filter(worker=busiest, status__in=OPEN_EPISODE_STATUSES).count()
    n_team = Episode.objects.filter(team=team, status__in=OPEN_EPISODE_STATUSES).count()

    def team_view():
        rows = daily_selectors.team_rows(senior, team, today)
        daily_selectors.prompts(rows, team, today, now=now)

    def episode_page():
        response = client.get(f"/episodes/{episode.pk}/")
        assert response.status_code == 200, response.status_code

    return [
        (
            f"my caseload ({n_open} open)",
            lambda: daily_selectors.caseload(worker, today),
            caseload_sql,
            [busiest.pk],
        ),
        (
            f"team view + prompts ({n_team} open)",
            team_view,
            caseload_sql.replace("e.worker_id", "e.team_id"),
            [team.pk],
        ),
        (
            "episode page (HTTP, signed in)",
            episode_page,
            f"SELECT * FROM {e_table} e JOIN {v_table} v ON v.episode_id = e.id WHERE e.id = %s",
            [episode.pk],
        ),
    ]


def reporting_cases():
    """The performance dashboard (issue 13) for KERS over the last 12 months: every figure,
    read and computed as the page does, for a manager and for a commissioner (suppression
    included). The raw SQL is the biggest of its questions answered in the database: the
    service's referrals received per month by status."""
    from enablement.catalogue.models import Service
    from enablement.core.workdays import ENGLAND_AND_WALES
    from enablement.referrals.models import Referral
    from enablement.reporting import rules, selectors

    service = Service.objects.get(code="KERS")
    today = timezone.localdate()
    this = date(today.year, today.month, 1)
    start, end = rules.period_for(rules.shift_month(this, -11), this)
    names = {t.pk: t.name for t in service.teams.all()}
    needs = {kind for spec in rules.FIGURES.values() for kind in spec.needs}

    def dashboard(suppress):
        scope = rules.Scope(
            start=start,
            end=end,
            team_id=None,
            suppress=suppress,
            calendar=ENGLAND_AND_WALES,
            today=today,
            team_names=names,
        )
        facts = selectors.facts(service, start, end, needs)
        return [spec.compute(facts, scope) for spec in rules.FIGURES.values()]

    month = (
        "date_trunc('month', received_at)"
        if connection.vendor == "postgresql"
        else "strftime('%%Y-%%m', received_at)"
    )
    sql = (
        f"SELECT {month}, status, COUNT(*) FROM {Referral._meta.db_table} "
        "WHERE service_id = %s AND received_at >= %s AND received_at < %s GROUP BY 1, 2"
    )
    params = [service.pk, start, end + timedelta(days=1)]
    received = Referral.objects.filter(
        service=service, received_at__date__gte=start, received_at__date__lte=end
    ).count()
    return [
        (
            f"dashboard KERS 12 months ({received:,} received)",
            lambda: dashboard(False),
            sql,
            params,
        ),
        ("dashboard KERS, commissioner", lambda: dashboard(True), sql, params),
    ]


def get_user_model_user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


if __name__ == "__main__":
    main()
