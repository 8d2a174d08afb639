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
