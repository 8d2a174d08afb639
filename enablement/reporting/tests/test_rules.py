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


D = date.fromisoformat


@pytest.mark.parametrize(
    ("due", "responded", "today", "settled", "in_time"),
    [
        ("2025-03-12", "2025-03-12", "2025-03-01", True, True),  # on the day is in time
        ("2025-03-12", "2025-03-13", "2025-03-20", True, False),
        ("2025-03-12", None, "2025-03-12", False, False),  # due today: not yet late
        ("2025-03-12", None, "2025-03-13", True, False),  # a day past: late
        (None, "2025-03-13", "2025-07-01", False, False),  # no limit set: not counted
    ],
)
def test_a_complaint_counts_in_the_share_once_answered_or_late(
    due, responded, today, settled, in_time
):
    f = rules.FeedbackFact("complaint", D("2025-03-01"), due and D(due), responded and D(responded))
    assert rules.response_settled(f, D(today)) is settled
    assert rules.answered_in_time(f) is in_time


def _scope(suppress=False):
    return rules.Scope(
        start=D("2025-01-01"),
        end=D("2025-01-31"),
        team_id=None,
        suppress=suppress,
        calendar=None,
        today=D("2025-02-01"),
    )


def test_an_evaluation_with_no_rating_answered_is_not_a_satisfaction_of_nought():
    facts = {
        "evaluations": [
            rules.EvaluationFact(1, 1, "person", D("2025-01-10"), ()),
            rules.EvaluationFact(2, 1, "person", D("2025-01-11"), (4, 3)),
        ]
    }
    row = [c.text for c in rules.satisfaction(facts, _scope()).table.rows[-1]]
    # One evaluation counted; its mean 3.5 is below 4, so not satisfied.
    assert row == ["Whole period", "1", "3.5", "0%", "0", "–", "–"]


def test_a_score_without_a_baseline_is_no_change_and_the_page_says_none_is_shown():
    facts = {
        "scores": [
            rules.ScoreFact(1, 1, D("2025-01-20"), "swemwbs", "SWEMWBS", "review", 1, Decimal(20)),
            rules.ScoreFact(1, 1, D("2025-01-20"), "swemwbs", "SWEMWBS", "closure", 0, Decimal(25)),
        ]
    }
    figure = rules.outcome_change(facts, _scope())
    assert [c.text for c in figure.table.rows[0]] == ["SWEMWBS", "0", "–", "–", "–", "0", "–"]


def test_a_fall_in_score_shows_its_sign_and_is_not_improvement():
    facts = {
        "scores": [
            rules.ScoreFact(1, 1, D("2025-01-20"), "x", "X", "baseline", 0, Decimal("30")),
            rules.ScoreFact(1, 1, D("2025-01-20"), "x", "X", "closure", 0, Decimal("27.5")),
        ]
    }
    row = [c.text for c in rules.outcome_change(facts, _scope()).table.rows[0]]
    assert row == ["X", "1", "30.00", "27.50", "-2.50", "0", "0%"]


def test_a_rating_chart_runs_to_the_top_of_its_scale():
    facts = {"evaluations": [rules.EvaluationFact(1, 1, "person", D("2025-01-10"), (4, 3))]}
    svg = charts.svg(rules.satisfaction(facts, _scope()).chart, "Satisfaction")
    # The axis is labelled 5, not the 3.5 the one bar reaches.
    assert 'text-anchor="end" fill="#0b0c0c">5</text>' in svg
