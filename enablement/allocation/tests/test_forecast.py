"""The waiting-list forecast: a formula check, hand-worked futures, and the what-if property.

Plain functions: the forecast is pure, so no database and no Django.
"""

import math
import random
import statistics
from itertools import accumulate

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enablement.allocation.forecast import (
    MIN_OBSERVED,
    ForecastInputs,
    Worker,
    _run_replication,
    erlang_c_wait,
    forecast,
    simulate_fcfs,
    with_extra_fte,
)


def _inputs(workers, *, waiting=0, per_week=0.0, lengths=(), default=4.0, **kwargs):
    return ForecastInputs(
        workers=tuple(workers),
        waiting=waiting,
        arrivals_per_week=per_week,
        episode_weeks=tuple(lengths),
        default_episode_weeks=default,
        **kwargs,
    )


# --- Erlang C ---------------------------------------------------------------------------


def test_erlang_c_matches_the_hand_worked_value():
    # lambda = 2, mu = 1, c = 3, so the offered load a = lambda/mu = 2 and rho = a/c = 2/3.
    #   sum_{k<3} a^k/k! = 1 + 2 + 2 = 5
    #   a^c/c! * 1/(1 - rho) = (8/6) * 3 = 4
    #   P(wait) = 4 / (5 + 4) = 4/9
    #   Wq = P(wait) / (c*mu - lambda) = (4/9) / (3 - 2) = 4/9 = 0.4444...
    assert erlang_c_wait(2.0, 1.0, 3) == pytest.approx(4 / 9, rel=1e-12)


def test_erlang_c_edges():
    assert erlang_c_wait(3.0, 1.0, 3) == math.inf
    assert erlang_c_wait(1.0, 1.0, 0) == math.inf
    assert erlang_c_wait(0.0, 1.0, 2) == 0.0
    # One server: M/M/1, Wq = rho / (mu - lambda) = 0.5 / 0.5.
    assert erlang_c_wait(0.5, 1.0, 1) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("servers", "arrival_rate", "customers"),
    [(3, 2.0, 500_000), (15, 13.5, 2_000_000)],
    ids=["c=3 rho=0.67", "c=15 rho=0.9"],
)
def test_simulated_mm_c_waits_are_within_5_percent_of_erlang_c(servers, arrival_rate, customers):
    """The shared dispatch core, fed Poisson arrivals and exponential lengths (service rate
    1), gives a mean wait within 5% of Erlang C after discarding the first 10% as warm-up.

    The run lengths were chosen so that 5% is about three standard errors: across 12 seeds
    the relative error had a standard deviation of 1.6-1.8% for both cases."""
    rng = random.Random(20240601 + servers)
    arrivals = list(accumulate(rng.expovariate(arrival_rate) for _ in range(customers)))
    services = [rng.expovariate(1.0) for _ in range(customers)]
    waits = simulate_fcfs(arrivals, services, servers)[customers // 10 :]
    assert statistics.fmean(waits) == pytest.approx(
        erlang_c_wait(arrival_rate, 1.0, servers), rel=0.05
    )


def test_simulate_fcfs_small_case_by_hand():
    # Two servers. Customers at 0, 0, 0, 1 with lengths 3, 5, 2, 1: the third waits for the
    # first server (free at 3), the fourth for the second (free at 5) since the first is
    # busy again until 5 as well; it takes whichever frees first, at 5.
    assert simulate_fcfs([0, 0, 0, 1], [3, 5, 2, 1], 2) == [0, 0, 3, 4]


# --- Hand-worked forecasts (deterministic lengths, no arrivals) -------------------------


def test_one_worker_two_places_and_three_waiting():
    # Episodes last 4 weeks = 28 days. The two open episodes are 21 and 14 days old, so
    # they close on days 7 and 14. Then:
    #   1st on the list starts day 7 (ends 35), 2nd day 14 (ends 42), 3rd day 35 (ends 63)
    #   a referral accepted today is 4th: it takes the place freed on day 42 -> 6 weeks.
    # On the list at the end of week 1 (day 7): 2nd and 3rd; week 2: the 3rd; weeks 3-4:
    # the 3rd; week 5 (day 35): nobody.
    inputs = _inputs([Worker(capacity=2, open_episodes=(21.0, 14.0))], waiting=3)
    result = forecast(inputs)
    assert result.wait_mean_weeks == result.wait_median_weeks == result.wait_p90_weeks == 6.0
    assert [w.waiting_mean for w in result.weeks] == [2, 1, 1, 1] + [0] * 8
    assert all(w.waiting_low == w.waiting_mean == w.waiting_high for w in result.weeks)
    assert result.capacity_places == 2


def test_fifteen_full_places_and_thirty_waiting():
    # Episodes last 15 weeks = 105 days. The 15 places are full, with episodes 98, 91, ...,
    # 0 days old, so one place frees every 7 days: days 7, 14, ..., 105. The n-th on the
    # list takes the place freed on day 7n: the first 15 on days 7..105; each holds its
    # place 105 days, so numbers 16..30 start on days 112..210. A referral accepted today
    # is 31st: day 217 = 31 weeks. At the end of week k the list holds numbers k+1..30.
    ages = tuple(float(98 - 7 * i) for i in range(15))
    inputs = _inputs(
        [Worker(capacity=9, open_episodes=ages[:9]), Worker(capacity=6, open_episodes=ages[9:])],
        waiting=30,
        default=15.0,
    )
    result = forecast(inputs)
    assert result.wait_mean_weeks == result.wait_median_weeks == result.wait_p90_weeks == 31.0
    assert [w.waiting_mean for w in result.weeks] == [30 - k for k in range(1, 13)]


def test_the_only_worker_on_leave_for_two_weeks():
    inputs = _inputs([Worker(capacity=3, open_episodes=(), leave=((-3.0, 14.0),))])
    assert forecast(inputs).wait_mean_weeks == 2.0


def test_back_to_back_leave_is_walked_through():
    leave = ((0.0, 7.0), (7.0, 10.0), (8.0, 21.0))
    inputs = _inputs([Worker(capacity=1, open_episodes=(), leave=leave)])
    assert forecast(inputs).wait_mean_weeks == 3.0


def test_no_places_means_every_wait_is_the_two_year_cap():
    inputs = _inputs([Worker(capacity=0, open_episodes=(3.0,))], waiting=2, replications=3)
    result = forecast(inputs)
    assert result.wait_mean_weeks == result.wait_p90_weeks == 104.0
    assert any("capped at two years" in sentence for sentence in result.assumptions)
    assert [w.waiting_mean for w in result.weeks] == [2.0] * 12


def test_an_episode_older_than_every_closed_one_closes_within_half_a_week():
    lengths = (2.0, 3.0, 4.0, 5.0, 6.0)
    inputs = _inputs([Worker(capacity=1, open_episodes=(100.0,))], lengths=lengths)
    assert forecast(inputs).wait_mean_weeks == 0.5


def test_open_episodes_finish_with_a_length_longer_than_their_age():
    # Observed lengths 1..5 weeks; an episode 30 days old must be one of the 5-week ones
    # (35 days): it closes on day 5, whatever the draw.
    lengths = (1.0, 2.0, 3.0, 4.0, 5.0)
    inputs = _inputs([Worker(capacity=1, open_episodes=(30.0,))], lengths=lengths)
    assert forecast(inputs).wait_mean_weeks == pytest.approx(5 / 7)


def test_with_no_places_the_list_grows_by_the_arrival_rate():
    inputs = _inputs([], waiting=4, per_week=5.0)
    result = forecast(inputs)
    for week in result.weeks:
        # 200 futures: the mean of Poisson(5k) has a standard error of sqrt(5k/200) < 0.6.
        assert week.waiting_mean == pytest.approx(4 + 5 * week.week, abs=2.5)
        assert week.waiting_low <= week.waiting_mean <= week.waiting_high


# --- forecast and simulate_fcfs share their dispatch --------------------------------------


def test_forecast_with_one_worker_gives_the_same_waits_as_simulate_fcfs():
    lengths = (1.0, 1.5, 2.0, 2.5, 3.0, 6.0)
    inputs = _inputs([Worker(capacity=7, open_episodes=())], per_week=2.0, lengths=lengths)
    queued = 0
    for index in range(5):
        run = _run_replication(inputs, index)
        assert len(run.arrivals) > 10
        waits = simulate_fcfs(run.arrivals, run.lengths, 7)
        # The forecast stops looking once the list is past the horizon: compare up to there.
        seen = [start - arrival for start, arrival in zip(run.starts, run.arrivals, strict=True)]
        started = sum(wait < math.inf for wait in seen)
        assert started >= len(seen) - 2
        assert waits[:started] == seen[:started]
        queued += sum(wait > 0 for wait in seen[:started])
    assert queued > 0  # some did queue, so the comparison says something


# --- What-if: more places never lengthen the forecast -------------------------------------


def test_the_scheduling_anomaly_found_for_give_it_to_the_worker_with_most_room():
    # With "start at the earliest moment, on the worker with most free places", taking a
    # place from B made the third referral start earlier (day 9, not 9.39): with B at two
    # places the first referral went to B, and A's place then freed after A's leave rather
    # than during it. The pooled core keeps fewer places from ever meaning earlier starts.
    workers = [
        Worker(capacity=1, open_episodes=(), leave=((6.0, 9.0),)),
        Worker(capacity=2, open_episodes=(), leave=((4.0, 10.0),)),
    ]
    inputs = _inputs(workers, per_week=3.0, default=1.0, horizon_weeks=4, seed=73)
    fewer = with_extra_fte(inputs, places=-1)
    assert [w.capacity for w in fewer.workers] == [1, 1]
    base, less = _run_replication(inputs, 0), _run_replication(fewer, 0)
    assert all(b <= s for b, s in zip(base.starts, less.starts, strict=True))


_workers = st.lists(
    st.builds(
        Worker,
        capacity=st.integers(0, 5),
        open_episodes=st.lists(st.floats(0, 150), max_size=5).map(tuple),
        leave=st.lists(
            st.tuples(st.floats(-7, 120), st.floats(0, 60)).map(lambda w: (w[0], w[0] + w[1])),
            max_size=2,
        ).map(tuple),
    ),
    max_size=4,
)
_any_inputs = st.builds(
    ForecastInputs,
    workers=_workers.map(tuple),
    waiting=st.integers(0, 20),
    arrivals_per_week=st.floats(0, 6),
    episode_weeks=st.lists(st.floats(0.5, 20), max_size=2 * MIN_OBSERVED).map(tuple),
    default_episode_weeks=st.floats(1, 16),
    replications=st.just(5),
    seed=st.integers(0, 10_000),
)


def _no_worse(better, worse):
    assert better.wait_mean_weeks <= worse.wait_mean_weeks + 1e-9
    assert better.wait_median_weeks <= worse.wait_median_weeks + 1e-9
    assert better.wait_p90_weeks <= worse.wait_p90_weeks + 1e-9
    for b, w in zip(better.weeks, worse.weeks, strict=True):
        assert b.waiting_mean <= w.waiting_mean + 1e-9
        assert b.waiting_low <= w.waiting_low and b.waiting_high <= w.waiting_high
    for b, w in zip(better.accepted_later, worse.accepted_later, strict=True):
        assert b.mean_weeks <= w.mean_weeks + 1e-9 and b.p90_weeks <= w.p90_weeks + 1e-9


@settings(max_examples=150, deadline=None, database=None)
@given(inputs=_any_inputs)
def test_more_places_never_lengthen_and_fewer_never_shorten_the_forecast(inputs):
    base = forecast(inputs)
    for k in range(1, 6):
        _no_worse(forecast(with_extra_fte(inputs, places=k)), base)
        _no_worse(base, forecast(with_extra_fte(inputs, places=-k)))


# --- The wait for a referral accepted in a later week ---------------------------------------


def test_the_wait_for_one_accepted_later_by_hand():
    """One place, 1-week episodes, three waiting today and no new arrivals. The three start
    on days 0, 7 and 14. Accepted today (week 1) one starts on day 21: 3 weeks. Accepted at
    the start of week 2 (day 7): also day 21, 2 weeks. Week 3 (day 14): 1 week. From week 4
    (day 21) the place is free: no wait."""
    result = forecast(_inputs([Worker(1, ())], waiting=3, default=1.0, replications=3))
    assert [(w.week, w.mean_weeks) for w in result.accepted_later] == [
        (1, 3.0),
        (2, 2.0),
        (3, 1.0),
        *[(k, 0.0) for k in range(4, 13)],
    ]
    assert result.accepted_later[0].mean_weeks == result.wait_mean_weeks


def test_accepted_today_is_the_first_week_of_the_later_waits():
    inputs = _inputs(
        [Worker(3, (1.0, 20.0)), Worker(2, (), leave=((3.0, 17.0),))],
        waiting=6,
        per_week=2.5,
        lengths=(2, 3, 4, 6, 8, 10),
        replications=40,
    )
    result = forecast(inputs)
    assert result.accepted_later[0].mean_weeks == pytest.approx(result.wait_mean_weeks)
    assert result.accepted_later[0].p90_weeks == result.wait_p90_weeks
    assert len(result.accepted_later) == inputs.horizon_weeks


# --- Determinism and the words shown to managers ------------------------------------------


def test_same_inputs_same_forecast_and_the_seed_matters():
    lengths = (2.0, 4.0, 6.0, 8.0, 10.0, 12.0)
    workers = [Worker(capacity=4, open_episodes=(3.0, 30.0, 60.0), leave=((7.0, 21.0),))] * 3
    inputs = _inputs(workers, waiting=8, per_week=3.2, lengths=lengths)
    assert forecast(inputs) == forecast(inputs)
    assert forecast(inputs) != forecast(
        _inputs(workers, waiting=8, per_week=3.2, lengths=lengths, seed=2)
    )


def test_assumptions_name_the_rate_and_the_fixed_length():
    result = forecast(_inputs([Worker(2, ())], per_week=3.2, lengths=(5.0, 6.0), default=12.0))
    assert result.episode_weeks_used == 12.0
    assert "at 3.2 a week" in result.assumptions[0]
    assert "Episodes last 12 weeks each, the service's length" in result.assumptions[1]
    assert "fewer than 5 episodes closed" in result.assumptions[1]
    assert "200 simulated futures" in result.assumptions[-1]


def test_assumptions_name_the_observed_lengths():
    lengths = (4.0, 6.0, 8.0, 10.0, 12.0, 14.0)
    result = forecast(_inputs([Worker(2, ())], per_week=1.0, lengths=lengths))
    assert result.episode_weeks_used == 9.0
    assert "drawn from the 6 episodes" in result.assumptions[1]
    assert "mean 9 weeks" in result.assumptions[1]


# --- with_extra_fte ---------------------------------------------------------------------


def test_removing_places_takes_from_the_largest_caseload_first():
    inputs = _inputs([Worker(3, (1.0,)), Worker(5, ()), Worker(5, (2.0, 4.0)), Worker(1, ())])
    assert [w.capacity for w in with_extra_fte(inputs, places=-1).workers] == [3, 4, 5, 1]
    assert [w.capacity for w in with_extra_fte(inputs, places=-4).workers] == [3, 3, 3, 1]
    assert [w.capacity for w in with_extra_fte(inputs, places=-7).workers] == [2, 2, 2, 1]


def test_removing_places_never_goes_below_zero_and_keeps_open_episodes():
    inputs = _inputs([Worker(1, (5.0, 6.0)), Worker(0, ()), Worker(2, (1.0,))])
    fewer = with_extra_fte(inputs, places=-10)
    assert [w.capacity for w in fewer.workers] == [0, 0, 0]
    assert [w.open_episodes for w in fewer.workers] == [(5.0, 6.0), (), (1.0,)]


def test_adding_places_adds_a_new_worker_and_zero_changes_nothing():
    inputs = _inputs([Worker(3, (1.0,), ((0.0, 7.0),))])
    more = with_extra_fte(inputs, places=4)
    assert more.workers == (*inputs.workers, Worker(4, (), ()))
    assert with_extra_fte(inputs, places=0) is inputs
