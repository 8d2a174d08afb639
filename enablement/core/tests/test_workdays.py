"""England and Wales working days over Christmas, Easter, substitute and one-off holidays.

Pure: no database and no clock, so these run without Django.
"""

import calendar
import dataclasses
from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from enablement.core.workdays import ENGLAND_AND_WALES as CAL
from enablement.core.workdays import WorkingCalendar, bank_holidays

# --- The two worked examples from the service specification ----------------------------


def test_screening_due_two_working_days_after_thursday_before_easter_2026():
    # Received Thursday 2 April; Good Friday 3 and Easter Monday 6 April are skipped.
    assert CAL.add_working_days(date(2026, 4, 2), 2) == date(2026, 4, 8)


def test_hold_of_five_working_days_from_2_april_2026_runs_to_monday_13_april():
    assert CAL.add_working_days(date(2026, 4, 2), 5) == date(2026, 4, 13)
    assert CAL.working_days_between(date(2026, 4, 2), date(2026, 4, 13)) == 5


# --- Which days are bank holidays -------------------------------------------------------


@pytest.mark.parametrize(
    "day,name",
    [
        # Easter
        (date(2025, 4, 18), "Good Friday"),
        (date(2025, 4, 21), "Easter Monday"),
        (date(2026, 4, 3), "Good Friday"),
        (date(2026, 4, 6), "Easter Monday"),
        (date(2027, 3, 26), "Good Friday"),
        (date(2027, 3, 29), "Easter Monday"),
        # Christmas and New Year, with substitute weekdays
        (date(2020, 12, 28), "Boxing Day (observed)"),  # 26 Dec 2020 a Saturday
        (date(2021, 12, 27), "Christmas Day (observed)"),  # 25 Dec 2021 a Saturday
        (date(2021, 12, 28), "Boxing Day (observed)"),  # 26 Dec 2021 a Sunday
        (date(2022, 12, 26), "Boxing Day"),
        (date(2022, 12, 27), "Christmas Day (observed)"),  # 25 Dec 2022 a Sunday
        (date(2026, 12, 28), "Boxing Day (observed)"),
        (date(2022, 1, 3), "New Year's Day (observed)"),  # 1 Jan 2022 a Saturday
        (date(2023, 1, 2), "New Year's Day (observed)"),  # 1 Jan 2023 a Sunday
        # May and August
        (date(2025, 5, 5), "May Day"),
        (date(2025, 5, 26), "Spring Bank Holiday"),
        (date(2025, 8, 25), "Late Summer Bank Holiday"),
        (date(2026, 5, 4), "May Day"),
        (date(2026, 5, 25), "Spring Bank Holiday"),
        (date(2026, 8, 31), "Late Summer Bank Holiday"),
        # One-off days
        (date(1999, 12, 31), "Millennium"),
        (date(2002, 6, 3), "Golden Jubilee"),
        (date(2002, 6, 4), "Spring Bank Holiday"),  # moved from 27 May
        (date(2011, 4, 29), "Wedding"),
        (date(2012, 6, 4), "Spring Bank Holiday"),  # moved from 28 May
        (date(2012, 6, 5), "Diamond Jubilee"),
        (date(2020, 5, 8), "May Day"),  # moved from Monday 4 May for VE Day
        (date(2022, 6, 2), "Spring Bank Holiday"),  # moved from 30 May
        (date(2022, 6, 3), "Platinum Jubilee"),
        (date(2022, 9, 19), "State Funeral"),
        (date(2023, 5, 8), "Coronation"),
    ],
)
def test_bank_holidays_are_not_working_days(day, name):
    assert day.weekday() < 5, "a weekday, so only the holiday makes it a non-working day"
    assert not CAL.is_working_day(day)
    assert name in bank_holidays(day.year)[day]


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 2),  # 2 January: Scotland only
        date(2022, 1, 4),  # 2 January holiday (observed): Scotland only
        date(2026, 11, 30),  # St Andrew's Day: Scotland only
        date(2026, 8, 3),  # first Monday in August: Scotland's summer holiday
        date(2026, 3, 17),  # St Patrick's Day: Northern Ireland only
        date(2026, 7, 13),  # Battle of the Boyne (observed): Northern Ireland only
        date(2020, 5, 4),  # the early May holiday moved to 8 May that year
        date(2022, 5, 30),  # the spring holiday moved to 2 June that year
        date(2026, 12, 24),  # Christmas Eve is a normal working day
        date(2026, 12, 31),  # New Year's Eve too
    ],
)
def test_days_that_are_holidays_elsewhere_or_never_are_working_days(day):
    assert day.weekday() < 5
    assert CAL.is_working_day(day)


@pytest.mark.parametrize("year", range(2000, 2041))
def test_england_and_wales_share_their_bank_holidays(year):
    eng = holidays.country_holidays("GB", subdiv="ENG", years=year)
    wls = holidays.country_holidays("GB", subdiv="WLS", years=year)
    assert dict(eng.items()) == dict(wls.items())
    assert bank_holidays(year) == dict(eng.items())


def _first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=-first.weekday() % 7)


def _last_monday(year: int, month: int) -> date:
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=last.weekday())


# Years in which a May holiday was moved for a one-off celebration.
EARLY_MAY_MOVED = {2020}
SPRING_MOVED = {2002, 2012, 2022}
# Weekday bank holidays in a year: 8, plus the one-off extra days.
ONE_OFF_EXTRA = {2002: 1, 2011: 1, 2012: 1, 2022: 2, 2023: 1}


@pytest.mark.parametrize("year", range(2000, 2041))
def test_regular_holidays_follow_their_rules(year):
    holiday_days = bank_holidays(year)
    if year not in EARLY_MAY_MOVED:
        assert _first_monday(year, 5) in holiday_days
    if year not in SPRING_MOVED:
        assert _last_monday(year, 5) in holiday_days
    # England and Wales: last Monday in August (Scotland's is the first).
    assert _last_monday(year, 8) in holiday_days
    assert _first_monday(year, 8) not in holiday_days or _first_monday(year, 8) == (
        _last_monday(year, 8)
    )
    weekday_holidays = [d for d in holiday_days if d.weekday() < 5]
    assert len(weekday_holidays) == 8 + ONE_OFF_EXTRA.get(year, 0)


@pytest.mark.parametrize("year", range(2000, 2041))
def test_christmas_always_closes_two_weekdays_and_new_year_one(year):
    def weekdays_closed(first: date, last: date) -> int:
        days = (last - first).days + 1
        return sum(
            1
            for i in range(days)
            if (d := first + timedelta(days=i)).weekday() < 5 and not CAL.is_working_day(d)
        )

    # Christmas and Boxing Day, or their substitutes no later than 28 December.
    assert weekdays_closed(date(year, 12, 25), date(year, 12, 28)) == 2
    # New Year's Day, or its substitute no later than 3 January.
    assert weekdays_closed(date(year, 1, 1), date(year, 1, 3)) == 1


# --- Weekends and the calendar's operations ----------------------------------------------


def test_weekends_are_not_working_days():
    assert not CAL.is_working_day(date(2026, 11, 28))  # Saturday
    assert not CAL.is_working_day(date(2026, 11, 29))  # Sunday
    assert CAL.is_working_day(date(2026, 11, 30))  # Monday


def test_next_working_day_is_strictly_after():
    assert CAL.next_working_day(date(2026, 11, 30)) == date(2026, 12, 1)  # Mon → Tue
    assert CAL.next_working_day(date(2026, 11, 27)) == date(2026, 11, 30)  # Fri → Mon
    assert CAL.next_working_day(date(2026, 4, 2)) == date(2026, 4, 7)  # before Easter
    assert CAL.next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)


def test_christmas_2021_skips_four_days():
    # Friday 24 Dec 2021 + 1: Sat 25, Sun 26, Mon 27 (sub), Tue 28 (sub) → Wed 29.
    assert CAL.add_working_days(date(2021, 12, 24), 1) == date(2021, 12, 29)


def test_new_year_2022_substitute_monday_is_skipped():
    # Friday 31 Dec 2021 + 1: Sat 1 Jan, Sun 2, Mon 3 (sub) → Tue 4 January 2022.
    assert CAL.add_working_days(date(2021, 12, 31), 1) == date(2022, 1, 4)


def test_adding_crosses_the_year_end():
    assert CAL.add_working_days(date(2026, 12, 23), 3) == date(2026, 12, 30)
    assert CAL.add_working_days(date(2026, 12, 30), 2) == date(2027, 1, 4)
    assert CAL.working_days_between(date(2026, 12, 23), date(2027, 1, 4)) == 5


def test_zero_days_is_the_day_itself_or_the_next_working_day():
    assert CAL.add_working_days(date(2026, 4, 2), 0) == date(2026, 4, 2)  # Thursday
    assert CAL.add_working_days(date(2026, 4, 3), 0) == date(2026, 4, 7)  # Good Friday
    assert CAL.add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 30)  # Saturday


def test_received_at_the_weekend_counts_from_monday():
    # Saturday + 2 working days: Monday is day 1, Tuesday day 2.
    assert CAL.add_working_days(date(2026, 11, 28), 2) == date(2026, 12, 1)


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="0 or more"):
        CAL.add_working_days(date(2026, 4, 2), -1)


def test_between_counts_after_start_up_to_and_including_end():
    assert CAL.working_days_between(date(2026, 4, 2), date(2026, 4, 2)) == 0
    assert CAL.working_days_between(date(2026, 4, 2), date(2026, 4, 1)) == 0
    assert CAL.working_days_between(date(2026, 4, 2), date(2026, 4, 6)) == 0
    assert CAL.working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1
    assert CAL.working_days_between(date(2026, 4, 2), date(2026, 4, 8)) == 2
    # Starting on a holiday: it is not counted either way.
    assert CAL.working_days_between(date(2026, 4, 3), date(2026, 4, 8)) == 2


def test_between_over_a_whole_year():
    # 2026: 261 weekdays, 8 of them bank holidays.
    assert CAL.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 253


# --- A council's own closures -----------------------------------------------------------


def test_extra_closures_of_a_council_are_respected():
    cal = WorkingCalendar(extra_closures=frozenset({date(2026, 4, 7)}))
    assert not cal.is_working_day(date(2026, 4, 7))
    assert cal.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 8)
    assert cal.add_working_days(date(2026, 4, 2), 2) == date(2026, 4, 9)
    assert cal.working_days_between(date(2026, 4, 2), date(2026, 4, 9)) == 2
    assert CAL.is_working_day(date(2026, 4, 7)), "the shared calendar is unchanged"


def test_a_closure_on_a_bank_holiday_or_weekend_is_not_counted_twice():
    closures = frozenset({date(2026, 4, 3), date(2026, 4, 4), date(2026, 4, 7)})
    cal = WorkingCalendar(extra_closures=closures)
    assert cal.working_days_between(date(2026, 4, 1), date(2026, 4, 10)) == 4


def test_calendar_is_immutable_and_accepts_any_collection_of_dates():
    cal = WorkingCalendar(extra_closures={date(2026, 4, 7)})  # a plain set
    assert isinstance(cal.extra_closures, frozenset)
    with pytest.raises(dataclasses.FrozenInstanceError):
        cal.extra_closures = frozenset()  # type: ignore[misc]
    assert cal == WorkingCalendar(extra_closures=frozenset({date(2026, 4, 7)}))
    assert hash(cal) == hash(WorkingCalendar(extra_closures=[date(2026, 4, 7)]))


def test_bank_holidays_returns_a_copy_the_caller_may_change():
    mine = bank_holidays(2026)
    mine[date(2026, 4, 7)] = "Made up"
    mine.pop(date(2026, 4, 3))
    assert date(2026, 4, 7) not in bank_holidays(2026)
    assert CAL.is_working_day(date(2026, 4, 7))
    assert not CAL.is_working_day(date(2026, 4, 3))


# --- Properties over 2000 to 2040 -------------------------------------------------------

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
closures = st.frozensets(days, max_size=20)


def _count_one_by_one(cal: WorkingCalendar, start: date, end: date) -> int:
    return sum(
        1 for i in range(1, (end - start).days + 1) if cal.is_working_day(start + timedelta(i))
    )


@given(d=days, n=st.integers(0, 60))
def test_result_is_a_working_day_not_before_the_start(d, n):
    result = CAL.add_working_days(d, n)
    assert CAL.is_working_day(result)
    assert result >= d
    if n >= 1:
        assert result > d


@given(d=days, n=st.integers(1, 60))
def test_between_undoes_add(d, n):
    assert CAL.working_days_between(d, CAL.add_working_days(d, n)) == n


@given(d=days, n=st.integers(1, 60))
def test_no_working_day_is_skipped(d, n):
    # The day before the result is one working day short.
    result = CAL.add_working_days(d, n)
    assert CAL.working_days_between(d, result - timedelta(days=1)) == n - 1


@given(d=days, n=st.integers(1, 59))
def test_more_days_is_later(d, n):
    assert CAL.add_working_days(d, n + 1) > CAL.add_working_days(d, n)


@given(d=days)
def test_zero_and_one_agree_only_when_starting_on_a_closed_day(d):
    # From a Saturday both are Monday: "the earliest day" and "the first day after".
    same = CAL.add_working_days(d, 0) == CAL.add_working_days(d, 1)
    assert same == (not CAL.is_working_day(d))


@given(d=days, a=st.integers(1, 30), b=st.integers(1, 30))
def test_adding_in_two_steps_is_adding_once(d, a, b):
    assert CAL.add_working_days(d, a + b) == CAL.add_working_days(CAL.add_working_days(d, a), b)


@given(d=days, n=st.integers(1, 60))
def test_add_is_repeated_next_working_day(d, n):
    day = d
    for _ in range(n):
        day = CAL.next_working_day(day)
    assert CAL.add_working_days(d, n) == day


@given(d=days)
def test_five_working_days_from_a_working_day_is_at_least_a_calendar_week(d):
    d = CAL.add_working_days(d, 0)
    assert CAL.add_working_days(d, 5) - d >= timedelta(days=7)


@given(start=days, span=st.integers(-30, 800), extra=closures)
def test_between_agrees_with_counting_day_by_day(start, span, extra):
    cal = WorkingCalendar(extra_closures=extra)
    end = start + timedelta(days=span)
    assert cal.working_days_between(start, end) == _count_one_by_one(cal, start, end)


@given(a=days, b=days, c=days)
def test_between_adds_up_over_consecutive_spans(a, b, c):
    a, b, c = sorted((a, b, c))
    assert CAL.working_days_between(a, c) == (
        CAL.working_days_between(a, b) + CAL.working_days_between(b, c)
    )


@given(d=days, n=st.integers(0, 60), extra=closures)
def test_extra_closures_are_never_a_result_and_only_delay(d, n, extra):
    cal = WorkingCalendar(extra_closures=extra)
    result = cal.add_working_days(d, n)
    assert result not in extra
    assert cal.is_working_day(result)
    assert result >= CAL.add_working_days(d, n)
    if n >= 1:
        assert cal.working_days_between(d, result) == n
