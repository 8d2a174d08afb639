"""The figures' building blocks, at their edges."""

from datetime import date
from decimal import Decimal

import pytest

from enablement.catalogue.rules import settings_problems
from enablement.reporting import charts, rules
from enablement.reporting.rules import (
    EpisodeFact,
    ReferralFact,
    is_re_referral,
    length_band,
    median_days,
    percent,
    period_for,
    shift_month,
)


@pytest.mark.parametrize(
    "days,band",
    [(0, 0), (28, 0), (29, 1), (56, 1), (57, 2), (84, 2), (85, 3), (112, 3), (113, 4), (999, 4)],
)
def test_length_bands_meet_at_whole_weeks(days, band):
    assert length_band(days) == band


def _referral(received: date) -> ReferralFact:
    return ReferralFact(1, 1, 1, received, None, "validated", None)


@pytest.mark.parametrize(
    "closed,received,again",
    [
        (date(2024, 2, 17), date(2025, 2, 17), True),  # exactly 12 months: still within
        (date(2024, 2, 17), date(2025, 2, 18), False),
        (date(2024, 2, 29), date(2025, 3, 1), True),  # 29 February's anniversary: 1 March
        (date(2024, 2, 29), date(2025, 3, 2), False),
        (date(2025, 2, 17), date(2025, 2, 17), True),  # closed and referred the same day
        (date(2025, 2, 18), date(2025, 2, 17), False),  # a closure after the referral
    ],
)
def test_re_referral_window_is_12_calendar_months(closed, received, again):
    assert is_re_referral(_referral(received), [closed]) is again


def test_no_earlier_enablement_is_no_re_referral():
    assert is_re_referral(_referral(date(2025, 1, 1)), []) is False


@pytest.mark.parametrize(
    "part,whole,shown",
    [(1, 8, Decimal(13)), (1, 3, Decimal(33)), (2, 3, Decimal(67)), (0, 0, None)],
)
def test_percent_rounds_half_up(part, whole, shown):
    assert percent(part, whole) == shown


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert median_days([3, 7, 11, 14]) == Decimal("9.0")
    assert median_days([1, 2]) == Decimal("1.5")
    assert median_days([]) is None


def test_months_shift_across_years_and_periods_end_on_the_last_day():
    assert shift_month(date(2025, 1, 1), -12) == date(2024, 1, 1)
    assert shift_month(date(2025, 12, 1), 1) == date(2026, 1, 1)
    assert period_for(date(2024, 2, 1), date(2024, 2, 1)) == (date(2024, 2, 1), date(2024, 2, 29))


def test_an_open_episode_counts_on_its_caseload_until_the_day_it_closes():
    e = EpisodeFact(1, 1, 1, 1, None, date(2025, 1, 1), None, date(2025, 3, 31), "", False, None)
    assert rules._open_on(e, date(2025, 3, 30))
    assert not rules._open_on(e, date(2025, 3, 31))
    assert not rules._open_on(e, date(2024, 12, 31))


def test_registering_a_figure_twice_is_refused():
    spec = rules.FIGURES["referrals"]
    with pytest.raises(ValueError, match="already registered"):
        rules.register(spec)


def test_chart_is_an_image_with_a_name_and_marks_hidden_values():
    chart = rules.Chart(
        ("Received",),
        (rules.Group("Jan <2025>", (12.0,), ("12",)), rules.Group("Feb", (None,), ("*",))),
        "",
        "referrals by month",
    )
    svg = charts.svg(chart, "Referrals")
    assert 'role="img"' in svg
    assert 'aria-label="Referrals: chart of referrals by month.' in svg
    assert "Jan &lt;2025&gt;" in svg  # labels are escaped
    assert svg.count("<rect") == 2  # the legend's key and one bar: the hidden value has none
    assert ">*</text>" in svg
    assert "style=" not in svg  # no inline style: the content security policy forbids it


@pytest.mark.parametrize(
    "cost,ok",
    [
        (None, True),
        (Decimal("32.50"), True),
        (Decimal(0), False),
        (Decimal("-1"), False),
        (Decimal("10000"), True),
        (Decimal("10000.01"), False),
    ],
)
def test_hourly_cost_is_a_positive_number_of_pounds_or_empty(cost, ok):
    values = {
        "length_weeks": 12,
        "caseload_per_fte": 15,
        "extension_max_weeks": 0,
        "hourly_cost": cost,
    }
    assert ("hourly_cost" not in settings_problems(values)) is ok
