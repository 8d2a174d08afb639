from django.core.management.base import BaseCommand

from enablement.core import clock
from enablement.demo.loader import DEMO_PASSWORD, load_demo, sign_in_list


class Command(BaseCommand):
    help = "Load the demo services, staff and fictitious people (safe to run again)."

    def handle(self, *args, **options):
        created = load_demo(now=clock.now(), episodes=True)
        self.stdout.write(
            f"Demo loaded: {created['services']} services, {created['users']} users, "
            f"{created['people']} people, {created['referrals']} referrals added "
            "(0 means they were already there)."
        )
        for label, username in sign_in_list():
            self.stdout.write(f"  {label:<42} {username}")
        self.stdout.write(f"  Password for every demo user: {DEMO_PASSWORD}")
