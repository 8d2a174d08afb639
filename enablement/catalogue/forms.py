from django import forms
from django.apps import apps
from django.core.validators import MaxLengthValidator

from enablement.catalogue import rules
from enablement.catalogue.models import Service, Skill, Team
from enablement.catalogue.vocab import (
    ClosureReason,
    DiagnosisCategory,
    ExtensionRule,
    LeaveKind,
    NeedsBasis,
    ReferralSource,
    Routing,
    ServiceLevel,
    TeamKind,
)
from enablement.core.forms import GovukDateField
from enablement.core.limits import (
    LONG_TEXT,
    PASSWORD,
    email_field,
    long_text_field,
    text_field,
    too_long_message,
)


class _TextToList(forms.CharField):
    """A list typed as text: its limit is on the text typed, not on the list made of it."""

    def __init__(self, *, max_length=LONG_TEXT, **kwargs):
        super().__init__(max_length=max_length, **kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]
        self.error_messages["max_length"] = too_long_message(self.label, max_length)

    def to_python(self, value):
        text = super().to_python(value) or ""
        if len(text) > self.max_length:
            raise forms.ValidationError(self.error_messages["max_length"], code="max_length")
        return text


class WeekListField(_TextToList):
    """'3, 6, 9' <-> [3, 6, 9]."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return []
        try:
            return [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
        except ValueError as exc:
            raise forms.ValidationError(
                "Enter review weeks as whole numbers separated by commas, like 3, 6, 9"
            ) from exc


class LinesField(_TextToList):
    widget = forms.Textarea

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]


class CodeListField(_TextToList):
    """'CT, ME, NW9' <-> ["CT", "ME", "NW9"], upper case."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value)
        return [part.strip().upper() for part in text.replace(";", ",").split(",") if part.strip()]


class KeyedLinesField(_TextToList):
    """One "key: value, value" on each line <-> {key: [value, value]} (or {key: value} when
    `single`), for settings keyed by a referral source or a level."""

    widget = forms.Textarea

    def __init__(self, *, single=False, **kwargs):
        self.single = single
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if not isinstance(value, dict):
            return value
        if self.single:
            return "\n".join(f"{k}: {v}" for k, v in value.items())
        return "\n".join(f"{k}: {', '.join(v)}" for k, v in value.items())

    def to_python(self, value):
        text = super().to_python(value)
        out = {}
        for line in text.splitlines():
            if not line.strip():
                continue
            key, sep, rest = line.partition(":")
            if not sep or not key.strip():
                raise forms.ValidationError(
                    f"Write each line as a name, a colon, then the values, like "
                    f"“gp: source, consent”; this line has no colon: “{line.strip()}”"
                )
            values = [v.strip() for v in rest.split(",") if v.strip()]
            if self.single and len(values) > 1:
                # One level goes to one service: never keep the first and drop the rest.
                raise forms.ValidationError(
                    f"Give one value after “{key.strip()}:”, not {len(values)}: “{line.strip()}”"
                )
            if key.strip() in out:
                raise forms.ValidationError(f"“{key.strip()}” is on more than one line")
            out[key.strip()] = (values[0] if values else "") if self.single else values
        return out


def _int(label, required=True, help_text=""):
    return forms.IntegerField(
        label=label if required else f"{label} (optional)",
        required=required,
        help_text=help_text,
        error_messages={
            "required": f"Enter {label.lower()}",
            "invalid": f"{label} must be a whole number",
        },
    )


class ServiceSettingsForm(forms.Form):
    referral_sources = forms.MultipleChoiceField(
        label="Who may refer",
        help_text="Leave empty for a service reached only through a front door (a triage "
        "panel or a hub) that hands referrals on",
        choices=ReferralSource.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    self_referral_allowed = forms.BooleanField(label="Self-referral allowed", required=False)
    min_age = _int("Minimum age")
    max_age = _int("Maximum age", required=False)
    over_max_age_exception = forms.BooleanField(
        label="Over the maximum age is eligible with ongoing community mental-health social "
        "work involvement and a diagnosed need",
        required=False,
    )
    needs_basis = forms.ChoiceField(
        label="Needs test",
        choices=NeedsBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the needs test"},
    )
    diagnosis_categories = forms.MultipleChoiceField(
        label="Diagnosis categories accepted",
        choices=DiagnosisCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    excluded_categories = forms.MultipleChoiceField(
        label="Categories excluded",
        choices=DiagnosisCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    not_appropriate_factors = LinesField(
        label="Factors that make a referral not appropriate (optional)",
        required=False,
        help_text="One on each line",
    )
    routing = forms.ChoiceField(
        label="Routing",
        choices=Routing.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how referrals are routed"},
    )
    route_destinations = forms.MultipleChoiceField(
        label="Services a triage panel routes to",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    levels = forms.MultipleChoiceField(
        label="Levels an assessment can assign",
        choices=ServiceLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    screening_working_days = _int("Screening clock in working days", required=False)
    length_weeks = _int("Length of enablement in weeks")
    total_support_weeks = _int("Total support in weeks", required=False)
    total_support_months = _int(
        "Longest support from the start, in calendar months",
        required=False,
        help_text="Extensions never run past it",
    )
    closure_reasons = forms.MultipleChoiceField(
        label="Reasons an enablement may close for",
        choices=ClosureReason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    chargeable_after_weeks = _int("Chargeable after this many weeks", required=False)
    weekly_hours = forms.DecimalField(
        label="Hours a week (optional)",
        required=False,
        max_digits=5,
        decimal_places=2,
        error_messages={"invalid": "Hours a week must be a number, like 3 or 2.5"},
    )
    hourly_cost = forms.DecimalField(
        label="Cost of an hour of support in pounds (optional)",
        required=False,
        max_digits=7,
        decimal_places=2,
        help_text="Used for the dashboard's cost per episode: hours delivered on visits times this",
        error_messages={"invalid": "The cost of an hour must be a number of pounds, like 32.50"},
    )
    extension_max_weeks = _int("Longest extension in weeks")
    extension_rule = forms.ChoiceField(
        label="Who decides an extension", choices=ExtensionRule.choices, widget=forms.RadioSelect
    )
    review_weeks = WeekListField(
        label="Review weeks (optional)",
        required=False,
        help_text="Weeks of enablement, separated by commas, like 3, 6, 9",
    )
    final_review_at_closure = forms.BooleanField(label="Final review at closure", required=False)
    caseload_per_fte = _int("Caseload per full-time worker")
    missed_visits_threshold = _int(
        "Missed visits that lead to a closure discussion", required=False
    )
    missed_visits_before_planning = _int(
        "Missed visits before the planning meeting", required=False
    )
    complex_risk_hold = forms.BooleanField(label="Complex-risk hold", required=False)
    hold_timeout_working_days = _int("Hold timeout in working days", required=False)
    risk_current_days = _int(
        "Risk information counts as current for this many days", required=False
    )
    re_referral_window_months = _int(
        "Re-referral window in months",
        required=False,
        help_text="After an enablement ends, a new referral is refused for this many months, "
        "and after that must say how the person's needs have significantly changed. 0: no "
        "wait, but the statement is still needed. Empty: no re-referral rule",
    )
    source_requirements = KeyedLinesField(
        label="Minimum data: what a source must give (optional)",
        required=False,
        help_text="One source on each line with the checklist items it must give, like "
        "“gp: source, date_of_birth, consent”. A source not listed gives every item",
    )
    area_name = text_field(
        label="Council area people must ordinarily live in (optional)",
        required=False,
        max_length=100,
    )
    area_postcode_districts = CodeListField(
        label="Postcode areas and districts of the council area (optional)",
        required=False,
        help_text="Separated by commas, like CT, ME, NW9. Empty: no residence check",
    )
    appropriate_factors = LinesField(
        label="Factors that indicate a referral is appropriate (optional)",
        required=False,
        help_text="One on each line; the screener confirms each",
    )
    face_to_face_assessment_required = forms.BooleanField(
        label="Eligibility must be assessed face to face", required=False
    )
    case_system_step = forms.BooleanField(
        label="Admin asks for the person to be opened to the locality team and a named social "
        "worker on the case system",
        required=False,
    )
    level_destinations = KeyedLinesField(
        single=True,
        label="Levels handed on to another service (optional)",
        required=False,
        help_text="One level on each line with the service's short code, like “enhanced: BEN”",
    )

    outcome_instruments = forms.MultipleChoiceField(
        label="Outcome instruments scored at baseline, reviews and closure",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route_destinations"].choices = [
            (s.code, s.name) for s in Service.objects.order_by("name")
        ]
        # The instruments are rows of the outcomes app, above the catalogue: looked up by
        # name so the catalogue imports nothing of it.
        instrument = apps.get_model("outcomes", "Instrument")
        self.fields["outcome_instruments"].choices = list(
            instrument.objects.filter(active=True).values_list("code", "name")
        )

    def clean(self):
        data = super().clean()
        if not self.errors:
            for field, message in rules.settings_problems(data).items():
                self.add_error(field if field in self.fields else None, message)
        return data

    def rule_values(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in self.fields if k != "change_note"}


class ChangeSettingsForm(ServiceSettingsForm):
    change_note = text_field(
        label="Why are the settings changing?",
        called="The reason for the change",
        max_length=500,
        error_messages={"required": "Say why the settings are changing"},
    )


class NewServiceForm(ServiceSettingsForm):
    code = forms.SlugField(
        label="Short code",
        max_length=30,
        help_text="Letters, numbers and hyphens, for example KERS",
        error_messages={
            "required": "Enter a short code for the service",
            "invalid": "Use only letters, numbers and hyphens",
            "max_length": too_long_message("Short code", 30),
        },
    )
    name = text_field(
        label="Service name",
        max_length=200,
        error_messages={"required": "Enter the service's name"},
    )
    organisation = text_field(
        label="Organisation that runs it",
        max_length=200,
        error_messages={"required": "Enter the organisation"},
    )
    description = long_text_field(
        label="Description (optional)",
        required=False,
    )
    contact_phone = text_field(
        label="Phone number for the public (optional)",
        required=False,
        max_length=30,
        help_text="Shown on the public self-referral pages",
    )

    field_order = ["code", "name", "organisation", "description", "contact_phone"]

    def rule_values(self) -> dict:
        skip = {"code", "name", "organisation", "description", "contact_phone"}
        return {k: self.cleaned_data.get(k) for k in self.fields if k not in skip}


class StaffForm(forms.Form):
    fte = forms.DecimalField(
        label="Full-time equivalent",
        max_digits=3,
        decimal_places=2,
        help_text="1 is full time; 0.6 is three days a week",
        error_messages={
            "required": "Enter the full-time equivalent, for example 0.6",
            "invalid": "Full-time equivalent must be a number, like 0.6",
            "max_digits": "Full-time equivalent must be 1 or less (1 is full time)",
            "max_decimal_places": "Use no more than 2 decimal places",
            "max_whole_digits": "Full-time equivalent must be 1 or less (1 is full time)",
        },
    )
    skills = forms.ModelMultipleChoiceField(
        label="Skills",
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_fte(self):
        fte = self.cleaned_data["fte"]
        problem = rules.fte_problem(fte)
        if problem:
            raise forms.ValidationError(problem)
        return fte


class LeaveForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type of leave", choices=LeaveKind.choices, widget=forms.RadioSelect
    )
    start = GovukDateField(label="First day")
    end = GovukDateField(label="Last day")

    def clean(self):
        data = super().clean()
        problem = rules.leave_problem(data.get("start"), data.get("end"))
        if problem:
            self.add_error("end", problem)
        return data


class TeamForm(forms.Form):
    service = forms.ModelChoiceField(
        label="Service",
        queryset=Service.objects.all(),
        empty_label="Select a service",
        error_messages={"required": "Select the service the team works for"},
    )
    name = text_field(
        label="Team name", max_length=200, error_messages={"required": "Enter the team's name"}
    )
    kind = forms.ChoiceField(
        label="Kind of team",
        choices=TeamKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of team"},
    )
    area = text_field(label="Area covered (optional)", max_length=300, required=False)
    postcode_districts = text_field(
        label="Postcodes the team covers (optional)",
        required=False,
        max_length=500,
        help_text="Postcode areas or districts separated by commas, like CT, ME13, EN4. A "
        "referral proposes the team covering the person's postcode most closely",
    )

    def clean_postcode_districts(self):
        raw = self.cleaned_data["postcode_districts"]
        districts = [d.strip().upper() for d in raw.split(",") if d.strip()]
        bad = [d for d in districts if not rules.is_postcode_prefix(d)]
        if bad:
            verb = (
                "is not a postcode area or district"
                if len(bad) == 1
                else "are not postcode areas or districts"
            )
            raise forms.ValidationError(f"{', '.join(bad)} {verb}, like CT or EN4")
        return districts


class NewStaffForm(forms.Form):
    username = text_field(
        label="Username",
        max_length=150,
        help_text="Letters, numbers and . _ - only",
        error_messages={"required": "Enter a username"},
    )
    first_name = text_field(
        label="First name", max_length=150, error_messages={"required": "Enter their first name"}
    )
    last_name = text_field(
        label="Last name", max_length=150, error_messages={"required": "Enter their last name"}
    )
    email = email_field(
        label="Email address",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    role = forms.ChoiceField(
        label="Role", widget=forms.RadioSelect, error_messages={"required": "Select their role"}
    )
    team = forms.ModelChoiceField(
        label="Team (optional for managers, commissioners and referrers)",
        queryset=Team.objects.select_related("service"),
        required=False,
        empty_label="No team",
    )
    services = forms.ModelMultipleChoiceField(
        label="Services they oversee (provision managers only)",
        queryset=Service.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label="Why they need this role",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A role that sees people's records waits for a provision manager of the "
        "service, or a quality manager, to approve it",
        error_messages={
            "required": "Say why they need this role",
            "max_length": "Say why they need this role in 500 characters or fewer",
        },
    )
    job_title = text_field(label="Job title (optional)", max_length=150, required=False)
    fte = StaffForm.base_fields["fte"]
    password = forms.CharField(
        label="First password",
        widget=forms.PasswordInput,
        min_length=12,
        max_length=PASSWORD,
        help_text="At least 12 characters. Give it to them in person; they can change it later",
        error_messages={
            "required": "Enter a first password",
            "min_length": "The password must be at least 12 characters",
            "max_length": too_long_message("The password", PASSWORD),
        },
    )

    def __init__(self, *args, **kwargs):
        from enablement.accounts.roles import ROLES

        super().__init__(*args, **kwargs)
        # People supported and carers get portal accounts from their own record, not here.
        self.fields["role"].choices = [
            (r.value, info.label) for r, info in ROLES.items() if r.value not in ("person", "carer")
        ]

    def clean_fte(self):
        fte = self.cleaned_data["fte"]
        problem = rules.fte_problem(fte)
        if problem:
            raise forms.ValidationError(problem)
        return fte

    def clean(self):
        from enablement.accounts.roles import TEAM_CASE_ROLES, Role

        data = super().clean()
        role = data.get("role")
        if role and Role(role) in TEAM_CASE_ROLES and not data.get("team"):
            self.add_error("team", "Select the team a service admin, worker or senior works in")
        if role == Role.PROVISION_MANAGER and not data.get("services"):
            self.add_error("services", "Select the services the provision manager oversees")
        return data
