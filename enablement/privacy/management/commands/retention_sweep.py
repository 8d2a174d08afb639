from django.core.management.base import BaseCommand

from enablement.core import clock
from enablement.privacy.jobs import retention_sweep_job


class Command(BaseCommand):
    help = (
        "Anonymise people whose retention period has passed and who have no legal hold "
        "(docs/SECURITY.md). Safe to run any number of times."
    )

    def handle(self, *args, **options):
        result = retention_sweep_job(now=clock.now())
        self.stdout.write(
            f"Anonymised {result['anonymised']}; kept by a legal hold "
            f"{result['kept_by_legal_hold']}; audit rows older than the audit period "
            f"{result['audit_rows_past_period']} (kept: see docs/SECURITY.md)"
        )
