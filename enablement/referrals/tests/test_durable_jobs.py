"""A job queued while the worker is down is done when a worker starts: the queue is rows in
the database, not memory. Runs the real `manage.py qcluster` on a scratch SQLite file."""

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from enablement.core.tests.subprocess_env import fresh_env

REPO = Path(__file__).resolve().parents[3]


def _manage(env, *args, timeout=120):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


@pytest.mark.slow
def test_a_job_queued_while_no_worker_runs_is_done_when_one_starts(tmp_path):
    env = fresh_env(ENABLEMENT_VAR_DIR=str(tmp_path), ENABLEMENT_DEMO="true")
    _manage(env, "migrate", "--verbosity", "0")
    # Queue the sweep with no worker running (as after a crash or a restart).
    _manage(
        env,
        "shell",
        "-c",
        "from django_q.tasks import async_task; "
        "async_task('enablement.referrals.jobs.sweep', task_name='durability-check')",
    )
    db = tmp_path / "enablement.sqlite3"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM django_q_ormq").fetchone()[0] == 1
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        done = None
        while time.monotonic() < deadline and not done:
            time.sleep(1)
            with sqlite3.connect(db) as conn:
                done = conn.execute(
                    "SELECT success FROM django_q_task WHERE name = 'durability-check'"
                ).fetchone()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert done == (1,)
