from types import SimpleNamespace

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from enablement.accounts import access
from enablement.accounts.decorators import role_required
from enablement.accounts.roles import Role
from enablement.catalogue import services
from enablement.catalogue.forms import (
    ChangeSettingsForm,
    LeaveForm,
    NewServiceForm,
    NewStaffForm,
    ServiceSettingsForm,
    StaffForm,
    TeamForm,
)
from enablement.catalogue.models import Resource, Service, ServiceSettings, StaffMember
from enablement.catalogue.selectors import services_with_figures, staffing_gaps, team_staff
from enablement.catalogue.vocab import (
    ClosureReason,
    DiagnosisCategory,
    ReferralSource,
    ServiceLevel,
)
from enablement.core import clock
from enablement.core.formtools import add_errors
from enablement.referrals.rules import minimum_data

STAFF_ROLES = (
    Role.ADMIN,
    Role.WORKER,
    Role.SENIOR,
    Role.PROVISION_MANAGER,
    Role.QUALITY_MANAGER,
    Role.SYSADMIN,
)
CATALOGUE_ROLES = (*STAFF_ROLES, Role.COMMISSIONER, Role.REFERRER)


@role_required(*CATALOGUE_ROLES)
def service_list(request):
    return render(
        request,
        "catalogue/service_list.html",
        {
            "services": services_with_figures(Service.objects.all()),
            "may_add": request.user.has_perm("catalogue.add_service"),
        },
    )


_LIST_LABELS = {
    "referral_sources": dict(ReferralSource.choices),
    "diagnosis_categories": dict(DiagnosisCategory.choices),
    "excluded_categories": dict(DiagnosisCategory.choices),
    "levels": dict(ServiceLevel.choices),
    "closure_reasons": dict(ClosureReason.choices),
}


def _display(name: str, value, field) -> str:
    if value is None:
        return "Not set"
    if name == "source_requirements":
        # Minimum data (seed 003 "Referral sources"), in words rather than checklist codes.
        given = minimum_data(SimpleNamespace(source_requirements=value))
        return (
            "; ".join(f"{source} gives: {', '.join(items).lower()}" for source, items in given)
            + ". Every other source gives every item"
            if given
            else "Every source gives every item"
        )
    if name == "level_destinations" and value:
        names = dict(Service.objects.filter(code__in=value.values()).values_list("code", "name"))
        levels = dict(ServiceLevel.choices)
        return "; ".join(
            f"{levels.get(level, level)}: {names.get(code, code)}" for level, code in value.items()
        )
    if name == "outcome_instruments":
        instrument = apps.get_model("outcomes", "Instrument")
        names = dict(instrument.objects.filter(code__in=value or []).values_list("code", "name"))
        return "; ".join(names.get(code, code) for code in value or []) or "None"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        return (
            "; ".join(
                f"{k}: {', '.join(v) if isinstance(v, list) else v}" for k, v in value.items()
            )
            or "None"
        )
    if isinstance(value, list):
        labels = _LIST_LABELS.get(name, {})
        return "; ".join(str(labels.get(v, v)) for v in value) or "None"
    if field.choices:
        return str(dict(field.choices).get(value, value))
    return str(value)


def _settings_rows(s: ServiceSettings):
    rows = []
    for name in ServiceSettings.RULE_FIELDS:
        field = ServiceSettings._meta.get_field(name)
        label = str(ServiceSettingsForm.base_fields[name].label).removesuffix(" (optional)")
        rows.append(
            {
                "label": label,
                "name": name,
                "value": _display(name, getattr(s, name), field),
                "source": s.sources.get(name, ""),
            }
        )
    return rows


@role_required(*CATALOGUE_ROLES)
def service_detail(request, code, version=None):
    service = get_object_or_404(Service, code=code)
    versions = service.settings_versions.select_related("created_by")
    shown = versions.filter(version=version).first() if version else versions.first()
    if shown is None:
        raise Http404
    return render(
        request,
        "catalogue/service_detail.html",
        {
            "service": service,
            "settings": shown,
            "rows": _settings_rows(shown),
            "versions": versions,
            "teams": service.teams.all(),
            "may_change": access.may_change_service(request.user, service),
            "is_current": shown.version == versions.first().version,
            # A team nobody in a needed role reads (issue 10 item 9); staff only.
            "staffing": _staffing(request.user, service),
        },
    )


def _staffing(user, service) -> dict | None:
    if not user.has_role(*STAFF_ROLES, Role.COMMISSIONER):
        return None
    found = staffing_gaps(Service.objects.filter(pk=service.pk))
    return {
        "gaps": found[0].gaps if found else [],
        "linked": set(access.teams_visible(user).values_list("pk", flat=True)),
    }


def service_new(request):
    if not request.user.has_perm("catalogue.add_service"):
        raise PermissionDenied
    form = NewServiceForm(
        request.POST or None,
        initial={
            "min_age": 18,
            "length_weeks": 12,
            "extension_max_weeks": 0,
            "extension_rule": "none",
            "caseload_per_fte": 15,
            "routing": "direct",
            "final_review_at_closure": True,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service = services.service_create(
                code=data["code"],
                name=data["name"],
                organisation=data["organisation"],
                description=data["description"],
                contact_phone=data["contact_phone"],
                values=form.rule_values(),
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if Role.PROVISION_MANAGER in request.user.roles and hasattr(request.user, "staff"):
                request.user.staff.services.add(service)
            messages.success(request, f"{service.name} set up")
            return redirect("catalogue:service", code=service.code)
    return render(request, "catalogue/service_new.html", {"form": form})


def service_change(request, code):
    service = get_object_or_404(Service, code=code)
    if not access.may_change_service(request.user, service):
        raise PermissionDenied
    current = service.current_settings
    form = ChangeSettingsForm(request.POST or None, initial=current.rule_values())
    if request.method == "POST" and form.is_valid():
        try:
            new = services.service_settings_change(
                service=service,
                values=form.rule_values(),
                note=form.cleaned_data["change_note"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                f"Saved as version {new.version}. Cases already under way "
                "keep the version they started under.",
            )
            return redirect("catalogue:service", code=service.code)
    return render(
        request,
        "catalogue/service_change.html",
        {"form": form, "service": service, "current": current},
    )


@role_required(*STAFF_ROLES)
def team_list(request):
    return render(
        request,
        "catalogue/team_list.html",
        {
            "teams": access.teams_visible(request.user).select_related("service"),
        },
    )


@role_required(*STAFF_ROLES)
def team_detail(request, pk):
    team = get_object_or_404(access.teams_visible(request.user).select_related("service"), pk=pk)
    return render(
        request,
        "catalogue/team_detail.html",
        {
            "team": team,
            "rows": team_staff(team, on=clock.today()),
            "may_manage": access.may_manage_staff_of(request.user, team),
            "settings": team.service.current_settings,
        },
    )


def _managed_staff(request, pk) -> StaffMember:
    staff = get_object_or_404(StaffMember.objects.select_related("team", "user"), pk=pk)
    if staff.team is None or not access.may_manage_staff_of(request.user, staff.team):
        raise Http404
    return staff


def staff_edit(request, pk):
    staff = _managed_staff(request, pk)
    form = StaffForm(
        request.POST or None, initial={"fte": staff.fte, "skills": list(staff.skills.all())}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_update(
                staff=staff,
                fte=form.cleaned_data["fte"],
                skills=form.cleaned_data["skills"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{staff} saved")
            return redirect("catalogue:team", pk=staff.team_id)
    return render(request, "catalogue/staff_edit.html", {"form": form, "staff": staff})


def leave_new(request, pk):
    staff = _managed_staff(request, pk)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.leave_add(
                staff=staff,
                start=data["start"],
                end=data["end"],
                kind=data["kind"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Leave recorded for {staff}")
            return redirect("catalogue:team", pk=staff.team_id)
    return render(request, "catalogue/leave_new.html", {"form": form, "staff": staff})


@role_required(Role.ADMIN, Role.WORKER, Role.SENIOR, Role.PROVISION_MANAGER, Role.QUALITY_MANAGER)
def resource_list(request):
    return render(
        request,
        "catalogue/resource_list.html",
        {
            "resources": Resource.objects.prefetch_related("services"),
        },
    )


@role_required(Role.SYSADMIN)
def team_new(request):
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team = services.team_create(
                service=data["service"],
                name=data["name"],
                kind=data["kind"],
                area=data["area"],
                districts=data["postcode_districts"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{team.name} set up")
            return redirect("catalogue:team", pk=team.pk)
    return render(request, "catalogue/team_new.html", {"form": form})


@role_required(Role.SYSADMIN)
def staff_new(request):
    form = NewStaffForm(request.POST or None, initial={"fte": "1.00"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.staff_create(
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=data["role"],
                team=data["team"],
                job_title=data["job_title"],
                fte=data["fte"],
                password=data["password"],
                reason=data["reason"],
                services=data["services"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if user.roles:
                messages.success(request, f"{user} can now sign in as {user.username}")
            else:
                messages.success(
                    request,
                    f"{user} can sign in as {user.username}. Their role is waiting for a "
                    "provision manager or quality manager to approve it",
                )
            if data["team"]:
                return redirect("catalogue:team", pk=data["team"].pk)
            return redirect("home:sysadmin")
    return render(request, "catalogue/staff_new.html", {"form": form})
