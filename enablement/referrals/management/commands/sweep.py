from django.core.management.base import BaseCommand

from enablement.referrals.jobs import sweep


class Command(BaseCommand):
    help = "Run the periodic sweep once: close expired holds, send waiting email."

    def handle(self, *args, **options):
        self.stdout.write(str(sweep()))
