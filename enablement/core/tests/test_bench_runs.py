"""`make bench` cannot rot: bench/run.py runs at a tiny size on a fresh SQLite database and
reports every hot path of issue 14 item 6, none of them failing. Times are not asserted
(they are the bench's to report, not a test's)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from enablement.core.tests.subprocess_env import fresh_env

REPO = Path(__file__).resolve().parents[3]

TINY = ["--size", "300", "--runs", "2", "--writes", "3", "--exports", "csv"]
HOT_PATHS = [
    "referrer home",
    "admin home (validation queue)",
    "senior home (screening queue)",
    "worker home",
    "provision manager home",
    "quality manager home",
    "commissioner home",
    "tracker: team, validated, by screening due",
    "tracker: overdue",
    "API list overdue=true",
    "API list overdue=false",
    "waiting list",
    "caseloads",
    "my caseload",
    "episode page",
    "person page (1,000-event timeline)",
    "dashboard ",
    "person search by NHS number",
    "person search by family name",
    "submit a referral",
    "export CSV",
    "sweep",
]


@pytest.mark.slow
def test_the_bench_runs_every_hot_path_at_a_tiny_size(tmp_path):
    done = subprocess.run(
        [sys.executable, "bench/run.py", *TINY],
        cwd=REPO,
        env=fresh_env(ENABLEMENT_VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "bench-sqlite-300.json").read_text())
    rows = report["rows"]
    for name in HOT_PATHS:
        assert any(r["path"].startswith(name) for r in rows), f"{name} missing from the bench"
        assert any(line.startswith(f"| {name}") for line in done.stdout.splitlines()), name
    assert [r for r in rows if "error" in r] == []
    # The sweep's row: its time per 100,000 due holds, parsed from bench/sweep.py's output.
    sweeps = [r for r in rows if r["path"].startswith("sweep")]
    assert len(sweeps) == 1 and sweeps[0]["app_median_ms"] > 0, sweeps
    measured = [r for r in rows if not r["path"].startswith("sweep")]
    # Every page's queries counted and its raw SQL timed beside it.
    pages = [r for r in measured if not r["path"].startswith(("submit", "export"))]
    assert all(r["queries"] > 0 and r["raw_median_ms"] > 0 for r in pages)
    assert all(r["runs"] >= 1 and r["app_p95_ms"] >= r["app_median_ms"] for r in measured)
