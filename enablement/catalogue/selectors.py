"""Reading the catalogue for pages and the API."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from enablement.accounts.roles import Role
from enablement.catalogue.models import LeavePeriod, Service, StaffMember, Team
from enablement.catalogue.rules import StaffingGap, TeamStaffing, caseload_capacity
from enablement.catalogue.rules import staffing_gaps as rules_staffing_gaps


@dataclass(frozen=True)
class StaffRow:
    staff: StaffMember
    on_leave: LeavePeriod | None
    capacity: int | None  # None for staff who hold no caseload (admins, seniors, managers)


def team_staff(team: Team, *, on: date) -> list[StaffRow]:
    settings = team.service.current_settings
    members = (
        StaffMember.objects.filter(team=team, active=True)
        .select_related("user")
        .prefetch_related(
            "skills",
            "user__groups",
            Prefetch(
                "leave", queryset=LeavePeriod.objects.filter(end__gte=on), to_attr="leave_now"
            ),
        )
    )
    rows = []
    for m in members:
        leave = next((lp for lp in m.leave_now if lp.start <= on <= lp.end), None)
        holds_caseload = Role.WORKER in m.user.roles
        cap = caseload_capacity(settings.caseload_per_fte, m.fte) if holds_caseload else None
        rows.append(StaffRow(staff=m, on_leave=leave, capacity=cap))
    return rows


def services_with_figures(services: QuerySet[Service]) -> QuerySet[Service]:
    return services.annotate(
        team_count=Count("teams", distinct=True),
        staff_count=Count("teams__staff", filter=Q(teams__staff__active=True), distinct=True),
        fte_total=Sum("teams__staff__fte", filter=Q(teams__staff__active=True)),
    ).order_by("name")


def fte_total(team: Team) -> Decimal:
    return team.staff.filter(active=True).aggregate(t=Sum("fte"))["t"] or Decimal(0)


@dataclass(frozen=True)
class ServiceGaps:
    service: Service
    gaps: list[StaffingGap]


def staffing_gaps(services: QuerySet[Service] | None = None) -> list[ServiceGaps]:
    """The staffing gaps of each active service given (all active services by default),
    from its current settings, its active teams and the roles of their active staff whose
    accounts are switched on. Services with no gap are left out. Four queries whatever the
    number of services."""
    from enablement.accounts.roles import BY_GROUP

    everything = [
        s
        for s in Service.objects.filter(active=True)
        .prefetch_related("settings_versions")
        .order_by("name")
        if s.settings_versions.all()
    ]
    wanted = {s.pk for s in (services if services is not None else everything)}
    current = {s.pk: max(s.settings_versions.all(), key=lambda v: v.version) for s in everything}
    by_code = {s.code: s for s in everything}
    # Who hands on to whom: a panel's destinations and a hub's level destinations.
    handed_on_from: dict[str, list[str]] = {}
    for s in everything:
        settings = current[s.pk]
        targets = list(settings.route_destinations) if settings.routing == "panel" else []
        targets += list((settings.level_destinations or {}).values())
        for code in targets:
            if code in by_code and code != s.code:
                handed_on_from.setdefault(code, []).append(s.name)
    teams = Team.objects.filter(active=True, service_id__in=wanted).order_by("name")
    roles: dict[int, set[str]] = {}
    for team_id, group in StaffMember.objects.filter(
        active=True, user__is_active=True, team__in=teams
    ).values_list("team_id", "user__groups__name"):
        role = BY_GROUP.get(group)
        if role is not None:
            roles.setdefault(team_id, set()).add(str(role))
    by_service: dict[int, list[TeamStaffing]] = {}
    for t in teams:
        by_service.setdefault(t.service_id, []).append(
            TeamStaffing(t.pk, t.name, t.kind, frozenset(roles.get(t.pk, ())))
        )
    found = []
    for s in everything:
        if s.pk not in wanted:
            continue
        gaps = rules_staffing_gaps(
            current[s.pk].routing,
            by_service.get(s.pk, []),
            service_name=s.name,
            handed_on_from=handed_on_from.get(s.code, ()),
            takes_referrals=bool(current[s.pk].referral_sources),
        )
        if gaps:
            found.append(ServiceGaps(service=s, gaps=gaps))
    return found
