"""`make run`: migrate, load the demo, start the worker and the web server, print how to sign in."""

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from enablement.core import clock
from enablement.demo.loader import DEMO_PASSWORD, load_demo, more_sign_ins, sign_in_list


def banner(url: str, *, database, loaded: bool) -> list[str]:
    """What `make run` prints: where it runs and every demo sign-in (the README names some of
    them; a test holds the two together)."""
    return [
        "",
        f"Enablement is running at {url}",
        f"Database: {database}",
        "Demo data: " + ("loaded" if loaded else "already loaded (kept)"),
        "",
        "Sign in as any of these (password for all: " + DEMO_PASSWORD + "):",
        *[f"  {label:<42} {username}" for label, username in sign_in_list()],
        "More staff, for every seed service's path:",
        *[f"  {label[:60]:<62} {username}" for label, username in more_sign_ins()],
        "",
        f"API docs: {url}/api/v1/docs    Stop with Ctrl+C",
        "",
    ]


class Command(BaseCommand):
    help = "Run the demo: web server and background worker on the embedded database."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true")

    def handle(self, *args, host, port, no_worker, **options):
        if not settings.DEMO:
            raise CommandError("run_demo is for the demo: set ENABLEMENT_DEMO=true")
        call_command("migrate", interactive=False, verbosity=0)
        created = load_demo(now=clock.now(), episodes=True)
        url = f"http://{host}:{port}"
        lines = banner(
            url,
            database=settings.DATABASES["default"]["NAME"],
            loaded=bool(created["services"]),
        )
        self.stdout.write("\n".join(lines))
        self.stdout.flush()

        worker = None
        if not no_worker:
            worker = subprocess.Popen(
                [sys.executable, "manage.py", "qcluster"], cwd=settings.BASE_DIR
            )

        def stop(*_):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        try:
            from waitress import serve

            from enablement.wsgi import application

            serve(application, host=host, port=port, threads=8, _quiet=True)
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
