"""England and Wales working days over Christmas, Easter, substitute and one-off holidays."""

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from enablement.core.workdays import ENGLAND_AND_WALES as CAL
from enablement.core.workdays import WorkingCalendar, bank_holidays


def test_screening_due_two_working_days_after_thursday_before_easter_2026():
    # Seed 000: screening within 2 full working days of receipt.
    assert CAL.add_working_days(date(2026, 4, 2), 2) == date(2026, 4, 8)


def test_hold_of_five_working_days_from_2_april_2026_runs_to_monday_13_april():
    assert CAL.add_working_days(date(2026, 4, 2), 5) == date(2026, 4, 13)
    assert CAL.working_days_between(date(2026, 4, 2), date(2026, 4, 13)) == 5


@pytest.mark.parametrize(
    "day,name",
    [
        (date(2026, 4, 3), "Good Friday"),
        (date(2026, 4, 6), "Easter Monday"),
        (date(2025, 4, 18), "Good Friday"),
        (date(2025, 4, 21), "Easter Monday"),
        (date(2027, 3, 26), "Good Friday"),
        (date(2027, 3, 29), "Easter Monday"),
        (date(2021, 12, 27), "Christmas Day (observed)"),
        (date(2021, 12, 28), "Boxing Day (observed)"),
        (date(2022, 12, 27), "Christmas Day (observed)"),
        (date(2022, 1, 3), "New Year's Day (observed)"),
        (date(2026, 12, 28), "Boxing Day (observed)"),
        (date(2026, 5, 4), "May Day"),
        (date(2026, 5, 25), "Spring Bank Holiday"),
        (date(2026, 8, 31), "Late Summer Bank Holiday"),
        (date(2020, 5, 8), "May Day"),  # moved for VE Day
        (date(2022, 6, 2), "Spring Bank Holiday"),
        (date(2022, 6, 3), "Platinum Jubilee"),
        (date(2022, 9, 19), "State Funeral"),
        (date(2023, 5, 8), "Coronation"),
    ],
)
def test_bank_holidays_are_not_working_days(day, name):
    assert day.weekday() < 5
    assert not CAL.is_working_day(day)
    assert name in bank_holidays(day.year)[day]


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 2),  # 2 January: Scotland only
        date(2026, 11, 30),  # St Andrew's Day: Scotland only
        date(2026, 3, 17),  # St Patrick's Day: Northern Ireland only
        date(2026, 7, 13),  # Battle of the Boyne (observed): Northern Ireland only
        date(2026, 8, 3),  # Scotland's summer holiday
        date(2020, 5, 4),  # the early May holiday moved to 8 May that year
    ],
)
def test_holidays_of_other_nations_are_working_days(day):
    assert CAL.is_working_day(day)


def test_weekends_are_not_working_days():
    assert not CAL.is_working_day(date(2026, 11, 28))
    assert not CAL.is_working_day(date(2026, 11, 29))
    assert CAL.is_working_day(date(2026, 11, 30))


def test_christmas_2021_skips_four_days():
    # Friday 24 Dec 2021 + 1 working day: Sat, Sun, Mon 27 (sub), Tue 28 (sub) → Wed 29.
    assert CAL.add_working_days(date(2021, 12, 24), 1) == date(2021, 12, 29)


def test_zero_days_is_the_day_itself_or_the_next_working_day():
    assert CAL.add_working_days(date(2026, 4, 2), 0) == date(2026, 4, 2)
    assert CAL.add_working_days(date(2026, 4, 3), 0) == date(2026, 4, 7)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 4, 2), -1)


def test_between_counts_after_start_up_to_and_including_end():
    assert CAL.working_days_between(date(2026, 4, 2), date(2026, 4, 2)) == 0
    assert CAL.working_days_between(date(2026, 4, 2), date(2026, 4, 1)) == 0
    assert CAL.working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1
    assert CAL.working_days_between(date(2026, 4, 2), date(2026, 4, 8)) == 2


def test_extra_closures_of_a_council_are_respected():
    cal = WorkingCalendar(extra_closures=frozenset({date(2026, 4, 7)}))
    assert cal.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 8)


def test_england_and_wales_share_their_bank_holidays():
    for year in range(2000, 2041):
        eng = holidays.country_holidays("GB", subdiv="ENG", years=year)
        wls = holidays.country_holidays("GB", subdiv="WLS", years=year)
        assert dict(eng.items()) == dict(wls.items()), year


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 1))


@given(d=days, n=st.integers(0, 60))
def test_result_is_a_working_day_not_before_the_start(d, n):
    result = CAL.add_working_days(d, n)
    assert CAL.is_working_day(result)
    assert result >= d


@given(d=days, n=st.integers(1, 60))
def test_between_undoes_add(d, n):
    assert CAL.working_days_between(d, CAL.add_working_days(d, n)) == n


@given(d=days, n=st.integers(1, 59))
def test_more_days_is_later(d, n):
    assert CAL.add_working_days(d, n + 1) > CAL.add_working_days(d, n)
    assert CAL.add_working_days(d, 1) >= CAL.add_working_days(d, 0)


@given(d=days, a=st.integers(1, 30), b=st.integers(1, 30))
def test_adding_in_two_steps_is_adding_once(d, a, b):
    assert CAL.add_working_days(d, a + b) == CAL.add_working_days(CAL.add_working_days(d, a), b)


@given(d=days)
def test_five_working_days_from_a_working_day_is_at_least_a_calendar_week(d):
    d = CAL.add_working_days(d, 0)
    assert CAL.add_working_days(d, 5) - d >= timedelta(days=7)
