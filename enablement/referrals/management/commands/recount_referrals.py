from django.core.management.base import BaseCommand, CommandError

from enablement.referrals import tally


class Command(BaseCommand):
    help = (
        "Count the referrals by service, team and status afresh into the tally the tracker "
        "and the API read (ADR 0047): needed only after its triggers were bypassed (disabled "
        "by the table's owner, or session_replication_role = replica). With --check, only "
        "compare, and fail if they differ. Locks the referrals against writes while it "
        "counts (reads go on)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="compare only; exit 1 if they differ"
        )

    def handle(self, *args, **options):
        wrong = tally.differences()
        for (service, team, status), (tallied, counted) in sorted(
            wrong.items(), key=lambda item: tuple(str(v) for v in item[0])
        ):
            self.stdout.write(
                f"service {service}, team {team or 'none'}, {status}: tally says {tallied}, "
                f"the referrals are {counted}"
            )
        if options["check"]:
            if wrong:
                raise CommandError(f"the tally differs from the referrals in {len(wrong)} places")
            self.stdout.write("the tally agrees with the referrals")
            return
        tally.rebuild()
        self.stdout.write(f"recounted ({len(wrong)} places were wrong)")
