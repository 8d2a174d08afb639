"""`manage.py serve` (issue 14 item 8): gunicorn's workers and the job worker as processes of
their own; if one stops, the other is stopped and the command fails, so a supervisor
restarts the pair instead of leaving half a service running."""

import sys
import time

import pytest
from django.core.management import CommandError, call_command

from enablement.core.management.commands import serve
from enablement.gunicorn_conf import _int


def test_serve_refuses_to_run_under_test_settings():
    with pytest.raises(CommandError, match="for production"):
        call_command("serve")


def test_when_the_worker_stops_the_web_is_stopped_and_the_command_fails(settings, monkeypatch):
    settings.TESTING = False
    web = [sys.executable, "-c", "import time; time.sleep(60)"]
    worker = [sys.executable, "-c", "raise SystemExit(3)"]
    monkeypatch.setattr(serve, "web_command", lambda: web)
    monkeypatch.setattr(serve, "worker_command", lambda: worker)
    began = time.monotonic()
    with pytest.raises(CommandError, match="exited 3"):
        call_command("serve")
    # The web process was terminated, not waited out.
    assert time.monotonic() - began < 30


def test_the_web_runs_gunicorn_with_the_projects_config():
    assert serve.web_command()[1:] == [
        "-m",
        "gunicorn",
        "enablement.wsgi",
        "--config",
        "python:enablement.gunicorn_conf",
    ]


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    assert _int("WEB_CONCURRENCY", 3) == 5
    monkeypatch.setenv("WEB_CONCURRENCY", " ")
    assert _int("WEB_CONCURRENCY", 3) == 3


def test_the_web_keeps_a_pool_of_connections_on_postgresql_unless_told(monkeypatch):
    """The measured default (docs/PERFORMANCE.md "Load"): four per web process."""
    postgres, sqlite = "django.db.backends.postgresql", "django.db.backends.sqlite3"
    monkeypatch.delenv("DATABASE_POOL_SIZE", raising=False)
    assert serve.web_env(postgres)["DATABASE_POOL_SIZE"] == "4"
    monkeypatch.setenv("DATABASE_POOL_SIZE", "0")  # turned off, as with PgBouncer
    assert serve.web_env(postgres)["DATABASE_POOL_SIZE"] == "0"
    monkeypatch.delenv("DATABASE_POOL_SIZE")
    assert "DATABASE_POOL_SIZE" not in serve.web_env(sqlite)


def test_gunicorn_starts_one_worker_per_core_and_one_more(monkeypatch):
    import importlib
    import multiprocessing

    from enablement import gunicorn_conf

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr(multiprocessing, "cpu_count", lambda: 2)
    assert importlib.reload(gunicorn_conf).workers == 3
    monkeypatch.setenv("WEB_CONCURRENCY", "7")
    assert importlib.reload(gunicorn_conf).workers == 7


def test_workers_are_recycled_at_spread_out_moments(monkeypatch):
    import importlib

    from enablement import gunicorn_conf

    monkeypatch.delenv("WEB_MAX_REQUESTS", raising=False)
    conf = importlib.reload(gunicorn_conf)
    assert (conf.max_requests, conf.max_requests_jitter) == (5000, 2500)


def test_the_master_compiles_every_template_before_forking_its_workers():
    """A worker forked from the master has the product's templates compiled already."""
    from django.template import engines

    from enablement import gunicorn_conf

    engine = engines["django"].engine
    cached = next(loader for loader in engine.template_loaders if hasattr(loader, "reset"))
    cached.reset()
    assert "referrals/list.html" not in cached.get_template_cache

    class Server:
        class log:
            @staticmethod
            def warning(*args):
                raise AssertionError(args)

    gunicorn_conf.when_ready(Server())
    for name in ("referrals/list.html", "base.html", "home/admin.html"):
        assert name in cached.get_template_cache
