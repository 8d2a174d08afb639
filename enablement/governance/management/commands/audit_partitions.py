from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from enablement.core import clock
from enablement.governance import partitions, triggers


def _month(text: str) -> date:
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError as error:
        raise CommandError(f"a month is written YYYY-MM, not {text!r}") from error


class Command(BaseCommand):
    help = (
        "PostgreSQL: make the audit tables' monthly partitions for this month and the next "
        "--ahead months, or --detach one month from both tables for archiving (then pg_dump "
        "the detached tables and drop them as the owner role). Run monthly."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ahead", type=int, default=12)
        parser.add_argument(
            "--since",
            metavar="YYYY-MM",
            help="also make the months from this one (before loading historic rows, which "
            "would otherwise land in the DEFAULT partition)",
        )
        parser.add_argument("--detach", metavar="YYYY-MM")
        parser.add_argument("--database", default="default")

    def handle(self, *args, ahead, since, detach, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("the audit tables are partitioned on PostgreSQL only")
        with transaction.atomic(using=database), connection.cursor() as cursor:
            if detach:
                month = _month(detach)
                for table in partitions.KEYS:
                    if partitions.month_name(table, month) not in partitions.partitions(
                        cursor, table
                    ):
                        raise CommandError(
                            f"{table} has no partition for {detach}: nothing was detached"
                        )
                for table in partitions.KEYS:
                    name = partitions.detach_month(cursor, table, month)
                    self.stdout.write(f"detached {name}")
                return
            today = clock.today()
            last = date(
                today.year + (today.month - 1 + ahead) // 12, (today.month - 1 + ahead) % 12 + 1, 1
            )
            for table in partitions.KEYS:
                first = min(_month(since), today) if since else today
                made, skipped = partitions.ensure_months(cursor, table, first, last)
                for name in made:
                    self.stdout.write(f"made {name}")
                for name in skipped:
                    self.stdout.write(f"skipped {name}: its rows are already in {table}_default")
        triggers.revoke_changes(connection)
