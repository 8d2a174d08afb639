"""A referral and what happens to it at the front door: returns, triage, screening, holds.

State changes happen only in `services.py`, one function per action, each writing the state,
an event and the notifications in one transaction. The transition table is `rules.TRANSITIONS`.
"""

from django.conf import settings
from django.db import models

from enablement.catalogue.vocab import ReferralSource, ServiceLevel
from enablement.core.limits import LONG_TEXT


def _status_choices():
    from enablement.referrals.rules import Status

    return [(s.value, s.label) for s in Status]


def _risk_area_choices():
    from enablement.referrals.rules import RiskArea

    return [(a.value, a.label) for a in RiskArea]


class Referral(models.Model):
    reference = models.CharField(max_length=24, unique=True)
    service = models.ForeignKey(
        "catalogue.Service",
        on_delete=models.PROTECT,
        related_name="referrals",
        db_index=False,  # referral_svc_due leads with it
    )
    service_settings = models.ForeignKey(
        "catalogue.ServiceSettings",
        on_delete=models.PROTECT,
        related_name="referrals",
        help_text="The version of the service's rules the referral started under",
    )
    team = models.ForeignKey(
        "catalogue.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        help_text="Whose queue it is in; empty until a hub is assigned",
        db_index=False,  # referral_team_person below leads with it
    )
    # Empty only while a public submission waits for the admin to match it to a record: a
    # form anyone can fill in never attaches itself to an existing person (issue 9).
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    status = models.CharField(max_length=20, choices=_status_choices, db_index=True)
    source = models.CharField(max_length=40, choices=ReferralSource.choices)
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_made",
    )
    named_social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_held",
        help_text="The social worker who holds case responsibility throughout",
    )
    held_by_senior_social_worker = models.BooleanField(default=False)
    need_identified = models.BooleanField(default=False)
    work_requested = models.TextField(max_length=LONG_TEXT, blank=True)
    intended_outcomes = models.TextField(max_length=LONG_TEXT, blank=True)
    deliverable_within_length = models.BooleanField(default=False)
    joint_working_requested = models.BooleanField(default=False)
    skills_needed = models.ManyToManyField(
        "catalogue.Skill",
        blank=True,
        related_name="referrals_needing",
        help_text="Skills the allocated worker must have, decided at screening",
    )
    consent_to_share = models.BooleanField(default=False)
    changed_needs_statement = models.TextField(max_length=LONG_TEXT, blank=True)
    previous_ended_on = models.DateField(
        null=True, blank=True, help_text="When the person's last enablement with the service ended"
    )
    # True when the date above was typed because that enablement predates the product; else
    # it was read from the service's own closed episodes (seed 000 §9, issue 10).
    previous_ended_typed = models.BooleanField(default=False)
    # Ordinary residence (seed 000 §1): why a postcode outside the area was accepted.
    residence_override_reason = models.TextField(max_length=LONG_TEXT, blank=True)
    # The eligibility assessment (seed 000 §5, seed 001 §5): face to face, and when.
    face_to_face_assessment = models.BooleanField(null=True, blank=True)
    eligibility_assessed_on = models.DateField(null=True, blank=True)
    # The admin's case-system step (seed 000 process overview): asked, then confirmed.
    case_system_requested_on = models.DateField(null=True, blank=True)
    case_system_confirmed_on = models.DateField(null=True, blank=True)
    # Facts for eligibility, as the referrer states them.
    ongoing_cmh_social_work = models.BooleanField(default=False)
    diagnosed_need = models.BooleanField(default=False)
    eligible_needs = models.BooleanField(null=True, blank=True)
    preventative_entitlement = models.BooleanField(null=True, blank=True)
    # Routing
    routed_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="routed_to"
    )
    level = models.CharField(max_length=20, choices=ServiceLevel.choices, blank=True)
    # Times
    created_at = models.DateTimeField()
    first_submitted_at = models.DateTimeField()
    received_at = models.DateTimeField(help_text="The latest (re)submission starts the clock")
    validated_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(max_length=LONG_TEXT, blank=True)
    # The clock, written by the action that starts, moves or stops it
    # (`rules.stored_screening_due`, ADR 0032), never recomputed when read: lists filter,
    # count and sort by it in SQL. Empty while no screening clock runs.
    screening_due = models.DateField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            # A queue is a team's or service's referrals in a status, by due date; the
            # (…, status) prefix serves the status filters and counts on their own.
            models.Index(fields=["service", "status", "screening_due"], name="referral_svc_due"),
            models.Index(fields=["team", "status", "screening_due"], name="referral_team_due"),
            # The lists' default order, newest or oldest first: a page of a whole service's
            # (or the country's) referrals walks this and stops at its LIMIT.
            models.Index(fields=["received_at", "id"], name="referral_received"),
            # A team's people (the access filter's union, ADR 0042) read from the index
            # alone, not from each of the team's referrals; it serves `team_id =` too.
            models.Index(fields=["team", "person"], name="referral_team_person"),
            # The admin's case-system confirmations still to record: a handful among a
            # team's thousands, found without reading the rest.
            models.Index(
                fields=["team", "service"],
                condition=models.Q(
                    case_system_requested_on__isnull=False, case_system_confirmed_on__isnull=True
                ),
                name="referral_case_system_due",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def has_case_system_step(self) -> bool:
        """The admin's case-system step (seed 000 process overview) is part of validation. A
        referral a front door handed on was validated there, and reaches the service
        accepted: the step is not asked of it."""
        return self.service_settings.case_system_step and self.routed_from_id is None

    @property
    def awaiting_match(self) -> bool:
        return self.person_id is None

    @property
    def person_name(self) -> str:
        """The person's name for lists and messages; a public submission's own words until
        it is matched to a record."""
        if self.person_id is not None:
            return self.person.full_name
        details = getattr(self, "submitted_details", None)
        if details is None:
            return "Unknown person"
        return f"{details.given_name} {details.family_name} (not yet matched)"


# How a person who referred themself wants to hear back (issue 10 item 8).
CONTACT_METHODS = [("email", "Email"), ("phone", "Phone"), ("letter", "Letter")]


class SubmittedDetails(models.Model):
    """What a member of the public said about the person, kept on the referral as
    unverified. Nothing here is written to a person's record until the service admin has
    matched it to an existing record or made a new one, and that decision is recorded."""

    class Decision(models.TextChoices):
        EXISTING = "existing", "Matched to an existing record"
        NEW = "new", "Recorded as a new person"

    referral = models.OneToOneField(
        Referral, on_delete=models.CASCADE, related_name="submitted_details"
    )
    given_name = models.CharField("First name", max_length=100)
    family_name = models.CharField("Last name", max_length=100)
    date_of_birth = models.DateField()
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    phone = models.CharField("Phone number", max_length=30, blank=True)
    email = models.EmailField("Email address", blank=True)
    primary_diagnosis = models.CharField(max_length=30)
    carer_name = models.CharField("Carer's name", max_length=200, blank=True)
    contact_method = models.CharField(
        "How to contact them", max_length=10, choices=CONTACT_METHODS, blank=True
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "submitted details"

    def __str__(self) -> str:
        return f"{self.referral}: {self.given_name} {self.family_name} (unverified)"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def contact_phrase(self) -> str:
        """How they asked to be contacted, with the detail given: "by phone (07700 900111)"."""
        detail = {"email": self.email, "phone": self.phone, "letter": self.postcode}
        if self.contact_method in detail:
            shown = detail[self.contact_method] or "not given"
            return f"by {self.get_contact_method_display().lower()} ({shown})"
        return "in no particular way (the form did not ask)"


class RiskInformation(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="risks")
    area = models.CharField(max_length=20, choices=_risk_area_choices)
    description = models.TextField(max_length=LONG_TEXT)
    assessed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "area"], name="one_risk_row_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.referral}: {self.area}"


class ReferralReturn(models.Model):
    """The admin sent it back: what is missing, and a note. Kept after resubmission."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="returns")
    missing = models.JSONField(default=list)
    note = models.TextField(max_length=LONG_TEXT, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField()
    # A self-referral has no referrer to read the inbox: how the person was told.
    person_told_by = models.CharField(max_length=10, choices=CONTACT_METHODS, blank=True)
    resubmitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-returned_at"]

    def __str__(self) -> str:
        return f"{self.referral} returned {self.returned_at:%Y-%m-%d}"


class ValidationUndo(models.Model):
    """The admin undid a validation made by mistake, before screening started (issue 12):
    why, who and when. The reason stays here, not in the event (retention blanks it)."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="validation_undos"
    )
    reason = models.TextField(max_length=LONG_TEXT)
    # When the validation that was undone was made.
    validated_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField()

    class Meta:
        ordering = ["-undone_at"]

    def __str__(self) -> str:
        return f"{self.referral} validation undone {self.undone_at:%Y-%m-%d}"


class TriageDecision(models.Model):
    """A panel's routing (to a service, or an outside service) or a hub's assessment."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="triage")
    destination = models.ForeignKey(
        "catalogue.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outside_service = models.CharField(max_length=200, blank=True)
    outside_contact = models.CharField(
        max_length=200, blank=True, help_text="Who at the outside service takes it on"
    )
    hub = models.ForeignKey(
        "catalogue.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(max_length=20, choices=ServiceLevel.choices, blank=True)
    reason = models.TextField(max_length=LONG_TEXT)
    information_given = models.TextField(max_length=LONG_TEXT, blank=True)
    created_referral = models.OneToOneField(
        Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="triaged_from"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.referral} triage"


class Screening(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="screenings")
    desktop_check_complete = models.BooleanField(default=False)
    complex_features = models.JSONField(default=list, blank=True)
    risk_notes = models.TextField(max_length=LONG_TEXT, blank=True)
    not_appropriate = models.JSONField(default=list, blank=True)
    # The service's "factors that indicate the referral is appropriate" the screener confirmed.
    appropriate_factors = models.JSONField(default=list, blank=True)
    eligibility = models.CharField(max_length=20)
    eligibility_reasons = models.JSONField(default=list)
    decision = models.CharField(max_length=20)
    reason = models.TextField(max_length=LONG_TEXT, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    screened_at = models.DateTimeField()

    class Meta:
        ordering = ["-screened_at"]

    def __str__(self) -> str:
        return f"{self.referral} screening {self.decision}"

    # Labels for pages: never the stored codes (issue 12 item 3).
    @property
    def decision_label(self) -> str:
        from enablement.referrals.rules import SCREENING_DECISIONS

        return SCREENING_DECISIONS.get(self.decision, self.decision)

    @property
    def eligibility_label(self) -> str:
        from enablement.referrals.rules import Eligibility

        try:
            return Eligibility(self.eligibility).label
        except ValueError:
            return self.eligibility

    @property
    def eligibility_findings(self) -> list[str]:
        """Each criterion that failed or needs judgement, in the screener's words, but the
        factors not confirmed: pages list every factor, confirmed or not, beside these."""
        from enablement.referrals.rules import UNCONFIRMED_FACTOR, without_citations

        return [
            without_citations(r)
            for r in self.eligibility_reasons
            if not r.startswith(UNCONFIRMED_FACTOR)
        ]

    @property
    def factors_not_confirmed(self) -> int:
        from enablement.referrals.rules import UNCONFIRMED_FACTOR

        return sum(r.startswith(UNCONFIRMED_FACTOR) for r in self.eligibility_reasons)

    @property
    def complex_feature_labels(self) -> list[str]:
        from enablement.referrals.rules import COMPLEX_FEATURE_LABELS

        return [COMPLEX_FEATURE_LABELS.get(f, f) for f in self.complex_features]


class Hold(models.Model):
    """Complex risk: the named social worker is asked; no answer in time closes the referral."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="holds")
    concern = models.TextField(max_length=LONG_TEXT)
    started_at = models.DateTimeField()
    started_on = models.DateField()
    # Who started and answered a hold is read with the hold, never searched by: no index
    # (each is written again whenever the hold's row changes; issue 14, the sweep).
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(max_length=LONG_TEXT, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    expired_at = models.DateTimeField(null=True, blank=True)
    # The last day the named social worker may answer (`rules.stored_hold_expiry`), written
    # when the hold starts; empty for a service with no hold timeout.
    expires_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        # The sweep's "open holds past their last day": only open holds are indexed, so a
        # hold leaves the index when it is answered or closed.
        indexes = [
            models.Index(
                fields=["expires_on"],
                condition=models.Q(answered_at__isnull=True, expired_at__isnull=True),
                name="hold_open_expires",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=models.Q(answered_at__isnull=True, expired_at__isnull=True),
                name="one_open_hold_per_referral",
            )
        ]

    def __str__(self) -> str:
        return f"{self.referral} hold {self.started_on}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None and self.expired_at is None


class ReferralDraft(models.Model):
    """A referral being written, section by section (issue 12). Only its author ever sees
    it: the service learns of a referral when it is submitted, and the draft then goes.

    `answers` holds what was typed, per section, as posted ({"risk": {"risk_to_self_
    description": "None known", ...}}), so a section with a mistake comes back exactly as it
    was left. Its size is bounded where it is written (`drafts.save_section`)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_drafts"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"Draft referral {self.pk}"


class StatusTally(models.Model):
    """How many referrals a team (or a service, for those with no team yet) holds in each
    status, kept by the database itself: triggers on the referrals table add a row of
    changes for every statement that inserts, moves or deletes referrals, whatever code
    wrote it, and `tally.compact` (the sweep) folds the rows back to one per place and
    status. A count is the sum of `n`, so it is exact the moment a change commits, with or
    without the sweep, and counting a team's history reads a few rows, not the history
    (issue 14 item 2; ADR 0047). Written only by the triggers and `tally`."""

    # Plain columns (no foreign key checked on each write, nothing that locks the service
    # or team rows), named as on the referral so an access filter reads on both tables.
    service = models.ForeignKey(
        "catalogue.Service",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    team = models.ForeignKey(
        "catalogue.Team",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    status = models.CharField(max_length=20)
    n = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["service", "team"], name="tally_place")]

    def __str__(self) -> str:
        return f"{self.service_id}/{self.team_id} {self.status}: {self.n:+d}"
