"""What logging every read costs a page: the same pages of the demo, served with the
access-log middleware and without it, median of 60 requests each, with the queries counted.

    python bench/reads.py                  # SQLite under var/bench-reads/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/reads.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enablement.settings")
os.environ.setdefault("ENABLEMENT_VAR_DIR", str(ROOT / "var" / "bench-reads"))
os.environ.setdefault("ENABLEMENT_DEMO", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

RUNS = 60
LOGGER = "enablement.governance.reads.AccessLogMiddleware"


def _time(client, path):
    client.get(path)  # warm
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return statistics.median(times), len(queries)


def main():
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from enablement.demo.loader import load_demo
    from enablement.people.models import Person

    load_demo(now=timezone.now())
    person = Person.objects.get(family_name="Specimen").pk
    pages = {
        "person page": ("worker.east", f"/people/{person}/"),
        "tracker": ("admin.east", "/referrals/"),
        "people search": ("admin.east", "/people/?q=a"),
        "admin home": ("admin.east", "/home/validation/"),
    }
    without = [m for m in settings.MIDDLEWARE if m != LOGGER]
    print(f"{'page':<16}{'logged ms':>10}{'queries':>9}{'unlogged ms':>13}{'queries':>9}")

    def client_for(username):
        # A new client each time: a client builds its middleware chain once.
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        return client

    for name, (username, path) in pages.items():
        logged = _time(client_for(username), path)
        with override_settings(MIDDLEWARE=without):
            unlogged = _time(client_for(username), path)
        print(f"{name:<16}{logged[0]:>10.1f}{logged[1]:>9}{unlogged[0]:>13.1f}{unlogged[1]:>9}")


if __name__ == "__main__":
    main()
