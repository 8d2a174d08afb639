"""Outcome instruments as data, and the scores taken with them (issue 13 item 1; seed 003:
"the Recovery outcomes model ... baseline and follow up scoring" for service users and
carers).

An `Instrument` is rows, not code: its items (`InstrumentItem`, a domain name or a neutral
label), its scale, who completes it and a named scoring rule (`rules.py`). A service lists
the instruments it uses in `ServiceSettings.outcome_instruments` (ADR 0032). An
`Assessment` is one completion on one occasion: baseline, review N or closure, with every
answer kept and the score computed when it is recorded (None when an item is missing).
"""

from django.conf import settings
from django.db import models

from enablement.core.limits import LONG_TEXT
from enablement.outcomes import rules


class Completer(models.TextChoices):
    PERSON = "person", "The person"
    CARER = "carer", "The carer"
    WORKER = "worker", "The worker"


class ScoringRule(models.TextChoices):
    SUM = rules.SUM, "Sum of the items"
    SWEMWBS_METRIC = rules.SWEMWBS_METRIC, "SWEMWBS metric score (Rasch conversion of the sum)"


class Instrument(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    completed_by = models.CharField(
        max_length=20, choices=Completer.choices, help_text="Whose view the instrument asks for"
    )
    scale_min = models.PositiveSmallIntegerField()
    scale_max = models.PositiveSmallIntegerField()
    scoring_rule = models.CharField(max_length=30, choices=ScoringRule.choices)
    guidance = models.TextField(max_length=LONG_TEXT, blank=True)
    # The item wording is licensed (SWEMWBS): shown only from the file the licensed service
    # supplies (`wording.py`); without it the items keep their neutral labels.
    licensed_wording = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def scale(self, items: int) -> rules.Scale:
        return rules.Scale(
            items=items, low=self.scale_min, high=self.scale_max, rule=self.scoring_rule
        )


class InstrumentItem(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=200)

    class Meta:
        ordering = ["instrument", "position"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "position"], name="one_item_a_place")
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code} {self.position}: {self.label}"


class Occasion(models.TextChoices):
    BASELINE = rules.BASELINE, "Baseline (planning meeting)"
    REVIEW = rules.REVIEW, "Review"
    CLOSURE = rules.CLOSURE, "Closure"


class CompletedBy(models.TextChoices):
    PERSON = "person", "The person"
    CARER = "carer", "The carer"
    WORKER = "worker", "The worker, on their behalf"


class Assessment(models.Model):
    episode = models.ForeignKey(
        "casework.Episode", on_delete=models.CASCADE, related_name="outcome_scores"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    occasion = models.CharField(max_length=20, choices=Occasion.choices)
    # 0 for baseline and closure; 1, 2, ... for the reviews in turn.
    number = models.PositiveSmallIntegerField(default=0)
    completed_by = models.CharField(max_length=20, choices=CompletedBy.choices)
    completed_on = models.DateField()
    # {"1": 4, "2": null, ...}: every item, answered or not.
    answers = models.JSONField(default=dict)
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["episode", "instrument", "completed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "instrument", "occasion", "number"],
                name="one_score_an_occasion",
            )
        ]
        indexes = [models.Index(fields=["instrument", "occasion", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.instrument.code} {self.occasion_label} for {self.episode_id}"

    @property
    def occasion_label(self) -> str:
        if self.occasion == Occasion.REVIEW:
            return f"Review {self.number}"
        return {Occasion.BASELINE: "Baseline", Occasion.CLOSURE: "Closure"}[self.occasion]

    @property
    def order(self) -> tuple[int, int]:
        return rules.occasion_order(self.occasion, self.number)

    @property
    def missing(self) -> list[int]:
        return sorted(int(k) for k, v in self.answers.items() if v is None)
