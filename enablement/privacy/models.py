"""A person's rights over their record (UK GDPR articles 15 and 17): legal holds that keep a
record past its retention period, and the mark left when a record has been anonymised.

Both are kept apart from the person so the retention sweep never has to change the people
app's model, and a hold keeps its whole history: it is lifted, never deleted.
"""

from django.conf import settings
from django.db import models


class LegalHold(models.Model):
    """Keep this person's record as it is (a claim, a complaint, a safeguarding review, a
    court order): the retention sweep leaves them alone while any hold is in place."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="legal_holds"
    )
    reason = models.CharField(max_length=500)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["person", "lifted_at"])]

    def __str__(self) -> str:
        return f"Legal hold on person {self.person_id} from {self.placed_at:%Y-%m-%d}"

    @property
    def in_place(self) -> bool:
        return self.lifted_at is None


class Anonymisation(models.Model):
    """The person's identifying details and free text were removed by the retention sweep.
    One per person: its presence is what makes a second sweep change nothing."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="anonymisation"
    )
    anonymised_at = models.DateTimeField()
    # The involvement that ended last and the period applied, so the decision can be checked.
    last_ended_at = models.DateTimeField()
    period_years = models.PositiveSmallIntegerField()
    rule = models.CharField(max_length=20)

    def __str__(self) -> str:
        return f"Person {self.person_id} anonymised {self.anonymised_at:%Y-%m-%d}"
