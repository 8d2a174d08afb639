"""The dashboard's figures (issue 13 item 4; seed 003 "BEP performance system"). Pure.

Each figure is a function of plain fact rows (the dataclasses below, read by
`selectors.facts`) and a `Scope` (the period, the team, whether small numbers are hidden,
the working-day calendar, the date a caseload is counted on). It returns a `Figure`: a
title, a one-line definition, a chart and the table with the same numbers. Nothing here
reads the database or the clock, so every figure is tested against hand-counted answers.

Figures are registered in `FIGURES` (`register` adds one): the outcome scores, feedback and
returns figures other apps compute plug in the same way, with the fact kinds they need.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from enablement.catalogue.vocab import ClosureReason
from enablement.core.dates import add_months
from enablement.outcomes.rules import change, occasion_order
from enablement.reporting.suppression import is_small, share_hidden, suppress_grid
from enablement.returns.rules import accommodation_group, in_paid_work
from enablement.returns.vocab import AccommodationGroup
from enablement.visits.rules import is_missed

# Referral statuses after the front door's decision. Accepted (waiting) and allocated are
# "appropriate"; the rest were screened and not taken on.
ACCEPTED = frozenset({"accepted", "allocated"})
NOT_ACCEPTED = frozenset({"declined", "not_ready", "redirected", "signposted", "closed_not_ready"})
RE_REFERRAL_MONTHS = 12  # seed 003's readmission rate, and seeds 000 §9 / 001 §15's window

HIDDEN = "*"
NO_DATA = "–"


# --- Facts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralFact:
    id: int
    person_id: int | None
    team_id: int | None
    received_on: date
    decided_on: date | None  # the front door's decision (screening, panel or hub)
    status: str
    screening_days: int | None  # the clock of the settings version it started under


@dataclass(frozen=True)
class EpisodeFact:
    id: int
    person_id: int
    team_id: int
    worker_id: int
    accepted_on: date | None  # its referral's acceptance: joined the waiting list
    allocated_on: date
    started_on: date | None
    closed_on: date | None
    closure_reason: str
    extended: bool  # an approved extension moved its planned end
    hourly_cost: Decimal | None  # of the settings version it started under


@dataclass(frozen=True)
class VisitFact:
    episode_id: int
    team_id: int
    planned_on: date
    outcome: str  # "" until recorded
    hours: Decimal | None


@dataclass(frozen=True)
class WorkerFact:
    id: int
    team_id: int
    name: str
    fte: Decimal


@dataclass(frozen=True)
class Scope:
    start: date  # the first day of the first month
    end: date  # the last day of the last month
    team_id: int | None
    suppress: bool  # a commissioner's view: small numbers hidden
    calendar: object  # core.workdays.WorkingCalendar
    today: date
    team_names: Mapping[int, str] = field(default_factory=dict)

    def months(self) -> list[date]:
        months, m = [], date(self.start.year, self.start.month, 1)
        while m <= self.end:
            months.append(m)
            m = shift_month(m, 1)
        return months

    def in_period(self, d: date | None) -> bool:
        return d is not None and self.start <= d <= self.end

    def in_team(self, team_id: int | None) -> bool:
        return self.team_id is None or team_id == self.team_id


def month_of(d: date) -> date:
    return date(d.year, d.month, 1)


def shift_month(m: date, n: int) -> date:
    """The first of the month n months from the month of m, back when n is negative (a
    first of the month always exists, so this needs none of add_months' care)."""
    index = m.year * 12 + m.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_label(m: date) -> str:
    return m.strftime("%b %Y")


def period_for(first_month: date, last_month: date) -> tuple[date, date]:
    """The first day of the first month and the last day of the last."""
    return month_of(first_month), shift_month(last_month, 1) - timedelta(days=1)


# --- What a figure returns -----------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    value: object = None  # the number behind the text, for the spreadsheet exports
    hidden: bool = False
    numeric: bool = True


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Group:
    label: str
    values: tuple[float | None, ...]  # None: hidden or no data; the text says which
    texts: tuple[str, ...]


@dataclass(frozen=True)
class Chart:
    series: tuple[str, ...]
    groups: tuple[Group, ...]
    unit: str = ""  # "%", "days", "£" or "" for counts
    description: str = ""  # what the bars show, for the image's accessible name
    scale_max: float | None = None  # the top of a bounded scale (a rating out of 5)


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    definition: str
    chart: Chart
    table: Table
    notes: tuple[str, ...] = ()


Facts = Mapping[str, Sequence]


@dataclass(frozen=True)
class FigureSpec:
    key: str
    title: str
    needs: tuple[str, ...]  # fact kinds, loaded by selectors.FACT_LOADERS
    compute: Callable[[Facts, Scope], Figure]


FIGURES: dict[str, FigureSpec] = {}


def register(spec: FigureSpec) -> FigureSpec:
    """Add a figure to the dashboard (another app's, from its AppConfig.ready)."""
    if spec.key in FIGURES:
        raise ValueError(f"A figure called {spec.key!r} is already registered")
    FIGURES[spec.key] = spec
    return spec


def figure(key: str, title: str, needs: tuple[str, ...]):
    def wrap(fn):
        register(FigureSpec(key, title, needs, fn))
        return fn

    return wrap


# --- Formatting ----------------------------------------------------------------------------


def _count(n: int, hidden: bool) -> Cell:
    return Cell(HIDDEN, None, True) if hidden else Cell(f"{n:,}", n)


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("1"), ROUND_HALF_UP)


def _share(part: int, whole: int, hidden: bool) -> Cell:
    if hidden:
        return Cell(HIDDEN, None, True)
    p = percent(part, whole)
    return Cell(NO_DATA, None) if p is None else Cell(f"{p}%", p)


def median_days(days: Sequence[int]) -> Decimal | None:
    if not days:
        return None
    return Decimal(str(statistics.median(days))).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _days(value: Decimal | None, hidden: bool) -> Cell:
    if hidden:
        return Cell(HIDDEN, None, True)
    if value is None:
        return Cell(NO_DATA, None)
    return Cell(f"{value.normalize():f}", value)


def _money(value: Decimal | None, hidden: bool) -> Cell:
    if hidden:
        return Cell(HIDDEN, None, True)
    if value is None:
        return Cell(NO_DATA, None)
    value = value.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Cell(f"£{value:,.2f}", value)


def _fte(value: Decimal) -> Cell:
    return Cell(f"{Decimal(value).normalize():f}", value)


def _label(text: str) -> Cell:
    return Cell(text, text, numeric=False)


def _bar(cell: Cell) -> tuple[float | None, str]:
    return (None if cell.value is None else float(cell.value)), cell.text


def _chart(
    series,
    rows: Sequence[tuple[str, Sequence[Cell]]],
    unit="",
    description="",
    scale_max: float | None = None,
):
    groups = []
    for label, cells in rows:
        bars = [_bar(c) for c in cells]
        groups.append(Group(label, tuple(b[0] for b in bars), tuple(b[1] for b in bars)))
    return Chart(tuple(series), tuple(groups), unit, description, scale_max)


@dataclass
class _Grid:
    """Counts by month (rows) and part (columns), with the period's totals, hidden as the
    scope says."""

    counts: list[list[int]]
    suppress: bool

    def __post_init__(self):
        width = len(self.counts[0]) if self.counts else 0
        if self.suppress and self.counts:
            self.cell_hidden, self.row_hidden, self.col_hidden, self.grand_hidden = suppress_grid(
                self.counts
            )
        else:
            self.cell_hidden = [[False] * width for _ in self.counts]
            self.row_hidden = [False] * len(self.counts)
            self.col_hidden = [False] * width
            self.grand_hidden = False
        self.row_totals = [sum(r) for r in self.counts]
        self.col_totals = [sum(r[c] for r in self.counts) for c in range(width)]
        self.grand = sum(self.row_totals)

    def row(self, i: int) -> tuple[list[int], list[bool], int, bool]:
        return self.counts[i], self.cell_hidden[i], self.row_totals[i], self.row_hidden[i]

    def total_row(self) -> tuple[list[int], list[bool], int, bool]:
        return self.col_totals, self.col_hidden, self.grand, self.grand_hidden

    def lines(self):
        """Each month's line, then the period's."""
        yield from (self.row(i) for i in range(len(self.counts)))
        yield self.total_row()


def _period_label(scope: Scope) -> str:
    return "Whole period"


def _months_with_total(scope: Scope) -> list[str]:
    return [month_label(m) for m in scope.months()] + [_period_label(scope)]


# --- The figures ---------------------------------------------------------------------------


def _monthly_shares(counts, months, scope):
    """Rows of (month, total, part, rest, share of the part) for a count split in two each
    month, with the whole period's line, hidden for a commissioner as a grid; and the
    chart's monthly shares."""
    grid = _Grid([counts[m] for m in months], scope.suppress)
    rows, chart_rows = [], []
    for i, (label, (parts, hidden, total, total_hidden)) in enumerate(
        zip(_months_with_total(scope), grid.lines(), strict=True)
    ):
        share = _share(parts[0], total, hidden[0] or hidden[1])
        rows.append(
            (
                _label(label),
                _count(total, total_hidden),
                _count(parts[0], hidden[0]),
                _count(parts[1], hidden[1]),
                share,
            )
        )
        if i < len(months):
            chart_rows.append((label, (share,)))
    return rows, chart_rows


@figure("referrals", "Referrals received and the share appropriate", ("referrals",))
def referrals_received(facts: Facts, scope: Scope) -> Figure:
    months = scope.months()
    counts = {m: [0, 0, 0] for m in months}  # accepted, not accepted, not (yet) decided
    for r in facts["referrals"]:
        if not (scope.in_team(r.team_id) and scope.in_period(r.received_on)):
            continue
        part = 0 if r.status in ACCEPTED else 1 if r.status in NOT_ACCEPTED else 2
        counts[month_of(r.received_on)][part] += 1
    grid = _Grid([counts[m] for m in months], scope.suppress)
    rows, chart_rows = [], []
    for label, (parts, hidden, total, total_hidden) in zip(
        _months_with_total(scope), grid.lines(), strict=True
    ):
        accepted, refused, _ = parts
        share = _share(accepted, accepted + refused, hidden[0] or hidden[1])
        received = _count(total, total_hidden)
        rows.append(
            (
                _label(label),
                received,
                _count(accepted, hidden[0]),
                _count(refused, hidden[1]),
                _count(parts[2], hidden[2]),
                share,
            )
        )
        if label != _period_label(scope):
            chart_rows.append((label, (received, _count(accepted, hidden[0]))))
    return Figure(
        "referrals",
        "Referrals received and the share appropriate",
        "Referrals received in each month (by the date of their latest submission) and, of "
        "those the front door has decided, the share accepted after screening (declined, not "
        "ready, routed or signposted elsewhere are not accepted).",
        _chart(
            ("Received", "Accepted"),
            chart_rows,
            description="referrals received and accepted, by month",
        ),
        Table(
            ("Month", "Received", "Accepted", "Not accepted", "Not yet decided", "Share accepted"),
            tuple(rows),
        ),
    )


@figure("waiting", "Waiting time to screening and to allocation", ("referrals", "episodes"))
def waiting_times(facts: Facts, scope: Scope) -> Figure:
    months = scope.months()
    to_screening: dict[date, list[int]] = defaultdict(list)
    to_allocation: dict[date, list[int]] = defaultdict(list)
    for r in facts["referrals"]:
        decided = r.status in ACCEPTED or r.status in NOT_ACCEPTED
        if decided and scope.in_team(r.team_id) and scope.in_period(r.decided_on):
            to_screening[month_of(r.decided_on)].append((r.decided_on - r.received_on).days)
    for e in facts["episodes"]:
        if scope.in_team(e.team_id) and scope.in_period(e.allocated_on) and e.accepted_on:
            to_allocation[month_of(e.allocated_on)].append((e.allocated_on - e.accepted_on).days)
    grid = _Grid([[len(to_screening[m]), len(to_allocation[m])] for m in months], scope.suppress)
    all_screening = [d for m in months for d in to_screening[m]]
    all_allocation = [d for m in months for d in to_allocation[m]]
    rows, chart_rows = [], []
    labels = _months_with_total(scope)
    for i, (label, (parts, hidden, _, _)) in enumerate(zip(labels, grid.lines(), strict=True)):
        screening = all_screening if i == len(months) else to_screening[months[i]]
        allocation = all_allocation if i == len(months) else to_allocation[months[i]]
        median_s = _days(median_days(screening), hidden[0])
        median_a = _days(median_days(allocation), hidden[1])
        rows.append(
            (
                _label(label),
                _count(parts[0], hidden[0]),
                median_s,
                _count(parts[1], hidden[1]),
                median_a,
            )
        )
        if i < len(months):
            chart_rows.append((label, (median_s, median_a)))
    return Figure(
        "waiting",
        "Waiting time to screening and to allocation",
        "Median calendar days from receipt to the front door's decision, for referrals "
        "decided in each month; and from acceptance to allocation, for episodes allocated in "
        "each month.",
        _chart(
            ("To screening", "To allocation"),
            chart_rows,
            "days",
            "median days to screening and to allocation, by month",
        ),
        Table(
            (
                "Month",
                "Referrals decided",
                "Median days to screening",
                "Episodes allocated",
                "Median days to allocation",
            ),
            tuple(rows),
        ),
    )


@figure("screening_clock", "Screening within its clock", ("referrals",))
def screening_within_clock(facts: Facts, scope: Scope) -> Figure:
    months = scope.months()
    counts = {m: [0, 0] for m in months}  # on time, late
    for r in facts["referrals"]:
        if (
            r.screening_days is None
            or not scope.in_team(r.team_id)
            or not scope.in_period(r.decided_on)
            or not (r.status in ACCEPTED or r.status in NOT_ACCEPTED)
        ):
            continue
        due = scope.calendar.add_working_days(r.received_on, r.screening_days)
        counts[month_of(r.decided_on)][0 if r.decided_on <= due else 1] += 1
    rows, chart_rows = _monthly_shares(counts, months, scope)
    notes = ()
    if not any(r.screening_days is not None for r in facts["referrals"]):
        notes = ("This service sets no screening clock.",)
    return Figure(
        "screening_clock",
        "Screening within its clock",
        "Of the referrals decided in each month under a screening clock, the share decided "
        "on or before the last working day the service's settings allow.",
        _chart(("Within the clock",), chart_rows, "%", "share screened within the clock, by month"),
        Table(("Month", "Decided", "Within the clock", "Late", "Share within"), tuple(rows)),
        notes,
    )


def _open_on(e: EpisodeFact, day: date) -> bool:
    return e.allocated_on <= day and (e.closed_on is None or e.closed_on > day)


@figure("caseload", "Caseload ratio per worker and team", ("episodes", "workers"))
def caseload_ratio(facts: Facts, scope: Scope) -> Figure:
    day = min(scope.end, scope.today)
    open_by_worker = Counter(
        e.worker_id for e in facts["episodes"] if scope.in_team(e.team_id) and _open_on(e, day)
    )
    open_by_team = Counter(
        e.team_id for e in facts["episodes"] if scope.in_team(e.team_id) and _open_on(e, day)
    )
    workers = [w for w in facts["workers"] if scope.in_team(w.team_id)]
    fte_by_team: dict[int, Decimal] = defaultdict(Decimal)
    for w in workers:
        fte_by_team[w.team_id] += w.fte
    team_ids = sorted(
        set(fte_by_team) | set(open_by_team), key=lambda t: scope.team_names.get(t, str(t))
    )
    grid = _Grid([[open_by_team[t]] for t in team_ids], scope.suppress)
    rows, chart_rows = [], []

    def ratio(n, fte, hidden) -> Cell:
        if hidden:
            return Cell(HIDDEN, None, True)
        if not fte:
            return Cell(NO_DATA, None)
        value = (Decimal(n) / fte).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return Cell(f"{value}", value)

    for i, t in enumerate(team_ids):
        name = scope.team_names.get(t, str(t))
        hidden = grid.cell_hidden[i][0]
        per_fte = ratio(open_by_team[t], fte_by_team[t], hidden)
        rows.append(
            (
                _label(name),
                _label("Whole team"),
                _fte(fte_by_team[t]),
                _count(open_by_team[t], hidden),
                per_fte,
            )
        )
        chart_rows.append((name, (per_fte,)))
    total_fte = sum(fte_by_team.values(), Decimal(0))
    rows.append(
        (
            _label("All teams"),
            _label("Whole team"),
            _fte(total_fte),
            _count(grid.grand, grid.grand_hidden),
            ratio(grid.grand, total_fte, grid.grand_hidden),
        )
    )
    # A worker's own caseload is for those who manage them, never for a commissioner.
    if not scope.suppress:
        for w in sorted(workers, key=lambda w: (scope.team_names.get(w.team_id, ""), w.name)):
            n = open_by_worker[w.id]
            rows.append(
                (
                    _label(scope.team_names.get(w.team_id, str(w.team_id))),
                    _label(w.name),
                    _fte(w.fte),
                    _count(n, False),
                    ratio(n, w.fte, False),
                )
            )
    return Figure(
        "caseload",
        "Caseload ratio per worker and team",
        f"Open episodes on {day.strftime('%-d %B %Y')} (the end of the period, or today if "
        "sooner) per full-time equivalent of the workers who hold a caseload now.",
        _chart(
            ("Episodes per FTE",), chart_rows, "", "open episodes per full-time worker, by team"
        ),
        Table(("Team", "Worker", "FTE", "Open episodes", "Episodes per FTE"), tuple(rows)),
    )


def _reasons(episodes: Sequence[EpisodeFact]) -> list[str]:
    """The closure reasons in the vocabulary's order, those used and any unknown after."""
    used = {e.closure_reason for e in episodes}
    known = [r.value for r in ClosureReason if r.value in used]
    return known + sorted(used - set(known))


def reason_label(code: str) -> str:
    return dict(ClosureReason.choices).get(code, code or "No reason recorded")


@figure("episodes", "Episodes started and closed per month, by closure reason", ("episodes",))
def episodes_started_closed(facts: Facts, scope: Scope) -> Figure:
    months = scope.months()
    episodes = [e for e in facts["episodes"] if scope.in_team(e.team_id)]
    closed = [e for e in episodes if scope.in_period(e.closed_on)]
    reasons = _reasons(closed)
    started = Counter(month_of(e.started_on) for e in episodes if scope.in_period(e.started_on))
    by_reason = Counter((month_of(e.closed_on), e.closure_reason) for e in closed)
    started_grid = _Grid([[started[m]] for m in months], scope.suppress)
    closed_grid = _Grid(
        [[by_reason[(m, r)] for r in reasons] or [0] for m in months], scope.suppress
    )
    rows, chart_rows = [], []
    lines = zip(_months_with_total(scope), started_grid.lines(), closed_grid.lines(), strict=True)
    for i, (label, s_line, c_line) in enumerate(lines):
        s_cell = _count(s_line[0][0], s_line[1][0])
        c_total = _count(c_line[2], c_line[3])
        parts = [_count(n, h) for n, h in zip(c_line[0], c_line[1], strict=False)][: len(reasons)]
        rows.append((_label(label), s_cell, *parts, c_total))
        if i < len(months):
            chart_rows.append((label, (s_cell, c_total)))
    return Figure(
        "episodes",
        "Episodes started and closed per month, by closure reason",
        "Episodes whose enablement started in each month, and episodes closed in each month "
        "by the reason recorded at closure.",
        _chart(("Started", "Closed"), chart_rows, "", "episodes started and closed, by month"),
        Table(
            ("Month", "Started", *(f"Closed: {reason_label(r)}" for r in reasons), "Closed in all"),
            tuple(rows),
        ),
    )


LENGTH_BANDS = (
    (28, "Up to 4 weeks"),
    (56, "5 to 8 weeks"),
    (84, "9 to 12 weeks"),
    (112, "13 to 16 weeks"),
    (None, "More than 16 weeks"),
)


def length_days(e: EpisodeFact) -> int:
    """Days from the start of the enablement (the allocation, if it closed before it
    started) to its closure."""
    return (e.closed_on - (e.started_on or e.allocated_on)).days


def length_band(days: int) -> int:
    for i, (upper, _) in enumerate(LENGTH_BANDS):
        if upper is None or days <= upper:
            return i
    raise AssertionError("the last band has no upper bound")


@figure("length", "Length of episode", ("episodes",))
def episode_length(facts: Facts, scope: Scope) -> Figure:
    closed = [
        e for e in facts["episodes"] if scope.in_team(e.team_id) and scope.in_period(e.closed_on)
    ]
    counts = [0] * len(LENGTH_BANDS)
    for e in closed:
        counts[length_band(length_days(e))] += 1
    # One line: the bands and their total.
    grid = _Grid([counts], scope.suppress)
    rows, chart_rows = [], []
    for (_, label), n, hidden in zip(LENGTH_BANDS, counts, grid.cell_hidden[0], strict=True):
        cell = _count(n, hidden)
        rows.append((_label(label), cell))
        chart_rows.append((label, (cell,)))
    rows.append((_label("All closed episodes"), _count(grid.grand, grid.grand_hidden)))
    median = _days(median_days([length_days(e) for e in closed]), grid.grand_hidden)
    rows.append((_label("Median length in days"), median))
    return Figure(
        "length",
        "Length of episode",
        "Episodes closed in the period by calendar days from the start of the enablement (or "
        "the allocation, if it never started) to closure.",
        _chart(("Episodes",), chart_rows, "", "episodes closed, by length"),
        Table(("Length", "Episodes"), tuple(rows)),
    )


def is_re_referral(r: ReferralFact, previous_closures: Sequence[date]) -> bool:
    """The person's enablement with the service closed on or before the referral and no
    more than 12 calendar months before it (core.dates.add_months)."""
    return any(
        closed <= r.received_on <= add_months(closed, RE_REFERRAL_MONTHS)
        for closed in previous_closures
    )


@figure("re_referral", "Re-referral within 12 months", ("referrals", "episodes"))
def re_referrals(facts: Facts, scope: Scope) -> Figure:
    months = scope.months()
    # Closures of the whole service: a person may come back to another team or hub.
    closures: dict[int, list[date]] = defaultdict(list)
    for e in facts["episodes"]:
        if e.closed_on:
            closures[e.person_id].append(e.closed_on)
    counts = {m: [0, 0] for m in months}  # re-referrals, others
    for r in facts["referrals"]:
        if scope.in_team(r.team_id) and scope.in_period(r.received_on):
            again = r.person_id is not None and is_re_referral(r, closures[r.person_id])
            counts[month_of(r.received_on)][0 if again else 1] += 1
    rows, chart_rows = _monthly_shares(counts, months, scope)
    return Figure(
        "re_referral",
        "Re-referral within 12 months",
        "Of the referrals received in each month, the share for a person whose enablement "
        "with this service closed in the 12 months before.",
        _chart(
            ("Re-referrals",), chart_rows, "%", "share of referrals that are re-referrals, by month"
        ),
        Table(
            ("Month", "Referrals received", "Re-referrals", "Others", "Share re-referred"),
            tuple(rows),
        ),
    )


@figure("extensions", "Extension rate", ("episodes",))
def extension_rate(facts: Facts, scope: Scope) -> Figure:
    months = scope.months()
    counts = {m: [0, 0] for m in months}
    for e in facts["episodes"]:
        if scope.in_team(e.team_id) and scope.in_period(e.closed_on):
            counts[month_of(e.closed_on)][0 if e.extended else 1] += 1
    rows, chart_rows = _monthly_shares(counts, months, scope)
    return Figure(
        "extensions",
        "Extension rate",
        "Of the episodes closed in each month, the share whose planned end an approved "
        "extension moved.",
        _chart(("Extended",), chart_rows, "%", "share of closed episodes extended, by month"),
        Table(
            ("Month", "Episodes closed", "Extended", "Not extended", "Share extended"), tuple(rows)
        ),
    )


@figure("missed_visits", "Missed-visit rate", ("visits",))
def missed_visit_rate(facts: Facts, scope: Scope) -> Figure:
    months = scope.months()
    counts = {m: [0, 0] for m in months}
    for v in facts["visits"]:
        if v.outcome and scope.in_team(v.team_id) and scope.in_period(v.planned_on):
            counts[month_of(v.planned_on)][0 if is_missed(v.outcome) else 1] += 1
    rows, chart_rows = _monthly_shares(counts, months, scope)
    return Figure(
        "missed_visits",
        "Missed-visit rate",
        "Of the visits planned in each month with an outcome recorded, the share the person "
        "cancelled or was not in for (the missed visits the service counts).",
        _chart(("Missed",), chart_rows, "%", "share of visits missed, by month"),
        Table(("Month", "Visits recorded", "Missed", "Not missed", "Share missed"), tuple(rows)),
    )


@figure("cost", "Cost per episode", ("episodes", "visits"))
def cost_per_episode(facts: Facts, scope: Scope) -> Figure:
    months = scope.months()
    closed = {
        e.id: e
        for e in facts["episodes"]
        if scope.in_team(e.team_id) and scope.in_period(e.closed_on)
    }
    hours: dict[int, Decimal] = defaultdict(Decimal)
    for v in facts["visits"]:
        if v.episode_id in closed and v.hours:
            hours[v.episode_id] += v.hours
    costed = {i: e for i, e in closed.items() if e.hourly_cost is not None}
    by_month: dict[date, list[EpisodeFact]] = defaultdict(list)
    for e in costed.values():
        by_month[month_of(e.closed_on)].append(e)
    grid = _Grid([[len(by_month[m])] for m in months], scope.suppress)
    rows, chart_rows = [], []
    for i, (label, (parts, hidden, _, _)) in enumerate(
        zip(_months_with_total(scope), grid.lines(), strict=True)
    ):
        group = list(costed.values()) if i == len(months) else by_month[months[i]]
        n = parts[0]
        h = sum((hours[e.id] for e in group), Decimal(0))
        cost = sum((hours[e.id] * e.hourly_cost for e in group), Decimal(0))
        per = _money(cost / n if n else None, hidden[0])
        hours_cell = Cell(HIDDEN, None, True) if hidden[0] else Cell(f"{h.normalize():f}", h)
        rows.append(
            (
                _label(label),
                _count(n, hidden[0]),
                hours_cell,
                _money(cost if n else None, hidden[0]),
                per,
            )
        )
        if i < len(months):
            chart_rows.append((label, (per,)))
    notes = ()
    if uncosted := len(closed) - len(costed):
        notes = (
            f"{uncosted} closed episodes started under settings with no hourly cost and are "
            "left out."
            if not scope.suppress or uncosted >= 5 or uncosted == 0
            else "Some closed episodes started under settings with no hourly cost and are "
            "left out.",
        )
    return Figure(
        "cost",
        "Cost per episode",
        "For episodes closed in each month: the hours recorded on their visits times the "
        "hourly cost in the settings version each started under, divided by the episodes.",
        _chart(("Cost per episode",), chart_rows, "£", "cost per closed episode, by month"),
        Table(
            ("Month", "Episodes closed", "Hours delivered", "Cost", "Cost per episode"), tuple(rows)
        ),
        notes,
    )


# --- Quality and outcome figures (issue 13 item 4: satisfaction, status, scores, feedback) ---


@dataclass(frozen=True)
class EvaluationFact:
    id: int
    team_id: int
    audience: str  # "person" or "carer": whose version of the evaluation
    submitted_on: date
    ratings: tuple[int, ...]  # its answers to the rating questions, 1 to 5


@dataclass(frozen=True)
class StatusFact:
    """Employment and accommodation of one closed enablement: at the planning meeting and
    at the agreed closure (codes from returns.vocab; "" where not recorded)."""

    episode_id: int
    team_id: int
    closed_on: date
    employment_start: str
    employment_closure: str
    accommodation_start: str
    accommodation_closure: str


@dataclass(frozen=True)
class ScoreFact:
    episode_id: int
    team_id: int
    closed_on: date | None
    instrument: str  # its code
    instrument_name: str
    occasion: str  # outcomes.rules.BASELINE, REVIEW or CLOSURE
    number: int
    score: Decimal  # complete scores only: a missing item gives no score


@dataclass(frozen=True)
class FeedbackFact:
    kind: str  # "compliment" or "complaint"
    received_on: date
    respond_due: date | None  # stored when received, from the complaints procedure
    responded_on: date | None


@dataclass(frozen=True)
class IncidentFact:
    kind: str  # "serious_incident" or "safeguarding"
    team_id: int | None
    recorded_on: date


SATISFIED = 4  # a mean rating of 4 or 5 on the 1-5 scale: satisfied or very satisfied


def _mean(values: Sequence, places: str = "0.1") -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(Decimal(places), ROUND_HALF_UP)


def _decimal(value: Decimal | None, hidden: bool, *, signed: bool = False) -> Cell:
    if hidden:
        return Cell(HIDDEN, None, True)
    if value is None:
        return Cell(NO_DATA, None)
    return Cell(f"{value:+}" if signed and value else f"{value}", value)


def _share_of(part: int, whole: int, scope: Scope, hidden: bool = False) -> tuple[Cell, Cell]:
    """A count and its share of a whole the table shows: both hidden for a commissioner
    when the part, the rest or the whole is a small number (the other two give it)."""
    hidden = hidden or (scope.suppress and share_hidden(part, whole))
    return _count(part, hidden), _share(part, whole, hidden)


@figure("satisfaction", "Person and carer satisfaction", ("evaluations",))
def satisfaction(facts: Facts, scope: Scope) -> Figure:
    months = scope.months()
    audiences = ("person", "carer")
    by_month: dict[tuple[date, str], list[EvaluationFact]] = defaultdict(list)
    for e in facts["evaluations"]:
        if e.ratings and scope.in_team(e.team_id) and scope.in_period(e.submitted_on):
            by_month[(month_of(e.submitted_on), e.audience)].append(e)
    grid = _Grid([[len(by_month[(m, a)]) for a in audiences] for m in months], scope.suppress)
    rows, chart_rows = [], []
    for i, (label, (parts, hidden, _, _)) in enumerate(
        zip(_months_with_total(scope), grid.lines(), strict=True)
    ):
        row, bars = [_label(label)], []
        for a, audience in enumerate(audiences):
            group = (
                [e for m in months for e in by_month[(m, audience)]]
                if i == len(months)
                else by_month[(months[i], audience)]
            )
            mean = _decimal(_mean([r for e in group for r in e.ratings]), hidden[a])
            satisfied = sum(1 for e in group if sum(e.ratings) >= SATISFIED * len(e.ratings))
            _, share = _share_of(satisfied, parts[a], scope, hidden[a])
            row += [_count(parts[a], hidden[a]), mean, share]
            bars.append(mean)
        rows.append(tuple(row))
        if i < len(months):
            chart_rows.append((label, bars))
    return Figure(
        "satisfaction",
        "Person and carer satisfaction",
        "Evaluations submitted in each month by people supported and by carers: the mean of "
        "their answers to the rating questions (1 very dissatisfied to 5 very satisfied), and "
        "the share whose own mean is 4 or more (satisfied).",
        _chart(
            ("People supported", "Carers"),
            chart_rows,
            "",
            "mean satisfaction rating out of 5 of people supported and carers, by month",
            scale_max=5,
        ),
        Table(
            (
                "Month",
                "People's evaluations",
                "Their mean rating",
                "People satisfied",
                "Carers' evaluations",
                "Their mean rating",
                "Carers satisfied",
            ),
            tuple(rows),
        ),
    )


def _settled(code: str) -> bool:
    return bool(code) and accommodation_group(code) == AccommodationGroup.SETTLED


def _emergency(code: str) -> bool:
    return bool(code) and accommodation_group(code) == AccommodationGroup.EMERGENCY


# (label, chart label, which status, test): the rows of the status figure, seed 003's rates.
STATUS_ROWS = (
    ("In paid work", "Paid work", "employment", in_paid_work),
    ("Settled accommodation", "Settled", "accommodation", _settled),
    ("Emergency or temporary housing", "Emergency", "accommodation", _emergency),
    ("Employment not recorded", None, "employment", lambda code: not code),
    ("Accommodation not recorded", None, "accommodation", lambda code: not code),
)


@figure(
    "status_change",
    "Employment, settled accommodation and emergency housing at start and closure",
    ("statuses",),
)
def status_change(facts: Facts, scope: Scope) -> Figure:
    closed = [
        s for s in facts["statuses"] if scope.in_team(s.team_id) and scope.in_period(s.closed_on)
    ]
    n = len(closed)
    too_few = scope.suppress and is_small(n)
    rows = [(_label("Closed episodes"), _count(n, too_few), Cell(""), _count(n, too_few), Cell(""))]
    chart_rows = []
    for label, chart_label, which, test in STATUS_ROWS:
        at_start = sum(1 for s in closed if test(getattr(s, f"{which}_start")))
        at_close = sum(1 for s in closed if test(getattr(s, f"{which}_closure")))
        start_cells = _share_of(at_start, n, scope, too_few)
        close_cells = _share_of(at_close, n, scope, too_few)
        rows.append((_label(label), *start_cells, *close_cells))
        if chart_label:
            chart_rows.append((chart_label, (start_cells[1], close_cells[1])))
    return Figure(
        "status_change",
        "Employment, settled accommodation and emergency housing at start and closure",
        "Of the episodes closed in the period, how many were in paid work, in settled "
        "accommodation and in emergency or temporary housing at the planning meeting and at "
        "closure (the statuses of the Client Level Data lists).",
        _chart(
            ("At start", "At closure"),
            chart_rows,
            "%",
            "share of closed episodes in paid work, settled accommodation and emergency "
            "housing at the start and at closure",
        ),
        Table(
            ("Status", "At start", "Share at start", "At closure", "Share at closure"),
            tuple(rows),
        ),
    )


# Short names for the chart's axis; the table gives each instrument's full name.
INSTRUMENT_SHORT_NAMES = {
    "recovery-person": "Recovery (person)",
    "recovery-carer": "Recovery (carer)",
    "swemwbs": "SWEMWBS",
}


@figure("outcome_change", "Recovery and wellbeing change", ("scores",))
def outcome_change(facts: Facts, scope: Scope) -> Figure:
    scores: dict[tuple[str, int], list[tuple[tuple[int, int], Decimal]]] = defaultdict(list)
    names: dict[str, str] = {}
    for s in facts["scores"]:
        if scope.in_team(s.team_id) and scope.in_period(s.closed_on):
            scores[(s.instrument, s.episode_id)].append(
                (occasion_order(s.occasion, s.number), s.score)
            )
            names[s.instrument] = s.instrument_name
    changes: dict[str, list] = defaultdict(list)
    for (code, _), pairs in scores.items():
        if (found := change(pairs)) is not None:
            changes[code].append(found)
    rows, chart_rows = [], []
    for code in sorted(names, key=names.get):
        found = changes[code]
        n = len(found)
        too_few = scope.suppress and is_small(n)
        improved = sum(1 for c in found if c.improved)
        improved_cell, share = _share_of(improved, n, scope, too_few)
        rows.append(
            (
                _label(names[code]),
                _count(n, too_few),
                _decimal(_mean([c.baseline for c in found], "0.01"), too_few),
                _decimal(_mean([c.latest for c in found], "0.01"), too_few),
                _decimal(_mean([c.difference for c in found], "0.01"), too_few, signed=True),
                improved_cell,
                share,
            )
        )
        chart_rows.append((INSTRUMENT_SHORT_NAMES.get(code, names[code]), (share,)))
    return Figure(
        "outcome_change",
        "Recovery and wellbeing change",
        "For episodes closed in the period with a baseline score and a later complete one, "
        "per instrument: the number of people, the mean change from the baseline to the "
        "latest score and the share whose score rose (higher is better on every instrument).",
        _chart(("Share improved",), chart_rows, "%", "share of people improved, by instrument"),
        Table(
            (
                "Instrument",
                "People",
                "Mean at baseline",
                "Mean at latest",
                "Mean change",
                "Improved",
                "Share improved",
            ),
            tuple(rows),
        ),
        () if rows else ("No closed episode in the period has a baseline and a later score.",),
    )


def answered_in_time(f: FeedbackFact) -> bool:
    if f.responded_on is None or f.respond_due is None:
        return False
    return f.responded_on <= f.respond_due


def response_settled(f: FeedbackFact, today: date) -> bool:
    """A complaint whose answer is in (in time or not), or whose time to answer is up."""
    return f.respond_due is not None and (f.responded_on is not None or f.respond_due < today)


@figure(
    "feedback",
    "Compliments, complaints and serious incidents",
    ("feedback", "incidents"),
)
def feedback_and_incidents(facts: Facts, scope: Scope) -> Figure:
    months = scope.months()
    parts = ("compliment", "complaint", "serious_incident", "safeguarding")
    counts = {m: [0, 0, 0, 0] for m in months}
    complaints: dict[date, list[FeedbackFact]] = defaultdict(list)
    # Compliments and complaints are the service's: they name no team.
    for f in facts["feedback"]:
        if scope.in_period(f.received_on):
            counts[month_of(f.received_on)][parts.index(f.kind)] += 1
            if f.kind == "complaint":
                complaints[month_of(f.received_on)].append(f)
    for i in facts["incidents"]:
        if scope.in_team(i.team_id) and scope.in_period(i.recorded_on):
            counts[month_of(i.recorded_on)][parts.index(i.kind)] += 1
    grid = _Grid([counts[m] for m in months], scope.suppress)
    rows, chart_rows = [], []
    for i, (label, (ns, hidden, _, _)) in enumerate(
        zip(_months_with_total(scope), grid.lines(), strict=True)
    ):
        group = (
            [f for m in months for f in complaints[m]]
            if i == len(months)
            else complaints[months[i]]
        )
        due = [f for f in group if response_settled(f, scope.today)]
        in_time, share = _share_of(sum(map(answered_in_time, due)), len(due), scope, hidden[1])
        cells = [_count(n, h) for n, h in zip(ns, hidden, strict=True)]
        rows.append((_label(label), cells[0], cells[1], in_time, share, cells[2], cells[3]))
        if i < len(months):
            chart_rows.append((label, cells))
    notes = ()
    if scope.team_id is not None:
        notes = (
            "Compliments and complaints are the whole service's: they are not recorded by team.",
        )
    return Figure(
        "feedback",
        "Compliments, complaints and serious incidents",
        "Compliments and complaints received, and serious incidents and safeguarding concerns "
        "recorded, in each month; of the complaints answered or past their response date, the "
        "share answered by the date the complaints procedure set when each was received.",
        _chart(
            ("Compliments", "Complaints", "Serious incidents", "Safeguarding"),
            chart_rows,
            "",
            "compliments, complaints, serious incidents and safeguarding concerns, by month",
        ),
        Table(
            (
                "Month",
                "Compliments",
                "Complaints",
                "Answered in time",
                "Share answered in time",
                "Serious incidents",
                "Safeguarding concerns",
            ),
            tuple(rows),
        ),
        notes,
    )


def compute(facts: Facts, scope: Scope, keys: Sequence[str] | None = None) -> list[Figure]:
    specs = [FIGURES[k] for k in keys] if keys else list(FIGURES.values())
    return [spec.compute(facts, scope) for spec in specs]
