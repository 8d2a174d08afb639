"""Visits and contacts, and case notes (seed 000 §7, §8, §10; 001 §13, §16).

A visit is planned, then recorded with its outcome and hours. The person's cancellations and
non-engagement are counted against the service's thresholds (`rules.missed_visit_count`);
reaching one prompts the senior to discuss closure, and never closes anything. A case note
is never edited: a correction is a new note linked to the one it corrects.
"""

from django.conf import settings
from django.db import models

from enablement.core.limits import LONG_TEXT


class VisitOutcome(models.TextChoices):
    ATTENDED = "attended", "Attended"
    CANCELLED_BY_PERSON = "cancelled_by_person", "Cancelled by the person"
    NOT_ENGAGED = "not_engaged", "Not in, or did not engage"
    CANCELLED_BY_SERVICE = "cancelled_by_service", "Cancelled by the service"
    ENDED_UNSAFE = "ended_unsafe", "Ended early: the worker felt unsafe"


class ContactKind(models.TextChoices):
    VISIT = "visit", "Face-to-face visit"
    PHONE = "phone", "Phone call"
    VIDEO = "video", "Video call"
    COMMUNITY = "community", "Out in the community"


class Visit(models.Model):
    episode = models.ForeignKey("casework.Episode", on_delete=models.CASCADE, related_name="visits")
    kind = models.CharField(max_length=20, choices=ContactKind.choices, default=ContactKind.VISIT)
    planned_for = models.DateTimeField(db_index=True)
    outcome = models.CharField(max_length=30, choices=VisitOutcome.choices, blank=True)
    happened_on = models.DateField(null=True, blank=True)
    hours = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    note = models.TextField(max_length=LONG_TEXT, blank=True)
    # Counted against the "before the planning meeting" threshold: fixed when recorded.
    before_planning_meeting = models.BooleanField(default=False)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["planned_for", "id"]
        indexes = [models.Index(fields=["episode", "outcome"])]

    def __str__(self) -> str:
        return f"{self.episode} visit {self.planned_for:%Y-%m-%d}"


class NoteKind(models.TextChoices):
    FORMAL = "formal", "Formal case discussion"
    INFORMAL = "informal", "Informal case discussion"
    CONTACT = "contact", "Contact note"
    ESCALATION = "escalation", "Escalation: the named social worker is not engaging"


class CaseNote(models.Model):
    episode = models.ForeignKey(
        "casework.Episode", on_delete=models.CASCADE, related_name="case_notes"
    )
    kind = models.CharField(max_length=20, choices=NoteKind.choices)
    text = models.TextField(max_length=LONG_TEXT)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    written_at = models.DateTimeField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.written_at:%Y-%m-%d}"


class NoteCheck(models.Model):
    """A senior's quality check of a sampled note, with a comment."""

    note = models.ForeignKey(CaseNote, on_delete=models.CASCADE, related_name="checks")
    checked_at = models.DateTimeField()
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    meets_standard = models.BooleanField()
    comment = models.TextField(max_length=2000)

    class Meta:
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"Check of {self.note} by {self.checked_by}"
