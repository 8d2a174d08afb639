from django.core.management.base import BaseCommand

from enablement.casework.services import recompute_open_episode_clocks


class Command(BaseCommand):
    help = (
        "Rewrite every open started episode's stored clocks (planned end, chargeable date, "
        "last day, unheld reviews, next review) from the rule and the episode's own settings "
        "version. Safe to run again: a second run changes nothing."
    )

    def handle(self, *args, **options):
        checked, changed = recompute_open_episode_clocks()
        self.stdout.write(f"{checked} started episodes checked, {changed} changed")
