from django.core.management.base import BaseCommand

from enablement.referrals.services import recompute_deadlines


class Command(BaseCommand):
    help = (
        "Rewrite every referral's stored screening due date and every open hold's last day "
        "from the rule, the row's own settings version and the working-day calendar: run it "
        "after the bank-holiday calendar or a settings version is corrected. In batches; safe "
        "to run again (a second run changes nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, **options):
        checked, changed = recompute_deadlines(batch_size=options["batch_size"])
        self.stdout.write(f"{checked} referrals and open holds checked, {changed} changed")
