"""The periodic jobs' batch helpers (core/batches.py, ADR 0038 and 0045): rows picked by a
long list of ids, and batches written side by side on PostgreSQL."""

import threading
import time

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat

from enablement.core.batches import run_batches, unflushed_commit, with_ids

only_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one writer in at a time: there the batches run one after another",
)


def _groups(n: int) -> list[int]:
    made = Group.objects.bulk_create(Group(name=f"batch group {i}") for i in range(n))
    return sorted(g.pk for g in made)


@pytest.mark.django_db
def test_a_long_list_of_ids_picks_exactly_those_rows():
    ids = _groups(250)
    wanted = [*ids[10:200], max(ids) + 1000]  # 190 that exist, one that does not
    picked = with_ids(Group.objects, wanted).order_by("pk")
    assert list(picked.values_list("pk", flat=True)) == ids[10:200]
    renamed = Concat(F("name"), Value(" (renamed)"))
    assert with_ids(Group.objects, wanted).update(name=renamed) == 190
    assert set(Group.objects.filter(name__endswith="(renamed)").values_list("pk", flat=True)) == (
        set(ids[10:200])
    )
    assert with_ids(Group.objects, ids[:3]).count() == 3  # a few ids: the plain filter
    assert with_ids(Group.objects, []).count() == 0


@pytest.mark.django_db
def test_inside_a_transaction_the_batches_run_here_one_after_another():
    seen = []

    def act(batch):
        with transaction.atomic():
            unflushed_commit()  # harmless where the database has no such setting
            seen.append((threading.current_thread(), batch))
        return len(batch)

    # The test's own transaction is open: other connections could not see its rows.
    assert run_batches(act, [[1, 2], [3], [4, 5, 6]], workers=4) == [2, 1, 3]
    assert seen == [(threading.current_thread(), b) for b in ([1, 2], [3], [4, 5, 6])]


@pytest.mark.django_db(transaction=True)
@only_postgres
def test_batches_are_written_side_by_side_each_on_its_own_connection():
    """Each of the first two batches waits until the other has started: if they ran one
    after another the first would wait for ever (the barrier times out and the test fails)."""
    both_started = threading.Barrier(2, timeout=30)
    backends = {}

    def act(batch):
        if batch[0] < 2:
            both_started.wait()
        with transaction.atomic():
            unflushed_commit()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid(), current_setting('synchronous_commit')")
                backends[batch[0]] = cursor.fetchone()
        return batch[0]

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        mine = cursor.fetchone()[0]
    assert sorted(run_batches(act, [[n] for n in range(6)], workers=2)) == list(range(6))
    pids = {pid for pid, _ in backends.values()}
    assert len(pids) == 2 and mine not in pids
    # Each batch's commit did not wait for the disk; the caller's connection is unchanged.
    assert {setting for _, setting in backends.values()} == {"off"}
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    # The threads' connections were closed when they ended (their server processes take a
    # moment to go).
    for _ in range(50):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [sorted(pids)]
            )
            if cursor.fetchone()[0] == 0:
                break
        time.sleep(0.1)
    else:
        pytest.fail("a batch's connection was left open")


@pytest.mark.django_db(transaction=True)
@only_postgres
def test_an_error_in_one_batch_is_raised_to_the_caller_and_no_more_are_started():
    started = []

    def act(batch):
        started.append(batch)
        if batch == 2:
            raise ValueError("batch 2 failed")
        return batch

    with pytest.raises(ValueError, match="batch 2 failed"):
        run_batches(act, list(range(40)), workers=2)
    assert len(started) < 40
