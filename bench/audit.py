"""How long `manage.py verify_audit` takes: fills the event table to BENCH_AUDIT_ROWS rows
(through the chained bulk insert, as the application writes), then times the walk. Then what
the chain adds to one write: `record_event` against a bare INSERT, each in its own
transaction, rolled back so the table is left as it was.

    python bench/audit.py                  # SQLite under var/bench/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/audit.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enablement.settings")
os.environ.setdefault("ENABLEMENT_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("ENABLEMENT_DEMO", "true")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

ROWS = int(os.environ.get("BENCH_AUDIT_ROWS", "100000"))


def main():
    call_command("migrate", verbosity=0)
    from enablement.governance.models import Event

    have = Event.objects.count()
    now = timezone.now()
    while have < ROWS:
        batch = min(5000, ROWS - have)
        Event.objects.bulk_create(
            [
                Event(
                    kind="bench.row",
                    summary=f"Benchmark event {have + n}",
                    occurred_at=now,
                    data={"n": have + n, "note": "a typical small payload"},
                )
                for n in range(batch)
            ]
        )
        have += batch
    started = time.monotonic()
    call_command("verify_audit")
    seconds = time.monotonic() - started
    print(f"{connection.vendor}: verify_audit over {Event.objects.count()} events: {seconds:.2f} s")
    print(f"{connection.vendor}: one write, median ms: {write_cost(now)}")


def write_cost(now, runs: int = 1000) -> str:
    from enablement.governance.services import record_event

    def chained(i):
        record_event(kind="bench.write", summary=f"w{i}", actor=None, now=now)

    def bare(i):
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO governance_event (occurred_at, kind, summary, data, prev_hash, "
                "row_hash) VALUES (%s, 'bench.raw', %s, '{}', '', '')",
                [now, f"r{i}"],
            )

    results = {}
    for name, write in (("record_event", chained), ("bare INSERT", bare)):
        times = []
        for i in range(runs):
            started = time.perf_counter()
            with transaction.atomic():
                write(i)
                transaction.set_rollback(True)
            times.append((time.perf_counter() - started) * 1000)
        results[name] = statistics.median(times)
    return ", ".join(f"{name} {ms:.2f}" for name, ms in results.items())


if __name__ == "__main__":
    main()
