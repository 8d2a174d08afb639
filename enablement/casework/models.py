"""An episode: one person, one service, one allocated worker (DESIGN.md section 7).

It opens in "planning" when a senior allocates an accepted referral (`allocation.services`),
and keeps the service settings version its referral started under. Before the start the
worker reviews the risk information, holds the planning meeting and clears any
health-and-safety issue; the start writes every clock on the row (planned end, next review,
STR's chargeable date and last date), from `rules.clocks`, so lists filter and sort by them
in SQL. Plans live in `plans`, visits and notes in `visits`, reviews and extensions in
`reviews`, closure in `closures`.
"""

from django.conf import settings
from django.db import models

from enablement.core.limits import LONG_TEXT
from enablement.returns.vocab import AccommodationStatus, EmploymentStatus


class EpisodeStatus(models.TextChoices):
    PLANNING = "planning", "Planning"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold: waiting for the social worker"
    CLOSING = "closing", "Closure proposed"
    CLOSED = "closed", "Closed"


# An open episode takes one place on its worker's caseload.
OPEN_EPISODE_STATUSES = (
    EpisodeStatus.PLANNING,
    EpisodeStatus.ACTIVE,
    EpisodeStatus.ON_HOLD,
    EpisodeStatus.CLOSING,
)


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

    # Before the start (seed 000 §7, 001 §10).
    risk_reviewed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The worker reviewed the risk assessments and contact notes",
    )
    risk_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # The clocks, written by the action that starts or moves them (rules.clocks), never
    # computed when read. Null until the enablement starts.
    started_on = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True, db_index=True)
    next_review_due = models.DateField(
        null=True, blank=True, db_index=True, help_text="The earliest scheduled review not held"
    )
    chargeable_from = models.DateField(
        null=True, blank=True, help_text="STR: support from this day is chargeable"
    )
    support_ends_by = models.DateField(
        null=True, blank=True, help_text="The last day support may run, extensions included"
    )
    extended_weeks = models.PositiveSmallIntegerField(
        default=0, help_text="Weeks added by approved extensions"
    )
    # Missed visits: when the count reached the service's threshold, the senior is prompted
    # to discuss closure. The prompt never closes anything.
    missed_visits_prompted_at = models.DateTimeField(null=True, blank=True)
    missed_visits_discussed_at = models.DateTimeField(null=True, blank=True)

    closure_reason = models.CharField(max_length=40, blank=True)
    # Bumped by every change to the episode's page state that two people could race on.
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-allocated_at", "-id"]
        indexes = [
            models.Index(fields=["worker", "status"]),
            models.Index(fields=["service", "status"]),
            models.Index(fields=["team", "status"]),
            models.Index(fields=["team", "status", "next_review_due"]),
            models.Index(fields=["worker", "status", "planned_end"]),
        ]

    def __str__(self) -> str:
        return f"{self.referral.reference} episode"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_EPISODE_STATUSES


class MeetingOutcome(models.TextChoices):
    READY = "ready", "Ready to start the enablement"
    UNSAFE = "unsafe", "Unsafe to start"
    JOINT_WORKING = "joint_working", "Joint working needed for the whole period"


class PlanningMeeting(models.Model):
    """The face-to-face planning meeting (seed 000 §7, 001 §10). Each need identified is
    raised with the named social worker (a message and an event)."""

    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="meeting")
    held_on = models.DateField()
    attendees = models.TextField(max_length=2000, help_text="Who attended")
    joint_visit = models.BooleanField(
        default=False, help_text="Held jointly with a social worker or social work assistant"
    )
    joint_visit_with = models.CharField(max_length=200, blank=True)
    carer_need = models.BooleanField(default=False)
    advocacy_need = models.BooleanField(default=False)
    capacity_need = models.BooleanField(default=False, help_text="Mental capacity")
    safeguarding_need = models.BooleanField(default=False)
    needs_note = models.TextField(max_length=LONG_TEXT, blank=True)
    outcome = models.CharField(max_length=20, choices=MeetingOutcome.choices)
    # Seed 003's employment and accommodation at the start (returns.vocab's lists); blank
    # on meetings recorded before they were asked.
    employment_status = models.CharField(
        max_length=30, choices=EmploymentStatus.choices, blank=True
    )
    accommodation_status = models.CharField(
        max_length=30, choices=AccommodationStatus.choices, blank=True
    )
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.episode} planning meeting {self.held_on}"


class SafetyIssueKind(models.TextChoices):
    ACCESS = "access", "Access to the property"
    UNSAFE_CONDITION = "unsafe_condition", "Unsafe condition of the property"
    SUBSTANCES = "substances", "Drug or alcohol use that harms enablement"
    OTHER = "other", "Another health-and-safety issue"


class SafetyIssue(models.Model):
    """A health-and-safety issue referred to the named social worker; an unresolved one
    blocks the start (seed 000 §7)."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="safety_issues")
    kind = models.CharField(max_length=30, choices=SafetyIssueKind.choices)
    description = models.TextField(max_length=LONG_TEXT)
    raised_at = models.DateTimeField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.TextField(max_length=LONG_TEXT, blank=True)

    class Meta:
        ordering = ["raised_at", "id"]

    def __str__(self) -> str:
        return f"{self.episode}: {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class EpisodeHold(models.Model):
    """Complex risk during the enablement (seed 000 §6.2, e.g. poor progress against agreed
    outcomes): the named social worker is asked; no answer by `expires_on` (the service's
    hold time in working days, stored when raised) closes the episode not ready."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="holds")
    concern = models.TextField(max_length=LONG_TEXT)
    status_before = models.CharField(max_length=20, choices=EpisodeStatus.choices)
    started_at = models.DateTimeField()
    started_on = models.DateField()
    expires_on = models.DateField(
        db_index=True, help_text="Closed not ready at the first sweep after this day"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(max_length=LONG_TEXT, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode"],
                condition=models.Q(answered_at__isnull=True, expired_at__isnull=True),
                name="one_open_hold_per_episode",
            )
        ]

    def __str__(self) -> str:
        return f"{self.episode} hold {self.started_on}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None and self.expired_at is None
