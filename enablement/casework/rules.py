"""The enablement's clocks and limits, as pure functions (no database, no clock read).

Every due date an episode carries is computed here once, by the action that starts or moves
the clock, and written on its row (`Episode.planned_end`, `next_review_due`,
`chargeable_from`, `support_ends_by`; `reviews.Review.due_on`), so lists filter and sort by
them in SQL and are right even if no job ran. `manage.py recompute_episode_clocks` and a
test hold the stored dates to these functions.

Weeks are 7 calendar days from the start: the planned end of a 12-week episode started on a
Monday is the Monday 12 weeks on, and a review "at week 6" is due on start + 42 days. A period
the seeds give in months (STR's "up to 6 months in all") is counted in calendar months by
`core.dates.add_months`, the product's one month arithmetic.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from enablement.core.dates import add_months, long_date


@dataclass(frozen=True)
class ClockSettings:
    """The settings an episode's clocks read, from the version it started under."""

    length_weeks: int
    review_weeks: tuple[int, ...] = ()
    chargeable_after_weeks: int | None = None
    total_support_months: int | None = None
    extension_max_weeks: int = 0
    weekly_hours: float | None = None

    @classmethod
    def of(cls, settings) -> "ClockSettings":
        """From a `catalogue.ServiceSettings` row (or anything with the same attributes)."""
        return cls(
            length_weeks=settings.length_weeks,
            review_weeks=tuple(sorted(settings.review_weeks or ())),
            chargeable_after_weeks=settings.chargeable_after_weeks,
            total_support_months=settings.total_support_months,
            extension_max_weeks=settings.extension_max_weeks or 0,
            weekly_hours=float(settings.weekly_hours) if settings.weekly_hours else None,
        )


@dataclass(frozen=True)
class Clocks:
    started_on: date
    planned_end: date
    review_due: tuple[tuple[int, date], ...]  # (week, due date), in order
    chargeable_from: date | None
    support_ends_by: date | None


def week_day(start: date, weeks: int) -> date:
    """The day `weeks` weeks after the start."""
    return start + timedelta(days=7 * weeks)


def clocks(start: date, settings: ClockSettings, *, extended_weeks: int = 0) -> Clocks:
    """Every date the enablement runs by, from its start and the weeks extensions added."""
    planned_end = week_day(start, settings.length_weeks + extended_weeks)
    support_ends_by = (
        add_months(start, settings.total_support_months) if settings.total_support_months else None
    )
    chargeable = (
        week_day(start, settings.chargeable_after_weeks)
        if settings.chargeable_after_weeks
        else None
    )
    reviews = tuple(
        (week, week_day(start, week))
        for week in settings.review_weeks
        if week_day(start, week) <= planned_end
    )
    return Clocks(
        started_on=start,
        planned_end=planned_end,
        review_due=reviews,
        chargeable_from=chargeable,
        support_ends_by=support_ends_by,
    )


def is_overdue(due: date | None, today: date) -> bool:
    """Due on a day means it may be done that day; it is overdue the day after."""
    return due is not None and today > due


def extension_problem(
    settings: ClockSettings,
    *,
    start: date,
    weeks: int,
    already_extended: int,
) -> str | None:
    """Why an extension of `weeks` cannot be asked for, in words, or None.

    Never beyond the service's maximum (in total, across extensions), and for a service
    with a longest period of support (STR: 6 months in all) never past its last day.
    """
    if weeks < 1:
        return "Enter how many weeks the extension is for, 1 or more"
    maximum = settings.extension_max_weeks
    if maximum <= 0:
        return "This service does not extend an enablement"
    left = maximum - already_extended
    if weeks > left:
        if already_extended:
            return (
                f"Extensions are limited to {maximum} weeks in all, and {already_extended} "
                f"{'week has' if already_extended == 1 else 'weeks have'} been approved: "
                f"ask for {left} weeks or fewer"
                if left > 0
                else f"Extensions are limited to {maximum} weeks in all, and they have all "
                "been approved"
            )
        return f"An extension can be at most {maximum} {'week' if maximum == 1 else 'weeks'}"
    end = clocks(start, settings, extended_weeks=already_extended + weeks)
    if end.support_ends_by is not None and end.planned_end > end.support_ends_by:
        return (
            f"Support may not run past {long_date(end.support_ends_by)} "
            f"({settings.total_support_months} months from the start): this extension would "
            f"end on {long_date(end.planned_end)}"
        )
    return None


# --- Before the start (seed 000 §7, 001 §10) ----------------------------------------------


def meeting_problems(
    *, held_on: date | None, today: date, risk_reviewed: bool, allocated_on: date | None = None
) -> dict[str, str]:
    """Why the planning meeting cannot be recorded as given, by field, in plain words."""
    problems = {}
    if not risk_reviewed:
        problems["__all__"] = (
            "Record that you reviewed the risk assessments and contact notes before the "
            "planning meeting"
        )
    if held_on is not None:
        if held_on > today:
            problems["held_on"] = "The date of the meeting must be today or in the past"
        elif allocated_on is not None and held_on < allocated_on:
            problems["held_on"] = (
                f"The date of the meeting must be on or after the allocation, "
                f"{long_date(allocated_on)}"
            )
    return problems


def start_problems(
    *,
    start_on: date | None,
    risk_reviewed: bool,
    meeting_held_on: date | None,
    meeting_ready: bool,
    open_issues: tuple[str, ...] = (),
) -> dict[str, str]:
    """Why the enablement cannot start on `start_on`, by field, or {} when it can.

    The risk review, a planning meeting that found the person ready, and no open
    health-and-safety issue (each named); the start is on or after the meeting.
    """
    reasons = []
    if not risk_reviewed:
        reasons.append("record that you reviewed the risk assessments and contact notes")
    if meeting_held_on is None:
        reasons.append("record the planning meeting")
    elif not meeting_ready:
        reasons.append("the planning meeting did not find the person ready to start")
    for issue in open_issues:
        reasons.append(f"resolve the health-and-safety issue: {issue}")
    problems = {}
    if reasons:
        problems["__all__"] = "The enablement cannot start yet: " + "; ".join(reasons)
    if start_on is not None and meeting_held_on is not None and start_on < meeting_held_on:
        problems["start_on"] = (
            f"The start date must be on or after the planning meeting, {long_date(meeting_held_on)}"
        )
    return problems


def stored_clocks(start: date, settings: ClockSettings, *, extended_weeks: int = 0) -> dict:
    """The clock columns an episode stores, as the rule gives them."""
    c = clocks(start, settings, extended_weeks=extended_weeks)
    return {
        "started_on": c.started_on,
        "planned_end": c.planned_end,
        "chargeable_from": c.chargeable_from,
        "support_ends_by": c.support_ends_by,
    }
