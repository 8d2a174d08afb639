"""Evaluation and feedback (seed 000 §8, §12, §13; seed 001 §13, §18, §19; issue 13 item 2).

- The electronic evaluation offered at closure: questions are data per service, in a
  person's and a carer's version; answers come from the portal, a single-use link that
  needs no account, or staff typing in a paper form. Free-text answers are tagged with
  themes for the qualitative analysis.
- Compliments and complaints, with each service's complaints procedure as versioned data
  (`FeedbackSettings`, ADR 0034) and the acknowledgement and response due dates stored on
  the complaint when it is received.
- Serious incidents and safeguarding concerns, routed to the team's senior and the service's
  provision manager.
- Feedback from partner agencies.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from enablement.core.limits import LONG_TEXT


class Audience(models.TextChoices):
    PERSON = "person", "The person supported"
    CARER = "carer", "A carer"


class Channel(models.TextChoices):
    PORTAL = "portal", "Online, signed in"
    LINK = "link", "Online, from the link sent"
    PAPER = "paper", "Paper form typed in by staff"


class FeedbackSettings(models.Model):
    """One immutable version of a service's complaints procedure and its clocks. A
    complaint keeps the version it was received under, so a change never moves the dates
    of a complaint already open (as `catalogue.ServiceSettings`)."""

    service = models.ForeignKey(
        "catalogue.Service", on_delete=models.PROTECT, related_name="feedback_settings"
    )
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    change_note = models.CharField(max_length=500, blank=True)
    complaints_procedure = models.TextField(
        "Complaints procedure", max_length=LONG_TEXT, help_text="Shown to the public"
    )
    complaints_email = models.EmailField("Complaints email address", blank=True)
    complaints_phone = models.CharField("Complaints phone number", max_length=30, blank=True)
    complaints_textphone = models.CharField("Text phone", max_length=30, blank=True)
    acknowledge_working_days = models.PositiveSmallIntegerField("Acknowledge within (working days)")
    respond_working_days = models.PositiveSmallIntegerField("Respond within (working days)")
    sources = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["service", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "version"], name="one_feedback_settings_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} complaints procedure v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("A complaints procedure version is never changed: add one.")
        super().save(*args, **kwargs)


class QuestionKind(models.TextChoices):
    RATING = "rating", "Rating from 1 to 5"
    TEXT = "text", "Free text"


class EvaluationQuestion(models.Model):
    """One question of a service's evaluation, in the person's or the carer's version."""

    service = models.ForeignKey(
        "catalogue.Service", on_delete=models.PROTECT, related_name="evaluation_questions"
    )
    audience = models.CharField(max_length=10, choices=Audience.choices)
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.CharField(max_length=300)
    hint = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["service", "audience", "position"]

    def __str__(self) -> str:
        return self.text


class Theme(models.Model):
    """A theme of the qualitative analysis, tagged on free-text answers."""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Evaluation(models.Model):
    episode = models.ForeignKey(
        "casework.Episode", on_delete=models.PROTECT, related_name="evaluations"
    )
    # Copied from the episode so the analysis and the dashboard filter without a join.
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT, related_name="+")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    submitted_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["service", "audience", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.episode} evaluation ({self.get_audience_display()})"


class EvaluationAnswer(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(EvaluationQuestion, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField("Answer", max_length=LONG_TEXT, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="answers")

    class Meta:
        ordering = ["evaluation", "question__position"]

    def __str__(self) -> str:
        return f"{self.question}: {self.rating if self.rating is not None else self.text}"


class EvaluationLink(models.Model):
    """A single-use link to the evaluation for someone with no account. Only the token's
    hash is kept, so a copy of the database opens no evaluation; the expiry is written when
    the link is made."""

    episode = models.ForeignKey(
        "casework.Episode", on_delete=models.PROTECT, related_name="evaluation_links"
    )
    audience = models.CharField(max_length=10, choices=Audience.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)
    evaluation = models.OneToOneField(
        Evaluation, null=True, blank=True, on_delete=models.PROTECT, related_name="link"
    )

    def __str__(self) -> str:
        return f"{self.episode} evaluation link ({self.get_audience_display()})"


class FeedbackKind(models.TextChoices):
    COMPLAINT = "complaint", "Complaint"
    COMPLIMENT = "compliment", "Compliment"


class ReceivedHow(models.TextChoices):
    PUBLIC_FORM = "public_form", "Online form"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"


class FromWhom(models.TextChoices):
    PERSON = "person", "The person supported"
    CARER = "carer", "A carer or relative"
    PROFESSIONAL = "professional", "A professional"
    OTHER = "other", "Someone else"


class Feedback(models.Model):
    """A compliment or a complaint. A complaint's acknowledgement and response due dates
    are written when it is received, from the settings version and the working-day
    calendar, and never recomputed when read (ADR 0026)."""

    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=FeedbackKind.choices)
    received_at = models.DateTimeField(db_index=True)
    received_how = models.CharField(max_length=20, choices=ReceivedHow.choices)
    from_whom = models.CharField(max_length=20, choices=FromWhom.choices)
    from_name = models.CharField("Name", max_length=200, blank=True)
    contact_email = models.EmailField("Email address", blank=True)
    contact_phone = models.CharField("Phone number", max_length=30, blank=True)
    summary = models.TextField("What they told us", max_length=LONG_TEXT)
    # Staff may link it to the person it is about; the public form never does.
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.ForeignKey(
        FeedbackSettings, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledge_due = models.DateField(null=True, blank=True, db_index=True)
    respond_due = models.DateField(null=True, blank=True, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response = models.TextField("Response", max_length=LONG_TEXT, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["service", "kind", "responded_at", "respond_due"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} about {self.service} ({self.received_at:%-d %b %Y})"


class IncidentKind(models.TextChoices):
    SERIOUS_INCIDENT = "serious_incident", "Serious incident"
    SAFEGUARDING = "safeguarding", "Safeguarding concern"


class Incident(models.Model):
    """A serious incident or safeguarding concern about a person, on their episode or their
    referral. Told to the team's senior and the service's provision manager when recorded."""

    kind = models.CharField(max_length=20, choices=IncidentKind.choices)
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        "catalogue.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(
        "casework.Episode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="incidents"
    )
    occurred_on = models.DateField("Date it happened")
    description = models.TextField("What happened", max_length=LONG_TEXT)
    action_taken = models.TextField("What has been done", max_length=LONG_TEXT, blank=True)
    recorded_at = models.DateTimeField(db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["service", "kind", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.occurred_on})"


class PartnerFeedback(models.Model):
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT, related_name="+")
    agency = models.CharField("Agency", max_length=200)
    received_on = models.DateField("Date received", db_index=True)
    feedback = models.TextField("Feedback", max_length=LONG_TEXT)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.agency} on {self.service}"
