"""Benchmarks: each hot path against the raw SQL that answers the same question, on the same
database, in the same run. Not a test: prints a table for docs/PERFORMANCE.md.

    make bench                         # SQLite under var/bench/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench make bench
    BENCH_PEOPLE=1000000 make bench    # national scale (slow to generate)
"""

import os
import random
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

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "200000"))
RUNS = 15


def nhs(i: int) -> str:
    for j in range(i, i + 1000):
        body = f"{j:09d}"
        check = 11 - sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return body + str(check)
    raise ValueError


def generate():
    from enablement.catalogue.models import Team
    from enablement.people.models import Person

    have = Person.objects.count()
    if have >= PEOPLE:
        return
    rng = random.Random(7)
    teams = list(Team.objects.all())
    given = ["Ada", "Bo", "Cy", "Di", "Eli", "Fay", "Gus", "Hal", "Ina", "Jo", "Kai", "Lu"]
    family = [f"Family{n}" for n in range(5000)]
    now = timezone.now()
    batch = []
    for i in range(have, PEOPLE):
        batch.append(
            Person(
                nhs_number=nhs(i * 1000 + 17)[:10] if i % 3 else None,
                given_name=rng.choice(given),
                family_name=rng.choice(family),
                date_of_birth=date(1950, 1, 1) + timedelta(days=rng.randrange(20000)),
                primary_diagnosis="mental_health",
                registered_team=rng.choice(teams),
                created_at=now,
            )
        )
        if len(batch) == 5000:
            Person.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Person.objects.bulk_create(batch, ignore_conflicts=True)


def timed(fn) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main():
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from enablement.demo.loader import load_demo
    from enablement.people.models import Person
    from enablement.people.selectors import search_people

    load_demo(now=timezone.now())
    generate()
    user = get_user_model().objects.get(username="quality")  # sees everyone
    sample = Person.objects.exclude(nhs_number=None).order_by("pk")[PEOPLE // 2]
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
    print(
        f"database: {connection.vendor}; people: {Person.objects.count():,}; median of {RUNS} runs"
    )
    print(f"{'path':<34} {'app ms':>9} {'raw SQL ms':>11} {'ratio':>7}")
    for name, app, sql, params in cases:

        def raw(sql=sql, params=params):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()

        a, r = timed(app), timed(raw)
        print(f"{name:<34} {a * 1000:>9.2f} {r * 1000:>11.2f} {a / r:>7.1f}")


if __name__ == "__main__":
    main()
