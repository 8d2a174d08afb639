"""England and Wales working days: weekends and bank holidays excluded.

Bank holidays come from the maintained `holidays` library (England's calendar, which is
also Wales's: the two share every bank holiday, substitute days and one-off holidays such
as the 2022 state funeral included). Pure: every function takes its dates.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=256)
def bank_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year).items())


class WorkingCalendar:
    """Working days, optionally with a council's own closure days on top."""

    def __init__(self, extra_closures: frozenset[date] = frozenset()):
        self.extra_closures = frozenset(extra_closures)

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in bank_holidays(d.year) and d not in self.extra_closures

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after d."""
        d += timedelta(days=1)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after d (d itself not counted).

        Received on Thursday 2 April 2026, 2 working days → Wednesday 8 April 2026 (Good
        Friday and Easter Monday skipped). n=0 gives d if it is a working day, else the next.
        """
        if n < 0:
            raise ValueError("n must be 0 or more")
        if n == 0:
            return d if self.is_working_day(d) else self.next_working_day(d)
        for _ in range(n):
            d = self.next_working_day(d)
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after start, up to and including end; 0 when end is not after start."""
        count, d = 0, start
        while d < end:
            d += timedelta(days=1)
            if self.is_working_day(d):
                count += 1
        return count


ENGLAND_AND_WALES = WorkingCalendar()
