import time

from django.core.management.base import BaseCommand, CommandError

from enablement.governance import chain


class Command(BaseCommand):
    help = (
        "Walk the hash chain of the event and access-log tables in id order; name the first "
        "row changed or removed in each. Exits 1 if either chain is broken."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        started = time.monotonic()
        counts, breaks = [], []
        for model in chain.audit_models():
            count, broken = chain.verify_table(model, using=database)
            counts.append(f"{model._meta.db_table} {count} rows")
            if broken:
                breaks.append(broken)
        if breaks:
            for broken in breaks:
                self.stdout.write(f"BROKEN {broken}")
            raise CommandError(
                f"the audit chain is broken in {len(breaks)} table(s); see above", returncode=1
            )
        seconds = time.monotonic() - started
        self.stdout.write(f"OK audit chain intact: {', '.join(counts)} ({seconds:.1f} s)")
