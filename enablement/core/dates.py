"""Dates as people read them. Pure."""

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
