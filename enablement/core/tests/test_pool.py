"""Connection pooling (issue 14 item 9): DATABASE_POOL_SIZE turns on psycopg 3's pool in each
web process, and a pool of N serves many requests on at most N PostgreSQL connections."""

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from enablement.core.tests.subprocess_env import fresh_env

REPO = Path(__file__).resolve().parents[3]
ON_POSTGRES = settings.DATABASES[DEFAULT_DB_ALIAS]["ENGINE"] == "django.db.backends.postgresql"
SHOW_POOL = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {}).get('pool')))"
)


def _settings_with(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", SHOW_POOL],
        cwd=REPO,
        env=fresh_env(DJANGO_SETTINGS_MODULE="enablement.settings", ENABLEMENT_DEMO="true", **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_pool_size_setting_turns_the_pool_on_for_postgresql():
    shown = _settings_with(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test", DATABASE_POOL_SIZE="4"
    )
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == {"min_size": 1, "max_size": 4, "timeout": 10}

    unset = _settings_with(DATABASE_URL="postgres://postgres@127.0.0.1:5432/test")
    assert json.loads(unset.stdout) is None


def test_a_pool_on_sqlite_or_a_bad_size_stops_start_up_with_a_message(tmp_path):
    on_sqlite = _settings_with(
        DATABASE_URL=f"sqlite:///{tmp_path}/pool.sqlite3", DATABASE_POOL_SIZE="4"
    )
    assert on_sqlite.returncode != 0
    assert "DATABASE_POOL_SIZE needs PostgreSQL" in on_sqlite.stderr

    bad = _settings_with(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test", DATABASE_POOL_SIZE="x"
    )
    assert bad.returncode != 0
    assert "DATABASE_POOL_SIZE must be a whole number" in bad.stderr


@pytest.mark.skipif(not ON_POSTGRES, reason="psycopg's pool is PostgreSQL's")
@pytest.mark.django_db
def test_sixty_requests_from_six_threads_share_a_pool_of_two_connections():
    from django.db.backends.postgresql.base import DatabaseWrapper

    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    pooled = {
        **primary,
        "OPTIONS": {
            **primary.get("OPTIONS", {}),
            "pool": {"min_size": 1, "max_size": 2, "timeout": 10},
        },
    }
    backends: set[int] = set()
    answered: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def one_worker_thread():
        # A wrapper per thread, as Django keeps one per thread; the pool is shared by alias.
        wrapper = DatabaseWrapper(pooled, alias="pooled")
        try:
            for _ in range(10):  # each loop is a request: borrow, query, give back
                with wrapper.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid(), current_database()")
                    pid, database = cursor.fetchone()
                with lock:
                    backends.add(pid)
                    answered.append(pid)
                assert database == primary["NAME"]
                wrapper.close()  # returns the connection to the pool, open
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=one_worker_thread) for _ in range(6)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        DatabaseWrapper(pooled, alias="pooled").close_pool()
    assert errors == []
    assert len(answered) == 60
    assert 1 <= len(backends) <= 2
