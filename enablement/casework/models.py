"""An episode: one person, one service, one allocated worker (DESIGN.md section 7).

It opens in "planning" when a senior allocates an accepted referral (`allocation.services`),
and keeps the service settings version its referral started under. Plans, visits, reviews
and closure arrive with the casework issues; until then only allocation changes an episode.
"""

from django.conf import settings
from django.db import models


class EpisodeStatus(models.TextChoices):
    PLANNING = "planning", "Planning"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


# An open episode takes one place on its worker's caseload.
OPEN_EPISODE_STATUSES = (EpisodeStatus.PLANNING, EpisodeStatus.ACTIVE)


class Episode(models.Model):
    referral = models.OneToOneField(
        "referrals.Referral",
        on_delete=models.PROTECT,
        related_name="episode",
        help_text="One referral opens at most one episode: the database refuses a second",
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="episodes")
    service = models.ForeignKey(
        "catalogue.Service", on_delete=models.PROTECT, related_name="episodes"
    )
    service_settings = models.ForeignKey(
        "catalogue.ServiceSettings", on_delete=models.PROTECT, related_name="episodes"
    )
    team = models.ForeignKey("catalogue.Team", on_delete=models.PROTECT, related_name="episodes")
    worker = models.ForeignKey(
        "catalogue.StaffMember", on_delete=models.PROTECT, related_name="episodes"
    )
    status = models.CharField(
        max_length=20, choices=EpisodeStatus.choices, default=EpisodeStatus.PLANNING
    )
    allocated_at = models.DateTimeField()
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Why this worker: the proposal's reason, or the senior's reason for an override.
    allocation_reason = models.TextField(max_length=2000)
    overridden = models.BooleanField(
        default=False, help_text="The senior chose someone other than the first proposal"
    )
    beyond_room = models.BooleanField(
        default=False,
        help_text="Allocated when the worker had no room, on leave or without a needed skill",
    )
    # Allocated before a referral that had waited longer and fitted: which one, and why.
    passed_over = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The longest-waiting referral that fitted, allocated after this one",
    )
    out_of_order_reason = models.TextField(max_length=2000, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-allocated_at", "-id"]
        indexes = [
            models.Index(fields=["worker", "status"]),
            models.Index(fields=["service", "status"]),
            models.Index(fields=["team", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.referral.reference} episode"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_EPISODE_STATUSES
