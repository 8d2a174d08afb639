"""The product's one month arithmetic (`core.dates.add_months`) and its agreement with ages.

Every "N months after" in the product (the re-referral window, retention years) is this
function, so these tests pin the rule: the same day N months on, or the 1st of the month
after when that month is too short, which is how `people.rules.age_on` reaches a 29 February
birthday in a common year.
"""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enablement.core.dates import add_months, long_date, months_before
from enablement.people.rules import age_on


@pytest.mark.parametrize(
    "start,months,expected",
    [
        (date(2025, 3, 15), 12, date(2026, 3, 15)),
        (date(2025, 5, 10), 0, date(2025, 5, 10)),
        (date(2025, 12, 31), 1, date(2026, 1, 31)),
        (date(2025, 1, 15), 11, date(2025, 12, 15)),
        # Leap days: the anniversary of 29 February in a common year is 1 March.
        (date(2024, 2, 29), 12, date(2025, 3, 1)),
        (date(2024, 2, 29), 24, date(2026, 3, 1)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 2, 29), 1, date(2024, 3, 29)),
        (date(2023, 2, 28), 12, date(2024, 2, 28)),
        (date(2023, 3, 1), 12, date(2024, 3, 1)),
        # A month too short for the day: the 1st of the month after.
        (date(2025, 1, 31), 1, date(2025, 3, 1)),
        (date(2024, 1, 31), 1, date(2024, 3, 1)),  # leap year, but no 31 February
        (date(2024, 1, 29), 1, date(2024, 2, 29)),
        (date(2025, 1, 29), 1, date(2025, 3, 1)),
        (date(2025, 1, 30), 1, date(2025, 3, 1)),
        (date(2025, 8, 31), 1, date(2025, 10, 1)),
        (date(2025, 3, 31), 1, date(2025, 5, 1)),
        (date(2025, 12, 31), 2, date(2026, 3, 1)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_add_months_counts_forward_only_and_months_before_back_only():
    with pytest.raises(ValueError, match="forward only"):
        add_months(date(2025, 3, 31), -1)
    with pytest.raises(ValueError, match="back only"):
        months_before(date(2025, 3, 31), -1)


@pytest.mark.parametrize(
    "end,months,expected",
    [
        (date(2026, 3, 15), 12, date(2025, 3, 15)),
        (date(2025, 3, 1), 12, date(2024, 3, 1)),
        (date(2025, 2, 28), 12, date(2024, 2, 28)),
        (date(2028, 2, 29), 12, date(2027, 2, 28)),
        (date(2028, 2, 29), 48, date(2024, 2, 29)),
        (date(2025, 3, 31), 1, date(2025, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 15), 1, date(2024, 12, 15)),
        (date(2025, 5, 10), 0, date(2025, 5, 10)),
    ],
)
def test_months_before(end, months, expected):
    assert months_before(end, months) == expected


@given(
    x=st.dates(date(1950, 1, 1), date(2100, 12, 31)),
    d=st.dates(date(1950, 1, 1), date(2100, 12, 31)),
    months=st.integers(0, 240),
)
def test_months_before_is_the_cut_off_for_add_months(x, d, months):
    # Ended on x, N months have passed by d exactly when x is on or before the cut-off.
    assert (add_months(x, months) <= d) == (x <= months_before(d, months))


@given(
    dob=st.dates(date(1900, 1, 1), date(2030, 12, 31)),
    n=st.integers(1, 110),
)
def test_n_years_after_a_birth_is_the_day_age_on_says_they_turn_n(dob, n):
    birthday = add_months(dob, 12 * n)
    assert age_on(dob, birthday) == n
    assert age_on(dob, birthday - timedelta(days=1)) == n - 1


@pytest.mark.parametrize("n", range(1, 9))
def test_born_on_29_february_turns_n_on_the_day_n_times_12_months_on(n):
    dob = date(2000, 2, 29)
    birthday = add_months(dob, 12 * n)
    assert birthday == (date(2000 + n, 2, 29) if n % 4 == 0 else date(2000 + n, 3, 1))
    assert age_on(dob, birthday) == n
    assert age_on(dob, birthday - timedelta(days=1)) == n - 1


def _months_passed(start: date, on: date) -> int:
    """Whole months from `start` to `on`, counted as `age_on` counts years: a month is
    complete on the day whose (month, day) is not before the start's."""
    months = (on.year * 12 + on.month) - (start.year * 12 + start.month)
    return months - 1 if on.day < start.day else months


@given(
    start=st.dates(date(1950, 1, 1), date(2100, 12, 31)),
    months=st.integers(0, 240),
    days_on=st.integers(-70, 70),
)
def test_add_months_is_the_first_day_on_which_that_many_whole_months_have_passed(
    start, months, days_on
):
    later = add_months(start, months)
    assert _months_passed(start, later) >= months
    assert later == start or _months_passed(start, later - timedelta(days=1)) < months
    # And so every day is on the right side of it.
    day = later + timedelta(days=days_on)
    if day >= start:
        assert (day >= later) == (_months_passed(start, day) >= months)


@given(
    d=st.dates(date(1950, 1, 1), date(2100, 12, 31)),
    months=st.integers(0, 240),
)
def test_add_months_keeps_the_day_or_moves_to_the_1st_of_the_next_month(d, months):
    later = add_months(d, months)
    shift = (later.year * 12 + later.month) - (d.year * 12 + d.month)
    assert (later.day == d.day and shift == months) or (later.day == 1 and shift == months + 1)
    # Never earlier for a later start: a window can only end later.
    assert later <= add_months(d + timedelta(days=1), months)


def test_long_date_spells_the_month():
    assert long_date(date(2025, 3, 1)) == "1 March 2025"


def test_short_date_is_what_the_tables_date_filter_writes():
    from django.utils import dateformat

    from enablement.core.dates import short_date

    day = date(2025, 12, 25)
    for _ in range(400):  # every month, both ends of each
        assert short_date(day) == dateformat.format(day, "j M Y")
        day += timedelta(days=1)
