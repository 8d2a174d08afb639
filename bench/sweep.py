"""How long one periodic sweep takes over many due holds (issue 14 item 4; ADR 0038).

Makes BENCH_SWEEP_HOLDS referrals on hold (100,000 by default) whose holds ran out two days
ago, inserted in bulk (not through the actions: the set-up is not what is measured), then
times one `sweep()`: every hold closed, its referral closed not ready, one event each and a
message (inbox row and email) to the named social worker and the referrer; the outbox
delivery that follows sends its usual 100 (to Django's in-memory mail backend). Prints the
seconds and the seconds per 100,000 due holds.

    python bench/sweep.py                  # SQLite under var/bench/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/sweep.py
    BENCH_SWEEP_HOLDS=20000 python bench/sweep.py --profile   # cProfile, top 40 by own time
    ENABLEMENT_SWEEP_WORKERS=1 python bench/sweep.py          # one batch at a time

Each run adds its own referrals (references BENCH-<run>-<n>) and closes them: it can be run
again on the same database.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enablement.settings")
os.environ.setdefault("ENABLEMENT_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("ENABLEMENT_DEMO", "true")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

HOLDS = int(os.environ.get("BENCH_SWEEP_HOLDS", "100000"))
CHUNK = 5000


def ensure_demo(now):
    from enablement.demo.loader import load_demo

    if not get_user_model().objects.filter(username="senior.east").exists():
        load_demo(now=now)


def make_due_holds(n: int, now) -> None:
    from enablement.catalogue.models import Service
    from enablement.people.models import Person
    from enablement.referrals.models import Hold, Referral
    from enablement.referrals.rules import Status

    users = get_user_model().objects
    service = next(
        s for s in Service.objects.order_by("pk") if s.current_settings.complex_risk_hold
    )
    settings = service.current_settings
    team = service.teams.order_by("pk").first()
    people = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:500])
    # Two people told about each hold, each with an email address: the most the sweep writes.
    social_worker = users.filter(email__gt="").exclude(username="senior.east").order_by("pk")[0]
    referrer = users.filter(email__gt="").exclude(pk=social_worker.pk).order_by("pk")[0]
    senior = users.get(username="senior.east")
    received = now - timedelta(days=14)
    started = now - timedelta(days=12)
    run = uuid.uuid4().hex[:6]
    for start in range(0, n, CHUNK):
        size = min(CHUNK, n - start)
        with transaction.atomic():
            referrals = Referral.objects.bulk_create(
                Referral(
                    reference=f"BENCH-{run}-{start + i}",
                    service=service,
                    service_settings=settings,
                    team=team,
                    person_id=people[(start + i) % len(people)],
                    status=Status.ON_HOLD,
                    source="other",
                    referrer=referrer,
                    named_social_worker=social_worker,
                    created_at=received,
                    first_submitted_at=received,
                    received_at=received,
                    validated_at=received,
                    screening_due=timezone.localdate(received) + timedelta(days=7),
                )
                for i in range(size)
            )
            Hold.objects.bulk_create(
                Hold(
                    referral=referral,
                    concern="Benchmark concern",
                    started_at=started,
                    started_on=timezone.localdate(started),
                    started_by=senior,
                    expires_on=timezone.localdate(now) - timedelta(days=2),
                )
                for referral in referrals
            )


def server_cpu() -> float | None:
    """CPU seconds used so far by the PostgreSQL server's processes on this machine (/proc):
    the live ones' own time, and the postmaster's count of its ended children (the sweep's
    extra connections end with it). Everything PostgreSQL does here counts, so measure on an
    otherwise idle server. None where the server is not on this machine."""
    if connection.vendor != "postgresql":
        return None
    total, found = 0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended while listed
        if "(postgres)" not in text:
            continue
        fields = text.rsplit(")", 1)[1].split()
        total += sum(int(fields[i]) for i in (11, 12, 13, 14))
        found = True
    return total / os.sysconf("SC_CLK_TCK") if found else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", action="store_true", help="cProfile the sweep")
    parser.add_argument("--sort", default="tottime", help="the profile's order: tottime, cumtime")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    now = timezone.now()
    ensure_demo(now - timedelta(days=30))
    from enablement.referrals.jobs import sweep
    from enablement.referrals.models import Hold

    sweep()  # whatever an earlier run or the demo left due, so only these holds are timed
    started = time.monotonic()
    make_due_holds(HOLDS, now)
    made = time.monotonic() - started
    due = Hold.objects.filter(
        answered_at__isnull=True, expired_at__isnull=True, expires_on__lt=timezone.localdate(now)
    ).count()
    print(f"{connection.vendor}: {due} due holds made in {made:.1f} s")
    profiler = cProfile.Profile() if args.profile else None
    server = server_cpu()
    started, cpu = time.monotonic(), time.process_time()
    if profiler:
        profiler.enable()
    result = sweep()
    if profiler:
        profiler.disable()
    seconds, cpu = time.monotonic() - started, time.process_time() - cpu
    # This process's CPU time apart: on a shared machine the wall time is mostly waiting.
    workers = django.conf.settings.SWEEP_WORKERS
    print(
        f"{connection.vendor}: sweep {result} in {seconds:.2f} s ({cpu:.2f} s CPU here), "
        f"up to {workers} connection(s) side by side (ENABLEMENT_SWEEP_WORKERS)"
    )
    if server is not None and (after := server_cpu()) is not None:
        print(f"{connection.vendor}: the database server used {after - server:.2f} s CPU")
    print(f"{connection.vendor}: {seconds * 100000 / max(due, 1):.2f} s per 100,000 due holds")
    if profiler:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(40)


if __name__ == "__main__":
    main()
