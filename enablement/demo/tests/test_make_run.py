"""`make run` as a new user runs it: the sign-in page is served, the worker starts, demo
logins are printed, and running it again neither fails nor duplicates the demo."""

import contextlib
import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from enablement.core.tests.subprocess_env import fresh_env

REPO = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(var_dir: Path, port: int) -> subprocess.Popen:
    env = fresh_env(ENABLEMENT_VAR_DIR=str(var_dir))
    return subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _wait_for_sign_in(proc: subprocess.Popen, port: int, timeout: float = 180) -> str:
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/sign-in/"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"make run stopped: {proc.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            time.sleep(1)
    raise AssertionError("make run did not serve the sign-in page in time")


def _stop(proc: subprocess.Popen) -> str:
    # It may have stopped already; its output says why.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    return out


def _workers_running() -> bool:
    result = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True)
    return "manage.py qcluster" in result.stdout


@pytest.mark.slow
def test_make_run_serves_sign_in_and_is_safe_to_run_again(tmp_path):
    port = _free_port()
    first = _start(tmp_path, port)
    try:
        html = _wait_for_sign_in(first, port)
        assert "Sign in to Enablement" in html
        assert _workers_running()
    finally:
        out = _stop(first)
    assert f"http://127.0.0.1:{port}" in out
    for username in (
        "referrer",
        "admin.east",
        "worker.east",
        "senior.east",
        "pm.kers",
        "quality",
        "commissioner",
        "person",
        "carer",
        "sysadmin",
    ):
        assert re.search(rf"\s{re.escape(username)}\n", out), username
    # Every demo user, so each seed service's path can be walked (issue 12 item 7).
    from enablement.demo.loader import USERS

    for spec in USERS:
        assert re.search(rf"\s{re.escape(spec.username)}\n", out), spec.username
    assert "enablement-demo" in out

    db = tmp_path / "enablement.sqlite3"
    counts = _counts(db)
    second = _start(tmp_path, port)
    try:
        _wait_for_sign_in(second, port)
    finally:
        out = _stop(second)
    assert "already loaded" in out
    assert _counts(db) == counts


def _counts(db: Path) -> dict:
    with sqlite3.connect(db) as conn:
        return {
            table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in (
                "accounts_user",
                "people_person",
                "catalogue_service",
                "catalogue_servicesettings",
                "governance_event",
            )
        }
