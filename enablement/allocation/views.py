"""Pages: the waiting list, allocating one referral, "allocate all that fit", caseloads and
the forecast. Thin: access from `accounts.access`, facts from `selectors`, decisions from
`rules`, changes from `services`."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from enablement.accounts import access
from enablement.allocation import forecasting, rules, selectors, services
from enablement.allocation.forms import (
    AllocateForm,
    CaseloadFilter,
    ForecastForm,
    SkillsNeededForm,
    WaitingListFilter,
)
from enablement.catalogue.models import StaffMember
from enablement.core import clock
from enablement.core.exports import csv_attachment
from enablement.core.formtools import add_errors
from enablement.core.params import query_int
from enablement.governance import reads
from enablement.referrals import selectors as referral_selectors
from enablement.referrals.rules import Status

PAGE_SIZE = 25


def _teams(request):
    teams = access.allocation_teams(request.user)
    if not teams.exists():
        raise PermissionDenied
    return teams


@dataclass(frozen=True)
class WaitingList:
    teams: list  # the teams shown
    entries: list  # selectors.Waiting, filtered, in order of acceptance
    total: int
    plans: dict  # team id -> rules.Plan
    outcome: dict  # referral id -> what "allocate all that fit" would do
    figures: rules.CaseloadFigures
    room_now: int

    @property
    def team(self):
        """The one team shown, or None when several are."""
        return self.teams[0] if len(self.teams) == 1 else None

    @property
    def plan_to_review(self) -> bool:
        return self.team is not None and bool(self.plans[self.team.pk].assignments)


def _shown_teams(request, form, teams) -> list:
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("team"):
        return [data["team"]]
    if data.get("service"):
        return list(teams.filter(service=data["service"]).order_by("name"))
    own = getattr(getattr(request.user, "staff", None), "team_id", None)
    mine = teams.filter(pk=own).first()
    return [mine] if mine else list(teams.order_by("service__name", "name"))


def _waiting_list(request, form, teams, *, today) -> WaitingList:
    """Each team's list with its own plan (a team's referrals go only to its workers), merged
    in order of acceptance when several teams are shown."""
    shown = _shown_teams(request, form, teams)
    found = selectors.teams_waiting(shown, on=today)
    entries, outcome = found.entries, found.outcome
    total = len(entries)
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("skill"):
        entries = [e for e in entries if data["skill"].code in e.facts.skills_needed]
    if data.get("joint_working"):
        wanted = data["joint_working"] == "yes"
        entries = [e for e in entries if e.joint_working == wanted]
    if data.get("outcome"):
        kind = rules.Assignment if data["outcome"] == "fits" else rules.Waits
        entries = [e for e in entries if isinstance(outcome[e.facts.id], kind)]
    return WaitingList(
        teams=shown,
        entries=entries,
        total=total,
        plans=found.plans,
        outcome=outcome,
        figures=rules.team_figures(found.workers),
        room_now=sum(w.room for w in found.workers),
    )


WAITING_HEADERS = (
    "Position",
    "Reference",
    "Person",
    "Team",
    "Accepted",
    "Working days waiting",
    "Calendar days waiting",
    "Joint working asked",
    "Skills needed",
    "Postcode district",
    "Today",
)


def _waiting_values(row):
    skills = ", ".join(s.name for s in row.referral.skills_needed.all())
    if isinstance(row.outcome, rules.Assignment):
        today = f"Proposed: {row.outcome.worker.name}"
    else:
        today = f"Waits: {row.outcome.reason}"
    return (
        row.position,
        row.referral.reference,
        row.referral.person.full_name,
        row.referral.team.name,
        row.accepted_on,
        row.working_days,
        row.calendar_days,
        "Yes" if row.referral.joint_working_requested else "No",
        skills,
        row.postcode_district,
        today,
    )


def waiting_list(request):
    teams = _teams(request)
    form = WaitingListFilter(request.GET or None, teams=teams)
    today = clock.today()
    found = _waiting_list(request, form, teams, today=today)
    if request.GET.get("format") == "csv":
        if form.is_bound and not form.is_valid():
            messages.error(request, "The filter is not valid, so nothing was downloaded")
            return redirect("allocation:waiting")
        with reads.exporting() as export:
            rows = selectors.waiting_rows(found.entries, found.outcome, today=today)
            rows = export.rows(rows, person_of=lambda row: row.referral.person_id)
            return csv_attachment(
                f"waiting-list-{today.isoformat()}.csv",
                WAITING_HEADERS,
                (_waiting_values(r) for r in rows),
            )
    page = Paginator(found.entries, PAGE_SIZE).get_page(query_int(request.GET.get("page")))
    summaries = [
        (t, selectors.waiting_referrals([t]).count()) for t in teams.select_related("service")
    ]
    return render(
        request,
        "allocation/waiting_list.html",
        {
            "form": form,
            "found": found,
            "page": page,
            "rows": selectors.waiting_rows(page.object_list, found.outcome, today=today),
            "summaries": summaries,
            "allocates_for": {t.pk for t in found.teams if access.may_allocate(request.user, t)},
            "today": today,
        },
    )


def allocate(request, pk):
    referral = access.get_allocatable_referral(request.user, pk)
    if referral.status != Status.ACCEPTED:
        messages.info(request, f"{referral.reference} is not waiting for allocation")
        return redirect("referrals:detail", pk=referral.pk)
    today = clock.today()
    workers = selectors.team_workers(referral.team, on=today)
    facts = selectors.referral_facts(referral)
    ranked = rules.candidates(facts, workers)
    passed = services.waiting_longer(referral, workers)
    form = AllocateForm(
        request.POST or None,
        candidates=ranked,
        passed=passed,
        passed_on=timezone.localdate(passed.accepted_at) if passed else None,
    )
    if request.method == "POST" and form.is_valid():
        worker = get_object_or_404(StaffMember, pk=form.cleaned_data["worker"])
        try:
            services.allocate(
                referral=referral,
                worker=worker,
                reason=form.cleaned_data["reason"],
                override=form.cleaned_data["override"],
                out_of_order_reason=form.cleaned_data.get("out_of_order_reason", ""),
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{referral.reference} allocated to {worker}")
            return redirect("allocation:waiting")
    return render(
        request,
        "allocation/allocate.html",
        {
            "referral": referral,
            "flags": referral_selectors.referral_flags(referral),
            "form": form,
            "candidates": ranked,
            "skills_form": SkillsNeededForm(
                initial={"skills_needed": list(referral.skills_needed.all())}
            ),
            "passed": passed,
            "why_waiting": None
            if any(c.fits for c in ranked)
            else rules.why_waiting(facts, workers),
            "today": today,
        },
    )


@require_POST
def skills_needed(request, pk):
    referral = access.get_allocatable_referral(request.user, pk)
    form = SkillsNeededForm(request.POST)
    if form.is_valid():
        try:
            services.set_skills_needed(
                referral=referral,
                codes=[s.code for s in form.cleaned_data["skills_needed"]],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Skills needed for {referral.reference} saved")
    else:
        messages.error(request, "Select skills from the list")
    return redirect("allocation:allocate", pk=referral.pk)


def _reviewed_pairs(values: list[str]) -> list[tuple[int, int]]:
    """ "referral:worker" pairs as the review page sent them. A malformed one is dropped, so
    the list no longer matches the plan and nothing is allocated."""
    pairs = []
    for value in values:
        referral, sep, worker = value.partition(":")
        referral_id, worker_id = query_int(referral), query_int(worker)
        if sep and referral_id and worker_id:
            pairs.append((referral_id, worker_id))
    return pairs


def allocate_all(request, pk):
    team = access.get_allocating_team(request.user, pk)
    today = clock.today()
    errors = []
    if request.method == "POST":
        reviewed = _reviewed_pairs(request.POST.getlist("pair"))
        try:
            episodes = services.allocate_all(
                team=team, reviewed=reviewed, actor=request.user, now=clock.now()
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request,
                f"{len(episodes)} referral{'s' if len(episodes) != 1 else ''} allocated "
                f"in order of date accepted",
            )
            return redirect("allocation:waiting")
    found = selectors.team_plan(team, on=today)
    plan, workers = found.plan, found.workers
    rows = selectors.waiting_rows(found.entries, selectors.outcomes(plan), today=today)
    after = {w.id: w.open_episodes for w in workers}
    for a in plan.assignments:
        after[a.worker.id] += 1
    return render(
        request,
        "allocation/plan.html",
        {
            "team": team,
            "plan": plan,
            "rows": rows,
            "workers": [(w, after[w.id]) for w in workers],
            "pairs": [f"{r}:{w}" for r, w in plan.pairs()],
            "errors": errors,
        },
        status=409 if errors and request.method == "POST" else 200,
    )


CASELOAD_HEADERS = (
    "Worker",
    "Team",
    "FTE",
    "Places",
    "Open episodes",
    "Room",
    "Caseload ratio",
    "Allocated beyond room (open)",
    "On leave until",
)


def _caseloads(form, teams, *, today):
    chosen = teams
    if form.is_valid() and form.cleaned_data.get("team"):
        chosen = teams.filter(pk=form.cleaned_data["team"].pk)
    rows = selectors.caseload_rows(chosen, on=today)
    if form.is_valid() and form.cleaned_data.get("beyond_room"):
        rows = [r for r in rows if r.figures.room < 0]
    by_team: dict = {}
    for r in rows:
        by_team.setdefault(r.staff.team, []).append(r.facts)
    totals = [(team, rules.team_figures(fs)) for team, fs in by_team.items()]
    return rows, totals


def _caseload_values(row: selectors.CaseloadRow):
    ratio = row.figures.ratio
    return (
        str(row.staff),
        row.staff.team.name,
        row.staff.fte,
        row.figures.capacity,
        row.figures.open_episodes,
        row.figures.room,
        f"{ratio:.2f}" if ratio is not None else "",
        row.staff.open_beyond,
        row.facts.on_leave_until,
    )


def caseloads(request):
    teams = _teams(request)
    form = CaseloadFilter(request.GET or None, teams=teams)
    today = clock.today()
    rows, totals = _caseloads(form, teams, today=today)
    if request.GET.get("format") == "csv":
        if form.is_bound and not form.is_valid():
            messages.error(request, "The filter is not valid, so nothing was downloaded")
            return redirect("allocation:caseloads")
        return csv_attachment(
            f"caseloads-{today.isoformat()}.csv",
            CASELOAD_HEADERS,
            (_caseload_values(r) for r in rows),
        )
    page = Paginator(rows, PAGE_SIZE).get_page(query_int(request.GET.get("page")))
    return render(
        request,
        "allocation/caseloads.html",
        {"form": form, "page": page, "total": len(rows), "totals": totals, "today": today},
    )


def forecast(request):
    services_seen = access.forecast_services(request.user)
    if not services_seen.exists():
        raise PermissionDenied
    form = ForecastForm(request.GET or None, services=services_seen)
    data = form.cleaned_data if form.is_valid() else {}
    service = data.get("service") or services_seen.order_by("name").first()
    fte_change = data.get("fte_change")
    found = forecasting.outlook(service, today=clock.today(), fte_change=fte_change)
    return render(
        request,
        "allocation/forecast.html",
        {"form": form, "found": found, "chart": _chart(found), "rows": _forecast_rows(found)},
    )


def _forecast_rows(found) -> list[dict]:
    """One row a week: the list at its end and the wait of one accepted at its start, today's
    staff beside the what-if."""
    rows = []
    for i, week in enumerate(found.now.weeks):
        row = {"week": week, "wait": found.now.accepted_later[i]}
        if found.what_if:
            row |= {"alt_week": found.what_if.weeks[i], "alt_wait": found.what_if.accepted_later[i]}
        rows.append(row)
    return rows


def _chart(found) -> dict:
    """Bars of the expected waiting list at the end of each week, drawn on the server so the
    chart needs no JavaScript; the table beside it holds the same numbers."""
    weeks = found.now.weeks
    peak = max([w.waiting_high for w in weeks] + [1.0])
    if found.what_if:
        peak = max([peak] + [w.waiting_high for w in found.what_if.weeks])
    height, bar = 200, 28
    bars = []
    for i, w in enumerate(weeks):
        h = w.waiting_mean / peak * height
        entry = {
            "x": 40 + i * (bar + 12),
            "y": 10 + height - h,
            "h": h,
            "label": w.week,
            "value": w.waiting_mean,
        }
        if found.what_if:
            alt = found.what_if.weeks[i].waiting_mean / peak * height
            entry |= {"alt_y": 10 + height - alt, "alt_h": alt}
        bars.append(entry)
    return {
        "bars": bars,
        "bar": bar,
        "half": bar // 2,
        "width": 40 + len(weeks) * (bar + 12),
        "height": height,
        "base": 10 + height,
        "peak": peak,
    }
