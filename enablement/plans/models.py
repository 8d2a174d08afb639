"""The plan on a page (seed 001 §4, seed 003 "Enablement Plans"): goals the person chose,
strengths, their own strategies, the interventions and resources, and for a hub service the
level. Every revision is a row; a signed version is never edited (a change is a new version
to sign). A draft carries `row_version`: a save that started from an older one is refused
and shown the difference, so two people editing at once never lose a change silently.
"""

from django.conf import settings
from django.db import models

from enablement.core.limits import LONG_TEXT


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft: not yet signed"
    SIGNED = "signed", "Agreed and signed"
    SUPERSEDED = "superseded", "Replaced by a later version"


class PersonSignature(models.TextChoices):
    PORTAL = "portal", "Signed in their own account"
    PAPER = "paper", "Signed on paper"


class Plan(models.Model):
    episode = models.ForeignKey("casework.Episode", on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    strengths = models.TextField(max_length=LONG_TEXT, blank=True)
    own_strategies = models.TextField(
        max_length=LONG_TEXT, blank=True, help_text="What the person already does that helps"
    )
    interventions = models.TextField(max_length=LONG_TEXT, blank=True)
    resources = models.ManyToManyField("catalogue.Resource", blank=True, related_name="plans")
    level = models.CharField(max_length=20, blank=True, help_text="For a hub service")
    change_summary = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()
    row_version = models.PositiveIntegerField(default=1)
    # Agreed and signed by the person and the worker.
    worker_signed_at = models.DateTimeField(null=True, blank=True)
    worker_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person_signed_how = models.CharField(max_length=20, choices=PersonSignature.choices, blank=True)
    person_signed_on = models.DateField(null=True, blank=True)
    person_signed_at = models.DateTimeField(null=True, blank=True)
    person_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The portal account that signed, or the worker who recorded a paper signature",
    )
    paper_scan = models.FileField(upload_to="plan-scans/%Y/%m/", blank=True, max_length=300)
    paper_scan_type = models.CharField(max_length=40, blank=True)
    # Told the named social worker the aims differ from the work the referral asked for.
    differs_from_referral = models.BooleanField(default=False)
    differs_note = models.TextField(max_length=LONG_TEXT, blank=True)

    class Meta:
        ordering = ["episode", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "version"], name="one_plan_per_version"),
            models.UniqueConstraint(
                fields=["episode"],
                condition=models.Q(status="draft"),
                name="one_draft_plan_per_episode",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.episode} plan v{self.version}"

    @property
    def is_signed(self) -> bool:
        return self.worker_signed_at is not None and self.person_signed_on is not None


class Goal(models.Model):
    """One goal chosen by the person: specific, measurable, achievable, realistic and
    time-limited (a measure and a target date inside the episode: `rules.goal_problems`)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField()
    # The same goal across versions keeps its key, so reviews and closure follow it.
    key = models.PositiveIntegerField(help_text="Stable across plan versions")
    description = models.TextField(max_length=2000, help_text="In the person's words")
    measure = models.CharField(max_length=500, help_text="How we will know it is achieved")
    target_date = models.DateField()
    steps = models.TextField(max_length=2000, blank=True, help_text="Steps and who takes them")

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="goal_position_unique"),
            models.UniqueConstraint(fields=["plan", "key"], name="goal_key_unique"),
        ]

    def __str__(self) -> str:
        return self.description[:60]
