"""The performance dashboard: thin pages over `stamps.stamped_or_live` (a fresh stamp of the
scope's figures, or `rules` computed over `selectors.facts` now)."""

from datetime import timedelta

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from enablement.accounts.decorators import role_required
from enablement.accounts.roles import Role
from enablement.core import clock
from enablement.core.dates import long_date
from enablement.core.exports import attachment
from enablement.core.workdays import ENGLAND_AND_WALES
from enablement.governance import reads
from enablement.reporting import charts, exports, rules, selectors, stamps
from enablement.reporting.forms import ScopeForm, default_months

DASHBOARD_ROLES = (Role.PROVISION_MANAGER, Role.QUALITY_MANAGER, Role.COMMISSIONER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _suppress(user) -> bool:
    """Only those who manage a service see small numbers; a commissioner sees aggregates."""
    return not user.has_role(Role.PROVISION_MANAGER, Role.QUALITY_MANAGER)


def _resolve(request, now):
    """(form, scope, service, team) for the query string; scope is None if it is wrong."""
    today = timezone.localdate(now)
    services = list(selectors.services(request.user))
    data = request.GET.copy()
    if not services:
        return None, None, None, None
    data.setdefault("service", services[0].code)
    start, end = default_months(today)
    data.setdefault("start", start)
    data.setdefault("end", end)
    service = next((s for s in services if s.code == data["service"]), services[0])
    teams = list(selectors.teams(request.user, service))
    form = ScopeForm(data, services=services, teams=teams, today=today)
    if not form.is_valid():
        return form, None, service, None
    first, last = form.period()
    team = next((t for t in teams if str(t.pk) == form.cleaned_data["team"]), None)
    scope = rules.Scope(
        start=first,
        end=last,
        team_id=team.pk if team else None,
        suppress=_suppress(request.user),
        calendar=ENGLAND_AND_WALES,
        today=today,
        team_names={t.pk: t.name for t in teams},
    )
    return form, scope, service, team


def _figures(service, scope, now, keys=None) -> stamps.Figures:
    """The page and its files alike take a fresh stamp when there is one, so a board paper
    holds the numbers its author saw on the page."""
    max_age = timedelta(minutes=settings.DASHBOARD_STAMP_MINUTES)
    return stamps.stamped_or_live(service, scope, now=now, max_age=max_age, keys=keys)


def _caption(service, team, scope) -> str:
    where = f"{service.name}, {team.name}" if team else f"{service.name}, all teams and hubs"
    return f"{where}: {long_date(scope.start)} to {long_date(scope.end)}"


def _computed_at(result: stamps.Figures) -> str:
    at = timezone.localtime(result.computed_at)
    if result.stamped:
        # The age limit, not the worker's schedule: a stamp older than it is never shown,
        # whether or not the worker is running.
        return (
            f"Figures as they stood at {at:%H:%M} on {long_date(at.date())}, "
            f"recounted at least every {settings.DASHBOARD_STAMP_MINUTES} minutes."
        )
    return (
        f"Computed from the records as they stood at {at:%H:%M} on {long_date(at.date())}, "
        "when this was opened: correct when read, nothing is typed in."
    )


@role_required(*DASHBOARD_ROLES)
def dashboard(request):
    now = clock.now()
    form, scope, service, team = _resolve(request, now)
    figures, computed_at = [], ""
    if scope is not None:
        query = request.GET.urlencode()
        result = _figures(service, scope, now)
        figures = [
            {"figure": f, "svg": charts.svg(f.chart, f.title), "query": query}
            for f in result.figures
        ]
        computed_at = _computed_at(result)
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "figures": figures,
            "caption": _caption(service, team, scope) if scope else "",
            "computed_at": computed_at,
            "suppressed": scope is not None and scope.suppress,
            "query": request.GET.urlencode(),
        },
    )


def _log_export(rows) -> None:
    """One access-log row for the file: the scope (its query string) and its row count.
    The rows are aggregates, so the row names nobody."""
    with reads.exporting() as export:
        for _ in export.rows(rows, person_of=lambda row: None):
            pass


@role_required(*DASHBOARD_ROLES)
def table_export(request, key: str, fmt: str):
    if key not in rules.FIGURES or fmt not in ("csv", "xlsx"):
        raise Http404
    now = clock.now()
    _form, scope, service, team = _resolve(request, now)
    if scope is None:
        return HttpResponse(
            "The dashboard's choices are not valid, so nothing was exported. Go back to the "
            "dashboard, correct them and export again.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    (figure,) = _figures(service, scope, now, [key]).figures
    _log_export(figure.table.rows)
    name = f"{service.code}-{key}-{scope.start:%Y-%m}-to-{scope.end:%Y-%m}.{fmt}"
    if fmt == "csv":
        return attachment(exports.figure_csv(figure), "text/csv; charset=utf-8", name)
    return attachment(exports.figure_xlsx(figure, _caption(service, team, scope)), XLSX, name)


@role_required(*DASHBOARD_ROLES)
def dashboard_pdf(request):
    now = clock.now()
    _form, scope, service, team = _resolve(request, now)
    if scope is None:
        return HttpResponse(
            "The dashboard's choices are not valid, so nothing was exported.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    result = _figures(service, scope, now)
    figures = result.figures
    _log_export(row for f in figures for row in f.table.rows)
    footnote = _computed_at(result)
    if scope.suppress:
        footnote += " * a count of fewer than 5 people, or hidden so that one cannot be " + (
            "worked out from a total."
        )
    content = exports.dashboard_pdf(
        figures, "Performance dashboard", _caption(service, team, scope), footnote
    )
    name = f"{service.code}-dashboard-{scope.start:%Y-%m}-to-{scope.end:%Y-%m}.pdf"
    return attachment(content, "application/pdf", name)
