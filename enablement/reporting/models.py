"""Dashboard figures stamped with the time they were computed (ADR 0043): a copy of what a
live computation for one scope returned, so a page for the default scope need not read a
year of a national service's records on every view."""

from django.db import models
from django.db.models import Q


class StampedFigures(models.Model):
    """Every figure of the dashboard for one scope, as computed at `computed_at`.

    The key is everything `rules.Scope` is made of but what follows from the service (its
    teams' names) or never changes (the England and Wales calendar), so a stamp stands for
    exactly the live computation of its scope at that moment. `as_of` is the scope's
    `today`: caseloads and waits are counted on it, so yesterday's stamp is not today's.
    """

    service = models.ForeignKey("catalogue.Service", on_delete=models.CASCADE, related_name="+")
    # None: all teams and hubs of the service.
    team = models.ForeignKey(
        "catalogue.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    start = models.DateField(help_text="The first day of the period")
    end = models.DateField(help_text="The last day of the period")
    suppress = models.BooleanField(help_text="Small numbers hidden, as a commissioner sees it")
    as_of = models.DateField(help_text="The day the figures were computed for")
    computed_at = models.DateTimeField()
    # A pickled list of rules.Figure. Pickle is safe here only because the server alone
    # writes this column (the job and the dashboard view); nothing a user sends reaches it.
    figures = models.BinaryField()

    class Meta:
        verbose_name = "stamped dashboard figures"
        verbose_name_plural = "stamped dashboard figures"
        # NULLs are distinct in a unique index, so "all teams" needs a constraint of its own.
        constraints = [
            models.UniqueConstraint(
                fields=["service", "team", "start", "end", "suppress", "as_of"],
                condition=Q(team__isnull=False),
                name="reporting_stamp_one_per_team_scope",
            ),
            models.UniqueConstraint(
                fields=["service", "start", "end", "suppress", "as_of"],
                condition=Q(team__isnull=True),
                name="reporting_stamp_one_per_service_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.start} to {self.end} as of {self.as_of}"
