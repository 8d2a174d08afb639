"""The front door as JSON: /api/v1/referrals.

Thin handlers: each finds the referral through the access door (404 if the user may not
see it), asks `access.may_act_on_referral` (403), then calls the same action function as
the page. A `ValidationError` from the action is a 400 with the page's field names.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from enablement.accounts import access
from enablement.accounts.roles import ROLES, Role
from enablement.api.pagination import Pages
from enablement.api.schemas import Id, PathId, responses
from enablement.catalogue.models import Service, Team
from enablement.catalogue.vocab import ReferralSource
from enablement.core import clock, counting
from enablement.referrals import rules, selectors, services, tally
from enablement.referrals.models import Referral
from enablement.referrals.rules import Action, RiskArea
from enablement.referrals.rules import Status as ReferralStatus

router = Router(tags=["referrals"])

# Who uses the referral pages at all (as `views.REFERRAL_ROLES`).
REFERRAL_ROLES = (
    Role.REFERRER,
    Role.ADMIN,
    Role.WORKER,
    Role.SENIOR,
    Role.PROVISION_MANAGER,
    Role.QUALITY_MANAGER,
)

TEXT = 5000  # the longest free text the API takes in one field
MAX_ID = 2**63 - 1  # a BigAutoField; a larger number overflows the database's integer
Code = Annotated[str, Field(max_length=40)]  # a checklist or skill code

ComplexFeature = Literal[tuple(code for code, _ in rules.COMPLEX_FEATURES)]


# --- Out --------------------------------------------------------------------------------


def _name(user) -> str | None:
    return str(user) if user is not None else None


def _clocks(obj) -> selectors.Clocks:
    """The referral's clocks for today, read from its stored dates once per object."""
    cached = getattr(obj, "_api_clocks", None)
    if cached is None:
        cached = selectors.clocks(obj, today=clock.today())
        obj._api_clocks = cached
    return cached


class ReferralSummary(Schema):
    id: int
    reference: str
    service: str
    team: str | None
    person_id: int | None = Field(
        description="Empty while a public submission waits to be matched to a record"
    )
    person_name: str
    status: ReferralStatus
    received_at: datetime
    screening_due: date | None
    screening_overdue: bool

    @staticmethod
    def resolve_service(obj):
        return obj.service.code

    @staticmethod
    def resolve_team(obj):
        return obj.team.name if obj.team_id else None

    @staticmethod
    def resolve_person_name(obj):
        return obj.person_name

    @staticmethod
    def resolve_screening_overdue(obj):
        # The stored date alone: a list never reads a row's holds.
        return selectors.is_screening_overdue(obj, clock.today())


class RiskOut(Schema):
    area: RiskArea
    label: str
    description: str
    assessed_on: date | None

    @staticmethod
    def resolve_label(obj):
        return RiskArea(obj.area).label


class MissingItem(Schema):
    code: str
    label: str


class ReturnOut(Schema):
    missing: list[MissingItem]
    note: str
    returned_by: str | None
    returned_at: datetime
    person_told_by: str
    resubmitted_at: datetime | None

    @staticmethod
    def resolve_missing(obj):
        labels = rules.CHECKLIST_LABELS
        return [{"code": code, "label": labels.get(code, code)} for code in obj.missing]

    @staticmethod
    def resolve_returned_by(obj):
        return _name(obj.returned_by)


class HoldOut(Schema):
    id: int
    concern: str
    started_at: datetime
    started_on: date
    started_by: str | None
    is_open: bool
    answered_at: datetime | None
    answer: str
    answered_by: str | None
    expired_at: datetime | None

    @staticmethod
    def resolve_started_by(obj):
        return _name(obj.started_by)

    @staticmethod
    def resolve_answered_by(obj):
        return _name(obj.answered_by)


class ScreeningOut(Schema):
    decision: str
    decision_label: str = Field(description="The decision in words")
    desktop_check_complete: bool
    complex_features: list[str]
    risk_notes: str
    not_appropriate: list[str]
    appropriate_factors: list[str] = Field(
        description="The service's factors that indicate the referral is appropriate which "
        "the screener confirmed"
    )
    eligibility: str
    eligibility_label: str = Field(description="The eligibility outcome in words")
    eligibility_reasons: list[str]
    reason: str
    screened_by: str | None
    screened_at: datetime

    @staticmethod
    def resolve_screened_by(obj):
        return _name(obj.screened_by)


class TriageOut(Schema):
    destination: str | None
    outside_service: str
    outside_contact: str
    hub_id: int | None
    hub: str | None
    level: str
    reason: str
    information_given: str
    created_referral_id: int | None
    decided_by: str | None
    decided_at: datetime

    @staticmethod
    def resolve_destination(obj):
        return obj.destination.code if obj.destination_id else None

    @staticmethod
    def resolve_hub(obj):
        return obj.hub.name if obj.hub_id else None

    @staticmethod
    def resolve_decided_by(obj):
        return _name(obj.decided_by)


class ReferralOut(ReferralSummary):
    service_name: str
    team_id: int | None
    status_label: str
    source: ReferralSource
    referrer: str | None
    named_social_worker_id: int | None
    named_social_worker: str | None
    held_by_senior_social_worker: bool
    need_identified: bool
    work_requested: str
    intended_outcomes: str
    deliverable_within_length: bool
    joint_working_requested: bool
    consent_to_share: bool
    changed_needs_statement: str
    previous_ended_on: date | None
    previous_ended_typed: bool = Field(
        description="True: the referrer typed the date (an enablement before this system); "
        "false: read from the service's own closed episode"
    )
    ongoing_cmh_social_work: bool
    diagnosed_need: bool
    eligible_needs: bool | None
    preventative_entitlement: bool | None
    face_to_face_assessment: bool | None
    eligibility_assessed_on: date | None
    residence_override_reason: str
    appropriate_factors_to_confirm: list[str] = Field(
        description="The screening's questions: the service's factors that indicate the "
        "referral is appropriate, each to be confirmed (or not) in `appropriate_factors`"
    )
    level: str
    routed_from_id: int | None
    first_submitted_at: datetime
    validated_at: datetime | None
    case_system_step: bool = Field(
        description="Whether the admin asks for the person to be opened to the locality team "
        "with a named social worker on the case system (seed 000 process overview)"
    )
    case_system_requested_on: date | None
    case_system_confirmed_on: date | None
    decided_at: datetime | None
    decision_reason: str
    hold_until: date | None
    risks: list[RiskOut]
    returns: list[ReturnOut]
    holds: list[HoldOut]
    screenings: list[ScreeningOut]
    triage: TriageOut | None
    allowed_actions: list[Action] = Field(
        description="What the signed-in user may do to the referral now"
    )

    @staticmethod
    def resolve_service_name(obj):
        return obj.service.name

    @staticmethod
    def resolve_case_system_step(obj):
        return obj.has_case_system_step

    @staticmethod
    def resolve_status_label(obj):
        return ReferralStatus(obj.status).label

    @staticmethod
    def resolve_referrer(obj):
        return _name(obj.referrer)

    @staticmethod
    def resolve_named_social_worker(obj):
        return _name(obj.named_social_worker)

    @staticmethod
    def resolve_appropriate_factors_to_confirm(obj):
        return list(obj.service_settings.appropriate_factors)

    @staticmethod
    def resolve_hold_until(obj):
        return _clocks(obj).hold_until

    @staticmethod
    def resolve_risks(obj):
        return list(obj.risks.all())

    @staticmethod
    def resolve_returns(obj):
        return list(obj.returns.all())

    @staticmethod
    def resolve_holds(obj):
        return list(obj.holds.all())

    @staticmethod
    def resolve_screenings(obj):
        return list(obj.screenings.all())

    @staticmethod
    def resolve_triage(obj):
        return getattr(obj, "triage", None)

    @staticmethod
    def resolve_allowed_actions(obj, context):
        user = context["request"].auth
        return [
            a
            for a in rules.allowed_actions(obj.status, routing=obj.service_settings.routing)
            if a != Action.EXPIRE_HOLD
            and access.may_act_on_referral(user, obj, a.value)
            and not (a == Action.UNDO_VALIDATE and selectors.undo_validation_problem(obj))
        ]


# --- In ---------------------------------------------------------------------------------


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class TeamDestination(_Strict):
    team_id: Id = Field(..., description="A team of a service that takes referrals directly")


class ServiceDestination(_Strict):
    service: str = Field(
        ...,
        max_length=30,
        description="The code of a panel or hub service: its single point of referral",
    )


class RiskIn(Schema):
    area: RiskArea
    description: str = Field(..., max_length=TEXT, description="The risk, or “None known”")
    assessed_on: date | None = None


class ReferralValuesIn(Schema):
    """What the referrer states: the fields of the referral form."""

    source: ReferralSource
    named_social_worker_id: Id | None = Field(
        None, description="An active user with the referrer role who holds case responsibility"
    )
    held_by_senior_social_worker: bool = False
    need_identified: bool = False
    work_requested: str = Field("", max_length=TEXT)
    intended_outcomes: str = Field("", max_length=TEXT)
    deliverable_within_length: bool = False
    joint_working_requested: bool = False
    consent_to_share: bool = False
    ongoing_cmh_social_work: bool = False
    diagnosed_need: bool = False
    eligible_needs: bool | None = Field(None, description="null: not assessed yet")
    preventative_entitlement: bool | None = Field(None, description="null: not assessed yet")
    previous_ended_on: date | None = Field(
        None,
        ge=date(1900, 1, 1),
        le=date(2199, 12, 31),
        description="When the person's last enablement with this service ended, only if "
        "it was before this system: when the service holds a closed episode for the person, "
        "its end is used and this is ignored",
    )
    changed_needs_statement: str = Field("", max_length=TEXT)
    face_to_face_assessment: bool | None = Field(
        None, description="Whether the eligibility assessment was face to face; null: not recorded"
    )
    eligibility_assessed_on: date | None = Field(
        None,
        ge=date(1900, 1, 1),
        le=date(2199, 12, 31),
        description="When the eligibility (social care needs) assessment took place",
    )
    residence_override_reason: str = Field(
        "",
        max_length=TEXT,
        description="Why refer someone whose postcode is outside the service's area",
    )
    risks: list[RiskIn] = Field([], max_length=len(RiskArea) * 2)


class ReferralIn(ReferralValuesIn):
    person_id: Id
    destination: TeamDestination | ServiceDestination


class ReturnIn(Schema):
    missing: list[Code] = Field(..., max_length=100, description="Codes of the checklist")
    note: str = Field("", max_length=TEXT)
    person_told_by: Literal["", "email", "phone", "letter"] = Field(
        "",
        description="A public submission only: email the person from here, or record that "
        "you phoned or wrote to them",
    )


_DAY = {"ge": date(1900, 1, 1), "le": date(2199, 12, 31)}


class ValidateIn(Schema):
    """Only where the service has the case-system step (seed 000 process overview): the day
    the admin asked for the person to be opened to the locality team with a named social
    worker, or that they are already open (both days are then today)."""

    case_system_requested_on: date | None = Field(None, **_DAY)
    case_system_confirmed_on: date | None = Field(None, **_DAY)
    case_system_already_open: bool = False


class CaseSystemConfirmIn(Schema):
    confirmed_on: date = Field(..., **_DAY, description="The day the case system confirmed it")


class RouteIn(Schema):
    """The panel's screening and decision (seed 001 §10). To pass the referral to one of the
    panel's enablement services the desktop check and the confirmation that the needs can
    be met safely within the service's length are needed, and no "not appropriate" factor."""

    team_id: Id | None = Field(None, description="A team of a service the panel routes to")
    outside_service: str = Field("", max_length=200)
    reason: str = Field(..., max_length=TEXT)
    desktop_check_complete: bool = False
    complex_features: list[ComplexFeature] = Field([], max_length=len(rules.COMPLEX_FEATURES))
    risk_notes: str = Field("", max_length=TEXT)
    not_appropriate: list[Annotated[str, Field(max_length=TEXT)]] = Field([], max_length=100)
    appropriate_factors: list[Annotated[str, Field(max_length=TEXT)]] = Field([], max_length=100)
    needs_met_within_length: bool = Field(
        False, description="The person's needs can be met safely within the service's length"
    )


class AssessIn(Schema):
    level: str = Field(..., max_length=20)
    reason: str = Field(..., max_length=TEXT)
    hub_id: Id | None = Field(None, description="Brief: the hub whose queue it goes to")
    information_given: str = Field("", max_length=TEXT, description="Signposting")
    outside_service: str = Field(
        "", max_length=200, description="A level referred on outside (Specialist): the service"
    )
    outside_contact: str = Field(
        "", max_length=200, description="The named contact at that service"
    )
    destination_team_id: Id | None = Field(
        None,
        description="A level handed on to another service (Enhanced): its team, needed only "
        "when it has more than one",
    )


class ScreenIn(Schema):
    decision: Literal["accept", "decline", "not_ready"]
    desktop_check_complete: bool = False
    complex_features: list[ComplexFeature] = Field([], max_length=len(rules.COMPLEX_FEATURES))
    risk_notes: str = Field("", max_length=TEXT)
    not_appropriate: list[Annotated[str, Field(max_length=TEXT)]] = Field([], max_length=100)
    appropriate_factors: list[Annotated[str, Field(max_length=TEXT)]] = Field(
        [],
        max_length=100,
        description="The service's factors that indicate the referral is appropriate, each "
        "as its settings word it, that the screener confirms; any left out needs judgement",
    )
    skills_needed: list[Code] = Field(
        [], max_length=50, description="Codes of the skills the allocated worker must have"
    )
    reason: str = Field("", max_length=TEXT)


class HoldIn(Schema):
    concern: str = Field(..., max_length=TEXT)
    desktop_check_complete: bool = False
    complex_features: list[ComplexFeature] = Field(
        [],
        max_length=len(rules.COMPLEX_FEATURES),
        description="The risk screening tool's complex-case features, as screening takes them",
    )
    risk_notes: str = Field("", max_length=TEXT)
    not_appropriate: list[Annotated[str, Field(max_length=TEXT)]] = Field([], max_length=100)
    appropriate_factors: list[Annotated[str, Field(max_length=TEXT)]] = Field(
        [],
        max_length=100,
        description="The eligibility answers so far, kept with the hold as screening takes them",
    )


class AnswerIn(Schema):
    answer: str = Field(..., max_length=TEXT)


class UndoValidationIn(Schema):
    reason: str = Field(..., max_length=TEXT, description="Why the validation is undone")


class ReferralFilters(Schema):
    status: ReferralStatus | None = None
    service: str | None = Field(None, max_length=30, description="A service code")
    team: int | None = Field(None, ge=1, le=MAX_ID, description="A team id")
    overdue: bool | None = Field(None, description="Screening overdue today")


# --- Helpers ----------------------------------------------------------------------------


def _detail(referral: Referral) -> Referral:
    """The referral as the detail schema reads it. Read again after an action, whoever may
    see it now: the user has just acted on it (an assessment may move it to another hub)."""
    return (
        Referral.objects.select_related(
            "service",
            "service_settings",
            "team",
            "person",
            "referrer",
            "named_social_worker",
            "triage__destination",
            "triage__hub",
            "triage__decided_by",
        )
        .prefetch_related(
            "risks",
            "returns__returned_by",
            "holds__started_by",
            "holds__answered_by",
            "screenings__screened_by",
        )
        .get(pk=referral.pk)
    )


def _acting_on(request, referral_id: int, action: Action | str) -> Referral:
    referral = access.get_referral(request.auth, referral_id)
    if not access.may_act_on_referral(request.auth, referral, str(action)):
        raise PermissionDenied
    return referral


def _values(payload: ReferralValuesIn) -> tuple[dict, dict, dict]:
    """The form's values() and risks() from a body, and any problems with what it names."""
    problems: dict[str, str] = {}
    named = None
    if payload.named_social_worker_id is not None:
        named = (
            get_user_model()
            .objects.filter(
                pk=payload.named_social_worker_id,
                is_active=True,
                groups__name=ROLES[Role.REFERRER].group,
            )
            .first()
        )
        if named is None:
            problems["named_social_worker"] = (
                "Name a social worker who can hold case responsibility: an active user "
                "with the referrer role"
            )
    risks: dict[str, services.RiskEntry] = {}
    for risk in payload.risks:
        if risk.area in risks:
            problems["risks"] = f"{risk.area.label}: give each risk area once"
        risks[risk.area] = services.RiskEntry(risk.description, risk.assessed_on)
    values = {
        "source": payload.source,
        "named_social_worker": named,
        **payload.dict(
            include={
                "held_by_senior_social_worker",
                "need_identified",
                "work_requested",
                "intended_outcomes",
                "deliverable_within_length",
                "joint_working_requested",
                "consent_to_share",
                "ongoing_cmh_social_work",
                "diagnosed_need",
                "eligible_needs",
                "preventative_entitlement",
                "previous_ended_on",
                "changed_needs_statement",
                "face_to_face_assessment",
                "eligibility_assessed_on",
                "residence_override_reason",
            }
        ),
    }
    return values, risks, problems


def _destination(destination) -> tuple[Service | None, Team | None, dict]:
    """As the form's destination list: a team of a direct service, or a panel or hub
    service's single point of referral; only active ones."""
    if isinstance(destination, TeamDestination):
        team = (
            Team.objects.select_related("service")
            .filter(pk=destination.team_id, service__active=True)
            .first()
        )
        if team is None:
            return None, None, {"destination": "Unknown team"}
        if team.service.current_settings.routing != "direct":
            return (
                None,
                None,
                {
                    "destination": f"{team.service.name} takes referrals at its single point of "
                    f'referral: send {{"service": "{team.service.code}"}}'
                },
            )
        return team.service, team, {}
    service = Service.objects.filter(code=destination.service, active=True).first()
    if service is None:
        return None, None, {"destination": "Unknown service"}
    if service.current_settings.routing == "direct":
        return (
            None,
            None,
            {"destination": f"Select the team of {service.name} whose area the person lives in"},
        )
    return service, None, {}


# --- Endpoints --------------------------------------------------------------------------


@router.get("", response=responses({200: list[ReferralSummary]}), summary="Referrals you may see")
@paginate(Pages, page_size=50)
def list_referrals(request, filters: Query[ReferralFilters]):
    """Newest first. `overdue` filters on the stored screening due date, in the query."""
    if not request.auth.has_role(*REFERRAL_ROLES):
        raise PermissionDenied
    scope = access.referral_scope(request.auth)
    referrals = (
        # What a summary shows (not the rules version: decoding its JSON for each of 50
        # rows was a tenth of the request).
        access.visible_referrals(request.auth, scope=scope)
        .select_related("service", "team", "person", "submitted_details")
        .order_by("-received_at", "-id")
    )
    # The same conditions on the referrals and, for the count, on the tally (ADR 0047).
    where = Q()
    if filters.status is not None:
        where &= Q(status=filters.status)
    if filters.service is not None:
        where &= Q(service__code=filters.service)
    if filters.team is not None:
        where &= Q(team_id=filters.team)
    referrals = referrals.filter(where)
    if filters.overdue is None:
        _, referrals.counted = tally.visible_counts(scope, where, referrals, counting.CEILING)
    elif filters.overdue:
        referrals = referrals.filter(selectors.screening_overdue(clock.today()))
    else:
        referrals = referrals.exclude(selectors.screening_overdue(clock.today()))
    return referrals


@router.get("/{referral_id}", response=responses({200: ReferralOut}), summary="One referral")
def get_referral(request, referral_id: PathId):
    if not request.auth.has_role(*REFERRAL_ROLES):
        raise PermissionDenied
    return _detail(access.get_referral(request.auth, referral_id))


@router.post("", response=responses({201: ReferralOut}), summary="Submit a referral")
def submit_referral(request, payload: ReferralIn):
    """For referrers, as the referral page. Everything wrong is reported at once where it
    can be: the body's references first, then the service's checklist."""
    if Role.REFERRER not in request.auth.roles:
        raise PermissionDenied
    person = access.get_person(request.auth, payload.person_id)
    values, risks, problems = _values(payload)
    service, team, where = _destination(payload.destination)
    problems |= where
    if problems:
        raise ValidationError(problems)
    try:
        referral = services.submit_referral(
            service=service,
            team=team,
            person=person,
            values=values,
            risks=risks,
            referrer=request.auth,
            actor=request.auth,
            now=clock.now(),
        )
    except ValidationError as exc:
        raise _team_is_destination(exc) from exc
    return Status(201, _detail(referral))


def _team_is_destination(exc: ValidationError) -> ValidationError:
    """The service says `team`; the body (and the page) say `destination`."""
    if not hasattr(exc, "error_dict") or "team" not in exc.error_dict:
        return exc
    return ValidationError(
        {("destination" if k == "team" else k): v for k, v in exc.error_dict.items()}
    )


@router.post(
    "/{referral_id}/return",
    response=responses({200: ReferralOut}),
    summary="Return a referral to the referrer with what is missing",
)
def return_referral(request, referral_id: PathId, payload: ReturnIn):
    referral = _acting_on(request, referral_id, Action.RETURN)
    services.return_referral(
        referral=referral,
        missing=payload.missing,
        note=payload.note,
        actor=request.auth,
        now=clock.now(),
        person_told_by=payload.person_told_by,
    )
    return _detail(referral)


@router.post(
    "/{referral_id}/resubmit",
    response=responses({200: ReferralOut}),
    summary="Correct a returned referral and send it again",
)
def resubmit_referral(request, referral_id: PathId, payload: ReferralValuesIn):
    """The whole referral again, as the page's form sends it: every field and every risk."""
    referral = _acting_on(request, referral_id, Action.RESUBMIT)
    values, risks, problems = _values(payload)
    if problems:
        raise ValidationError(problems)
    services.resubmit_referral(
        referral=referral, values=values, risks=risks, actor=request.auth, now=clock.now()
    )
    return _detail(referral)


@router.post(
    "/{referral_id}/validate",
    response=responses({200: ReferralOut}),
    summary="Validate a complete referral",
)
def validate_referral(request, referral_id: PathId, payload: ValidateIn):
    """Where the referral's service has the case-system step, give the date asked (or
    `case_system_already_open`); elsewhere leave those fields out."""
    referral = _acting_on(request, referral_id, Action.VALIDATE)
    services.validate_referral(
        referral=referral,
        case_system_requested_on=payload.case_system_requested_on,
        case_system_confirmed_on=payload.case_system_confirmed_on,
        case_system_already_open=payload.case_system_already_open,
        actor=request.auth,
        now=clock.now(),
    )
    return _detail(referral)


@router.post(
    "/{referral_id}/undo-validation",
    response=responses({200: ReferralOut}),
    summary="Undo a validation made by mistake, before screening starts",
)
def undo_validation(request, referral_id: PathId, payload: UndoValidationIn):
    """The service admin, with a reason: the referral is submitted again and back in the
    admin's queue. Refused (400) once screening has started, the referral has been held or the
    panel or hub has decided."""
    referral = _acting_on(request, referral_id, Action.UNDO_VALIDATE)
    services.undo_validation(
        referral=referral, reason=payload.reason, actor=request.auth, now=clock.now()
    )
    return _detail(referral)


@router.post(
    "/{referral_id}/case-system",
    response=responses({200: ReferralOut}),
    summary="Record the day the case system confirmed the person is open to the locality team",
)
def confirm_case_system(request, referral_id: PathId, payload: CaseSystemConfirmIn):
    """The admin who validates (seed 000 process overview), after asking at validation."""
    referral = _acting_on(request, referral_id, Action.VALIDATE)
    services.confirm_case_system(
        referral=referral,
        confirmed_on=payload.confirmed_on,
        actor=request.auth,
        now=clock.now(),
    )
    return _detail(referral)


@router.post(
    "/{referral_id}/route",
    response=responses({200: ReferralOut}),
    summary="Triage panel: screen, then route to a team of a service or an outside service",
)
def route_referral(request, referral_id: PathId, payload: RouteIn):
    referral = _acting_on(request, referral_id, Action.TRIAGE_ROUTE)
    team = None
    if payload.team_id is not None:
        team = Team.objects.select_related("service").filter(pk=payload.team_id).first()
        if team is None:
            raise ValidationError({"destination": "Unknown team"})
    services.route_referral(
        referral=referral,
        destination=team.service if team else None,
        team=team,
        outside_service=payload.outside_service,
        reason=payload.reason,
        desktop_check_complete=payload.desktop_check_complete,
        complex_features=list(payload.complex_features),
        risk_notes=payload.risk_notes,
        not_appropriate=payload.not_appropriate,
        appropriate_factors=payload.appropriate_factors,
        needs_met_within_length=payload.needs_met_within_length,
        actor=request.auth,
        now=clock.now(),
    )
    return _detail(referral)


@router.post(
    "/{referral_id}/assess",
    response=responses({200: ReferralOut}),
    summary="Hub service: record the single assessment (a level, and where it leads)",
)
def assess_referral(request, referral_id: PathId, payload: AssessIn):
    """Signposting ends the referral with the information given; Brief goes to the chosen
    hub's queue; a level the service hands on (Enhanced: the Network) becomes an accepted
    referral on that service's waiting list (`triage.created_referral_id`); any other
    (Specialist) is referred on outside, naming the service and its contact."""
    referral = access.get_referral(request.auth, referral_id)
    action = rules.assessment_action(referral.service_settings, payload.level)
    if not access.may_act_on_referral(request.auth, referral, action.value):
        raise PermissionDenied
    hub = team = None
    if payload.hub_id is not None:
        hub = Team.objects.filter(pk=payload.hub_id).first()
        if hub is None:
            raise ValidationError({"hub": "Unknown hub"})
    if payload.destination_team_id is not None:
        team = Team.objects.filter(pk=payload.destination_team_id).first()
        if team is None:
            raise ValidationError({"destination_team": "Unknown team"})
    services.assess_referral(
        referral=referral,
        hub=hub,
        level=payload.level,
        reason=payload.reason,
        information_given=payload.information_given,
        outside_service=payload.outside_service,
        outside_contact=payload.outside_contact,
        destination_team=team,
        actor=request.auth,
        now=clock.now(),
    )
    return _detail(referral)


@router.post(
    "/{referral_id}/screen",
    response=responses({200: ReferralOut}),
    summary="Screen a validated referral: accept, decline or not ready",
)
def screen_referral(request, referral_id: PathId, payload: ScreenIn):
    referral = _acting_on(request, referral_id, services.DECISION_ACTIONS[payload.decision])
    services.screen_referral(
        referral=referral,
        decision=payload.decision,
        desktop_check_complete=payload.desktop_check_complete,
        complex_features=list(payload.complex_features),
        risk_notes=payload.risk_notes,
        not_appropriate=payload.not_appropriate,
        appropriate_factors=payload.appropriate_factors,
        skills_needed=payload.skills_needed,
        reason=payload.reason,
        actor=request.auth,
        now=clock.now(),
    )
    return _detail(referral)


@router.post(
    "/{referral_id}/hold",
    response=responses({200: ReferralOut}),
    summary="Put on hold for complex risk and ask the named social worker",
)
def hold_referral(request, referral_id: PathId, payload: HoldIn):
    referral = _acting_on(request, referral_id, Action.HOLD)
    services.hold_referral(
        referral=referral,
        concern=payload.concern,
        desktop_check_complete=payload.desktop_check_complete,
        complex_features=payload.complex_features,
        risk_notes=payload.risk_notes,
        not_appropriate=payload.not_appropriate,
        appropriate_factors=payload.appropriate_factors,
        actor=request.auth,
        now=clock.now(),
    )
    return _detail(referral)


@router.post(
    "/{referral_id}/answer",
    response=responses({200: ReferralOut}),
    summary="The named social worker answers the hold",
)
def answer_hold(request, referral_id: PathId, payload: AnswerIn):
    referral = _acting_on(request, referral_id, Action.ANSWER_HOLD)
    services.answer_hold(
        referral=referral, answer=payload.answer, actor=request.auth, now=clock.now()
    )
    return _detail(referral)
