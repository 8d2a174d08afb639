"""Actions on the catalogue: services and their versioned settings, staff and leave."""

from datetime import date, datetime
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from enablement.catalogue import rules
from enablement.catalogue.models import LeavePeriod, Service, ServiceSettings, StaffMember, Team
from enablement.core.limits import length_problems, refuse_too_long
from enablement.governance.services import record_event


def _checked_settings(values: dict, *, code: str) -> dict:
    unknown = set(values) - set(ServiceSettings.RULE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "Not a service setting"))
    problems = (
        rules.settings_problems(values)
        or _destination_problems(values, code=code)
        or _instrument_problems(values)
    )
    if problems:
        raise ValidationError(problems)
    return values


def _instrument_problems(values: dict) -> dict[str, str]:
    """Each outcome instrument a service scores must be one there is (outcomes.Instrument,
    looked up by name: the outcomes app sits above the catalogue)."""
    codes = values.get("outcome_instruments") or []
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        return {"outcome_instruments": "List the instruments by their codes"}
    instrument = apps.get_model("outcomes", "Instrument")
    known = set(
        instrument.objects.filter(code__in=codes, active=True).values_list("code", flat=True)
    )
    unknown = [c for c in codes if c not in known]
    if unknown:
        return {
            "outcome_instruments": f"There is no outcome instrument with the code “{unknown[0]}”"
        }
    return {}


def _destination_problems(values: dict, *, code: str) -> dict[str, str]:
    """Each level handed on must name another service, by its short code, that takes
    referrals directly (seed 003: Enhanced goes to the Network's waiting list)."""
    for level, target in (values.get("level_destinations") or {}).items():
        service = Service.objects.filter(code=target).first()
        if service is None or not service.active:
            return {
                "level_destinations": f"There is no open service with the short code "
                f"“{target}” (for {level}): check the code on the list of services"
            }
        if service.code.casefold() == (code or "").casefold():
            return {
                "level_destinations": f"A level cannot be handed on to this service itself "
                f"(“{target}” for {level}): name the service that takes it on, such as the "
                "Network"
            }
        if service.current_settings.routing != "direct":
            return {
                "level_destinations": f"{service.name} has its own front door: a level can be "
                "handed only to a service whose teams allocate directly"
            }
    return {}


def service_create(
    *,
    code: str,
    name: str,
    organisation: str,
    description: str = "",
    contact_phone: str = "",
    values: dict,
    sources: dict | None = None,
    actor,
    now: datetime,
) -> Service:
    """A new service with version 1 of its settings: no code change needed."""
    problems = {}
    if not code:
        problems["code"] = "Enter a short code for the service"
    elif Service.objects.filter(code__iexact=code).exists():
        problems["code"] = "A service with this code already exists"
    if not name:
        problems["name"] = "Enter the service's name"
    elif Service.objects.filter(name__iexact=name).exists():
        problems["name"] = "A service with this name already exists"
    if not organisation:
        problems["organisation"] = "Enter the organisation that runs the service"
    problems |= rules.settings_problems(values) or _destination_problems(values, code=code)
    texts = {"code": code, "name": name, "organisation": organisation, "description": description}
    problems = length_problems(Service, texts) | problems
    if problems:
        raise ValidationError(problems)
    _checked_settings(values, code=code)
    try:
        with transaction.atomic():
            service = Service.objects.create(
                code=code,
                name=name,
                organisation=organisation,
                description=description,
                contact_phone=contact_phone,
            )
            ServiceSettings.objects.create(
                service=service,
                version=1,
                created_at=now,
                created_by=actor,
                change_note="First version",
                sources=sources or {},
                **values,
            )
            record_event(
                kind="service.created",
                summary=f"Service {name} set up",
                actor=actor,
                now=now,
                service=service,
            )
    except IntegrityError as exc:
        raise ValidationError({"code": "A service with this code or name already exists"}) from exc
    return service


def service_settings_change(
    *,
    service: Service,
    values: dict,
    note: str,
    actor,
    now: datetime,
    sources: dict | None = None,
) -> ServiceSettings:
    """Write the next version. Cases under way keep the version they started under."""
    if not (note or "").strip():
        raise ValidationError({"change_note": "Say why the settings are changing"})
    refuse_too_long(ServiceSettings, {"change_note": note.strip()})
    with transaction.atomic():
        # Lock the service row so two managers saving at once get versions n+1 and n+2.
        Service.objects.select_for_update().get(pk=service.pk)
        current = service.current_settings
        merged = current.rule_values() | values
        _checked_settings(merged, code=service.code)
        changed = [k for k in ServiceSettings.RULE_FIELDS if merged[k] != getattr(current, k)]
        if not changed:
            raise ValidationError({"__all__": "Nothing has changed"})
        merged_sources = dict(current.sources)
        for k in changed:
            merged_sources[k] = (sources or {}).get(
                k
            ) or f"changed in v{current.version + 1}: {note}"
        new = ServiceSettings.objects.create(
            service=service,
            version=current.version + 1,
            created_at=now,
            created_by=actor,
            change_note=note.strip(),
            sources=merged_sources,
            **merged,
        )
        record_event(
            kind="service.settings_changed",
            summary=f"{service.code} settings v{new.version}: " + ", ".join(changed),
            actor=actor,
            now=now,
            service=service,
            data={"version": new.version, "changed": changed, "note": note},
        )
    return new


def staff_update(*, staff: StaffMember, fte: Decimal, skills, actor, now: datetime) -> StaffMember:
    problem = rules.fte_problem(fte)
    if problem:
        raise ValidationError({"fte": problem})
    with transaction.atomic():
        before = staff.fte
        staff.fte = fte
        staff.save(update_fields=["fte"])
        staff.skills.set(skills)
        record_event(
            kind="staff.updated",
            summary=f"{staff}: FTE {before} → {fte}; skills updated",
            actor=actor,
            now=now,
            service=staff.team.service if staff.team else None,
            data={"staff": staff.pk, "fte": str(fte), "skills": [s.code for s in skills]},
        )
    return staff


def leave_add(
    *, staff: StaffMember, start: date, end: date, kind: str, actor, now: datetime
) -> LeavePeriod:
    problem = rules.leave_problem(start, end)
    if problem:
        raise ValidationError({"end": problem})
    with transaction.atomic():
        leave = LeavePeriod.objects.create(staff=staff, start=start, end=end, kind=kind)
        record_event(
            kind="staff.leave_added",
            summary=f"{staff}: {leave.get_kind_display()} {start} to {end}",
            actor=actor,
            now=now,
            service=staff.team.service if staff.team else None,
            data={"staff": staff.pk},
        )
    return leave


def team_create(
    *,
    service: Service,
    name: str,
    kind: str,
    area: str,
    districts: list[str],
    actor,
    now: datetime,
) -> Team:
    refuse_too_long(Team, {"name": name, "area": area})
    if Team.objects.filter(service=service, name__iexact=name).exists():
        raise ValidationError({"name": f"{service.code} already has a team called {name}"})
    with transaction.atomic():
        team = Team.objects.create(
            service=service, name=name, kind=kind, area=area, postcode_districts=districts
        )
        record_event(
            kind="team.created",
            summary=f"Team {name} set up",
            actor=actor,
            now=now,
            service=service,
            data={"team": team.pk},
        )
    return team


def staff_create(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    team: Team | None,
    job_title: str,
    fte: Decimal,
    password: str,
    reason: str,
    actor,
    now: datetime,
    services=(),
):
    """A user and, for staff (not referrers), a staff record. A role that sees case data is
    only asked for here (accounts.services.role_give): the account has no role, and its staff
    record no team, until a provision or quality manager approves."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password

    from enablement.accounts import rules as account_rules
    from enablement.accounts.roles import Role
    from enablement.accounts.services import role_give

    user_model = get_user_model()
    problems = length_problems(
        user_model,
        {"username": username, "first_name": first_name, "last_name": last_name, "email": email},
    ) | length_problems(StaffMember, {"job_title": job_title})
    if user_model.objects.filter(username__iexact=username).exists():
        problems["username"] = "That username is taken"
    problem = rules.fte_problem(fte)
    if problem:
        problems["fte"] = problem
    candidate = user_model(
        username=username, first_name=first_name, last_name=last_name, email=email
    )
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        problems["password"] = " ".join(exc.messages)
    problem = account_rules.reason_problem(reason, what="why they need this role")
    if problem:
        problems["reason"] = problem
    if problems:
        raise ValidationError(problems)
    pending = account_rules.needs_approval(Role(role))
    with transaction.atomic():
        candidate.set_password(password)
        candidate.save()
        if Role(role) != Role.REFERRER:
            StaffMember.objects.create(
                user=candidate, team=None if pending else team, fte=fte, job_title=job_title
            )
        record_event(
            kind="user.created",
            summary=f"{candidate} added",
            actor=actor,
            now=now,
            service=team.service if team else None,
            data={"user": candidate.pk},
        )
        role_give(
            user=candidate,
            role=role,
            team=team,
            services=services,
            reason=reason,
            actor=actor,
            now=now,
        )
    return candidate
