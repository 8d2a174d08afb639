"""Reviews and extensions (seed 000 §7.1; 001 §11, §14; 004 §1).

The start writes one `Review` row per scheduled week with its due date (start + 7N days,
`casework.rules.clocks`), so "overdue" is a filter on an indexed column; the final review is
added at closure. An extension is requested with reasons and evidence and decided by the
service's approval chain (`ServiceSettings.extension_rule`); only an approval moves the
planned end.
"""

from django.conf import settings
from django.db import models

from enablement.core.limits import LONG_TEXT


class ReviewKind(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled review"
    FINAL = "final", "Final review at closure"


class Engagement(models.TextChoices):
    GOOD = "good", "Engaging well"
    PARTIAL = "partial", "Engaging some of the time"
    POOR = "poor", "Not engaging"


class Review(models.Model):
    episode = models.ForeignKey(
        "casework.Episode", on_delete=models.CASCADE, related_name="reviews"
    )
    kind = models.CharField(max_length=20, choices=ReviewKind.choices, default=ReviewKind.SCHEDULED)
    week = models.PositiveSmallIntegerField(null=True, blank=True)
    due_on = models.DateField(db_index=True)
    held_on = models.DateField(null=True, blank=True)
    engagement = models.CharField(max_length=20, choices=Engagement.choices, blank=True)
    participants = models.TextField(
        max_length=2000, blank=True, help_text="Who took part: the social worker may join"
    )
    summary = models.TextField(max_length=LONG_TEXT, blank=True)
    plan_revision = models.TextField(
        max_length=LONG_TEXT, blank=True, help_text="The revision agreed with the person"
    )
    new_plan = models.ForeignKey(
        "plans.Plan", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issues_for_social_worker = models.TextField(max_length=LONG_TEXT, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["episode", "held_on", "due_on"])]

    def __str__(self) -> str:
        return f"{self.episode} review due {self.due_on}"

    @property
    def is_held(self) -> bool:
        return self.held_on is not None


class GoalProgressLevel(models.TextChoices):
    ACHIEVED = "achieved", "Achieved"
    ON_TRACK = "on_track", "On track"
    SOME = "some", "Some progress"
    NONE = "none", "No progress yet"


class GoalProgress(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="progress")
    goal = models.ForeignKey("plans.Goal", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=20, choices=GoalProgressLevel.choices)
    note = models.TextField(max_length=2000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "goal"], name="one_progress_per_goal")
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.get_level_display()}"


class ExtensionStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    DISCUSSED = "discussed", "Discussed with the senior: waiting for the decision"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Extension(models.Model):
    episode = models.ForeignKey(
        "casework.Episode", on_delete=models.CASCADE, related_name="extensions"
    )
    weeks = models.PositiveSmallIntegerField()
    reasons = models.TextField(max_length=LONG_TEXT)
    evidence = models.TextField(
        max_length=LONG_TEXT, help_text="Why the extra time will meet the goals"
    )
    status = models.CharField(
        max_length=20, choices=ExtensionStatus.choices, default=ExtensionStatus.REQUESTED
    )
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    discussed_at = models.DateTimeField(null=True, blank=True)
    discussed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    discussion_note = models.TextField(max_length=LONG_TEXT, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreed_with = models.CharField(
        max_length=200, blank=True, help_text="Autism: the OT assessment manager agreeing"
    )
    decision_note = models.TextField(max_length=LONG_TEXT, blank=True)
    planned_end_before = models.DateField(null=True, blank=True)
    planned_end_after = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode"],
                condition=models.Q(status__in=["requested", "discussed"]),
                name="one_open_extension_per_episode",
            )
        ]

    def __str__(self) -> str:
        return f"{self.episode} extension of {self.weeks} weeks"
