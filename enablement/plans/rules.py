"""The plan on a page as pure rules: no database, no clock, no request.

A goal is specific, measurable, achievable, realistic and time-limited (seed 001 §4): it
needs the person's words, a measure and a target date inside the episode. Before the start
the episode runs from the allocation for the service's length; after the start, from the
start date to the planned end stored on the episode. Two versions of a plan (or a saved plan
and what someone typed) are compared field by field, goals matched by their stable key.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from enablement.catalogue.vocab import ServiceLevel
from enablement.core.dates import long_date

MAX_GOALS = 8
# A scan of a paper signature: what its first bytes must be, and the largest we keep.
MAX_SCAN_BYTES = 10 * 1024 * 1024
SCAN_TYPES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
SIGNPOSTING = ServiceLevel.SIGNPOSTING.value


@dataclass(frozen=True)
class GoalInput:
    """One goal as typed or as stored. `key` is None for a goal new in this version."""

    description: str = ""
    measure: str = ""
    target_date: date | None = None
    steps: str = ""
    key: int | None = None

    @property
    def is_blank(self) -> bool:
        return not (self.description.strip() or self.measure.strip() or self.steps.strip()) and (
            self.target_date is None
        )


@dataclass(frozen=True)
class PlanInput:
    """A plan's contents: what a draft save writes and what two versions compare on."""

    goals: tuple[GoalInput, ...] = ()
    strengths: str = ""
    own_strategies: str = ""
    interventions: str = ""
    resources: tuple[str, ...] = field(default=())  # resource names, in catalogue order
    level: str = ""


@dataclass(frozen=True)
class Window:
    """The days a goal's target date may fall on: after `starts_on`, on or before `ends_on`."""

    starts_on: date
    ends_on: date
    started: bool


def goal_window(
    *, allocated_on: date, length_weeks: int, started_on: date | None, planned_end: date | None
) -> Window:
    if started_on is not None and planned_end is not None:
        return Window(started_on, planned_end, True)
    return Window(allocated_on, allocated_on + timedelta(days=7 * length_weeks), False)


def goal_problems(goal: GoalInput, *, starts_on: date, ends_on: date) -> dict[str, str]:
    """What this goal lacks, keyed by field, in words that say what to do."""
    problems: dict[str, str] = {}
    if not goal.description.strip():
        problems["description"] = "Enter the goal in the person's own words"
    if not goal.measure.strip():
        problems["measure"] = "Enter how you will measure this goal"
    if goal.target_date is None:
        problems["target_date"] = "Enter the date the person aims to reach this goal by"
    elif goal.target_date <= starts_on:
        problems["target_date"] = f"The target date must be after the start, {long_date(starts_on)}"
    elif goal.target_date > ends_on:
        problems["target_date"] = (
            f"The target date must be on or before the planned end, {long_date(ends_on)}"
        )
    return problems


def plan_problems(plan: PlanInput, *, window: Window, levels: Sequence[str] = ()) -> dict[str, str]:
    """Every problem with a draft at once, keyed `goals.<i>.<field>`, `goals` or a plan field.
    Blank goal rows are ignored; a plan needs at least one goal."""
    problems: dict[str, str] = {}
    goals = [g for g in plan.goals if not g.is_blank]
    if not goals:
        problems["goals"] = "Add at least one goal the person has chosen"
    if len(goals) > MAX_GOALS:
        problems["goals"] = f"A plan on a page has at most {MAX_GOALS} goals"
    for i, goal in enumerate(plan.goals):
        if goal.is_blank:
            continue
        for name, message in goal_problems(
            goal, starts_on=window.starts_on, ends_on=window.ends_on
        ).items():
            problems[f"goals.{i}.{name}"] = message
    if levels and plan.level not in levels:
        problems["level"] = "Select the level of support in this plan"
    if not levels and plan.level:
        problems["level"] = "This service's plans have no level of support"
    return problems


def level_choices(*, routing: str, service_levels: Sequence[str], referral_level: str) -> list[str]:
    """The levels a plan may name: a hub's own levels but signposting, which ends a referral
    before any plan; for a service a hub hands a level on to (the Network), that level and
    the others of the ladder; otherwise none (no level is asked)."""
    if routing == "hub":
        return [lv for lv in service_levels if lv != SIGNPOSTING]
    if referral_level:
        return [lv for lv in ServiceLevel.values if lv != SIGNPOSTING]
    return []


def scan_type(head: bytes) -> str | None:
    """The content type a scan's first bytes show, or None if it is not a PDF, JPEG or PNG.
    Judged by content, never by the file's name or what the browser says it is."""
    for magic, kind in SCAN_TYPES:
        if head.startswith(magic):
            return kind
    return None


def scan_problem(head: bytes, size: int) -> str | None:
    if size > MAX_SCAN_BYTES:
        return "The scan must be 10 MB or smaller"
    if size == 0:
        return "The scan is empty: choose the file again"
    if scan_type(head) is None:
        return "The scan must be a PDF, JPEG or PNG file"
    return None


def paper_date_problem(signed_on: date | None, *, today: date, plan_made_on: date) -> str | None:
    if signed_on is None:
        return "Enter the date the person signed the plan"
    if signed_on > today:
        return "The date the person signed must be today or in the past"
    if signed_on < plan_made_on:
        return (
            f"The date the person signed must be on or after {long_date(plan_made_on)}, "
            "when this version was written"
        )
    return None


# --- Comparing two versions ------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    a: str
    b: str

    @property
    def changed(self) -> bool:
        return self.a != self.b


PLAN_FIELDS = (
    ("strengths", "Strengths"),
    ("own_strategies", "The person's own strategies"),
    ("interventions", "Interventions"),
    ("level", "Level"),
)
GOAL_FIELDS = (
    ("description", "what the person wants"),
    ("measure", "how we will know"),
    ("target_date", "by when"),
    ("steps", "steps"),
)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return long_date(value)
    return str(value)


def compare(a: PlanInput, b: PlanInput, *, level_label=lambda lv: lv) -> list[Row]:
    """Field by field, `a` against `b`: the plan's fields, the resources, then each goal
    matched by key (a goal without a key is new, and never matches another). A goal in one
    only shows blank in the other."""
    rows = []
    for name, label in PLAN_FIELDS:
        va, vb = getattr(a, name), getattr(b, name)
        if name == "level":
            va, vb = level_label(va) if va else "", level_label(vb) if vb else ""
        rows.append(Row(label, va, vb))
    rows.append(Row("Resources", ", ".join(a.resources), ", ".join(b.resources)))
    order: list = []
    by_key_a, by_key_b = {}, {}
    for side, goals in ((by_key_a, a.goals), (by_key_b, b.goals)):
        for i, goal in enumerate(g for g in goals if not g.is_blank):
            ident = goal.key if goal.key is not None else ("new", id(side), i)
            side[ident] = goal
            if ident not in order:
                order.append(ident)
    for n, ident in enumerate(order, start=1):
        ga, gb = by_key_a.get(ident), by_key_b.get(ident)
        for name, label in GOAL_FIELDS:
            rows.append(
                Row(
                    f"Goal {n}: {label}",
                    _text(getattr(ga, name)) if ga else "",
                    _text(getattr(gb, name)) if gb else "",
                )
            )
    return rows
