"""What a long timeline costs a page (issue 14 item 2): the demo, one person and one episode
given 1,000 more events each, then the person page, the episode page and the referral page
timed (median and p95 of 40 requests through Django's test client, the median of this
process's CPU time, which other sessions' load disturbs less, and the queries counted) beside
the raw SQL for the newest 50 of those events.

    python bench/timeline.py               # SQLite under var/bench-timeline/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_timeline python bench/timeline.py

Give it an empty database: the SQLite file is made afresh each run; on PostgreSQL
`dropdb`/`createdb` first (the audit tables refuse the TRUNCATE a flush would need).
"""

import os
import shutil
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enablement.settings")
os.environ.setdefault("ENABLEMENT_VAR_DIR", str(ROOT / "var" / "bench-timeline"))
os.environ.setdefault("ENABLEMENT_DEMO", "true")
if "DATABASE_URL" not in os.environ:
    shutil.rmtree(os.environ["ENABLEMENT_VAR_DIR"], ignore_errors=True)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

RUNS = 40
EVENTS = int(os.environ.get("BENCH_TIMELINE_EVENTS", "1000"))

# The same question the page asks, answered by hand: the newest 50 with who did them.
RAW = {
    "person_id": (
        "SELECT e.id, e.occurred_at, e.summary, u.username FROM governance_event e "
        "LEFT JOIN accounts_user u ON u.id = e.actor_id WHERE e.person_id = %s "
        "ORDER BY e.occurred_at DESC, e.id DESC LIMIT 51"
    ),
}
RAW["episode_id"] = RAW["person_id"].replace("e.person_id", "e.episode_id")
RAW["referral_id"] = RAW["person_id"].replace("e.person_id", "e.referral_id")


def _stats(times):
    times = sorted(times)
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def _page(client, path):
    client.get(path)  # warm
    times, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return (*_stats(times), statistics.median(cpu), len(queries))


def _raw(column, value):
    times = []
    with connection.cursor() as cursor:
        for _ in range(RUNS + 1):
            start = time.perf_counter()
            cursor.execute(RAW[column], [value])
            cursor.fetchall()
            times.append((time.perf_counter() - start) * 1000)
    return _stats(times[1:])


def main():
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from enablement.casework.models import Episode
    from enablement.demo.loader import load_demo
    from enablement.governance.models import Event

    now = timezone.now()
    load_demo(now=now)
    episode = Episode.objects.select_related("person", "worker").order_by("pk").first()
    worker = get_user_model().objects.get(staff=episode.worker)
    # Ten events a minute over the last weeks, so several share a time (the cursor's tie).
    Event.objects.bulk_create(
        Event(
            kind="episode.note",
            summary=f"Bench note {n}",
            actor=worker,
            occurred_at=now - timedelta(minutes=n // 10),
            person=episode.person,
            referral_id=episode.referral_id,
            episode=episode,
        )
        for n in range(EVENTS)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE governance_event")
    client = Client()
    client.force_login(worker)
    pages = {
        "person page": (f"/people/{episode.person_id}/", "person_id", episode.person_id),
        "episode page": (f"/episodes/{episode.pk}/", "episode_id", episode.pk),
        "referral page": (f"/referrals/{episode.referral_id}/", "referral_id", episode.referral_id),
    }
    count = Event.objects.filter(person_id=episode.person_id).count()
    print(f"{connection.vendor}, {count} events on the person's timeline, {RUNS} requests each")
    print(
        f"{'page':<15}{'median ms':>10}{'p95 ms':>8}{'cpu ms':>8}{'queries':>9}"
        f"{'raw ms':>8}{'ratio':>7}"
    )
    for name, (path, column, value) in pages.items():
        median, p95, cpu, queries = _page(client, path)
        raw = _raw(column, value)[0]
        print(
            f"{name:<15}{median:>10.1f}{p95:>8.1f}{cpu:>8.1f}{queries:>9}"
            f"{raw:>8.2f}{median / raw:>7.0f}"
        )
    _plan(episode.person_id)


def _plan(person_id):
    """PostgreSQL's plan for the person's second page, to check it seeks the index."""
    try:
        from enablement.governance import timeline
    except ImportError:  # run against a tree from before the timeline was paged
        return
    if connection.vendor != "postgresql":
        return
    from enablement.governance.models import Event
    from enablement.governance.selectors import timeline_for

    events = timeline_for(Event(person_id=person_id).person)
    first = timeline.page_of(events, None)
    second = timeline.after(events, timeline.decode(first.older))[: timeline.PAGE_SIZE + 1]
    print("The person's second page, EXPLAIN ANALYZE:")
    print(second.explain(analyze=True))


if __name__ == "__main__":
    main()
