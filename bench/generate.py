"""Synthetic data for the whole product (issue 14 item 5), deterministic by seed.

    .venv/bin/python bench/generate.py --referrals 1000000 [--people N] [--seed 1]
    make generate SIZE=100000 DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench

or `from bench.generate import generate; generate(referrals=..., people=..., seed=...)`.

It migrates, loads the demo catalogue (`demo.loader.load_demo`), then adds teams, staff
(users, staff records, role groups), people and referrals in every front-door state over
several years, with what the product writes behind each: screenings, holds, returns, triage
decisions, episodes with planning meetings, visits, case notes, reviews, closures and
outcome scores, and the events and access-log rows. It does nothing when the database already
holds a generated set of that size, so a bench can call it every run.

Rows are made as tuples with their ids given here and written in bulk: COPY on PostgreSQL
(psycopg 3 `cursor.copy`), executemany on SQLite, all in one transaction. The stored dates
come from the product's own pure rules (`referrals.rules.stored_screening_due`,
`stored_hold_expiry`, `casework.rules.stored_clocks`), and the audit rows' hashes from
`governance.chain.row_hash`, so `recompute_deadlines`, `recompute_episode_clocks` and
`verify_audit` find nothing to change (docs/adr/0039-synthetic-data-by-copy.md).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PREFIX = "G-"  # the references of generated referrals: how a later run knows its size
BATCH = 2000  # referrals made and written at a time

GIVEN = [
    "Ada", "Alex", "Amir", "Ann", "Bea", "Ben", "Cara", "Chen", "Dan", "Dee", "Eli", "Emma",
    "Faye", "Femi", "Gail", "Grace", "Hana", "Hugh", "Ian", "Ivy", "Jack", "Jade", "Kai",
    "Kate", "Leo", "Lily", "Mark", "Maya", "Nell", "Noah", "Olu", "Owen", "Pat", "Priya",
    "Quinn", "Ravi", "Rose", "Sam", "Sara", "Tom", "Tara", "Uma", "Vic", "Wen", "Yusuf", "Zoe",
]  # fmt: skip
FAMILY = [
    "Abbott", "Ahmed", "Baker", "Banda", "Carter", "Chowdhury", "Davies", "Doyle", "Evans",
    "Fisher", "Green", "Gupta", "Hall", "Hughes", "Iqbal", "Jones", "Kaur", "Khan", "Lewis",
    "Lin", "Martin", "Mensah", "Morgan", "Nowak", "Okafor", "Owen", "Patel", "Price", "Quinn",
    "Roberts", "Shah", "Singh", "Smith", "Taylor", "Thomas", "Turner", "Walker", "Ward",
    "Watson", "White", "Williams", "Wilson", "Wood", "Wright", "Young", "Zielinski",
]  # fmt: skip

# What becomes of a referral, by routing: (status, weight). Most ended long ago; a few
# percent wait at each front-door step.
FATES = {
    "direct": [
        ("submitted", 1.5), ("returned", 0.8), ("validated", 1.5), ("on_hold", 0.8),
        ("accepted", 2.0), ("allocated", 68.0), ("declined", 12.0), ("not_ready", 6.0),
        ("withdrawn", 5.0), ("closed_not_ready", 1.0),
    ],
    "hub": [
        ("submitted", 1.5), ("returned", 0.8), ("in_triage", 1.5), ("validated", 1.5),
        ("accepted", 2.0), ("allocated", 58.0), ("declined", 8.0), ("not_ready", 4.0),
        ("withdrawn", 5.0), ("signposted", 12.0), ("redirected", 6.0),
    ],
    "panel": [
        ("submitted", 3.0), ("returned", 2.0), ("in_triage", 5.0), ("redirected", 82.0),
        ("withdrawn", 8.0),
    ],
}  # fmt: skip
VISITS = 6  # about this many per enablement
NOTES = 3
# The share of referrals that go to the triage panel (AFD), which routes them on.
PANEL_SHARE = 0.03


def nhs_number(n: int) -> str:
    """A valid-looking NHS number from 900 000 0000 up (never issued), by index."""
    for i in range(n * 11, n * 11 + 11):  # 11 candidates always hold one with a check digit
        body = f"9{i:08d}"
        check = 11 - sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return body + str(check)
    raise ValueError(n)


class Progress:
    """One line on stderr, rewritten in place: done/total, rate and time left."""

    def __init__(self, total: int, label: str, out=None):
        self.total, self.label, self.out = max(total, 1), label, out or sys.stderr
        self.start = self.shown = time.monotonic()
        self.done = 0

    def update(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.shown < 0.5 and self.done < self.total:
            return
        self.shown = now
        elapsed = now - self.start
        rate = self.done / elapsed if elapsed else 0
        left = (self.total - self.done) / rate if rate else 0
        width = 30
        filled = int(width * self.done / self.total)
        self.out.write(
            f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {self.done:,}/"
            f"{self.total:,} {elapsed:,.0f} s, {rate:,.0f}/s, {left:,.0f} s left   "
        )
        self.out.flush()

    def close(self) -> None:
        self.out.write("\n")
        self.out.flush()


# --- writing -----------------------------------------------------------------------------


class Table:
    """Rows of one model waiting to be written: tuples in `columns` order, ids given. Every
    other column is written with its field's default, as `Model()` would have it (COPY
    knows nothing of Django's defaults)."""

    def __init__(self, model, columns: list[str]):
        self.model = model
        self.columns = columns
        named = [model._meta.get_field(c) for c in columns]
        self.rest = [f for f in model._meta.concrete_fields if f not in named and not f.primary_key]
        self.fields = named + self.rest
        self.defaults = tuple(f.get_default() for f in self.rest)
        self.rows: list[tuple] = []
        self.next_id = 0
        self.written = 0

    def add(self, *values) -> int:
        self.next_id += 1
        self.rows.append((self.next_id, *values))
        return self.next_id


class Sink:
    """Writes tables: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, connection):
        self.connection = connection
        self.pg = connection.vendor == "postgresql"
        self.raw = None

    def table(self, model, columns: list[str]) -> Table:
        table = Table(model, ["id", *columns])
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {model._meta.db_table}")
            table.next_id = cursor.fetchone()[0] or 0
        table.first_id = table.next_id + 1
        return table

    def flush(self, table: Table) -> None:
        if not table.rows:
            return
        rows, table.rows = table.rows, []
        table.written += len(rows)
        if self.queue is not None:
            if self.error is not None:
                raise self.error
            self.queue.put((table, rows))
        else:
            self.write(table, rows)

    def write(self, table: Table, rows: list[tuple]) -> None:
        from django.db import models

        name = table.model._meta.db_table
        columns = ", ".join(f.column for f in table.fields)
        json_at = [i for i, f in enumerate(table.fields) if isinstance(f, models.JSONField)]
        if table.defaults:
            rows = [row + table.defaults for row in rows]
        if self.pg and self.raw is None:
            self.connection.ensure_connection()
            self.raw = self.connection.connection
        if self.pg:
            # The psycopg connection itself: this may run in the writer thread, in the
            # transaction the main thread opened (which waits for it before going on).
            with (
                self.raw.cursor() as cursor,
                cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    if json_at:
                        row = list(row)
                        for i in json_at:
                            row[i] = json.dumps(row[i])
                    copy.write_row(row)
            return
        preps = [f.get_db_prep_save for f in table.fields]
        conn = self.connection
        marks = ", ".join(["%s"] * len(table.fields))
        with conn.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {name} ({columns}) VALUES ({marks})",
                [
                    [
                        None if v is None else prep(v, conn)
                        for prep, v in zip(preps, row, strict=True)
                    ]
                    for row in rows
                ],
            )

    # On PostgreSQL the COPYs run in a thread of their own while the next batch is made:
    # the server's work (parsing, indexes) overlaps Python's, which matters on 2 cores.
    queue = None
    error = None

    def start_background(self) -> None:
        if not self.pg:
            return
        import queue
        import threading

        self.connection.ensure_connection()
        self.raw = self.connection.connection
        self.queue = queue.Queue(maxsize=40)
        self.thread = threading.Thread(target=self._work, name="copy-writer", daemon=True)
        self.thread.start()

    def _work(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.error is None:
                try:
                    self.write(*item)
                except BaseException as error:  # raised in the main thread at its next flush
                    self.error = error

    def wait(self) -> None:
        """Every row handed over is written (or the writer's error raised)."""
        if self.queue is None:
            return
        self.queue.put(None)
        self.thread.join()
        self.queue = None
        if self.error is not None:
            raise self.error

    def advance_sequence(self, table: Table) -> None:
        """After rows with explicit ids, the product's next insert takes the next id."""
        if not self.pg or not table.written:
            return
        name = table.model._meta.db_table
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT MAX(id) FROM {name}))"
            )


class Chain:
    """The audit tables' hash chain for rows written here, through `chain.row_hash`: each
    row's prev_hash is the row before it in id order, starting from the table's chain head
    (locked for the whole load), which is moved to the last row at the end."""

    def __init__(self, model, using: str):
        from enablement.governance import chain

        self.model = model
        self.chain = chain
        self.head = chain._locked_head(model, using)
        self.prev = self.head.last_hash
        self.key = chain.chain_key()
        self.shape = chain._shape(model)
        self.added = 0

    def seal(self, values: dict) -> tuple[str, str]:
        """`values` are as the database gives them back (ints, strings, aware datetimes,
        JSON as dicts), which is the form `verify_audit` hashes: from_db skips converting."""
        prev = self.prev
        self.prev = self.chain.row_hash(
            self.model, values, prev, self.key, shape=self.shape, from_db=True
        )
        self.added += 1
        return prev, self.prev

    def save(self) -> None:
        self.head.last_hash = self.prev
        self.head.length += self.added
        self.head.save(update_fields=["last_hash", "length"])


# --- the generated world -----------------------------------------------------------------


@dataclass
class TeamInfo:
    id: int
    service_id: int
    code: str
    routing: str
    settings: object  # ServiceSettings
    clock: object  # casework.rules.ClockSettings
    admins: list[int] = field(default_factory=list)  # user ids
    seniors: list[int] = field(default_factory=list)
    workers: list[tuple[int, int, int]] = field(default_factory=list)  # (staff, user, room)
    people: list[int] = field(default_factory=list)


def ensure_partitions(connection, first: date, last: date) -> None:
    """On PostgreSQL, every month the audit rows will fall in gets its own partition before
    a row is written (the demo's included): a month whose rows already sit in DEFAULT can no
    longer have one (`governance.partitions`)."""
    if connection.vendor != "postgresql":
        return
    from enablement.governance import partitions, triggers

    with connection.cursor() as cursor:
        for table in partitions.KEYS:
            if partitions.is_partitioned(cursor, table):
                partitions.ensure_months(cursor, table, first, last)
    # As `manage.py audit_partitions` does: the new partitions refuse changes too.
    triggers.revoke_changes(connection)


def generate(
    *,
    referrals: int,
    people: int | None = None,
    seed: int = 1,
    teams_per_service: int = 25,
    staff_per_team: int = 20,
    years: int = 4,
    now: datetime | None = None,
    migrate: bool = True,
    progress: bool = True,
) -> dict:
    """Makes `referrals` generated referrals (and `people` people, a fifth of that by
    default) on the default database; nothing if it already holds that many. Returns the
    rows written per table."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from enablement.demo.loader import load_demo
    from enablement.referrals.models import Referral

    if migrate:
        call_command("migrate", verbosity=0)
    # Whole hours: the same seed in the same hour gives the same rows.
    now = now or timezone.now().replace(minute=0, second=0, microsecond=0)
    have = Referral.objects.filter(reference__startswith=PREFIX).count()
    if have >= referrals:
        return {}
    people = people or max(referrals // 5, 50)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Django's foreign keys are checked at commit by default: queued for tens of
            # millions of rows, that list took the server over a gigabyte and minutes at
            # COMMIT. Parents are written before their children, so check each row as written.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        today = timezone.localdate(now)
        ensure_partitions(connection, today - timedelta(days=years * 365 + 60),
                          today + timedelta(days=40))  # fmt: skip
        if migrate:  # the tests load the demo themselves
            load_demo(now=now, episodes=True)  # idempotent: adds only what is missing
        generator = Generator(
            connection=connection,
            seed=seed,
            now=now,
            years=years,
            progress=progress,
        )
        written = generator.run(
            referrals=referrals,
            have=have,
            people=people,
            teams_per_service=teams_per_service,
            staff_per_team=staff_per_team,
        )
    # The triggers wrote a row of changes per status and place for each COPY: folded into
    # one each, as the sweep does on a live database.
    from enablement.referrals import tally

    tally.compact()
    if connection.vendor == "postgresql" and migrate:
        # COPY'd rows are not in the planner's statistics until autovacuum comes round; a
        # bench run before then plans million-row joins as if the tables were small. And
        # until a vacuum has marked their pages all-visible, an index-only scan must visit
        # the table for every row, so the planner reads whole tables instead (a live
        # database's autovacuum has long done both).
        with connection.cursor() as cursor:
            # VACUUM refuses a transaction: inside one (a test), the statistics only.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    return written


class Generator:
    def __init__(self, *, connection, seed, now, years, progress):
        from django.utils import timezone

        from enablement.core.workdays import ENGLAND_AND_WALES

        self.connection = connection
        self.sink = Sink(connection)
        self.seed = seed
        self.now = now
        self.today = timezone.localdate(now)
        self.span = years * 365
        self.show = progress
        self.calendar = ENGLAND_AND_WALES
        self._workdays: dict = {}
        self.under_way = 0

    # -- helpers ---------------------------------------------------------------------------

    def add_working_days(self, day: date, n: int) -> date:
        key = (day, n)
        if key not in self._workdays:
            self._workdays[key] = self.calendar.add_working_days(day, n)
        return self._workdays[key]

    def at(self, day: date, rng) -> datetime:
        """A moment in working hours on `day` (UK time is near enough UTC for this), never
        after `now` when the day is today."""
        moment = datetime(day.year, day.month, day.day, 9 + rng.randrange(8),
                          rng.randrange(60), tzinfo=UTC)  # fmt: skip
        if day == self.today and moment > self.now:
            moment = self.now - timedelta(minutes=1 + rng.randrange(59))
        return moment

    # -- the catalogue: teams and staff ----------------------------------------------------

    def staff(self, teams_per_service: int, staff_per_team: int, rng) -> list[TeamInfo]:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from enablement.accounts.roles import ROLES, Role
        from enablement.casework.rules import ClockSettings
        from enablement.catalogue.models import Service, StaffMember, Team

        user_model = get_user_model()
        group = {r: Group.objects.get(name=ROLES[r].group).pk for r in ROLES}
        users = self.sink.table(
            user_model,
            ["username", "password", "first_name", "last_name", "email", "is_staff",
             "is_active", "is_superuser", "date_joined"],
        )  # fmt: skip
        memberships = self.sink.table(user_model.groups.through, ["user_id", "group_id"])
        staff = self.sink.table(StaffMember, ["user_id", "team_id", "job_title", "fte", "active"])
        new_teams = self.sink.table(
            Team, ["service_id", "name", "kind", "area", "postcode_districts", "active"]
        )
        infos: list[TeamInfo] = []
        for service in Service.objects.order_by("code"):
            settings = service.current_settings
            existing = list(service.teams.order_by("pk"))
            if settings.routing == "panel":
                for team in existing:
                    infos.append(self._info(team.pk, service, settings, ClockSettings))
                continue
            kind = "hub" if settings.routing == "hub" else "locality"
            while len(existing) < teams_per_service:
                name = f"{service.code} team {len(existing) + 1}"
                team_id = new_teams.add(service.pk, name, kind, "", [], True)
                existing.append(team_id)
            for team in existing:
                team_id = team if isinstance(team, int) else team.pk
                infos.append(self._info(team_id, service, settings, ClockSettings))
        self.sink.flush(new_teams)
        taken = set(user_model.objects.filter(username__startswith="gen.").values_list(
            "username", flat=True))  # fmt: skip

        def add_user(username: str, role: Role) -> int:
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            user_id = users.add(
                username, "!generated", given, family, f"{username}@example.invalid",
                False, True, False, self.now,
            )  # fmt: skip
            memberships.add(user_id, group[role])
            return user_id

        for info in infos:
            # Each team already staffed by the demo keeps its people and gains generated ones.
            for n in range(staff_per_team if info.routing != "panel" else 3):
                role = Role.ADMIN if n == 0 else Role.SENIOR if n in (1, 2) else Role.WORKER
                username = f"gen.{info.id}.{n}"
                if username in taken:
                    continue
                user_id = add_user(username, role)
                fte = rng.choice((Decimal("1.00"), Decimal("1.00"), Decimal("0.80"),
                                  Decimal("0.60")))  # fmt: skip
                staff.add(user_id, info.id, f"Generated {role.value}", fte, True)
        # Referring social workers: one for about every 500 referrals, as a council has
        # hundreds (one account named on every referral would make a referrer's home page
        # list a million).
        for k in range(self.referrer_count):
            username = f"gen.referrer.{k}"
            if username not in taken:
                add_user(username, Role.REFERRER)
        for table in (users, memberships, staff):
            self.sink.flush(table)
        self.referrers = list(
            user_model.objects.filter(username__startswith="gen.referrer.")
            .order_by("pk")
            .values_list("pk", flat=True)
        ) or [self.referrer]
        # Everyone on each team takes part, the demo's staff and earlier runs' too; a
        # worker's room is their caseload (caseload_per_fte x FTE) less what they hold open.
        from django.db.models import Count, Q

        from enablement.casework.models import OPEN_EPISODE_STATUSES

        by_id = {i.id: i for i in infos}
        members = (
            StaffMember.objects.filter(team_id__in=by_id, active=True)
            .annotate(open=Count("episodes", filter=Q(episodes__status__in=OPEN_EPISODE_STATUSES)))
            .order_by("pk")
        )
        # One read of the role memberships (a prefetch would list every user id in SQL).
        roles_of: dict[int, set[int]] = {}
        wanted = [group[Role.WORKER], group[Role.SENIOR], group[Role.ADMIN]]
        through = user_model.groups.through.objects.filter(group_id__in=wanted)
        for user_id, group_id in through.values_list("user_id", "group_id"):
            roles_of.setdefault(user_id, set()).add(group_id)
        for s in members:
            info = by_id[s.team_id]
            groups = roles_of.get(s.user_id, set())
            if group[Role.WORKER] in groups:
                room = int(info.settings.caseload_per_fte * s.fte) - s.open
                info.workers.append([s.pk, s.user_id, room])
            elif group[Role.SENIOR] in groups:
                info.seniors.append(s.user_id)
            elif group[Role.ADMIN] in groups:
                info.admins.append(s.user_id)
        for info in infos:
            fallback = info.seniors or info.admins or [self.referrer]
            info.admins = info.admins or fallback
            info.seniors = info.seniors or fallback
        self.tables_written.update(
            {"teams": new_teams.written, "users": users.written, "staff": staff.written}
        )
        for table in (new_teams, users, memberships, staff):
            self.sink.advance_sequence(table)
        return infos

    def _info(self, team_id, service, settings, clock_settings) -> TeamInfo:
        return TeamInfo(
            id=team_id,
            service_id=service.pk,
            code=service.code,
            routing=settings.routing,
            settings=settings,
            clock=clock_settings.of(settings),
        )

    # -- people ----------------------------------------------------------------------------

    def people(self, count: int, infos: list[TeamInfo], rng) -> None:
        """People, each living in one team's area (the panel's for a share of them); a
        person made by an earlier run keeps their team and is found by NHS number."""
        from enablement.people.models import Person

        table = self.sink.table(
            Person,
            ["nhs_number", "given_name", "family_name", "date_of_birth", "postcode", "town",
             "primary_diagnosis", "registered_team_id", "created_at", "address_line_1"],
        )  # fmt: skip
        made = dict(
            Person.objects.filter(
                nhs_number__in=[nhs_number(n) for n in range(min(count, 5))]
            ).values_list("nhs_number", "pk")
        )
        if made:  # an earlier run: read them all back
            made = dict(
                Person.objects.filter(nhs_number__startswith="9")
                .exclude(nhs_number__startswith="999")
                .values_list("nhs_number", "pk")
            )
        panel = [i for i in infos if i.routing == "panel"]
        others = [i for i in infos if i.routing != "panel"]
        for n in range(count):
            if panel and rng.random() < PANEL_SHARE:
                info = panel[n % len(panel)]
            else:
                info = others[rng.randrange(len(others))]
            number = nhs_number(n)
            autism = info.code in ("ASS", "KPS", "AFD")
            dob = self.today - timedelta(days=365 * 18 + rng.randrange(365 * 62))
            created = self.now - timedelta(days=self.span + rng.randrange(365))
            if number in made:
                info.people.append(made[number])
                continue
            person_id = table.add(
                number, rng.choice(GIVEN), rng.choice(FAMILY), dob, f"CT{1 + n % 20} {n % 10}AA",
                "Exampleton", "autism" if autism else "mental_health", info.id, created,
                f"{1 + n % 200} Generated Road",
            )  # fmt: skip
            info.people.append(person_id)
            if len(table.rows) >= 20000:
                self.sink.flush(table)
        self.sink.flush(table)
        self.sink.advance_sequence(table)
        self.tables_written["people"] = table.written
        everyone = [p for i in infos for p in i.people]
        for info in infos:  # a team nobody lives in still gets referrals
            if not info.people:
                info.people = everyone[:50]

    # -- the whole run ---------------------------------------------------------------------

    def run(self, *, referrals, have, people, teams_per_service, staff_per_team) -> dict:
        from django.contrib.auth import get_user_model

        from enablement.outcomes.models import Instrument

        rng = random.Random(f"{self.seed}:{have}")
        user_model = get_user_model()
        self.referrer = user_model.objects.get(username="referrer").pk
        self.referrer_count = max(1, referrals // 500)
        self.tables_written: dict[str, int] = {}
        started = time.monotonic()
        infos = self.staff(teams_per_service, staff_per_team, rng)
        self.people(people, infos, rng)
        self.instruments = {
            i.code: (i.pk, i.completed_by, i.scale(i.items.count()))
            for i in Instrument.objects.prefetch_related("items")
        }
        self.open_tables()
        weights = self.team_weights(infos)
        bar = Progress(referrals - have, "referrals") if self.show else None
        for first in range(have, referrals, BATCH):
            last = min(first + BATCH, referrals)
            for n in range(first, last):
                info = infos[weights[rng.randrange(len(weights))]]
                self.referral(n, info, rng)
            self.flush()
            if bar:
                bar.update(last - first)
        if bar:
            bar.close()
        self.finish()
        self.tables_written["seconds"] = round(time.monotonic() - started, 1)
        return self.tables_written

    def team_weights(self, infos) -> list[int]:
        """Team indexes in proportion to their people: a team's referrals follow its size."""
        weights = []
        for index, info in enumerate(infos):
            weights += [index] * max(1, round(len(info.people) / 10))
        return weights

    def open_tables(self) -> None:
        from enablement.casework.models import Episode, EpisodeHold, PlanningMeeting
        from enablement.closures.models import Closure
        from enablement.governance.models import AccessLogEntry, Event
        from enablement.outcomes.models import Assessment
        from enablement.referrals.models import (
            Hold,
            Referral,
            ReferralDraft,
            ReferralReturn,
            Screening,
            TriageDecision,
        )
        from enablement.reviews.models import Review
        from enablement.visits.models import CaseNote, Visit

        t = self.sink.table
        self.referrals = t(
            Referral,
            ["reference", "service_id", "service_settings_id", "team_id", "person_id", "status",
             "source", "referrer_id", "named_social_worker_id", "held_by_senior_social_worker",
             "need_identified", "work_requested", "intended_outcomes",
             "deliverable_within_length", "joint_working_requested", "consent_to_share",
             "changed_needs_statement", "previous_ended_typed", "residence_override_reason",
             "ongoing_cmh_social_work", "diagnosed_need", "level", "created_at",
             "first_submitted_at", "received_at", "validated_at", "decided_at",
             "decision_reason", "screening_due"],
        )  # fmt: skip
        self.drafts = t(
            ReferralDraft,
            ["author_id", "person_id", "service_id", "answers", "created_at", "updated_at",
             "row_version"],
        )  # fmt: skip
        self.returns = t(
            ReferralReturn,
            ["referral_id", "missing", "note", "returned_by_id", "returned_at",
             "person_told_by", "resubmitted_at"],
        )  # fmt: skip
        self.triage = t(
            TriageDecision,
            ["referral_id", "destination_id", "outside_service", "outside_contact", "hub_id",
             "level", "reason", "information_given", "decided_by_id", "decided_at"],
        )  # fmt: skip
        self.screenings = t(
            Screening,
            ["referral_id", "desktop_check_complete", "complex_features", "risk_notes",
             "not_appropriate", "appropriate_factors", "eligibility", "eligibility_reasons",
             "decision", "reason", "screened_by_id", "screened_at"],
        )  # fmt: skip
        self.holds = t(
            Hold,
            ["referral_id", "concern", "started_at", "started_on", "started_by_id",
             "answered_at", "answer", "answered_by_id", "expired_at", "expires_on"],
        )  # fmt: skip
        self.episodes = t(
            Episode,
            ["referral_id", "person_id", "service_id", "service_settings_id", "team_id",
             "worker_id", "status", "allocated_at", "allocated_by_id", "allocation_reason",
             "overridden", "beyond_room", "out_of_order_reason", "closed_at",
             "risk_reviewed_at", "risk_reviewed_by_id", "started_on", "planned_end",
             "next_review_due", "chargeable_from", "support_ends_by", "extended_weeks",
             "closure_reason", "row_version"],
        )  # fmt: skip
        self.episode_holds = t(
            EpisodeHold,
            ["episode_id", "concern", "status_before", "started_at", "started_on",
             "expires_on", "started_by_id", "answer"],
        )  # fmt: skip
        self.meetings = t(
            PlanningMeeting,
            ["episode_id", "held_on", "attendees", "joint_visit", "joint_visit_with",
             "carer_need", "advocacy_need", "capacity_need", "safeguarding_need", "needs_note",
             "outcome", "employment_status", "accommodation_status", "recorded_at",
             "recorded_by_id"],
        )  # fmt: skip
        self.visits = t(
            Visit,
            ["episode_id", "kind", "planned_for", "outcome", "happened_on", "hours", "note",
             "before_planning_meeting", "planned_by_id", "recorded_at", "recorded_by_id"],
        )  # fmt: skip
        self.notes = t(CaseNote, ["episode_id", "kind", "text", "written_at", "written_by_id"])
        self.reviews = t(
            Review,
            ["episode_id", "kind", "week", "due_on", "held_on", "engagement", "participants",
             "summary", "plan_revision", "issues_for_social_worker", "recorded_at",
             "recorded_by_id"],
        )  # fmt: skip
        self.closures = t(
            Closure,
            ["episode_id", "reason", "status", "proposed_at", "proposed_by_id",
             "discussion_note", "decided_at", "decided_by_id", "decision_note",
             "recommendations", "further_needs", "completed_with_person", "evaluation_offer",
             "sequel", "employment_status", "accommodation_status"],
        )  # fmt: skip
        self.assessments = t(
            Assessment,
            ["episode_id", "instrument_id", "occasion", "number", "completed_by",
             "completed_on", "answers", "total", "score", "recorded_at", "recorded_by_id"],
        )  # fmt: skip
        self.events = t(
            Event,
            ["prev_hash", "row_hash", "occurred_at", "actor_id", "kind", "summary", "person_id",
             "service_id", "referral_id", "episode_id", "data"],
        )  # fmt: skip
        self.access = t(
            AccessLogEntry,
            ["prev_hash", "row_hash", "at", "user_id", "person_id", "referral_id", "action",
             "path", "query", "row_count", "exported_people"],
        )  # fmt: skip
        using = self.connection.alias
        self.event_chain = Chain(Event, using)
        self.access_chain = Chain(AccessLogEntry, using)
        # Parents before children: the foreign keys are checked as each COPY ends.
        self.order = [
            self.referrals, self.drafts, self.returns, self.triage, self.screenings,
            self.holds, self.episodes, self.episode_holds, self.meetings, self.visits,
            self.notes, self.reviews, self.closures, self.assessments, self.events,
            self.access,
        ]  # fmt: skip
        self.sink.start_background()

    def flush(self) -> None:
        for table in self.order:
            self.sink.flush(table)

    def finish(self) -> None:
        self.flush()
        self.sink.wait()
        self.event_chain.save()
        self.access_chain.save()
        for table in self.order:
            self.sink.advance_sequence(table)
            self.tables_written[table.model._meta.db_table] = table.written

    # -- rows ------------------------------------------------------------------------------

    def event(self, at, actor, kind, summary, person, service, referral, episode=None):
        data = {"referral": referral}
        values = {
            "occurred_at": at,
            "actor_id": actor,
            "kind": kind,
            "summary": summary,
            "person_id": person,
            "service_id": service,
            "referral_id": referral,
            "episode_id": episode,
            "data": data,
        }
        prev, row_hash = self.event_chain.seal(values)
        self.events.add(prev, row_hash, at, actor, kind, summary, person, service, referral,
                        episode, data)  # fmt: skip

    def read(self, at, user, person, referral, path):
        values = {
            "at": at,
            "user_id": user,
            "person_id": person,
            "referral_id": referral,
            "action": "view",
            "path": path,
            "query": "",
            "row_count": None,
            "exported_people": "",
        }
        prev, row_hash = self.access_chain.seal(values)
        self.access.add(prev, row_hash, at, user, person, referral, "view", path, "", None, "")

    def referral(self, n: int, info: TeamInfo, rng) -> None:
        from django.utils import timezone

        from enablement.referrals.rules import stored_hold_expiry, stored_screening_due

        fates = FATES[info.routing]
        status = rng.choices([f for f, _ in fates], [w for _, w in fates])[0]
        settings = info.settings
        if status == "on_hold" and not settings.complex_risk_hold:
            status = "validated"
        if status == "closed_not_ready" and not settings.complex_risk_hold:
            status = "not_ready"
        person = info.people[rng.randrange(len(info.people))]
        referrer = self.referrers[rng.randrange(len(self.referrers))]
        # How long ago it was received: the front door's work is recent, the rest spread
        # over the years.
        age = {
            "submitted": rng.randrange(0, 9),
            "returned": rng.randrange(1, 21),
            "validated": rng.randrange(1, 10),
            "in_triage": rng.randrange(1, 15),
            "on_hold": rng.randrange(2, 6),
            "accepted": rng.randrange(4, 60),
        }.get(status)
        if age is None:
            age = rng.randrange(14, self.span)
        received_on = self.today - timedelta(days=age)
        received = self.at(received_on, rng)
        # The clock counts from the day in England, as `recompute_deadlines` reads it.
        received_on = timezone.localdate(received)
        admin = info.admins[rng.randrange(len(info.admins))]
        senior = info.seniors[rng.randrange(len(info.seniors))]
        validated = decided = None
        if status not in ("submitted", "returned"):
            validated = min(received + timedelta(hours=2 + rng.randrange(30)), self.now)
        if status in ("accepted", "allocated", "declined", "not_ready", "closed_not_ready",
                      "signposted", "redirected"):  # fmt: skip
            decided = min(validated + timedelta(hours=4 + rng.randrange(40)), self.now)
        elif status == "withdrawn":
            decided = min(received + timedelta(days=1 + rng.randrange(20)), self.now)
        if status == "allocated" and not info.workers:
            status = "declined"
        hold_on = hold_started = expires = expired = None
        if status in ("on_hold", "closed_not_ready"):
            hold_on = min(self.today, validated.date() + timedelta(days=1))
            expires = stored_hold_expiry(settings, hold_on, self.cal)
            hold_started = min(max(self.at(hold_on, rng), validated), self.now)
            if status == "closed_not_ready":  # closed at the first sweep after the last day
                expired = decided = self.at(expires + timedelta(days=1), rng)
        allocated = None
        if status == "allocated":
            allocated = decided + timedelta(days=rng.randrange(0, 21), hours=rng.randrange(8))
            if allocated > self.now:
                status = "accepted"
                allocated = None
        screening_due = stored_screening_due(status, settings, received_on, _Calendar(self))
        self.cal = getattr(self, "cal", None) or _Calendar(self)
        reference = f"{PREFIX}{n + 1:08d}"
        level = "brief" if info.routing == "hub" and status not in (
            "submitted", "returned", "in_triage", "withdrawn", "redirected") else ""  # fmt: skip
        if status == "signposted":
            level = "signposting"
        referral = self.referrals.add(
            reference, info.service_id, settings.pk, info.id, person, status,
            (settings.referral_sources or ["community_mh_social_work"])[0],
            referrer, referrer, False, True,
            "Support to rebuild daily routines and confidence outside the home",
            "Manage money, shop and cook independently", True, False, True, "", False, "",
            True, True, level, received, received, received, validated, decided,
            "" if decided is None or status == "accepted" else "Recorded at screening",
            screening_due,
        )  # fmt: skip
        svc = info.service_id
        self.event(received, referrer, "referral.submitted",
                   f"Referral {reference} submitted", person, svc, referral)  # fmt: skip
        if status == "returned":
            returned = min(received + timedelta(hours=3), self.now)
            self.returns.add(referral, ["risk"], "Please complete the risk section", admin,
                             returned, "", None)  # fmt: skip
            self.event(returned, admin, "referral.returned",
                       f"Referral {reference} returned to the referrer", person, svc,
                       referral)  # fmt: skip
            return
        if rng.random() < 0.02:  # a referrer's next referral for the person, being written
            self.drafts.add(referrer, person, svc, {}, received, received, 1)
        if validated is not None:
            self.event(validated, admin, "referral.validated",
                       f"Referral {reference} validated", person, svc, referral)  # fmt: skip
            self.read(validated, admin, person, referral, f"/referrals/{referral}/")
        if status in ("submitted", "validated", "in_triage"):
            return
        if status == "withdrawn":
            self.event(decided, referrer, "referral.withdrawn",
                       f"Referral {reference} withdrawn", person, svc, referral)  # fmt: skip
            return
        if status in ("redirected", "signposted"):
            self.triage.add(referral, None, "Community mental health team", "Duty worker",
                            info.id if info.routing == "hub" else None, level,
                            "Needs are better met elsewhere", "", senior, decided)  # fmt: skip
            kind = "referral.routed" if status == "redirected" else "referral.assessed"
            self.event(decided, senior, kind, f"Referral {reference}: {status}", person, svc,
                       referral)  # fmt: skip
            return
        if hold_on is not None:
            started = hold_started
            self.holds.add(referral, "Recent risk to others: is enablement safe now?", started,
                           hold_on, senior, None, "", None, expired, expires)  # fmt: skip
            self.event(started, senior, "referral.on_hold",
                       f"Referral {reference} on hold", person, svc, referral)  # fmt: skip
            if status == "on_hold":
                return
            self.event(expired or decided, None, "referral.hold_expired",
                       f"Referral {reference} closed: no answer to the hold", person, svc,
                       referral)  # fmt: skip
            return
        decision = {"declined": "decline", "not_ready": "not_ready"}.get(status, "accept")
        self.screenings.add(
            referral, True, [], "", [], list(settings.appropriate_factors or [])[:2],
            "eligible" if decision == "accept" else "not_eligible", [], decision,
            "" if decision == "accept" else "Does not meet the criteria", senior, decided,
        )  # fmt: skip
        self.event(decided, senior, f"referral.{decision}",
                   f"Referral {reference} screened", person, svc, referral)  # fmt: skip
        self.read(decided, senior, person, referral, f"/referrals/{referral}/screen/")
        if status == "allocated":
            self.episode(info, referral, reference, person, allocated, senior, rng)

    def episode(self, info, referral, reference, person, allocated, senior, rng) -> None:
        from enablement.casework import rules as episode_rules
        from enablement.referrals.rules import hold_expires_after

        today = self.today
        settings = info.settings
        held_on = allocated.date() + timedelta(days=3 + rng.randrange(8))
        start = held_on + timedelta(days=rng.randrange(5))
        clocks = episode_rules.clocks(start, info.clock)
        weeks = info.clock.length_weeks
        if rng.random() < 0.75:  # most run their course
            closed_on = clocks.planned_end - timedelta(days=rng.randrange(10))
        else:
            closed_on = start + timedelta(days=7 + rng.randrange(max(7 * weeks - 14, 1)))
        proposed_on = closed_on - timedelta(days=1 + rng.randrange(4))
        if closed_on < today:
            status = "closed"
        elif proposed_on <= today:
            status = "closing"
        elif start <= today:
            status = "active"
            # Every 15th one under way in a service with holds waits for the social worker:
            # counted, not drawn, so a small set has some too.
            if settings.complex_risk_hold:
                self.under_way += 1
                if self.under_way % 15 == 0:
                    status = "on_hold"
        else:
            status = "planning"
        started = status != "planning"
        # An open enablement goes to a worker of the team with room on their caseload
        # (caseload_per_fte x FTE); with nobody's room left it closed early, from planning
        # if it had not started, so no caseload runs over.
        if status == "closed":
            worker = info.workers[rng.randrange(len(info.workers))]
        else:
            with_room = [w for w in info.workers if w[2] > 0]
            if with_room:
                worker = with_room[rng.randrange(len(with_room))]
                worker[2] -= 1
            else:
                worker = info.workers[rng.randrange(len(info.workers))]
                status = "closed"
                closed_on = proposed_on = max(allocated.date(), today - timedelta(days=1))
                started = start <= closed_on
        staff_id, worker_user = worker[0], worker[1]
        meeting_held = held_on <= (closed_on if status == "closed" else today)
        closed_at = self.at(closed_on, rng) if status == "closed" else None
        reason = ""
        if status in ("closed", "closing"):
            reasons = list(settings.closure_reasons or ["goals_achieved"])
            reason = "goals_achieved" if rng.random() < 0.6 else rng.choice(reasons)
            if reason not in reasons:
                reason = reasons[0]
        # Scheduled reviews: held when due before the end (a few overdue on open ones).
        end_for_reviews = closed_on if status == "closed" else today
        reviews = []
        if started:
            for week, due in clocks.review_due:
                held = due <= end_for_reviews and (status == "closed" or rng.random() < 0.9)
                on = min(due + timedelta(days=rng.randrange(3)), end_for_reviews)
                reviews.append((week, due, on if held else None))
        unheld = [due for _, due, h in reviews if h is None]
        next_review = None if status == "closed" or not unheld else min(unheld)
        stored = episode_rules.stored_clocks(start, info.clock) if started else {}
        episode = self.episodes.add(
            referral, person, info.service_id, settings.pk, info.id, staff_id, status,
            allocated, senior, "Proposed: room on the caseload and the skills needed", False,
            False, "", closed_at, min(allocated + timedelta(days=1), self.now), worker_user,
            stored.get("started_on"), stored.get("planned_end"), next_review,
            stored.get("chargeable_from"), stored.get("support_ends_by"), 0, reason,
            1,
        )  # fmt: skip
        svc = info.service_id
        self.event(allocated, senior, "episode.allocated",
                   f"{reference}: allocated", person, svc, referral, episode)  # fmt: skip
        self.read(allocated + timedelta(hours=1), worker_user, person, referral,
                  f"/people/{person}/")  # fmt: skip
        if meeting_held:
            employment, accommodation = _start_statuses(rng)
            self.meetings.add(
                episode, held_on, "The person, the worker", False, "", False, False, False,
                False, "", "ready", employment, accommodation, self.at(held_on, rng),
                worker_user,
            )  # fmt: skip
            self.scores(info, episode, "baseline", 0, held_on, worker_user, rng)
        last_day = min(closed_on if status == "closed" else today, today)
        if started:
            self.event(self.at(start, rng), worker_user, "episode.started",
                       f"{reference}: enablement starts", person, svc, referral,
                       episode)  # fmt: skip
            for week, due, held in reviews:
                self.reviews.add(
                    episode, "scheduled", week, due, held, "good" if held else "",
                    "The person and the worker" if held else "",
                    "Progress against the goals" if held else "", "", "",
                    self.at(held, rng) if held else None, worker_user if held else None,
                )  # fmt: skip
                if held:
                    self.event(self.at(held, rng), worker_user, "episode.review_recorded",
                               f"{reference}: review recorded", person, svc, referral,
                               episode)  # fmt: skip
            # About six contacts across the enablement, the next one planned if still open.
            days = max((last_day - start).days, 1)
            count = max(2, min(VISITS + rng.randrange(-1, 2), days))
            for k in range(count):
                day = start + timedelta(days=days * k // count)
                planned = self.at(day, rng)
                outcome = "attended" if rng.random() < 0.88 else "cancelled_by_person"
                self.visits.add(episode, "visit", planned, outcome, day, Decimal("1.50"), "",
                                False, worker_user, planned, worker_user)  # fmt: skip
                if k < NOTES:
                    self.notes.add(episode, "contact", "Visit: worked on the plan's goals",
                                   planned + timedelta(hours=2), worker_user)  # fmt: skip
        if status != "closed":
            planned = self.at(max(today, start) + timedelta(days=1 + rng.randrange(6)), rng)
            self.visits.add(episode, "visit", planned, "", None, None, "", not meeting_held,
                            worker_user, None, None)  # fmt: skip
        if status == "on_hold":
            on = today - timedelta(days=rng.randrange(3))
            on = max(on, start)
            self.episode_holds.add(
                episode, "Poor progress against the agreed outcomes", "active",
                self.at(on, rng), on, hold_expires_after(settings, on, self.calendar),
                senior, "",
            )  # fmt: skip
        if status in ("closed", "closing"):
            proposed = self.at(proposed_on, rng)
            decided = closed_at if status == "closed" else None
            employment, accommodation = _start_statuses(rng)
            self.closures.add(
                episode, reason, "agreed" if decided else "proposed", proposed, worker_user,
                "Discussed at supervision", decided, senior if decided else None, "",
                "Keep up the routines built", "", True, "link",
                rng.choice(_SEQUELS), employment, accommodation,
            )  # fmt: skip
            self.event(proposed, worker_user, "closure.proposed",
                       f"{reference}: closure proposed", person, svc, referral,
                       episode)  # fmt: skip
            if decided:
                if settings.final_review_at_closure:
                    self.reviews.add(episode, "final", None, closed_on, closed_on, "good",
                                     "The person and the worker", "Final review", "", "",
                                     closed_at, worker_user)  # fmt: skip
                if meeting_held:
                    self.scores(info, episode, "closure", 0, closed_on, worker_user, rng)
                self.event(decided, senior, "closure.agreed",
                           f"{reference}: closure agreed", person, svc, referral,
                           episode)  # fmt: skip
                self.event(decided, senior, "episode.closed",
                           f"{reference}: enablement closed", person, svc, referral,
                           episode)  # fmt: skip

    def scores(self, info, episode, occasion, number, on, user, rng) -> None:
        from enablement.outcomes.rules import score

        for code in list(info.settings.outcome_instruments or [])[:1]:
            if code not in self.instruments:
                continue
            instrument, completer, scale = self.instruments[code]
            answers = {p: rng.randint(scale.low, scale.high) for p in range(1, scale.items + 1)}
            scored = score(scale, answers)
            by = completer if completer in ("person", "carer") else "worker"
            self.assessments.add(
                episode, instrument, occasion, number, by, on,
                {str(k): v for k, v in answers.items()}, scored.total, scored.score,
                self.at(on, rng), user,
            )  # fmt: skip


_SEQUELS = ["ended_as_planned"] * 6 + [
    "progress_support_planning",
    "progress_reassessment",
    "nfa_declined",
    "nfa_signposting",
    "nfa_support_ended_other",
]


_STATUSES: list = []


def _start_statuses(rng) -> tuple[str, str]:
    if not _STATUSES:
        from enablement.returns.vocab import AccommodationStatus, EmploymentStatus

        _STATUSES.extend([EmploymentStatus.values, AccommodationStatus.values])
    return rng.choice(_STATUSES[0]), rng.choice(_STATUSES[1])


class _Calendar:
    """The working-day calendar with its answers remembered: most referrals share days."""

    def __init__(self, generator: Generator):
        self._generator = generator

    def add_working_days(self, day: date, n: int) -> date:
        return self._generator.add_working_days(day, n)


def checksum(connection=None) -> str:
    """A digest of the generated rows' key columns, to compare two runs."""
    import hashlib

    from django.db import connection as default

    connection = connection or default
    digest = hashlib.sha256()
    queries = [
        "SELECT id, reference, status, person_id, team_id, received_at, screening_due "
        "FROM referrals_referral ORDER BY id",
        "SELECT id, referral_id, worker_id, status, started_on, planned_end, next_review_due, "
        "closed_at, closure_reason FROM casework_episode ORDER BY id",
        "SELECT id, episode_id, planned_for, outcome FROM visits_visit ORDER BY id",
        "SELECT id, row_hash FROM governance_event ORDER BY id",
        "SELECT id, row_hash FROM governance_accesslogentry ORDER BY id",
        "SELECT id, username FROM accounts_user ORDER BY id",
    ]
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(sql)
            for row in cursor.fetchall():
                digest.update(repr(tuple(str(v) for v in row)).encode())
    return digest.hexdigest()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--teams-per-service", type=int, default=25)
    parser.add_argument("--staff-per-team", type=int, default=20)
    parser.add_argument("--years", type=int, default=4)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enablement.settings")
    os.environ.setdefault("ENABLEMENT_VAR_DIR", str(ROOT / "var" / "bench"))
    os.environ.setdefault("ENABLEMENT_DEMO", "true")
    import django

    django.setup()
    written = generate(
        referrals=args.referrals,
        people=args.people,
        seed=args.seed,
        teams_per_service=args.teams_per_service,
        staff_per_team=args.staff_per_team,
        years=args.years,
    )
    if not written:
        print(f"already holds {args.referrals:,} generated referrals: nothing to do")
        return
    for name, count in written.items():
        print(f"{name:<34} {count:>12,}")


if __name__ == "__main__":
    main()
