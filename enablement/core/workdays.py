"""England and Wales working days: Monday to Friday, less bank holidays and local closures.

Bank holidays come from the maintained `holidays` library rather than a hand-kept list,
so substitute days (Christmas on a Saturday gives Monday 27 and Tuesday 28 December) and
one-off days (the 2022 state funeral, the 2023 coronation, the 2020 VE Day move of the
early May holiday) are right without anyone remembering them. England and Wales share
every bank holiday, so England's list serves both; Scotland's and Northern Ireland's extra
days (2 January, St Andrew's Day, St Patrick's Day, 12 July) are working days here.

A one-off holiday announced after the pinned `holidays` release is missing until the
library is upgraded; a council can cover the gap with `extra_closures`.

Pure: no clock is read. Every date is passed in, so screening and hold deadlines can be
worked out for any day, in tests and in reports alike.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=128)
def _holidays_in(year: int) -> Mapping[date, str]:
    """Cached per year: deadlines are worked out for every row of every case list.

    Read-only so that no caller can change what every later caller sees.
    """
    found = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return MappingProxyType(dict(found.items()))


def bank_holidays(year: int) -> dict[date, str]:
    """England and Wales bank holidays in a year, with their names.

    Some fall at a weekend (Christmas Day 2021 was a Saturday); the substitute weekday is
    listed too, as "(observed)". A new dict each time, so the caller may change it.
    """
    return dict(_holidays_in(year))


def _weekdays_after(start: date, end: date) -> int:
    """Mondays to Fridays in (start, end], by arithmetic so long spans cost nothing."""
    full_weeks, extra_days = divmod((end - start).days, 7)
    tail = sum(1 for i in range(1, extra_days + 1) if (start + i * _ONE_DAY).weekday() < 5)
    return full_weeks * 5 + tail


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days in England and Wales, optionally with a council's own closure days.

    Immutable, so a shared instance (such as `ENGLAND_AND_WALES`) cannot be changed by one
    caller under another.
    """

    extra_closures: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        # Accept any collection of dates but keep a frozenset, so the calendar stays
        # hashable and nobody can add a closure to it afterwards.
        object.__setattr__(self, "extra_closures", frozenset(self.extra_closures))

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in _holidays_in(d.year) and d not in self.extra_closures

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after d (Friday → Monday, Thursday before Easter
        → Tuesday)."""
        d += _ONE_DAY
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day strictly after d; d itself is never counted.

        This is how "within 2 working days of receipt" is read: a referral received on
        Thursday 2 April 2026 is due for screening on Wednesday 8 April 2026 (Good Friday
        and Easter Monday skipped), whatever time of day it arrived.

        n = 0 means "d, or the next working day if d is not one": the earliest day
        the work could be done. So the result is always a working day, and never before d.
        From a day that is not a working day, n = 0 and n = 1 give the same day (received
        on Saturday: both are Monday); from n = 1 on, each extra day is a later date.
        """
        if n < 0:
            raise ValueError(f"n must be 0 or more, not {n}")
        if n == 0:
            return d if self.is_working_day(d) else self.next_working_day(d)
        for _ in range(n):
            d = self.next_working_day(d)
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after start, up to and including end: the interval (start, end].

        The same counting as `add_working_days`, so for n >= 1
        `working_days_between(d, add_working_days(d, n)) == n`. It answers "how many
        working days of a hold have been used by today" with start = the day it began.
        0 when end is on or before start, never negative.
        """
        if end <= start:
            return 0
        closed = {
            day
            for day in self._closures_in(range(start.year, end.year + 1))
            if start < day <= end and day.weekday() < 5
        }
        return _weekdays_after(start, end) - len(closed)

    def _closures_in(self, years: Iterable[int]) -> Iterable[date]:
        for year in years:
            yield from _holidays_in(year)
        yield from self.extra_closures


ENGLAND_AND_WALES = WorkingCalendar()
