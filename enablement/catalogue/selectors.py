"""Reading the catalogue for pages and the API."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from enablement.accounts.roles import Role
from enablement.catalogue.models import LeavePeriod, Service, StaffMember, Team
from enablement.catalogue.rules import caseload_capacity


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
