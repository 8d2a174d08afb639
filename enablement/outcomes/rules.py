"""Scoring outcome instruments: pure functions, no database, no clock.

An instrument is data (`models.Instrument`): its items, a scale and a named scoring rule.
These functions take that data as plain values and answer with a score, or with no score
and the reason. A missing answer gives no score rather than a wrong one: a total of six
answers out of seven would look like a worse week, not a gap in the record (issue 13).
"""

from dataclasses import dataclass
from decimal import Decimal

SUM = "sum"
SWEMWBS_METRIC = "swemwbs_metric"

# The Short Warwick-Edinburgh Mental Wellbeing Scale: the raw total of its seven items
# (each 1-5, so 7-35) converted to the metric score by the published Rasch conversion
# table (Stewart-Brown et al. 2009, Health and Quality of Life Outcomes 7:15; the table as
# the University of Warwick publishes it for scoring). Only the numbers are here: the item
# wording is licensed and loaded from the service's own file (`wording.py`).
SWEMWBS_CONVERSION = {
    7: Decimal("7.00"),
    8: Decimal("9.51"),
    9: Decimal("11.25"),
    10: Decimal("12.40"),
    11: Decimal("13.33"),
    12: Decimal("14.08"),
    13: Decimal("14.75"),
    14: Decimal("15.32"),
    15: Decimal("15.84"),
    16: Decimal("16.36"),
    17: Decimal("16.88"),
    18: Decimal("17.43"),
    19: Decimal("17.98"),
    20: Decimal("18.59"),
    21: Decimal("19.25"),
    22: Decimal("19.98"),
    23: Decimal("20.73"),
    24: Decimal("21.54"),
    25: Decimal("22.35"),
    26: Decimal("23.21"),
    27: Decimal("24.11"),
    28: Decimal("25.03"),
    29: Decimal("26.02"),
    30: Decimal("27.03"),
    31: Decimal("28.13"),
    32: Decimal("29.31"),
    33: Decimal("30.70"),
    34: Decimal("32.55"),
    35: Decimal("35.00"),
}
SWEMWBS_ITEMS = 7


@dataclass(frozen=True)
class Scale:
    """What an instrument asks: how many items, each answered from `low` to `high`."""

    items: int
    low: int
    high: int
    rule: str = SUM

    @property
    def score_range(self) -> tuple[Decimal, Decimal]:
        """The lowest and highest score the rule can give (for a chart's axis)."""
        if self.rule == SWEMWBS_METRIC:
            return SWEMWBS_CONVERSION[7], SWEMWBS_CONVERSION[35]
        return Decimal(self.items * self.low), Decimal(self.items * self.high)


@dataclass(frozen=True)
class Scored:
    total: int | None  # the raw sum of the answers
    score: Decimal | None  # what the rule makes of it: the sum, or the SWEMWBS metric
    missing: tuple[int, ...]  # the positions (1-based) with no answer

    @property
    def complete(self) -> bool:
        return not self.missing


def swemwbs_metric(raw: int) -> Decimal:
    """The metric score for a raw SWEMWBS total of 7-35. Anything else is refused: a raw
    score outside the scale can only come from a wrong answer, never from the person."""
    if isinstance(raw, bool) or raw not in SWEMWBS_CONVERSION:
        raise ValueError(f"A SWEMWBS raw score runs from 7 to 35, not {raw!r}")
    return SWEMWBS_CONVERSION[raw]


def answer_problems(scale: Scale, answers: dict[int, int | None]) -> dict[int, str]:
    """Answers outside the scale, or for items the instrument does not have, by position.
    A missing answer (None) is not a problem here: it is recorded, and gives no score."""
    problems: dict[int, str] = {}
    for position, value in answers.items():
        if not isinstance(position, int) or not 1 <= position <= scale.items:
            problems[position] = f"There is no item {position} on this instrument"
        elif value is None:
            continue
        elif isinstance(value, bool) or not isinstance(value, int):
            problems[position] = (
                f"Item {position}: choose a number from {scale.low} to {scale.high}"
            )
        elif not scale.low <= value <= scale.high:
            problems[position] = (
                f"Item {position}: {value} is outside the scale, which runs from {scale.low} "
                f"to {scale.high}"
            )
    return problems


def score(scale: Scale, answers: dict[int, int | None]) -> Scored:
    """The score of a set of answers. Raises ValueError for an answer outside the scale
    (`answer_problems` says which, for a form); any missing item gives no total and no
    score."""
    problems = answer_problems(scale, answers)
    if problems:
        raise ValueError("; ".join(problems.values()))
    missing = tuple(p for p in range(1, scale.items + 1) if answers.get(p) is None)
    if missing:
        return Scored(total=None, score=None, missing=missing)
    total = sum(answers[p] for p in range(1, scale.items + 1))
    if scale.rule == SWEMWBS_METRIC:
        if scale.items != SWEMWBS_ITEMS or (scale.low, scale.high) != (1, 5):
            raise ValueError("The SWEMWBS conversion needs seven items scored 1 to 5")
        return Scored(total=total, score=swemwbs_metric(total), missing=())
    if scale.rule == SUM:
        return Scored(total=total, score=Decimal(total), missing=())
    raise ValueError(f"Unknown scoring rule {scale.rule!r}")


# --- Occasions -------------------------------------------------------------------------------

BASELINE = "baseline"
REVIEW = "review"
CLOSURE = "closure"

# Episode states (casework.models.EpisodeStatus values), as plain strings to stay pure.
PLANNING, ACTIVE, ON_HOLD, CLOSING, CLOSED = "planning", "active", "on_hold", "closing", "closed"
STARTED = (ACTIVE, ON_HOLD, CLOSING)


def occasion_problem(
    *,
    status: str,
    occasion: str,
    offered: bool,
    has_baseline: bool,
    has_closure: bool,
) -> str | None:
    """Why a score cannot be recorded on this occasion, or None.

    Baseline at the planning meeting (or, if missed, while the enablement runs); a review
    score once the enablement has started; one closure score, once started. Nothing after
    the enablement has closed: a score then measures nothing the enablement did."""
    if status == CLOSED:
        return "The enablement has closed: scores can no longer be recorded"
    if not offered:
        return "This service does not use this instrument"
    if occasion == BASELINE:
        if has_baseline:
            return "A baseline has already been recorded for this instrument"
        return None
    if occasion in (REVIEW, CLOSURE):
        if status not in STARTED:
            return "Review and closure scores are taken once the enablement has started"
        if occasion == CLOSURE and has_closure:
            return "A closure score has already been recorded for this instrument"
        return None
    return "Choose when the score was taken: baseline, a review or closure"


def completer_problem(asks: str, completed_by: str) -> str | None:
    """An instrument asks for one view (the person's or the carer's); it is completed by
    that person, or by the worker on their behalf, never by someone else in their place."""
    if completed_by in (asks, "worker"):
        return None
    whose = {"person": "the person", "carer": "the carer"}.get(asks, asks)
    return (
        f"This instrument asks for the view of {whose}: they complete it, or the worker on "
        "their behalf"
    )


def occasion_order(occasion: str, number: int) -> tuple[int, int]:
    """Baseline first, then the reviews in turn, closure last."""
    return ({BASELINE: 0, REVIEW: 1, CLOSURE: 2}.get(occasion, 1), number)


@dataclass(frozen=True)
class Change:
    """Distance travelled on one instrument: the first score against the latest."""

    baseline: Decimal
    latest: Decimal
    occasions: int  # how many complete scores there are

    @property
    def difference(self) -> Decimal:
        return self.latest - self.baseline

    @property
    def improved(self) -> bool:
        # Every instrument shipped scores higher for better (wellbeing, recovery).
        return self.difference > 0


def change(scores: list[tuple[tuple[int, int], Decimal | None]]) -> Change | None:
    """The change from the baseline to the latest complete score, or None without both.
    `scores`: (occasion_order, score) pairs, any order; a None score (missing items) is
    left out rather than counted as nought. The baseline must be a baseline: a first
    review is not a starting point."""
    complete = sorted((order, s) for order, s in scores if s is not None)
    if len(complete) < 2 or complete[0][0][0] != 0:
        return None
    return Change(baseline=complete[0][1], latest=complete[-1][1], occasions=len(complete))
