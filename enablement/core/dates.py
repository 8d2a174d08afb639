"""Dates as people read them, and the product's one month arithmetic. Pure."""

from calendar import monthrange
from datetime import date

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(d: date) -> str:
    """ "3 January 2026": the GOV.UK date style, spelt out so it never follows the locale."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def short_date(d: date) -> str:
    """ "3 Jan 2026", as the template filter `date:"j M Y"` writes it (the tables' style),
    without the locale machinery the filter runs for every cell of a long table."""
    return f"{d.day} {_MONTHS[d.month - 1][:3]} {d.year}"


def add_months(d: date, months: int) -> date:
    """The day `months` calendar months after `d`: the product's one "N months after".

    The same day of the month, `months` months on. When that month has no such day (the
    29th, 30th or 31st), it is the 1st of the month after: 31 January + 1 month is 1 March,
    and 29 February 2024 + 12 months is 1 March 2025. This is the rule `people.rules.age_on`
    uses for birthdays (a 29 February birthday is reached on 1 March in a common year, Family
    Law Reform Act 1969 s.9), so "12 months after" and "a year older" always fall on the same
    day. Read it as "the first day on which `months` whole months have passed": with the
    tuple comparison of `age_on`, month index and then day of the month, the date returned
    is the first one not before (year, month + months, day).

    Only forward: `months` must be 0 or more. Going back is `months_before`.
    """
    if months < 0:
        raise ValueError(f"add_months counts forward only, not {months}: use months_before")
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if d.day <= monthrange(year, month)[1]:
        return date(year, month, d.day)
    # The month is too short for the day: the next whole-month point is the 1st after it.
    year, month = divmod(index + 1, 12)
    return date(year, month + 1, 1)


def months_before(d: date, months: int) -> date:
    """The last day from which `months` whole months have passed by `d`: the latest x with
    `add_months(x, months) <= d`, so that `add_months(x, months) <= d` exactly when
    `x <= months_before(d, months)`. A cut-off for "ended at least N months ago".

    That is the same day `months` months earlier, or that month's last day when it is too
    short: 12 months before 1 March 2025 is 1 March 2024 (29 February 2024 + 12 months is
    1 March 2025 too, and is earlier); 12 months before 29 February 2028 is 28 February 2027;
    1 month before 31 March is the last day of February.
    """
    if months < 0:
        raise ValueError(f"months_before counts back only, not {months}: use add_months")
    index = d.year * 12 + (d.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, monthrange(year, month)[1]))
