from django.core.management.base import BaseCommand

from enablement.reporting.jobs import refresh_dashboards


class Command(BaseCommand):
    help = (
        "Stamp each active service's default dashboard (the last 12 months, all teams, as a "
        "manager and as a commissioner sees it) and remove the stamps of days gone by."
    )

    def handle(self, *args, **options):
        self.stdout.write(str(refresh_dashboards()))
