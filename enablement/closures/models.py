"""Closure (seed 000 §8; 001 §13): proposed by the worker with a reason from the service's
list, agreed by the senior, with the outcomes and recommendations form completed with the
person; closed to this service only (the person stays open to social care). A disputed
closure escalates senior, then provision manager, then the quality and enablement service
manager, each step with its answer.
"""

from django.conf import settings
from django.db import models

from enablement.core.limits import LONG_TEXT
from enablement.returns.vocab import AccommodationStatus, EmploymentStatus, EventOutcome


class ClosureStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed: waiting for the senior"
    AGREED = "agreed", "Agreed: closed"
    NOT_AGREED = "not_agreed", "Not agreed by the senior"


class EvaluationOffer(models.TextChoices):
    LINK = "link", "Sent a link to the electronic evaluation"
    PAPER = "paper", "Given a paper evaluation"
    DECLINED = "declined", "The person declined the evaluation"


class Closure(models.Model):
    episode = models.ForeignKey(
        "casework.Episode", on_delete=models.CASCADE, related_name="closures"
    )
    reason = models.CharField(max_length=40)
    status = models.CharField(
        max_length=20, choices=ClosureStatus.choices, default=ClosureStatus.PROPOSED
    )
    proposed_at = models.DateTimeField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    discussion_note = models.TextField(
        max_length=LONG_TEXT, blank=True, help_text="The discussion with the senior"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.TextField(
        max_length=LONG_TEXT, blank=True, help_text="Why the senior did not agree"
    )
    # The outcomes and recommendations form, completed with the person.
    recommendations = models.TextField(max_length=LONG_TEXT, blank=True)
    further_needs = models.TextField(
        max_length=LONG_TEXT, blank=True, help_text="Passed to the named social worker"
    )
    completed_with_person = models.BooleanField(default=False)
    evaluation_offer = models.CharField(max_length=20, choices=EvaluationOffer.choices, blank=True)
    # What followed the enablement, in the council's short-term support list, and the
    # person's employment and accommodation at closure (seed 003). Blank on closures
    # proposed before they were asked.
    sequel = models.CharField(max_length=30, choices=EventOutcome.choices, blank=True)
    employment_status = models.CharField(
        max_length=30, choices=EmploymentStatus.choices, blank=True
    )
    accommodation_status = models.CharField(
        max_length=30, choices=AccommodationStatus.choices, blank=True
    )

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode"],
                condition=models.Q(status="proposed"),
                name="one_open_closure_per_episode",
            )
        ]

    def __str__(self) -> str:
        return f"{self.episode} closure ({self.reason})"


class GoalResult(models.TextChoices):
    ACHIEVED = "achieved", "Achieved"
    PARTLY = "partly", "Partly achieved"
    NOT = "not", "Not achieved"


class GoalOutcome(models.Model):
    closure = models.ForeignKey(Closure, on_delete=models.CASCADE, related_name="goal_outcomes")
    goal = models.ForeignKey("plans.Goal", on_delete=models.PROTECT, related_name="+")
    result = models.CharField(max_length=20, choices=GoalResult.choices)
    note = models.TextField(max_length=2000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["closure", "goal"], name="one_outcome_per_goal")
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.get_result_display()}"


class DisputeLevel(models.TextChoices):
    SENIOR = "senior", "Senior"
    PROVISION_MANAGER = "provision_manager", "Provision manager"
    QUALITY_MANAGER = "quality_manager", "Quality and enablement service manager"


class ClosureDispute(models.Model):
    """One step of a disputed closure: raised, then answered at its level; a further step
    escalates to the next level."""

    episode = models.ForeignKey(
        "casework.Episode", on_delete=models.CASCADE, related_name="closure_disputes"
    )
    level = models.CharField(max_length=30, choices=DisputeLevel.choices)
    raised_by_name = models.CharField(max_length=200, help_text="Who disputes the closure")
    grounds = models.TextField(max_length=LONG_TEXT)
    raised_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(max_length=LONG_TEXT, blank=True)
    upheld = models.BooleanField(null=True, blank=True, help_text="The closure stands")
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["raised_at", "id"]

    def __str__(self) -> str:
        return f"{self.episode} closure dispute ({self.get_level_display()})"
