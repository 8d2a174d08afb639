"""Gunicorn settings for production: several worker processes, each a plain synchronous
Django process holding nothing between requests (sessions and caches live in the database
or Redis), so any number of them, on any number of machines, can serve the same users.

    gunicorn enablement.wsgi --config python:enablement.gunicorn_conf

Every value is an environment setting (README "Serving in production")."""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip() else default


bind = f"{os.environ.get('HOST', '127.0.0.1')}:{_int('PORT', 8000)}"
# One per core, plus one. Gunicorn's rule of thumb is two per core plus one, for workers that
# mostly wait; ours spend their time in Python and in PostgreSQL on the same cores, so more
# processes than cores only queue. Measured on 2 cores with 32 users (docs/PERFORMANCE.md
# "Load"): 3 workers with a pool of 4 connections each, p99 under one second; 4 to 5
# workers without a pool, p99 over it.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1)
worker_class = "sync"
# A page taking longer than this is a fault to look at, not a request to wait for.
timeout = _int("WEB_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5
# Recycle a worker after this many requests, with jitter so they do not all restart at once:
# a slow leak in a library cannot grow a process without end.
max_requests = _int("WEB_MAX_REQUESTS", 5000)
# Workers share the requests evenly, so with a small jitter they all reached their limit
# within seconds of each other, and the restarts showed as the load test's slowest
# requests: half the limit spreads them out.
max_requests_jitter = max_requests // 2
# Load the code before forking: workers share its memory pages.
preload_app = True
accesslog = None
errorlog = "-"
# Behind the council's proxy, only its address may say the request was HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server):
    """In the master, before any worker is forked: every template compiled once, so a
    worker (first or recycled) inherits them instead of compiling them on its first
    requests. Nothing here opens a database connection, which a fork must not share."""
    from pathlib import Path

    from django.conf import settings
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines

    ours = Path(settings.BASE_DIR) / "enablement"
    for engine in engines.all():
        for directory in map(Path, engine.template_dirs):
            if not directory.is_relative_to(ours):
                continue  # the admin's and libraries' own: compiled when first used
            for path in sorted(directory.rglob("*.html")):
                try:
                    engine.get_template(str(path.relative_to(directory)))
                except (TemplateDoesNotExist, TemplateSyntaxError) as exc:
                    server.log.warning("template %s not compiled ahead: %s", path, exc)
