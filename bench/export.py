"""Benchmark: exporting 100,000 tracker rows as CSV and XLSX through the view, time and peak
memory (issue 14 items 3 and 7; target under 200 MB). Not a test: prints a table for
docs/PERFORMANCE.md.

    .venv/bin/python bench/export.py                          # SQLite under var/bench-export/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_export .venv/bin/python bench/export.py
    BENCH_REFERRALS=1000000 .venv/bin/python bench/export.py  # a million rows

The referrals come from bench/generate.py (BENCH_REFERRALS, default 100,000). Each
export runs in a fresh process, as the quality manager (who sees every referral), through the
Django test Client, reading the streamed response chunk by chunk as a browser would; the peak
is that process's peak resident set (VmHWM: Django, the rows and the writer's
buffers together), beside its resident set before the request. `--job` also runs each format
as the worker's job (`core.export_jobs.run`), which writes the same file under the var
directory.
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("ENABLEMENT_VAR_DIR", str(ROOT / "var" / "bench-export"))
os.environ.setdefault("BENCH_REFERRALS", "100000")
os.environ.setdefault("BENCH_PEOPLE", "50000")
# Streamed through the view however many rows (the job is measured apart with --job).
os.environ.setdefault("ENABLEMENT_EXPORT_STREAM_ROWS", "1000000000")


def _rss_mb() -> float:
    """This process's peak resident set. `ru_maxrss` would carry over the parent's peak
    across fork and exec on Linux; the kernel's high-water mark (VmHWM) starts again with the
    new program."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(mode: str, fmt: str) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enablement.settings")
    os.environ.setdefault("ENABLEMENT_DEMO", "true")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from enablement.core import export_jobs
    from enablement.governance.models import AccessLogEntry

    user = get_user_model().objects.get(username="quality")
    before = _rss_mb()
    start = time.perf_counter()
    size = 0
    if mode == "view":
        client = Client()
        client.force_login(user)
        response = client.get(f"/referrals/export/{fmt}/")
        assert response.status_code == 200, response.status_code
        for chunk in response.streaming_content:
            size += len(chunk)
        response.close()
    else:
        job = export_jobs.start(
            user=user,
            source="referrals",
            fmt=fmt,
            path=f"/referrals/export/{fmt}/",
            query="",
            filename=f"bench.{fmt}",
            expected=0,
        )
        export_jobs.run(str(job.pk))
        path = export_jobs.file_path(job)
        size = path.stat().st_size
        path.unlink()
    seconds = time.perf_counter() - start
    entry = AccessLogEntry.objects.filter(action="export").order_by("-pk").first()
    return {
        "mode": mode,
        "format": fmt,
        "rows": entry.row_count,
        "bytes": size,
        "seconds": round(seconds, 2),
        "rss_before_mb": round(before, 1),
        "peak_mb": round(_rss_mb(), 1),
    }


def prepare() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import run  # sets up Django with the same environment

    started = time.perf_counter()
    run.ensure_data(int(os.environ["BENCH_REFERRALS"]))
    print(f"data ready in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3])))
        return
    prepare()
    modes = ["view", "job"] if "--job" in sys.argv else ["view"]
    print("| export | rows | size MB | seconds | RSS before MB | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for mode in modes:
        for fmt in ("csv", "xlsx"):
            done = subprocess.run(  # noqa: S603 - this script, with fixed arguments
                [sys.executable, __file__, "--child", mode, fmt],
                check=True,
                capture_output=True,
                text=True,
            )
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"| {fmt.upper()} {'through the view' if mode == 'view' else 'as a job'} "
                f"| {r['rows']:,} | {r['bytes'] / 1e6:.1f} | {r['seconds']} "
                f"| {r['rss_before_mb']} | {r['peak_mb']} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
