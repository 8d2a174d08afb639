from django.conf import settings
from django.db import models
from django.db.models.functions import Upper

from enablement.catalogue.vocab import DiagnosisCategory
from enablement.core.limits import LONG_TEXT


class Person(models.Model):
    """A person supported (or referred). Never merged silently: possible duplicates are
    shown to staff, who decide."""

    nhs_number = models.CharField(
        "NHS number",
        max_length=10,
        null=True,
        blank=True,
        unique=True,
        help_text="10 digits, for example 943 476 5919",
    )
    case_system_id = models.CharField(
        "Case-system ID",
        max_length=30,
        null=True,
        blank=True,
        unique=True,
        help_text="The person's ID in the council's case system (e.g. Mosaic)",
    )
    given_name = models.CharField("First name", max_length=100)
    family_name = models.CharField("Last name", max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    address_line_1 = models.CharField("Address line 1", max_length=200, blank=True)
    address_line_2 = models.CharField("Address line 2", max_length=200, blank=True)
    town = models.CharField("Town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    phone = models.CharField("Phone number", max_length=30, blank=True)
    email = models.EmailField("Email address", blank=True)
    primary_diagnosis = models.CharField(
        "Primary diagnosis category",
        max_length=30,
        choices=DiagnosisCategory.choices,
    )
    communication_needs = models.TextField(
        max_length=LONG_TEXT,
        blank=True,
        help_text="For example an interpreter, British Sign Language, easy read",
    )
    registered_team = models.ForeignKey(
        "catalogue.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_people",
        help_text="The team that recorded the person; they and later involved teams may see them",
        db_index=False,  # person_team_diagnosis below leads with it
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    portal_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person_record",
    )

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["date_of_birth"]),
            # The managers' homes count people by team and diagnosis from the index alone.
            models.Index(
                fields=["registered_team", "primary_diagnosis"], name="person_team_diagnosis"
            ),
            # The duplicate check's same-name look-up is case-blind (`iexact`, UPPER on
            # PostgreSQL): without this it reads every record of the family name.
            models.Index(Upper("family_name"), Upper("given_name"), name="person_name_upper"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Carer(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="carers")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100, help_text="For example mother, partner, friend")
    phone = models.CharField("Phone number", max_length=30, blank=True)
    email = models.EmailField("Email address", blank=True)
    lives_with_person = models.BooleanField(default=False)
    portal_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cared_for",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class PossibleDuplicate(models.Model):
    """A new record that may be someone already recorded by a team its author cannot see.

    Its author is told nothing (that would reveal that the person is known to a
    mental-health service); someone who may see both records decides. An NHS number or
    case-system ID that already belongs to the other record is held here, not written to
    the new record, until then.
    """

    class Decision(models.TextChoices):
        SAME = "same", "The same person"
        DIFFERENT = "different", "Different people"

    record = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="duplicate_questions")
    other = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reasons = models.JSONField(default=list)
    held_identifiers = models.JSONField(default=dict, blank=True)
    raised_at = models.DateTimeField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["raised_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "other"], name="one_question_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} ~ {self.other_id}"

    @property
    def is_open(self) -> bool:
        return not self.decision
