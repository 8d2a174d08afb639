"""The scoring rules, without a database."""

from decimal import Decimal

import pytest

from enablement.outcomes import charts, rules

# The published SWEMWBS raw-to-metric conversion table, typed here from the table (not
# copied from rules.py), so a slip in either shows.
PUBLISHED = {
    7: "7.00", 8: "9.51", 9: "11.25", 10: "12.40", 11: "13.33", 12: "14.08", 13: "14.75",
    14: "15.32", 15: "15.84", 16: "16.36", 17: "16.88", 18: "17.43", 19: "17.98", 20: "18.59",
    21: "19.25", 22: "19.98", 23: "20.73", 24: "21.54", 25: "22.35", 26: "23.21", 27: "24.11",
    28: "25.03", 29: "26.02", 30: "27.03", 31: "28.13", 32: "29.31", 33: "30.70", 34: "32.55",
    35: "35.00",
}  # fmt: skip

SWEMWBS = rules.Scale(items=7, low=1, high=5, rule=rules.SWEMWBS_METRIC)
DOMAINS = rules.Scale(items=10, low=1, high=10, rule=rules.SUM)


def _answers_totalling(raw: int) -> dict[int, int]:
    """Seven answers of 1-5 that add up to `raw`."""
    answers, left = {}, raw
    for n in range(1, 8):
        rest = 7 - n
        value = min(5, left - rest)
        answers[n] = value
        left -= value
    assert sum(answers.values()) == raw
    return answers


def test_the_table_covers_every_raw_score_and_nothing_else():
    assert sorted(PUBLISHED) == list(range(7, 36))


@pytest.mark.parametrize("raw,metric", sorted(PUBLISHED.items()))
def test_every_raw_swemwbs_score_converts_as_published(raw, metric):
    assert rules.swemwbs_metric(raw) == Decimal(metric)
    scored = rules.score(SWEMWBS, _answers_totalling(raw))
    assert scored.total == raw
    assert scored.score == Decimal(metric)


@pytest.mark.parametrize("raw", [6, 36, 0, -7, True])
def test_a_raw_score_off_the_table_is_refused(raw):
    with pytest.raises(ValueError):
        rules.swemwbs_metric(raw)


@pytest.mark.parametrize("missing", range(1, 8))
def test_a_missing_swemwbs_item_gives_no_score_not_a_lower_one(missing):
    answers = dict.fromkeys(range(1, 8), 5)
    answers[missing] = None
    scored = rules.score(SWEMWBS, answers)
    assert scored.total is None
    assert scored.score is None
    assert scored.missing == (missing,)
    assert not scored.complete


def test_an_item_left_out_altogether_also_gives_no_score():
    scored = rules.score(DOMAINS, dict.fromkeys(range(1, 10), 5))
    assert scored.score is None
    assert scored.missing == (10,)


def test_the_domain_rating_is_the_sum_of_the_ten_domains():
    answers = dict(enumerate([3, 4, 3, 2, 2, 4, 6, 3, 3, 3], start=1))
    scored = rules.score(DOMAINS, answers)
    assert scored.total == 33
    assert scored.score == Decimal(33)
    assert DOMAINS.score_range == (Decimal(10), Decimal(100))
    assert rules.score(DOMAINS, dict.fromkeys(range(1, 11), 10)).score == 100
    assert rules.score(DOMAINS, dict.fromkeys(range(1, 11), 1)).score == 10


@pytest.mark.parametrize(
    "scale,position,value,message",
    [
        (SWEMWBS, 3, 6, "Item 3: 6 is outside the scale, which runs from 1 to 5"),
        (SWEMWBS, 1, 0, "Item 1: 0 is outside the scale"),
        (DOMAINS, 10, 11, "Item 10: 11 is outside the scale, which runs from 1 to 10"),
        (DOMAINS, 11, 5, "There is no item 11"),
        (SWEMWBS, 2, "4", "Item 2: choose a number from 1 to 5"),
    ],
)
def test_an_answer_outside_the_scale_is_refused(scale, position, value, message):
    answers = dict.fromkeys(range(1, scale.items + 1), 1) | {position: value}
    problems = rules.answer_problems(scale, answers)
    assert message in problems[position]
    with pytest.raises(ValueError, match=r"outside the scale|no item|choose a number"):
        rules.score(scale, answers)


def test_swemwbs_conversion_needs_its_own_shape():
    wrong = rules.Scale(items=6, low=1, high=5, rule=rules.SWEMWBS_METRIC)
    with pytest.raises(ValueError, match="seven items"):
        rules.score(wrong, dict.fromkeys(range(1, 7), 3))


@pytest.mark.parametrize(
    "status,occasion,kw,problem",
    [
        ("closed", "baseline", {}, "The enablement has closed"),
        ("closed", "closure", {}, "The enablement has closed"),
        ("active", "baseline", {"offered": False}, "does not use this instrument"),
        ("planning", "baseline", {}, None),
        ("active", "baseline", {}, None),
        ("planning", "baseline", {"has_baseline": True}, "already been recorded"),
        ("planning", "review", {}, "once the enablement has started"),
        ("planning", "closure", {}, "once the enablement has started"),
        ("active", "review", {"has_baseline": True}, None),
        ("on_hold", "review", {}, None),
        ("closing", "closure", {}, None),
        ("closing", "closure", {"has_closure": True}, "closure score has already"),
        ("active", "someday", {}, "Choose when"),
    ],
)
def test_which_occasions_an_episode_can_be_scored_on(status, occasion, kw, problem):
    facts = {"offered": True, "has_baseline": False, "has_closure": False} | kw
    found = rules.occasion_problem(status=status, occasion=occasion, **facts)
    if problem is None:
        assert found is None
    else:
        assert problem in found


@pytest.mark.parametrize(
    "asks,by,ok",
    [
        ("person", "person", True),
        ("person", "worker", True),
        ("person", "carer", False),
        ("carer", "carer", True),
        ("carer", "person", False),
        ("worker", "worker", True),
        ("worker", "person", False),
    ],
)
def test_only_the_view_asked_for_or_the_worker_on_their_behalf_completes(asks, by, ok):
    assert (rules.completer_problem(asks, by) is None) is ok


def test_change_is_the_latest_complete_score_against_the_baseline():
    base, r1, r2, close = (0, 0), (1, 1), (1, 2), (2, 0)
    found = rules.change(
        [(close, Decimal("21.54")), (base, Decimal("16.88")), (r1, None), (r2, Decimal("19.25"))]
    )
    assert found == rules.Change(baseline=Decimal("16.88"), latest=Decimal("21.54"), occasions=3)
    assert found.difference == Decimal("4.66")
    assert found.improved


def test_no_change_without_a_complete_baseline_and_a_later_score():
    assert rules.change([((0, 0), Decimal(30))]) is None
    assert rules.change([((0, 0), None), ((1, 1), Decimal(40))]) is None
    assert rules.change([((1, 1), Decimal(30)), ((1, 2), Decimal(40))]) is None
    worse = rules.change([((0, 0), Decimal(40)), ((1, 1), Decimal(30))])
    assert worse.difference == -10 and not worse.improved


def test_the_chart_puts_the_scores_where_the_axis_says():
    chart = charts.line_chart(
        [("Baseline", Decimal(10)), ("Review 1", None), ("Closure", Decimal(100))],
        low=Decimal(10),
        high=Decimal(100),
        title="Recovery",
    )
    low, high = chart.points
    assert (low.y, high.y) == (chart.bottom, chart.top)
    assert (low.x, high.x) == (chart.left, chart.right)
    assert [x.label for x in chart.x_labels] == ["Baseline", "Review 1", "Closure"]
    # The end labels stay inside the chart rather than being cut in half at its edges.
    assert [x.anchor for x in chart.x_labels] == ["start", "middle", "end"]
    # The values over the first and last points stay inside the chart too.
    assert [p.anchor for p in chart.points] == ["start", "end"]
    assert [t.label for t in chart.ticks] == ["10", "32.5", "55", "77.5", "100"]
    assert "Baseline: 10; Review 1: no score; Closure: 100" in chart.description
