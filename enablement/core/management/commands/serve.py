"""Serve in production on one host: gunicorn's worker processes for the web, and the job
worker (django-q2's cluster: outbox, sweeps, retention) as a process of its own. If either
stops, the other is stopped too and the command fails, so the host's supervisor (systemd, a
container runtime) restarts both rather than leaving half a service running.

On several hosts, run the two commands it starts as separate units instead (README)."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def web_command() -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "enablement.wsgi",
        "--config",
        "python:enablement.gunicorn_conf",
    ]


# Connections each web process keeps open on PostgreSQL unless DATABASE_POOL_SIZE says
# otherwise (0: none): without a pool each request opens its own, which at 32 users cost a
# third of a second at p99 (docs/PERFORMANCE.md "Load").
WEB_POOL_SIZE = "4"


def web_env(engine: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    engine = engine or settings.DATABASES["default"]["ENGINE"]
    postgres = engine == "django.db.backends.postgresql"
    if postgres and not env.get("DATABASE_POOL_SIZE", "").strip():
        env["DATABASE_POOL_SIZE"] = WEB_POOL_SIZE
    return env


def worker_command() -> list[str]:
    return [sys.executable, "manage.py", "qcluster"]


class Command(BaseCommand):
    help = "Serve with gunicorn's worker processes and the job worker"

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-worker", action="store_true", help="the web only (a job worker runs elsewhere)"
        )

    def handle(self, *args, no_worker, **options):
        if settings.TESTING:
            raise CommandError("serve is for production: unset ENABLEMENT_TESTING")
        children = [subprocess.Popen(web_command(), cwd=settings.BASE_DIR, env=web_env())]  # noqa: S603
        if not no_worker:
            children.append(subprocess.Popen(worker_command(), cwd=settings.BASE_DIR))  # noqa: S603

        def stop(*_):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        failed = False
        try:
            while all(c.poll() is None for c in children):
                time.sleep(1)
            failed = True
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=35)
                except subprocess.TimeoutExpired:
                    child.kill()
        if failed:
            raise CommandError(
                "a process stopped: "
                + ", ".join(f"{' '.join(c.args[2:4])} exited {c.returncode}" for c in children)
            )
