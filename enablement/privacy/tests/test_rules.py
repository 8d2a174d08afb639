"""The retention rule, exhaustively and without a database."""

from datetime import UTC, datetime, timedelta

import pytest

from enablement.privacy.rules import Involvement, Kind, Periods, Verdict, add_years, decide

PERIODS = Periods(episode_years=8, referral_years=3)
T0 = datetime(2020, 6, 15, 12, 0, tzinfo=UTC)


def _decide(involvements, now, *, on_hold=False, anonymised=False):
    return decide(involvements, periods=PERIODS, now=now, on_hold=on_hold, anonymised=anonymised)


@pytest.mark.parametrize(
    "start,years,expected",
    [
        (datetime(2020, 6, 15, 12, 0), 8, datetime(2028, 6, 15, 12, 0)),
        # 29 February's anniversary in a common year is 1 March, as for ages (age_on).
        (datetime(2024, 2, 29, 9, 30), 3, datetime(2027, 3, 1, 9, 30)),
        (datetime(2024, 2, 29, 9, 30), 4, datetime(2028, 2, 29, 9, 30)),
        (datetime(2024, 2, 28, 23, 59, tzinfo=UTC), 1, datetime(2025, 2, 28, 23, 59, tzinfo=UTC)),
        # Back: the cut-off for "ended at least a year ago".
        (datetime(2025, 3, 1, 9, 30), -1, datetime(2024, 3, 1, 9, 30)),
        (datetime(2028, 2, 29, 9, 30), -1, datetime(2027, 2, 28, 9, 30)),
    ],
)
def test_add_years_keeps_the_day_and_moves_29_february_to_1_march(start, years, expected):
    assert add_years(start, years) == expected


def test_a_record_closed_on_29_february_is_kept_until_1_march_eight_years_on():
    closed = datetime(2024, 2, 29, 16, 0, tzinfo=UTC)
    facts = [Involvement(Kind.EPISODE, closed)]
    assert _decide(facts, datetime(2032, 2, 29, 16, 0, tzinfo=UTC)).verdict == Verdict.ANONYMISE
    closed_2020 = datetime(2020, 2, 29, 16, 0, tzinfo=UTC)
    facts = [Involvement(Kind.REFERRAL, closed_2020)]
    assert _decide(facts, datetime(2023, 2, 28, 23, 0, tzinfo=UTC)).verdict == Verdict.NOT_YET
    assert _decide(facts, datetime(2023, 3, 1, 16, 0, tzinfo=UTC)).verdict == Verdict.ANONYMISE


def test_a_closed_episode_is_due_eight_years_after_it_closed():
    facts = [Involvement(Kind.RECORD, T0), Involvement(Kind.EPISODE, T0)]
    due = add_years(T0, 8)
    before = _decide(facts, due - timedelta(seconds=1))
    assert before.verdict == Verdict.NOT_YET
    assert before.due_at == due
    at = _decide(facts, due)
    assert (at.verdict, at.period_years, at.kind, at.last_ended_at) == (
        Verdict.ANONYMISE,
        8,
        Kind.EPISODE,
        T0,
    )


def test_a_referral_that_never_started_is_due_after_its_own_shorter_period():
    facts = [Involvement(Kind.RECORD, T0), Involvement(Kind.REFERRAL, T0)]
    assert _decide(facts, add_years(T0, 3)).verdict == Verdict.ANONYMISE
    assert _decide(facts, add_years(T0, 3).replace(hour=11)).verdict == Verdict.NOT_YET


def test_the_latest_due_date_wins_whichever_kind_sets_it():
    episode_early = Involvement(Kind.EPISODE, T0)  # due 2028-06-15
    referral_late = Involvement(Kind.REFERRAL, add_years(T0, 6))  # due 2029-06-15
    decision = _decide([episode_early, referral_late], add_years(T0, 8))
    assert decision.verdict == Verdict.NOT_YET
    assert decision.kind == Kind.REFERRAL
    assert decision.due_at == add_years(T0, 9)
    referral_early = Involvement(Kind.REFERRAL, T0)  # due 2023
    decision = _decide([referral_early, episode_early], add_years(T0, 5))
    assert (decision.verdict, decision.kind) == (Verdict.NOT_YET, Kind.EPISODE)


@pytest.mark.parametrize("open_kind", [Kind.EPISODE, Kind.REFERRAL])
def test_anything_open_keeps_the_record_forever(open_kind):
    facts = [Involvement(Kind.EPISODE, T0), Involvement(open_kind, None)]
    decision = _decide(facts, add_years(T0, 100))
    assert decision.verdict == Verdict.OPEN
    assert decision.due_at is None


def test_no_facts_at_all_keeps_the_record():
    assert _decide([], add_years(T0, 100)).verdict == Verdict.OPEN


def test_a_hold_keeps_only_what_would_otherwise_be_anonymised():
    facts = [Involvement(Kind.REFERRAL, T0)]
    assert _decide(facts, add_years(T0, 10), on_hold=True).verdict == Verdict.HELD
    assert _decide(facts, add_years(T0, 1), on_hold=True).verdict == Verdict.NOT_YET
    assert _decide([Involvement(Kind.REFERRAL, None)], T0, on_hold=True).verdict == Verdict.OPEN


@pytest.mark.parametrize("on_hold", [True, False])
@pytest.mark.parametrize("ended", [None, T0])
def test_an_anonymised_record_is_never_decided_again(on_hold, ended):
    decision = _decide(
        [Involvement(Kind.EPISODE, ended)], add_years(T0, 50), on_hold=on_hold, anonymised=True
    )
    assert decision.verdict == Verdict.ALREADY


def test_every_verdict_has_plain_words():
    from enablement.privacy.rules import VERDICT_LABELS

    assert set(VERDICT_LABELS) == set(Verdict)
    assert all(label and "_" not in label for label in VERDICT_LABELS.values())
