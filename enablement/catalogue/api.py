from datetime import datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from enablement.accounts import access
from enablement.accounts.roles import Role
from enablement.api.schemas import PathCode, decimal_schema, responses
from enablement.catalogue import services
from enablement.catalogue.models import Service
from enablement.catalogue.vocab import (
    ClosureReason,
    DiagnosisCategory,
    ExtensionRule,
    NeedsBasis,
    ReferralSource,
    Routing,
    ServiceLevel,
)
from enablement.core import clock
from enablement.core.limits import LONG_TEXT

router = Router(tags=["services"])

CATALOGUE_ROLES = {
    Role.ADMIN,
    Role.WORKER,
    Role.SENIOR,
    Role.PROVISION_MANAGER,
    Role.QUALITY_MANAGER,
    Role.SYSADMIN,
    Role.COMMISSIONER,
    Role.REFERRER,
}

SmallInt = Field(None, ge=0, le=32767)


class SettingsValues(Schema):
    referral_sources: list[ReferralSource]
    self_referral_allowed: bool = False
    min_age: int = Field(18, ge=0, le=32767)
    max_age: int | None = SmallInt
    over_max_age_exception: bool = False
    needs_basis: NeedsBasis
    diagnosis_categories: list[DiagnosisCategory]
    excluded_categories: list[DiagnosisCategory] = []
    not_appropriate_factors: list[Annotated[str, Field(max_length=LONG_TEXT)]] = Field(
        [], max_length=100
    )
    routing: Routing = Routing.DIRECT
    route_destinations: list[Annotated[str, Field(max_length=30)]] = Field([], max_length=100)
    levels: list[ServiceLevel] = []
    screening_working_days: int | None = SmallInt
    length_weeks: int = Field(..., ge=0, le=32767)
    total_support_weeks: int | None = SmallInt
    total_support_months: int | None = SmallInt
    closure_reasons: list[ClosureReason] = []
    chargeable_after_weeks: int | None = SmallInt
    weekly_hours: Annotated[Decimal | None, decimal_schema(maximum=999)] = Field(
        None, max_digits=5, decimal_places=2
    )
    extension_max_weeks: int = Field(0, ge=-32768, le=32767)
    extension_rule: ExtensionRule = ExtensionRule.NONE
    review_weeks: list[Annotated[int, Field(ge=-32768, le=32767)]] = Field([], max_length=100)
    final_review_at_closure: bool = True
    caseload_per_fte: int = Field(..., ge=-32768, le=32767)
    missed_visits_threshold: int | None = SmallInt
    missed_visits_before_planning: int | None = SmallInt
    complex_risk_hold: bool = False
    hold_timeout_working_days: int | None = SmallInt
    risk_current_days: int | None = SmallInt
    re_referral_window_months: int | None = SmallInt
    hourly_cost: Annotated[Decimal | None, decimal_schema(maximum=99999)] = Field(
        None, max_digits=7, decimal_places=2
    )


class SettingsOut(SettingsValues):
    version: int
    created_at: datetime
    change_note: str
    sources: dict[str, str]


class ServiceOut(Schema):
    code: str
    name: str
    organisation: str
    description: str
    active: bool
    settings: SettingsOut

    @staticmethod
    def resolve_settings(obj):
        return obj.current_settings


class ServiceIn(Schema):
    code: str = Field(..., min_length=1, max_length=30, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = Field(..., min_length=1, max_length=200)
    organisation: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=LONG_TEXT)
    settings: SettingsValues


class SettingsChangeIn(Schema):
    change_note: str = Field(..., max_length=500)
    settings: SettingsValues


def _require_catalogue(user):
    if not user.has_role(*CATALOGUE_ROLES):
        raise PermissionDenied


@router.get("", response=responses({200: list[ServiceOut]}), summary="All services")
def list_services(request):
    _require_catalogue(request.auth)
    return list(Service.objects.prefetch_related("settings_versions"))


@router.post("", response=responses({201: ServiceOut}), summary="Set up a new service")
def create_service(request, payload: ServiceIn):
    if not request.auth.has_perm("catalogue.add_service"):
        raise PermissionDenied
    service = services.service_create(
        code=payload.code,
        name=payload.name,
        organisation=payload.organisation,
        description=payload.description,
        values=payload.settings.dict(),
        actor=request.auth,
        now=clock.now(),
    )
    if Role.PROVISION_MANAGER in request.auth.roles and hasattr(request.auth, "staff"):
        request.auth.staff.services.add(service)
    return Status(201, service)


@router.get("/{code}", response=responses({200: ServiceOut}), summary="One service")
def get_service(request, code: PathCode):
    _require_catalogue(request.auth)
    return get_object_or_404(Service, code=code)


@router.get(
    "/{code}/versions",
    response=responses({200: list[SettingsOut]}),
    summary="Every version of a service's settings",
)
def list_versions(request, code: PathCode):
    _require_catalogue(request.auth)
    service = get_object_or_404(Service, code=code)
    return list(service.settings_versions.all())


@router.post(
    "/{code}/versions",
    response=responses({201: SettingsOut}),
    summary="Change a service's settings (writes a new version)",
)
def change_settings(request, code: PathCode, payload: SettingsChangeIn):
    service = get_object_or_404(Service, code=code)
    if not access.may_change_service(request.auth, service):
        raise PermissionDenied
    new = services.service_settings_change(
        service=service,
        values=payload.settings.dict(),
        note=payload.change_note,
        actor=request.auth,
        now=clock.now(),
    )
    return Status(201, new)
