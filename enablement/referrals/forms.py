from django import forms
from django.contrib.auth import get_user_model

from enablement.accounts.roles import ROLES, Role
from enablement.catalogue.models import Service, Skill, Team
from enablement.catalogue.vocab import ReferralSource
from enablement.core.forms import GovukDateField
from enablement.core.limits import long_text_field, text_field
from enablement.referrals import rules
from enablement.referrals.rules import CHECKLIST, COMPLEX_FEATURES, RiskArea
from enablement.referrals.services import RiskEntry

YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Not assessed yet")]
YES_NO_NOT_RECORDED = [("yes", "Yes"), ("no", "No"), ("unknown", "Not recorded")]


def _tri(value):
    return {"yes": True, "no": False}.get(value)


def _tri_initial(value):
    return {True: "yes", False: "no"}.get(value, "unknown")


def referrer_choices():
    group = ROLES[Role.REFERRER].group
    return [
        (u.pk, f"{u.get_full_name() or u.username}")
        for u in get_user_model().objects.filter(groups__name=group, is_active=True)
    ]


def destination_choices():
    """Where a referral can go: a team's queue, or a hub service's single point of referral."""
    out = []
    for service in Service.objects.filter(active=True).prefetch_related("teams"):
        settings = service.current_settings
        if not settings.referral_sources:
            continue  # reached only through a front door that hands referrals on
        if settings.routing == "direct":
            out += [
                (f"team:{t.pk}", f"{service.name}: {t.name}")
                for t in service.teams.all()
                if t.active
            ]
        else:
            out.append((f"service:{service.code}", f"{service.name} (single point of referral)"))
    return out


class ReferralForm(forms.Form):
    destination = forms.ChoiceField(
        label="Refer to",
        error_messages={"required": "Select the service and team"},
    )
    source = forms.ChoiceField(
        label="Who is making the referral",
        choices=[("", "Select who is making the referral"), *ReferralSource.choices],
        error_messages={"required": "Select who is making the referral"},
    )
    named_social_worker = forms.TypedChoiceField(
        label="Named social worker",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="The social worker who will hold case responsibility throughout",
    )
    held_by_senior_social_worker = forms.BooleanField(
        label="Held by a senior social worker (the person needs no other social-care input)",
        required=False,
    )
    need_identified = forms.BooleanField(
        label="Enablement or preventative work has been identified as a need", required=False
    )
    work_requested = long_text_field(
        label="The enablement work asked for",
        required=False,
        help_text="Be specific: what should the person be able to do, and by when",
    )
    intended_outcomes = long_text_field(label="Intended outcomes", required=False)
    deliverable_within_length = forms.BooleanField(
        label="The work can be delivered within the length of the service", required=False
    )
    joint_working_requested = forms.BooleanField(
        label="Joint working with a social worker is asked for (first visit)", required=False
    )
    consent_to_share = forms.BooleanField(
        label="The person agrees to their information being shared", required=False
    )
    ongoing_cmh_social_work = forms.BooleanField(
        label="Ongoing community mental-health social work involvement", required=False
    )
    diagnosed_need = forms.BooleanField(label="A diagnosed need", required=False)
    eligible_needs = forms.ChoiceField(
        label="Unmet eligible needs (Care Act assessment)",
        choices=YES_NO_UNKNOWN,
        widget=forms.RadioSelect,
        initial="unknown",
    )
    preventative_entitlement = forms.ChoiceField(
        label="Entitled to preventative services",
        choices=YES_NO_UNKNOWN,
        widget=forms.RadioSelect,
        initial="unknown",
    )
    face_to_face_assessment = forms.ChoiceField(
        label="Was the person's eligibility (social care needs) assessment face to face?",
        choices=YES_NO_NOT_RECORDED,
        widget=forms.RadioSelect,
        initial="unknown",
        required=False,  # none chosen is "not recorded"
        help_text="Some services are for people assessed face to face as having unmet "
        "social care needs",
    )
    eligibility_assessed_on = GovukDateField(
        label="Date of the eligibility assessment",
        required=False,
    )
    residence_override_reason = long_text_field(
        label="If the person lives outside the service's area, why refer them?",
        called="The reason for referring someone from outside the area",
        required=False,
        rows=3,
        help_text="Only if their postcode is outside the area: for example, placed there by "
        "the council and still ordinarily resident in its area",
    )
    previous_ended_on = GovukDateField(
        label="If the person had enablement from this service before, when did it end?",
        required=False,
        help_text="Only if their last enablement was before this system. An enablement "
        "recorded here is read from its episode, and a date typed here is then ignored",
    )
    changed_needs_statement = long_text_field(
        label="How have the person's needs significantly changed? (re-referrals only)",
        help_text="Needed when the person has had enablement from this service before and "
        "the service considers further enablement only where needs have significantly changed",
        called="The statement of changed needs",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination"].choices = [("", "Select a service"), *destination_choices()]
        self.fields["named_social_worker"].choices = [("", "None"), *referrer_choices()]
        for area in RiskArea:
            self.fields[f"risk_{area}_description"] = long_text_field(
                label=area.label,
                required=False,
                help_text="Describe the risk, or write “None known”",
                rows=3,
            )
            self.fields[f"risk_{area}_assessed_on"] = GovukDateField(
                label=f"{area.label}: date assessed",
                required=False,
            )

    def destination_value(self):
        kind, _, key = self.cleaned_data["destination"].partition(":")
        if kind == "team":
            team = Team.objects.select_related("service").get(pk=int(key))
            return team.service, team
        return Service.objects.get(code=key), None

    def values(self) -> dict:
        d = self.cleaned_data
        named = d.get("named_social_worker")
        return {
            "source": d["source"],
            "named_social_worker": get_user_model().objects.get(pk=named) if named else None,
            "held_by_senior_social_worker": d["held_by_senior_social_worker"],
            "need_identified": d["need_identified"],
            "work_requested": d["work_requested"],
            "intended_outcomes": d["intended_outcomes"],
            "deliverable_within_length": d["deliverable_within_length"],
            "joint_working_requested": d["joint_working_requested"],
            "consent_to_share": d["consent_to_share"],
            "ongoing_cmh_social_work": d["ongoing_cmh_social_work"],
            "diagnosed_need": d["diagnosed_need"],
            "eligible_needs": _tri(d["eligible_needs"]),
            "preventative_entitlement": _tri(d["preventative_entitlement"]),
            "face_to_face_assessment": _tri(d["face_to_face_assessment"]),
            "eligibility_assessed_on": d.get("eligibility_assessed_on"),
            "residence_override_reason": d["residence_override_reason"],
            "previous_ended_on": d.get("previous_ended_on"),
            "changed_needs_statement": d["changed_needs_statement"],
        }

    def risks(self) -> dict:
        return {
            area: RiskEntry(
                self.cleaned_data.get(f"risk_{area}_description", ""),
                self.cleaned_data.get(f"risk_{area}_assessed_on"),
            )
            for area in RiskArea
        }

    @staticmethod
    def initial_from(referral) -> dict:
        initial = {
            "destination": f"team:{referral.team_id}"
            if referral.team_id
            else f"service:{referral.service.code}",
            "source": referral.source,
            "named_social_worker": referral.named_social_worker_id,
            "eligible_needs": _tri_initial(referral.eligible_needs),
            "preventative_entitlement": _tri_initial(referral.preventative_entitlement),
            "face_to_face_assessment": _tri_initial(referral.face_to_face_assessment),
        }
        for name in (
            "held_by_senior_social_worker",
            "need_identified",
            "work_requested",
            "intended_outcomes",
            "deliverable_within_length",
            "joint_working_requested",
            "consent_to_share",
            "ongoing_cmh_social_work",
            "diagnosed_need",
            "changed_needs_statement",
            "eligibility_assessed_on",
            "residence_override_reason",
        ):
            initial[name] = getattr(referral, name)
        # Only a date the referrer typed goes back in the box: one read from an episode is
        # read again on resubmission.
        if referral.previous_ended_typed:
            initial["previous_ended_on"] = referral.previous_ended_on
        for risk in referral.risks.all():
            initial[f"risk_{risk.area}_description"] = risk.description
            initial[f"risk_{risk.area}_assessed_on"] = risk.assessed_on
        return initial


class ReturnForm(forms.Form):
    missing = forms.MultipleChoiceField(
        label="What is missing or wrong",
        choices=CHECKLIST,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select what is missing or wrong"},
    )
    note = long_text_field(label="Note for the referrer (optional)", required=False)


class _ScreeningToolForm(forms.Form):
    """What every screening records, a service's senior's or a front door's panel's: the
    desktop check and the risk screening tool (seed 000 §7, seed 001 §10)."""

    desktop_check_complete = forms.BooleanField(
        label="Desktop check done: the referral is fully and correctly completed", required=False
    )
    complex_features = forms.MultipleChoiceField(
        label="Risk screening tool: complex-case features present",
        choices=COMPLEX_FEATURES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    risk_notes = long_text_field(label="Notes on risk (optional)", required=False)


class ScreeningForm(_ScreeningToolForm):
    """The senior's screening on one page (issue 12 item 3): the desktop check, the risk
    screening tool, eligibility and the decision, hold included. Which answers a decision
    needs is checked by `rules.screening_problems`, all at once, so the fields a decision
    may need are optional here."""

    not_appropriate = forms.MultipleChoiceField(
        label="Reasons the service would not be appropriate",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    appropriate_factors = forms.MultipleChoiceField(
        label="Which of the factors that indicate the referral is appropriate do you confirm?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick each one that holds for the person. Any left unticked needs your "
        "judgement: you can still accept, with a reason",
    )
    skills_needed = forms.MultipleChoiceField(
        label="Skills the allocated worker must have (if accepted)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Allocation proposes only workers with every skill ticked",
    )
    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[
            ("accept", "Accept"),
            ("decline", "Decline"),
            ("not_ready", "Not ready for enablement"),
            ("hold", "Put on hold: ask the named social worker about a complex risk"),
        ],
        error_messages={"required": "Select a decision"},
    )
    concern = long_text_field(
        label="The risk concern, for the named social worker",
        called="The risk concern",
        required=False,
    )
    reason = long_text_field(
        label="Reason",
        required=False,
        help_text="Needed to decline, to say why the person is not ready, or to accept when "
        "eligibility needs your judgement",
    )

    def __init__(self, *args, factors=(), appropriate=(), holds=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["not_appropriate"].choices = [(f, f) for f in factors]
        if not factors:
            del self.fields["not_appropriate"]
        self.fields["appropriate_factors"].choices = [(f, f) for f in appropriate]
        if not appropriate:
            del self.fields["appropriate_factors"]
        self.fields["skills_needed"].choices = Skill.objects.values_list("code", "name")
        if not holds:
            # A service without holds, or a user who may not hold: three decisions.
            decision = self.fields["decision"]
            decision.choices = [c for c in decision.choices if c[0] != "hold"]
            del self.fields["concern"]

    @staticmethod
    def initial_from(screening) -> dict:
        """The answers kept from an earlier screening (a hold's), offered again when the
        senior comes back to decide: nothing they found is asked twice."""
        if screening is None:
            return {}
        return {
            "desktop_check_complete": screening.desktop_check_complete,
            "complex_features": list(screening.complex_features),
            "risk_notes": screening.risk_notes,
            "not_appropriate": list(screening.not_appropriate),
            "appropriate_factors": list(screening.appropriate_factors),
        }

    def tool_fields(self):
        return [self[n] for n in ("desktop_check_complete", "complex_features", "risk_notes")]

    def eligibility_fields(self):
        return [self[n] for n in ("not_appropriate", "appropriate_factors") if n in self.fields]


class AnswerForm(forms.Form):
    answer = long_text_field(
        label="Your answer",
        error_messages={"required": "Enter your answer to the concern"},
    )


class RouteForm(_ScreeningToolForm):
    """The panel's screening and decision in one form (seed 001 §10): the desktop check,
    the risk screening tool, the service's factors, whether the needs can be met safely
    within its length, then where the referral goes."""

    appropriate_factors = forms.MultipleChoiceField(
        label="Factors that show enablement is appropriate",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick each that applies",
    )
    not_appropriate = forms.MultipleChoiceField(
        label="Reasons enablement would not be appropriate",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="If any applies, route the referral to an outside service",
    )
    needs_met_within_length = forms.BooleanField(required=False)
    destination = forms.ChoiceField(
        label="Route to",
        widget=forms.RadioSelect,
        error_messages={"required": "Select where to route it"},
    )
    outside_service = text_field(
        label="Outside service (if not one of ours)", required=False, max_length=200
    )
    reason = long_text_field(
        label="Reason for the panel's decision",
        error_messages={"required": "Record the reason for the decision"},
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        settings = referral.service_settings
        choices = []
        for code in settings.route_destinations:
            service = Service.objects.filter(code=code).first()
            if service:
                choices += [
                    (f"team:{t.pk}", f"{service.name}: {t.name}")
                    for t in service.teams.filter(active=True)
                ]
        self.fields["destination"].choices = [*choices, ("outside", "An outside service")]
        self.fields[
            "needs_met_within_length"
        ].label = f"The person's needs can be met safely within {settings.length_weeks} weeks"
        for name, factors in (
            ("appropriate_factors", settings.appropriate_factors),
            ("not_appropriate", settings.not_appropriate_factors),
        ):
            if factors:
                self.fields[name].choices = [(f, f) for f in factors]
            else:
                del self.fields[name]


class AssessForm(forms.Form):
    """The hub assessment (seed 003 LEH). Each level asks only for what it needs: the hub
    for Brief, the information given for signposting, the service and its named contact
    for a level referred on outside; a level handed on to another service (Enhanced: the
    Network) asks for nothing more unless that service has more than one team. The
    action function says what is missing, so the page and the API agree."""

    # Not required here: the action function says everything missing at once.
    level = forms.ChoiceField(
        label="Level",
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select one of the levels shown"},
    )
    hub = forms.ModelChoiceField(
        label="Hub",
        queryset=Team.objects.none(),
        required=False,
        empty_label="Select the hub for the person's area",
        error_messages={"invalid_choice": "Select one of the hubs shown"},
    )
    information_given = long_text_field(
        label="Information and advice given",
        required=False,
        rows=3,
    )
    outside_service = text_field(
        label="Service referred on to",
        help_text="For example the community mental health team (CMHT), family therapy, or "
        "another complex-needs service",
        required=False,
        max_length=200,
    )
    outside_contact = text_field(
        label="Named contact there",
        help_text="The person at that service who takes the referral on",
        required=False,
        max_length=200,
    )
    destination_team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.none(),
        required=False,
        empty_label="Select the team",
        error_messages={"invalid_choice": "Select one of the teams shown"},
    )
    reason = long_text_field(
        label="Assessment summary and the reason for the level", required=False
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        settings = referral.service_settings
        self.fields["level"].choices = [(lv, rules.level_label(lv)) for lv in settings.levels]
        self.fields["hub"].queryset = referral.service.teams.filter(active=True)
        self.fields["hub"].label_from_instance = lambda team: team.name
        # What each level leads to, for the page to show beside it.
        self.routes = {lv: rules.assessment_route(settings, lv) for lv in settings.levels}
        codes = {r.destination for r in self.routes.values() if r.destination}
        self.destinations = {s.code: s for s in Service.objects.filter(code__in=codes)}
        teams = Team.objects.filter(service__code__in=codes, active=True)
        if any(s.teams.filter(active=True).count() > 1 for s in self.destinations.values()):
            self.fields["destination_team"].queryset = teams.select_related("service")
            self.fields["destination_team"].label_from_instance = lambda t: (
                f"{t.service.name}: {t.name}"
            )
        else:
            del self.fields["destination_team"]

    def level_options(self):
        """(radio option, hint, fields shown with it) for each level. A field that two
        levels need is shown once after the levels instead (`shared_fields`)."""
        options = []
        for option in self["level"]:
            lv = option.data["value"]
            route = self.routes[lv]
            hint = _OUTCOME_HINTS[route.outcome]
            if route.outcome == rules.Outcome.SERVICE:
                service = self.destinations.get(route.destination)
                hint = hint.format(where=service.name if service else route.destination)
            fields = [self[n] for n in self._needs(route) if n not in self._shared()]
            options.append((option, hint, fields))
        return options

    def shared_fields(self):
        return [self[n] for n in self._shared()]

    def _needs(self, route) -> list[str]:
        return [n for n in _OUTCOME_FIELDS[route.outcome] if n in self.fields]

    def _shared(self) -> list[str]:
        counts: dict[str, int] = {}
        for route in self.routes.values():
            for name in self._needs(route):
                counts[name] = counts.get(name, 0) + 1
        return [n for n, c in counts.items() if c > 1]


# What each outcome of the hub assessment asks for, and says beside its level.
_OUTCOME_FIELDS = {
    rules.Outcome.SIGNPOSTED: ("information_given",),
    rules.Outcome.HUB: ("hub",),
    rules.Outcome.SERVICE: ("destination_team",),
    rules.Outcome.OUTSIDE: ("outside_service", "outside_contact"),
}
_OUTCOME_HINTS = {
    rules.Outcome.SIGNPOSTED: "Information and advice instead of enablement. This referral ends",
    rules.Outcome.HUB: "The chosen hub screens the referral and allocates a worker",
    rules.Outcome.SERVICE: "Referred on to {where}: accepted onto its waiting list today, "
    "with nothing typed again. This referral ends",
    rules.Outcome.OUTSIDE: "Referred on to a service outside this system, with the reason "
    "and a named contact there. This referral ends",
}


class MatchForm(forms.Form):
    """The admin says who a public submission is about: one of the possible matches, or
    nobody yet recorded."""

    choice = forms.ChoiceField(
        label="Who is this referral about?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the person's record, or record them as a new person",
            "invalid_choice": "Select one of the records shown, or record them as new",
        },
    )
    without_nhs_number = forms.BooleanField(
        label="Record them without the NHS number given on the form",
        help_text="Only if the number belongs to someone else's record and you have checked "
        "with the person",
        required=False,
    )

    def __init__(self, *args, matches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = [
            (
                str(person.pk),
                f"{person.full_name}, born {person.date_of_birth:%-d %B %Y}"
                f"{', NHS number ' + person.nhs_number if person.nhs_number else ''}"
                f"{', ' + person.postcode if person.postcode else ''}"
                f" ({'; '.join(match.reasons)})",
            )
            for person, match in matches
        ] + [("new", "None of these: record them as a new person")]


# --- Self-referral hand-offs (issue 10 item 8) ----------------------------------------------


class PublicReturnForm(ReturnForm):
    """Returning a public submission: the person has no inbox, so the admin says how they
    are told."""

    person_told_by = forms.ChoiceField(
        label="How is the person told?",
        widget=forms.RadioSelect,
        choices=[
            (
                "email",
                "Email them from here, to the address they gave (the reference, what is "
                "missing and the service's phone number, nothing else)",
            ),
            ("phone", "I phoned them"),
            ("letter", "I wrote to them"),
        ],
        error_messages={"required": "Choose how the person is told"},
    )

    def __init__(self, *args, details, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = "Note for the service's records (optional, not emailed)"
        self.fields[
            "person_told_by"
        ].help_text = f"They asked to be contacted {details.contact_phrase}."


class WithdrawForm(forms.Form):
    reason = long_text_field(
        label="Why is the referral withdrawn?",
        called="The reason",
        help_text="For example: “Spoke to them on the phone: they no longer want support”",
        error_messages={"required": "Say why the referral is withdrawn"},
    )


class UndoValidationForm(forms.Form):
    reason = long_text_field(
        label="Why are you undoing the validation?",
        called="The reason",
        help_text="For example: “Validated by mistake: the consent date is missing”",
        error_messages={"required": "Say why the validation is undone"},
    )


class OnBehalfForm(forms.Form):
    """The admin corrects a returned self-referral for the person, after speaking to them:
    the person has no account to do it themself."""

    work_requested = long_text_field(
        label="What would they like help with?",
        called="What they would like help with",
        error_messages={"required": "Say what they would like help with"},
    )
    intended_outcomes = long_text_field(
        label="What would they like to be different? (optional)",
        called="What they would like to be different",
        required=False,
    )
    deliverable_within_length = forms.BooleanField(
        label="They understand this is short-term support, for the length of the service",
        required=False,
    )
    consent_to_share = forms.BooleanField(
        label="They agree that the service may use these details to contact them and to plan "
        "support",
        required=False,
    )

    FIELDS = (
        "work_requested",
        "intended_outcomes",
        "deliverable_within_length",
        "consent_to_share",
    )

    @classmethod
    def initial_from(cls, referral) -> dict:
        return {name: getattr(referral, name) for name in cls.FIELDS}


class ValidateForm(forms.Form):
    """The admin's validation where the service has the case-system step (seed 000 process
    overview): the date they asked for the person to be opened to the locality team with a
    named social worker, or that the person is already open."""

    case_system_already_open = forms.BooleanField(
        label="The person is already open to the locality team with a named social worker on "
        "the case system",
        required=False,
    )
    case_system_requested_on = GovukDateField(
        label="Date you asked for them to be opened (if they are not already open)",
        required=False,
        help_text="For example, 27 3 2026",
        error_messages={
            "incomplete": "The date you asked must include a {missing}",
            "invalid": "The date you asked must be a real date",
        },
    )
    case_system_confirmed_on = GovukDateField(
        label="Date it was confirmed (optional)",
        required=False,
        help_text="If it has been. You can record it later from the referral's page",
    )


class CaseSystemConfirmForm(forms.Form):
    confirmed_on = GovukDateField(
        label="The date the case system was confirmed",
        help_text="The day the person was opened to the locality team with a named social "
        "worker, for example 27 3 2026",
    )


class ServiceChoiceForm(forms.Form):
    """The first question of a referral: the service. Its team comes later, proposed from
    the person's postcode."""

    service = forms.ModelChoiceField(
        label="Which service are you referring them to?",
        queryset=Service.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select the service you are referring them to",
            "invalid_choice": "Select one of the services shown",
        },
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        field.queryset = Service.objects.filter(pk__in=[s.pk for s in services]).order_by("name")
        field.label_from_instance = lambda s: s.name
