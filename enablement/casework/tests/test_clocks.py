"""The enablement's clocks, travelled to from a fixed start (the rules read no clock)."""

from datetime import date

import pytest

from enablement.casework.rules import ClockSettings, clocks, extension_problem, is_overdue

KERS = ClockSettings(length_weeks=12, review_weeks=(6,), extension_max_weeks=2)
AUTISM = ClockSettings(length_weeks=16, review_weeks=(3, 6, 9), extension_max_weeks=2)
STR = ClockSettings(
    length_weeks=6,
    review_weeks=(4,),
    chargeable_after_weeks=6,
    total_support_months=6,
    extension_max_weeks=20,
    weekly_hours=3.0,
)
START = date(2026, 3, 2)


def test_kers_mid_point_review_due_on_day_42_and_overdue_the_day_after():
    c = clocks(START, KERS)
    assert c.review_due == ((6, date(2026, 4, 13)),)
    assert not is_overdue(c.review_due[0][1], date(2026, 4, 13))
    assert is_overdue(c.review_due[0][1], date(2026, 4, 14))
    assert c.planned_end == date(2026, 5, 25)


def test_autism_reviews_at_weeks_3_6_9_and_end_at_week_16():
    c = clocks(START, AUTISM)
    assert [d for _, d in c.review_due] == [date(2026, 3, 23), date(2026, 4, 13), date(2026, 5, 4)]
    assert c.planned_end == date(2026, 6, 22)


def test_str_chargeable_after_six_weeks_and_last_day_six_calendar_months_on():
    c = clocks(START, STR)
    assert c.chargeable_from == date(2026, 4, 13)
    assert c.support_ends_by == date(2026, 9, 2)
    # From 31 August, six calendar months is 1 March (no 31 February): the product's rule.
    assert clocks(date(2026, 8, 31), STR).support_ends_by == date(2027, 3, 1)


def test_approved_two_week_extension_moves_the_end_by_fourteen_days():
    assert (
        clocks(START, KERS, extended_weeks=2).planned_end - clocks(START, KERS).planned_end
    ).days == 14


def test_three_week_extension_refused_naming_the_maximum():
    assert extension_problem(KERS, start=START, weeks=2, already_extended=0) is None
    assert "at most 2 weeks" in extension_problem(KERS, start=START, weeks=3, already_extended=0)
    assert "limited to 2 weeks in all" in extension_problem(
        KERS, start=START, weeks=1, already_extended=2
    )


def test_str_extension_cannot_pass_six_calendar_months():
    # 6 + 20 weeks is 182 days; from 1 September six calendar months is 181 days away.
    autumn = date(2026, 9, 1)
    problem = extension_problem(STR, start=autumn, weeks=20, already_extended=0)
    assert "Support may not run past 1 March 2027" in problem
    assert extension_problem(STR, start=autumn, weeks=19, already_extended=0) is None
    # From March the same 26 weeks fit inside six months.
    assert extension_problem(STR, start=START, weeks=20, already_extended=0) is None


@pytest.mark.parametrize("weeks", [0, -1])
def test_extension_needs_a_positive_number_of_weeks(weeks):
    assert "1 or more" in extension_problem(KERS, start=START, weeks=weeks, already_extended=0)


def test_a_service_without_extensions_refuses_them():
    none = ClockSettings(length_weeks=6)
    assert "does not extend" in extension_problem(none, start=START, weeks=1, already_extended=0)
