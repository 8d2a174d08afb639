"""Visits and missed visits as pure rules: no database, no clock, no request.

Missed visits (seed 000 §10, 001 §16: "the individual cancels or does not engage in 3
visits, or 2 visits if prior to the initial meeting"):

- A visit counts as *missed* when the person cancelled it or was not in / did not engage.
  A visit the service cancelled, or one the worker ended early because they felt unsafe,
  is never counted against the person.
- Two counts, each against its own threshold from the service's settings:
  * before the planning meeting: the missed visits recorded while the episode had no
    planning meeting (`Visit.before_planning_meeting`, fixed when the visit is recorded),
    against `missed_visits_before_planning` (KERS and the autism services: 2);
  * overall: every missed visit of the episode, before the meeting or after it, against
    `missed_visits_threshold` (3).
- A count *reaching* its threshold (the visit that makes it exactly equal) prompts the
  team's senior to discuss closure. Further misses do not prompt again while the prompt is
  waiting for the senior's discussion.
- After the senior records the discussion, the counts start again from zero: only misses
  recorded after the discussion count, so three more misses (or two more before the
  meeting) prompt again.
- A service with no threshold (STR) is never prompted. The prompt never closes anything.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

ATTENDED = "attended"
CANCELLED_BY_PERSON = "cancelled_by_person"
NOT_ENGAGED = "not_engaged"
CANCELLED_BY_SERVICE = "cancelled_by_service"
ENDED_UNSAFE = "ended_unsafe"

# The outcomes counted against the person.
MISSED_OUTCOMES = frozenset({CANCELLED_BY_PERSON, NOT_ENGAGED})
# The outcomes in which the worker spent time with the person: hours are required.
HOURS_OUTCOMES = frozenset({ATTENDED, ENDED_UNSAFE})
MAX_HOURS = Decimal(12)

BEFORE_PLANNING = "before_planning"
OVERALL = "overall"


def is_missed(outcome: str) -> bool:
    return outcome in MISSED_OUTCOMES


def missed_visit_count(outcomes: Iterable[str]) -> int:
    """How many of these outcomes count as missed: cancelled by the person or not in / did
    not engage. Cancelled by the service and ended early for safety are not counted."""
    return sum(1 for outcome in outcomes if is_missed(outcome))


@dataclass(frozen=True)
class MissedCounts:
    before_planning: int
    overall: int


def missed_counts(visits: Iterable[tuple[str, bool]]) -> MissedCounts:
    """(outcome, before_planning_meeting) pairs of the visits being counted -> both counts."""
    visits = list(visits)
    return MissedCounts(
        before_planning=missed_visit_count(o for o, before in visits if before),
        overall=missed_visit_count(o for o, _ in visits),
    )


def prompt_due(
    before: MissedCounts,
    after: MissedCounts,
    *,
    threshold: int | None,
    before_planning_threshold: int | None,
    waiting: bool = False,
) -> str | None:
    """Which threshold the visit just recorded made a count reach (BEFORE_PLANNING or
    OVERALL), or None. `before` and `after` are the counts without and with that visit;
    `waiting` is true when an earlier prompt has not been discussed yet (no new prompt)."""
    if waiting:
        return None
    if before_planning_threshold and (
        before.before_planning < before_planning_threshold == after.before_planning
    ):
        return BEFORE_PLANNING
    if threshold and before.overall < threshold == after.overall:
        return OVERALL
    return None


def visit_problems(
    *, outcome: str, happened_on: date | None, hours: Decimal | None, note: str, today: date
) -> dict[str, str]:
    """What is wrong with a visit's record, by field, in plain words."""
    problems = {}
    if not outcome:
        problems["outcome"] = "Select what happened"
    if happened_on is None:
        problems["happened_on"] = "Enter the day of the visit"
    elif happened_on > today:
        problems["happened_on"] = "The day of the visit must be today or in the past"
    if outcome in HOURS_OUTCOMES:
        if hours is None:
            problems["hours"] = "Enter the hours spent with the person"
        elif hours < 0 or hours > MAX_HOURS:
            problems["hours"] = "Hours must be between 0 and 12"
    elif hours is not None and (hours < 0 or hours > MAX_HOURS):
        problems["hours"] = "Hours must be between 0 and 12"
    if outcome == ENDED_UNSAFE and not note.strip():
        problems["note"] = "Say what happened: why you felt unsafe and ended the visit"
    return problems


@dataclass(frozen=True)
class WeekHours:
    week: int
    starts_on: date
    ends_on: date
    hours: Decimal
    guide: Decimal | None

    @property
    def over(self) -> bool:
        return self.guide is not None and self.hours > self.guide


def hours_by_week(
    visits: Iterable[tuple[date | None, Decimal | None]],
    start: date | None,
    weekly_guide: Decimal | None,
    *,
    through: date | None = None,
) -> list[WeekHours]:
    """Hours delivered in each week of the enablement against the service's weekly guide.

    Weeks are counted from `start` (the enablement's first day): week 1 is its first 7
    days. Each week from 1 to the last week with a visit (or the week holding `through`,
    if later) is listed, empty weeks with 0 hours. Visits before the start (planning) and
    visits without a day or hours are not counted. A week is over the guide when its hours
    exceed it; with no guide no week is over."""
    if start is None:
        return []
    totals: dict[int, Decimal] = {}
    for happened_on, hours in visits:
        if happened_on is None or hours is None or happened_on < start:
            continue
        week = (happened_on - start).days // 7 + 1
        totals[week] = totals.get(week, Decimal(0)) + Decimal(hours)
    last = max(totals, default=0)
    if through is not None and through >= start:
        last = max(last, (through - start).days // 7 + 1)
    guide = Decimal(weekly_guide) if weekly_guide is not None else None
    return [
        WeekHours(
            week=week,
            starts_on=start + timedelta(days=7 * (week - 1)),
            ends_on=start + timedelta(days=7 * week - 1),
            hours=totals.get(week, Decimal(0)),
            guide=guide,
        )
        for week in range(1, last + 1)
    ]


NOTE_SAMPLE_SIZE = 10
NOTE_SAMPLE_DAYS = 30
# Knuth's multiplicative hash: ordering by it is random-looking but stable.
HASH_MULTIPLIER = 2654435761
HASH_MODULUS = 2**32


def sample_order(note_id: int) -> int:
    """Where a note falls in the senior's sample (the database orders by the same sum)."""
    return (note_id * HASH_MULTIPLIER) % HASH_MODULUS
