from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from enablement.catalogue import rules
from enablement.catalogue.vocab import (
    ExtensionRule,
    LeaveKind,
    NeedsBasis,
    Routing,
    TeamKind,
)
from enablement.core.limits import LONG_TEXT


class Service(models.Model):
    """An enablement service. Its rules live in versioned ServiceSettings rows."""

    code = models.SlugField(max_length=30, unique=True, help_text="Short code, e.g. KERS")
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(max_length=LONG_TEXT, blank=True)
    organisation = models.CharField(max_length=200, help_text="The council that runs it")
    contact_phone = models.CharField(
        "Phone number for the public",
        max_length=30,
        blank=True,
        help_text="Shown on the public self-referral pages, e.g. when a form cannot be sent",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def current_settings(self) -> "ServiceSettings":
        return self.settings_versions.order_by("-version").first()


class ServiceSettings(models.Model):
    """One immutable version of a service's rules (DESIGN.md section 2).

    A change writes a new version; a referral or episode points at the version it started
    under, so changing the rules never changes a case already under way.
    """

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="settings_versions")
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    change_note = models.CharField(max_length=500, blank=True)

    # Who may refer
    referral_sources = models.JSONField(default=list)
    self_referral_allowed = models.BooleanField(default=False)
    # Eligibility
    min_age = models.PositiveSmallIntegerField(default=18)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    over_max_age_exception = models.BooleanField(
        default=False,
        help_text="Over the maximum age is eligible with ongoing community mental-health "
        "social work involvement and a diagnosed need",
    )
    needs_basis = models.CharField(max_length=40, choices=NeedsBasis.choices)
    diagnosis_categories = models.JSONField(default=list)
    excluded_categories = models.JSONField(default=list, blank=True)
    not_appropriate_factors = models.JSONField(default=list, blank=True)
    # Routing
    routing = models.CharField(max_length=20, choices=Routing.choices, default=Routing.DIRECT)
    route_destinations = models.JSONField(default=list, blank=True)
    levels = models.JSONField(default=list, blank=True)
    # Clocks and length
    screening_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    length_weeks = models.PositiveSmallIntegerField()
    total_support_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    # A period the seed gives in months is counted in calendar months (core.dates.add_months).
    total_support_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The longest support may run from the start, in months"
    )
    chargeable_after_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    weekly_hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    extension_max_weeks = models.PositiveSmallIntegerField(default=0)
    extension_rule = models.CharField(
        max_length=20, choices=ExtensionRule.choices, default=ExtensionRule.NONE
    )
    review_weeks = models.JSONField(default=list, blank=True)
    final_review_at_closure = models.BooleanField(default=True)
    # Caseload and visits
    caseload_per_fte = models.PositiveSmallIntegerField()
    missed_visits_threshold = models.PositiveSmallIntegerField(null=True, blank=True)
    missed_visits_before_planning = models.PositiveSmallIntegerField(null=True, blank=True)
    # Risk
    complex_risk_hold = models.BooleanField(default=False)
    hold_timeout_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_current_days = models.PositiveSmallIntegerField(null=True, blank=True)
    re_referral_window_months = models.PositiveSmallIntegerField(null=True, blank=True)
    # The front door as the seeds say it (issue 10)
    source_requirements = models.JSONField(
        default=dict,
        blank=True,
        help_text="For a source that refers with minimum data: the validation checklist items "
        "it must give, {source: [codes]}. A source not listed must give every item",
    )
    area_name = models.CharField(
        max_length=100, blank=True, help_text="The council area people must ordinarily live in"
    )
    area_postcode_districts = models.JSONField(
        default=list,
        blank=True,
        help_text="Postcode areas (CT) or districts (NW9) of the council's area; empty: no check",
    )
    appropriate_factors = models.JSONField(
        default=list, blank=True, help_text="Factors that indicate a referral is appropriate"
    )
    face_to_face_assessment_required = models.BooleanField(
        default=False, help_text="Eligibility must have been assessed face to face"
    )
    case_system_step = models.BooleanField(
        default=False,
        help_text="The admin asks for the person to be opened to the locality team and a "
        "named social worker on the case system",
    )
    level_destinations = models.JSONField(
        default=dict,
        blank=True,
        help_text="A level the hub assessment hands on to another service: {level: code}",
    )
    closure_reasons = models.JSONField(
        default=list, blank=True, help_text="The reasons an episode may close for (ClosureReason)"
    )
    outcome_instruments = models.JSONField(
        default=list,
        blank=True,
        help_text="The outcome instruments the service scores, by code (outcomes.Instrument)",
    )
    # Seed 003's "Cost" data set: the dashboard's cost per episode is the hours delivered
    # on visits times this, from the version the episode started under.
    hourly_cost = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Cost of an hour of a worker's time, in pounds, for the cost per episode",
    )
    # Where each value comes from: {"length_weeks": "seed 000 §7.1", ...}
    sources = models.JSONField(default=dict, blank=True)

    RULE_FIELDS = (
        "referral_sources",
        "self_referral_allowed",
        "min_age",
        "max_age",
        "over_max_age_exception",
        "needs_basis",
        "diagnosis_categories",
        "excluded_categories",
        "not_appropriate_factors",
        "routing",
        "route_destinations",
        "levels",
        "screening_working_days",
        "length_weeks",
        "total_support_weeks",
        "total_support_months",
        "chargeable_after_weeks",
        "weekly_hours",
        "extension_max_weeks",
        "extension_rule",
        "review_weeks",
        "final_review_at_closure",
        "caseload_per_fte",
        "missed_visits_threshold",
        "missed_visits_before_planning",
        "complex_risk_hold",
        "hold_timeout_working_days",
        "risk_current_days",
        "re_referral_window_months",
        "source_requirements",
        "area_name",
        "area_postcode_districts",
        "appropriate_factors",
        "face_to_face_assessment_required",
        "case_system_step",
        "level_destinations",
        "closure_reasons",
        "outcome_instruments",
        "hourly_cost",
    )

    class Meta:
        ordering = ["service", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["service", "version"], name="one_row_per_version"),
        ]
        verbose_name_plural = "service settings"

    def __str__(self) -> str:
        return f"{self.service.code} settings v{self.version}"

    def rule_values(self) -> dict:
        return {f: getattr(self, f) for f in self.RULE_FIELDS}

    def clean(self) -> None:
        problems = rules.settings_problems(self.rule_values())
        if problems:
            raise ValidationError(problems)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Service settings are never changed: save a new version.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Service settings versions are kept for the cases that use them.")


class Team(models.Model):
    """A locality team, a Local Enablement Hub or a triage panel of one service."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=TeamKind.choices, default=TeamKind.LOCALITY)
    area = models.CharField(max_length=300, blank=True, help_text="The area the team covers")
    postcode_districts = models.JSONField(
        default=list,
        blank=True,
        help_text="Postcode areas (CT) and districts (ME13) the team covers: a referral "
        "proposes the team covering the person's postcode most closely, and the hub "
        "assessment assigns a hub by them",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["service__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="team_name_unique_in_service"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.service.code})"


class Skill(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StaffMember(models.Model):
    """A member of staff: their team, hours and skills. Referrers outside the service and
    the people supported have no staff record."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff"
    )
    job_title = models.CharField(max_length=150, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    services = models.ManyToManyField(
        Service,
        blank=True,
        related_name="overseers",
        help_text="Services a provision manager or quality manager oversees",
    )
    fte = models.DecimalField(
        "Full-time equivalent", max_digits=3, decimal_places=2, default=Decimal("1.00")
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="staff")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        problem = rules.fte_problem(self.fte)
        if problem:
            raise ValidationError({"fte": problem})


class LeavePeriod(models.Model):
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="leave")
    start = models.DateField("First day")
    end = models.DateField("Last day")
    kind = models.CharField(max_length=20, choices=LeaveKind.choices, default=LeaveKind.ANNUAL)

    class Meta:
        ordering = ["start"]

    def __str__(self) -> str:
        return f"{self.staff}: {self.get_kind_display()} {self.start} to {self.end}"

    def clean(self) -> None:
        problem = rules.leave_problem(self.start, self.end)
        if problem:
            raise ValidationError({"end": problem})


class Resource(models.Model):
    """An enablement resource or intervention that a plan can use (seed 003)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(max_length=LONG_TEXT, blank=True)
    source = models.CharField(max_length=100, blank=True, help_text="Where it is specified")
    services = models.ManyToManyField(Service, blank=True, related_name="resources")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
