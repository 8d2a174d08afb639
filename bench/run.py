"""Benchmarks (issue 14 item 6): each hot path against the raw SQL that answers the same
question, on the same database, in the same run. Not a test: prints a markdown table for
docs/PERFORMANCE.md and writes it, with the raw figures, as JSON under the var directory.

    make bench                                          # SQLite under var/bench/, 20,000 referrals
    make bench DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench SIZE=100000
    .venv/bin/python bench/run.py --size 300 --runs 2   # a quick check that it still runs

SIZE is the number of referrals; the people, workers and visits follow from it
(`ensure_data`). Each case is a hot path (most are HTTP requests through Django's test
client, signed in with `force_login`, so middleware, the access log and the template count),
timed `--runs` times for a median and a 95th percentile, its SQL queries counted on a
warm-up run, beside the raw SQL for the same question timed as often. On PostgreSQL the
slowest query of the warm-up is EXPLAINed and any sequential scan of a big table named.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enablement.settings")
os.environ.setdefault("ENABLEMENT_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("ENABLEMENT_DEMO", "true")  # its secret key and hosts, not its DEBUG:
os.environ.setdefault("DEBUG", "false")  # DEBUG keeps every query and explains templates

import django  # noqa: E402

django.setup()

# bench/export.py reaches the generator through this module.
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

# The tables a page must reach through an index at a million referrals (partitions of the
# audit tables are named after them: governance_event_y2026m03).
BIG_TABLES = (
    "referrals_referral",
    "governance_event",
    "governance_accesslogentry",
    "casework_episode",
    "visits_visit",
    "visits_casenote",
    "people_person",
)
TIMELINE_EVENTS = 1000
QUEUE_REFERRALS = 30  # awaiting validation and screening each, a third of them overdue
TARGET_P95_MS = 100
TARGET_RATIO = 2


class Case(NamedTuple):
    """One hot path: the app's way to answer it, and the raw SQL for the same question
    (None: nothing in SQL answers it alone, as for a write)."""

    name: str
    app: Callable[[], Any]
    sql: str | None
    params: list | None


# --- Data ---------------------------------------------------------------------------------


def ensure_data(size: int) -> None:
    """Everything the cases read, for `size` referrals: the whole-product generator
    (bench/generate.py, ADR 0039), which does nothing if the database holds them already.
    A small bench gets fewer teams and staff, so the quick check stays quick; from 20,000
    referrals up, the national shape (150 teams, 3,000 staff)."""
    from bench.generate import generate

    started = time.perf_counter()
    generate(
        referrals=size,
        people=max(size // 5, 50),
        seed=1,
        teams_per_service=min(25, max(1, size // 800)),
        staff_per_team=20 if size >= 20_000 else 6,
    )
    analyse()
    print(f"data ready in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def analyse() -> None:
    """Fresh planner statistics: rows loaded by COPY are not counted until autovacuum comes
    round, and with stale statistics PostgreSQL plans a million-row join as if it were a few
    thousand (the admin home took 3.3 s instead of 0.3 s at 1,000,000 referrals)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def ensure_queues(team) -> None:
    """Referrals awaiting validation and screening in `team`, some past their screening due
    date: the generator makes only decided ones."""
    from enablement.core.workdays import ENGLAND_AND_WALES
    from enablement.people.models import Person
    from enablement.referrals import rules
    from enablement.referrals.models import Referral

    settings = team.service.current_settings
    people = list(
        Person.objects.filter(registered_team=team).values_list("pk", flat=True)[:QUEUE_REFERRALS]
    ) or list(Person.objects.values_list("pk", flat=True)[:QUEUE_REFERRALS])
    made = []
    for status in ("submitted", "validated"):
        have = Referral.objects.filter(
            team=team, status=status, reference__startswith="BQ-"
        ).count()
        for i in range(have, QUEUE_REFERRALS):
            received = timezone.now() - timedelta(days=(20 if i % 3 == 0 else 1) + i % 5)
            made.append(
                Referral(
                    reference=f"BQ-{team.pk}-{status[0]}{i:04d}",
                    service_id=team.service_id,
                    service_settings=settings,
                    team=team,
                    person_id=people[i % len(people)],
                    status=status,
                    source="community_mh_social_work",
                    created_at=received,
                    first_submitted_at=received,
                    received_at=received,
                    screening_due=rules.stored_screening_due(
                        status, settings, timezone.localdate(received), ENGLAND_AND_WALES
                    ),
                    work_requested="bench",
                )
            )
    Referral.objects.bulk_create(made)


WRITER = "bench.writer"


def bench_writer():
    """The referrer the submissions name: one of the bench's own, so that the referrals it
    adds run after run do not lengthen the referrer home page the bench measures."""
    from django.contrib.auth.models import Group

    from enablement.accounts.roles import ROLES, Role

    user, made = get_user_model().objects.get_or_create(
        username=WRITER, defaults={"first_name": "Bench", "last_name": "Writer"}
    )
    if made:
        user.groups.add(Group.objects.get(name=ROLES[Role.REFERRER].group))
    return user


def writers_people(team, n: int) -> list:
    """`n` people the submissions may name: registered in `team`, never referred to its
    service (so no rule on a previous enablement refuses them). Made when there are too few;
    each run uses them up."""
    from enablement.people.models import Person

    fresh = Person.objects.filter(registered_team=team).exclude(referrals__service=team.service)
    have = list(fresh.order_by("pk")[:n])
    Person.objects.bulk_create(
        Person(
            given_name="Bench",
            family_name=f"Writer{i}",
            date_of_birth=date(1970, 1, 1) + timedelta(days=i),
            primary_diagnosis="mental_health",
            registered_team=team,
            created_at=timezone.now(),
        )
        for i in range(len(have), n)
    )
    return list(fresh.order_by("pk")[:n])


def ensure_timeline(person, events: int = TIMELINE_EVENTS) -> None:
    """One person with a long timeline (issue 14's 1,000-event page)."""
    from enablement.governance.models import Event

    have = Event.objects.filter(person=person).count()
    now = timezone.now()
    Event.objects.bulk_create(
        Event(
            occurred_at=now - timedelta(hours=3 * i),
            kind="bench.contact",
            summary=f"Contact {i}",
            person=person,
        )
        for i in range(have, events)
    )


# --- Who and what the cases read, found by query -------------------------------------------


def user_with(role, team=None):
    """The first user holding `role`, in `team` if one there has it."""
    from enablement.accounts.roles import ROLES

    users = get_user_model().objects.filter(groups__name=ROLES[role].group, is_active=True)
    if team is not None and users.filter(staff__team=team).exists():
        users = users.filter(staff__team=team)
    return users.order_by("pk").first()


def bench_team():
    """The team with the most open episodes among those with a senior and an admin: the
    busiest team someone screens and validates for."""
    from enablement.accounts.roles import ROLES, Role
    from enablement.casework.models import OPEN_EPISODE_STATUSES
    from enablement.catalogue.models import Team

    staffed = Team.objects.filter(staff__user__groups__name=ROLES[Role.SENIOR].group).filter(
        staff__user__groups__name=ROLES[Role.ADMIN].group
    )
    teams = (
        Team.objects.filter(pk__in=staffed.values("pk"))
        .annotate(n=Count("episodes", filter=Q(episodes__status__in=OPEN_EPISODE_STATUSES)))
        .select_related("service")
        .order_by("-n", "pk")
    )
    # A referral to a direct service names its team: the queues and the tracker are the team's.
    # KERS's first (the service whose referral form the submissions fill in), else any.
    direct = [t for t in teams if t.service.current_settings.routing == "direct"]
    return next((t for t in direct if t.service.code == "KERS"), direct[0])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def get(client: Client, path: str) -> Callable[[], None]:
    def request():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    return request


# --- The cases ----------------------------------------------------------------------------


def cases(size: int) -> list[Case]:
    from enablement.accounts.roles import ROLES, Role
    from enablement.casework.models import OPEN_EPISODE_STATUSES, Episode
    from enablement.catalogue.models import StaffMember

    today = timezone.localdate()
    team = bench_team()
    ensure_queues(team)
    busiest = (
        StaffMember.objects.filter(team=team, episodes__status__in=OPEN_EPISODE_STATUSES)
        .annotate(n=Count("episodes"))
        .order_by("-n", "pk")
        .first()
    )
    worker = busiest.user
    episode = (
        Episode.objects.filter(worker=busiest, status__in=OPEN_EPISODE_STATUSES)
        .order_by("pk")
        .first()
    )
    ensure_timeline(episode.person)
    admin = user_with(Role.ADMIN, team)
    senior = user_with(Role.SENIOR, team)
    pm = user_with(Role.PROVISION_MANAGER)
    quality = user_with(Role.QUALITY_MANAGER)
    commissioner = user_with(Role.COMMISSIONER)
    referrer = (
        get_user_model()
        .objects.filter(groups__name=ROLES[Role.REFERRER].group)
        .exclude(username=WRITER)
        .annotate(n=Count("referrals_made"))
        .order_by("-n", "pk")
        .first()
    )
    R, E, V = "referrals_referral", "casework_episode", "visits_visit"
    open_statuses = "('planning', 'active', 'on_hold', 'closing')"
    queue_sql = (
        f"SELECT * FROM {R} WHERE team_id = %s AND status IN ({{}}) ORDER BY received_at LIMIT 100"
    )
    counts_sql = f"SELECT status, COUNT(*) FROM {R} WHERE service_id = %s GROUP BY status"
    caseload_sql = (
        f"SELECT e.*, (SELECT MIN(v.planned_for) FROM {V} v WHERE v.episode_id = e.id "
        f"AND v.outcome = '') FROM {E} e WHERE e.worker_id = %s AND e.status IN {open_statuses}"
    )
    overdue_sql = (
        f"SELECT * FROM {R} WHERE status IN ('submitted', 'validated') AND screening_due < %s "
        "ORDER BY received_at DESC, id DESC LIMIT 25"
    )
    the_admin, the_senior = signed_in(admin), signed_in(senior)
    the_worker, the_quality = signed_in(worker), signed_in(quality)
    service = team.service
    out = [
        Case(
            "referrer home",
            get(signed_in(referrer), "/home/my-referrals/"),
            f"SELECT * FROM {R} WHERE referrer_id = %s ORDER BY received_at DESC LIMIT 100",
            [referrer.pk],
        ),
        Case(
            "admin home (validation queue)",
            get(the_admin, "/home/validation/"),
            queue_sql.format("'submitted'"),
            [team.pk],
        ),
        Case(
            "senior home (screening queue)",
            get(the_senior, "/home/screening/"),
            queue_sql.format("'validated', 'in_triage', 'on_hold'"),
            [team.pk],
        ),
        Case("worker home", get(the_worker, "/home/caseload/"), caseload_sql, [busiest.pk]),
        Case(
            "provision manager home",
            get(signed_in(pm), "/home/dashboard/"),
            counts_sql,
            [service.pk],
        ),
        Case(
            "quality manager home", get(the_quality, "/home/dashboard/"), counts_sql, [service.pk]
        ),
        Case(
            "commissioner home",
            get(signed_in(commissioner), "/home/dashboard/"),
            counts_sql,
            [service.pk],
        ),
        Case(
            "tracker: team, validated, by screening due",
            get(the_senior, f"/referrals/?team={team.pk}&status=validated&sort=screening_due"),
            f"SELECT * FROM {R} WHERE team_id = %s AND status = 'validated' "
            "ORDER BY screening_due NULLS LAST, received_at, id LIMIT 25",
            [team.pk],
        ),
        Case(
            "tracker: overdue",
            get(the_quality, "/referrals/?overdue=on&sort=screening_due"),
            overdue_sql.replace("received_at DESC, id DESC", "screening_due, received_at, id"),
            [today],
        ),
        Case(
            "API list overdue=true",
            get(the_quality, "/api/v1/referrals?overdue=true"),
            overdue_sql,
            [today],
        ),
        Case(
            "API list overdue=false",
            get(the_quality, "/api/v1/referrals?overdue=false"),
            f"SELECT * FROM {R} WHERE NOT (status IN ('submitted', 'validated') AND "
            "screening_due IS NOT NULL AND screening_due < %s) "
            "ORDER BY received_at DESC, id DESC LIMIT 25",
            [today],
        ),
        Case(
            "waiting list",
            get(the_senior, f"/allocation/?team={team.pk}"),
            f"SELECT * FROM {R} WHERE team_id = %s AND status = 'accepted' ORDER BY decided_at, id",
            [team.pk],
        ),
        Case(
            "caseloads",
            get(the_senior, f"/allocation/caseloads/?team={team.pk}"),
            f"SELECT s.id, COUNT(e.id) FROM catalogue_staffmember s LEFT JOIN {E} e "
            f"ON e.worker_id = s.id AND e.status IN {open_statuses} "
            "WHERE s.team_id = %s GROUP BY s.id",
            [team.pk],
        ),
        Case("my caseload", get(the_worker, "/episodes/mine/"), caseload_sql, [busiest.pk]),
        Case(
            "team view + prompts",
            get(the_senior, "/episodes/team/"),
            caseload_sql.replace("e.worker_id", "e.team_id"),
            [team.pk],
        ),
        Case(
            "episode page",
            get(the_worker, f"/episodes/{episode.pk}/"),
            f"SELECT * FROM {E} e JOIN {V} v ON v.episode_id = e.id WHERE e.id = %s",
            [episode.pk],
        ),
        Case(
            f"person page ({TIMELINE_EVENTS:,}-event timeline)",
            get(the_worker, f"/people/{episode.person_id}/"),
            "SELECT * FROM governance_event WHERE person_id = %s "
            "ORDER BY occurred_at DESC, id DESC LIMIT 200",
            [episode.person_id],
        ),
        *dashboard_cases(signed_in(pm), service),
        *search_cases(the_quality),
    ]
    return out


def search_cases(client: Client) -> list[Case]:
    """The people search as the quality manager (who may see everyone), first page."""
    from enablement.people.models import Person

    people = Person.objects.exclude(nhs_number=None).order_by("pk")
    sample = people[people.count() // 2]
    table = Person._meta.db_table
    return [
        Case(
            "person search by NHS number",
            get(client, f"/people/?q={sample.nhs_number}"),
            f"SELECT * FROM {table} WHERE nhs_number = %s LIMIT 25",
            [sample.nhs_number],
        ),
        Case(
            "person search by family name",
            get(client, f"/people/?q={sample.family_name}"),
            f"SELECT * FROM {table} WHERE UPPER(family_name) LIKE UPPER(%s) "
            "ORDER BY family_name, given_name LIMIT 25",
            [f"%{sample.family_name}%"],
        ),
    ]


def dashboard_cases(client: Client, service) -> list[Case]:
    """The performance dashboard for one service over its default 12 months, as a provision
    manager opens it: from a fresh stamp (ADR 0043; the service is stamped here, outside the
    timing, and a stamp stays fresh for DASHBOARD_STAMP_MINUTES, longer than the cases
    before it take), and computed live with stamps turned off. The stamped page's raw SQL
    is the read of its stamp; the live page's is the biggest of its questions answered in
    the database: referrals received per month by status."""
    from django.test import override_settings

    from enablement.reporting import rules, stamps

    today = timezone.localdate()
    this = date(today.year, today.month, 1)
    start, end = rules.period_for(rules.shift_month(this, -11), this)
    stamps.refresh_service(service, now=timezone.now(), audiences=(False,))
    month = (
        "date_trunc('month', received_at)"
        if connection.vendor == "postgresql"
        else "strftime('%%Y-%%m', received_at)"
    )
    path = f"/performance/?service={service.code}"
    page = get(client, path)

    def computed_live():
        with override_settings(DASHBOARD_STAMP_MINUTES=0):
            page()

    return [
        Case(
            f"dashboard {service.code}, 12 months, stamped",
            page,
            "SELECT figures, computed_at FROM reporting_stampedfigures WHERE service_id = %s "
            'AND team_id IS NULL AND start = %s AND "end" = %s AND suppress = %s '
            "AND as_of = %s AND computed_at >= %s",
            [service.pk, start, end, False, today, timezone.now() - timedelta(hours=1)],
        ),
        Case(
            f"dashboard {service.code}, 12 months, computed live",
            computed_live,
            f"SELECT {month}, status, COUNT(*) FROM referrals_referral "
            "WHERE service_id = %s AND received_at >= %s AND received_at < %s GROUP BY 1, 2",
            [service.pk, start, end + timedelta(days=1)],
        ),
    ]


def submit_case(team, writes: int) -> dict:
    """Referrals submitted one after another through the action function, each in its own
    transaction, for people with no open enablement: writes per second."""
    from enablement.referrals import services
    from enablement.referrals.rules import RiskArea
    from enablement.referrals.services import RiskEntry

    referrer = bench_writer()
    people = writers_people(team, writes)
    samples = []
    for i in range(writes):
        now = timezone.now()
        values = {
            "source": "community_mh_social_work",
            "named_social_worker": referrer,
            "need_identified": True,
            "work_requested": "Travel independently by bus to the Tuesday allotment group",
            "intended_outcomes": "Goes alone by week 6",
            "deliverable_within_length": True,
            "consent_to_share": True,
            "ongoing_cmh_social_work": True,
            "diagnosed_need": True,
            "eligible_needs": True,
            "face_to_face_assessment": True,
            "eligibility_assessed_on": now.date() - timedelta(days=10),
        }
        risks = {a: RiskEntry("None known", now.date() - timedelta(days=7)) for a in RiskArea}
        start = time.perf_counter()
        services.submit_referral(
            service=team.service,
            team=team,
            person=people[i % len(people)],
            values=values,
            risks=risks,
            referrer=referrer,
            actor=referrer,
            now=now,
        )
        samples.append(time.perf_counter() - start)
    return summary(samples)


# --- Measuring, once for every case ---------------------------------------------------------


def summary(samples: list[float]) -> dict:
    ms = sorted(s * 1000 for s in samples)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18] if len(ms) > 1 else ms[0]
    return {"runs": len(ms), "median_ms": statistics.median(ms), "p95_ms": p95}


def timed(fn: Callable[[], Any], runs: int) -> dict:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return summary(samples)


def raw(sql: str, params: list) -> Callable[[], None]:
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return run


def explain(sql: str) -> tuple[set[str], set[str]]:
    """(big tables read by a Seq Scan, indexes used on big tables) in the plan of `sql`."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)  # no parameters: taken as written
        tree = cursor.fetchone()[0]
    tree = json.loads(tree) if isinstance(tree, str) else tree
    seq, indexed = set(), set()

    def walk(node):
        table = node.get("Relation Name", "")
        big = next((b for b in BIG_TABLES if table.startswith(b)), None)
        if big:  # a partition (governance_event_y2026m03) is named by its table
            if node["Node Type"] == "Seq Scan":
                seq.add(big)
            elif "Index Name" in node:  # the same index on every partition, named once
                indexed.add(re.sub(r"_(y\d{4}m\d{2}|default)_", "_*_", node["Index Name"]))
        for child in node.get("Plans", []):
            walk(child)

    walk(tree[0]["Plan"])
    return seq, indexed


def plan(queries: list[dict]) -> tuple[str, str]:
    """EXPLAIN (FORMAT JSON) of the slowest read the page made: any sequential scan of a big
    table named, else the indexes it uses on them; then any other read of the page that
    scans a big table. With the slowest query's SQL, for the JSON."""
    reads = [q for q in queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
    if not reads:
        return "no read", ""
    slowest = max(reads, key=lambda q: float(q["time"]))
    seq, indexed = explain(slowest["sql"])
    verdict = f"slowest ({float(slowest['time']) * 1000:.1f} ms): "
    if seq:
        verdict += "Seq Scan " + ", ".join(sorted(seq))
    else:
        verdict += "index " + ", ".join(sorted(indexed)) if indexed else "no big table"
    elsewhere = set().union(*(explain(q["sql"])[0] for q in reads if q is not slowest)) - seq
    if elsewhere:
        verdict += "; other queries: Seq Scan " + ", ".join(sorted(elsewhere))
    return verdict, slowest["sql"]


def measure(case: Case, runs: int) -> dict:
    row: dict[str, Any] = {"path": case.name}
    try:
        with CaptureQueriesContext(connection) as captured:
            case.app()  # warm-up, and the queries one request makes
        row["queries"] = len(captured.captured_queries)
        if connection.vendor == "postgresql":
            row["plan"], row["slowest_sql"] = plan(captured.captured_queries)
        app = timed(case.app, runs)
        row.update(runs=app["runs"], app_median_ms=app["median_ms"], app_p95_ms=app["p95_ms"])
        if case.sql is not None:
            raw_run = raw(case.sql, case.params)
            raw_run()
            row["raw_median_ms"] = timed(raw_run, runs)["median_ms"]
            row["ratio"] = row["app_median_ms"] / max(row["raw_median_ms"], 1e-6)
            row["target_met"] = row["app_p95_ms"] < TARGET_P95_MS and row["ratio"] <= TARGET_RATIO
    except Exception as exc:  # one broken path must not hide the others
        row["error"] = f"{type(exc).__name__}: {exc}"[:300]
    return row


def subprocess_figures(args: list[str], env: dict | None = None) -> dict:
    done = subprocess.run(  # noqa: S603 - our own scripts, fixed arguments
        [sys.executable, *args], capture_output=True, text=True, check=False, env=env
    )
    if done.returncode != 0:
        return {"error": (done.stderr or done.stdout).strip().splitlines()[-1][:300]}
    return {"stdout": done.stdout}


def export_row(fmt: str) -> dict:
    """bench/export.py's child: one export through the view, in a fresh process, its time
    and peak resident set."""
    row: dict[str, Any] = {"path": f"export {fmt.upper()}"}
    got = subprocess_figures([str(ROOT / "bench" / "export.py"), "--child", "view", fmt])
    if "error" in got:
        return row | got
    r = json.loads(got["stdout"].strip().splitlines()[-1])
    row["path"] = f"export {fmt.upper()}, {r['rows']:,} rows (peak {r['peak_mb']} MB)"
    row.update(runs=1, app_median_ms=r["seconds"] * 1000, app_p95_ms=r["seconds"] * 1000)
    row["export"] = r
    return row


def sweep_row() -> dict:
    script = ROOT / "bench" / "sweep.py"
    if not script.exists():
        return {"path": "sweep", "note": "not measured (no bench/sweep.py)"}
    got = subprocess_figures([str(script)], env=_sweep_env())
    if "stdout" not in got:
        return {"path": "sweep"} | got
    out = got["stdout"]
    per = re.search(r"([\d.]+) s per 100,000 due holds", out)
    here = re.search(r"\(([\d.]+) s CPU here\), up to (\d+) connection", out)
    server = re.search(r"database server used ([\d.]+) s CPU", out)
    if per is None:
        return {"path": "sweep", "note": out.strip()}
    seconds = float(per.group(1))
    note = []
    if here:
        note.append(f"{here.group(1)} s CPU in the sweep, {here.group(2)} connection(s)")
    if server:
        note.append(f"{server.group(1)} s CPU in PostgreSQL")
    return {
        "path": "sweep, per 100,000 due holds (target 10 s)",
        "runs": 1,
        "app_median_ms": seconds * 1000,
        "app_p95_ms": seconds * 1000,
        "target_met": seconds < 10,
        "note": "; ".join(note),
    }


def _sweep_env() -> dict:
    """The sweep adds its own 100,000 held referrals: in a database of its own (the bench's
    name with `_sweep`, made if missing), so the pages measured next time are not measured
    over them."""
    env = dict(os.environ)
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        env.pop("DATABASE_URL", None)
        env["ENABLEMENT_VAR_DIR"] = str(ROOT / "var" / "bench-sweep")
        return env
    name = f"{db['NAME']}_sweep"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        missing = cursor.fetchone() is None
    if missing:
        with connection.cursor() as cursor:  # autocommit: CREATE DATABASE refuses a transaction
            cursor.execute(f'CREATE DATABASE "{name}"')
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    user = quote(db.get("USER") or "postgres")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    env["DATABASE_URL"] = f"postgres://{user}{password}@{host}:{port}/{name}"
    return env


# --- The table ------------------------------------------------------------------------------


def fmt_ms(value) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.2f}" if value < 10 else f"{value:.1f}"


def markdown(rows: list[dict], with_plan: bool) -> str:
    head = ["path", "runs", "app median ms", "app p95 ms", "queries", "raw SQL median ms"]
    head += ["ratio", "target met"] + (["plan"] if with_plan else [])
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * 6 + "---|" * (len(head) - 7)]
    for r in rows:
        if "error" in r:
            cells = [r["path"], "error: " + r["error"].replace("|", "/")] + [""] * (len(head) - 2)
        elif "note" in r and "app_median_ms" not in r:
            cells = [r["path"], r["note"].replace("\n", " ").replace("|", "/")[:200]]
            cells += [""] * (len(head) - 2)
        else:
            met = r.get("target_met")
            cells = [
                r["path"],
                str(r.get("runs", "")),
                fmt_ms(r.get("app_median_ms")),
                fmt_ms(r.get("app_p95_ms")),
                str(r.get("queries", "–")),
                fmt_ms(r.get("raw_median_ms")),
                f"{r['ratio']:.1f}" if "ratio" in r else "–",
                "–" if met is None else ("yes" if met else "no"),
            ] + ([r.get("plan", r.get("note", "–"))] if with_plan else [])
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=20000, help="referrals (default 20,000)")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per path")
    parser.add_argument("--writes", type=int, default=50, help="referrals submitted in a row")
    parser.add_argument("--exports", default="csv,xlsx", help="formats to export ('' for none)")
    parser.add_argument("--data-only", action="store_true", help="make the data and stop")
    args = parser.parse_args(argv)

    ensure_data(args.size)
    if args.data_only:
        return 0
    from enablement.people.models import Person
    from enablement.referrals.models import Referral

    rows = []
    for case in cases(args.size):
        rows.append(measure(case, args.runs))
        print(f"  {case.name}: {fmt_ms(rows[-1].get('app_median_ms'))} ms", file=sys.stderr)
    team = bench_team()
    writes: dict[str, Any] = {"path": f"submit a referral ({args.writes} in a row)"}
    try:
        w = submit_case(_writes_team(team), args.writes)
        writes.update(runs=w["runs"], app_median_ms=w["median_ms"], app_p95_ms=w["p95_ms"])
        writes["note"] = f"{1000 / w['median_ms']:.0f} writes/s"
        writes["path"] += f", {writes['note']}"
    except Exception as exc:
        writes["error"] = f"{type(exc).__name__}: {exc}"[:300]
    rows.append(writes)
    rows += [export_row(f) for f in args.exports.split(",") if f]
    rows.append(sweep_row())

    vendor = connection.vendor
    header = (
        f"database: {vendor}; people: {Person.objects.count():,}; "
        f"referrals: {Referral.objects.count():,}; team: {team}; {args.runs} runs a path; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average: "
        + " ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    table = markdown(rows, with_plan=vendor == "postgresql")
    print(header)
    print()
    print(table)
    out = Path(os.environ["ENABLEMENT_VAR_DIR"]) / f"bench-{vendor}-{args.size}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"header": header, "rows": rows, "markdown": table}, indent=1))
    print(f"\nwritten to {out}", file=sys.stderr)
    return 1 if any("error" in r for r in rows) else 0


def _writes_team(team):
    """Another team of the same service where one exists, so the submissions of one run do
    not lengthen the validation queue the next run measures."""
    from enablement.catalogue.models import Team

    other = Team.objects.filter(service=team.service, active=True).exclude(pk=team.pk)
    return other.order_by("pk").first() or team


if __name__ == "__main__":
    sys.exit(main())
