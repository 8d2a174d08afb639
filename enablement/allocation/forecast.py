"""How long will the waiting list be, and how long will a referral accepted today wait?

Pure Python: no Django, no database, no clock. Time is in days from "today" (day 0).

The model, in plain words. Each worker holds up to `capacity` open episodes. Accepted
referrals wait in one first-come-first-served list; the referral at the head starts as soon
as a worker who is not on leave has a free place, and holds it for the episode's length.
Workers on leave keep today's cases but start no new ones; cases allocated from today on
are pooled across whoever is in (`_Places` says why). New referrals arrive at random (a
Poisson process) at the recent weekly rate; episode lengths are drawn from the recently
closed episodes, or are the service's fixed length when too few closed.

Why a simulation rather than a queueing formula: the Erlang C formula (kept here to check
the simulator against) assumes identical always-available servers, an empty start and
exponential lengths. Here workers go on leave, caseloads are uneven, places are already
part-way through episodes and there is a list waiting today. So we play the next weeks
forward many times with different random draws and report the average and the 10th to 90th
percentile band (nearest-rank percentiles throughout, median included).

Common random numbers: every replication draws its arrivals and lengths per referral, in
referral order, from streams that do not depend on who is allocated where. So "what if we
add or lose N FTE" compares the same futures with different staffing, and the difference
is the staffing, not the dice.
"""

from __future__ import annotations

import bisect
import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

MIN_OBSERVED = 5
WAIT_CAP_WEEKS = 104
_DAYS = 7.0
# An open episode already older than every closed one: assume it closes in half a week.
_OVERDUE_REMAINING_DAYS = 3.5


@dataclass(frozen=True)
class Worker:
    capacity: int
    open_episodes: tuple[float, ...]
    leave: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class ForecastInputs:
    workers: tuple[Worker, ...]
    waiting: int
    arrivals_per_week: float
    episode_weeks: tuple[float, ...]
    default_episode_weeks: float
    horizon_weeks: int = 12
    replications: int = 200
    seed: int = 1


@dataclass(frozen=True)
class WeekProjection:
    week: int
    waiting_mean: float
    waiting_low: float
    waiting_high: float


@dataclass(frozen=True)
class WeekWait:
    week: int  # accepted at the start of this week; week 1 is today
    mean_weeks: float
    p90_weeks: float


@dataclass(frozen=True)
class Forecast:
    weeks: tuple[WeekProjection, ...]
    wait_mean_weeks: float
    wait_median_weeks: float
    wait_p90_weeks: float
    capacity_places: int
    episode_weeks_used: float
    assumptions: tuple[str, ...]
    accepted_later: tuple[WeekWait, ...] = ()  # the wait for one accepted each week


class _Places:
    """The dispatch core shared by `forecast` and `simulate_fcfs`.

    Today's open episodes stay with their worker: at time t worker w has
    max(0, capacity - today's episodes still open) places for new cases, and none while on
    leave. The sum over workers, `room(t)`, is a step function fixed by the inputs. Cases
    started by the simulation are not tied to a worker: the head of the list starts at the
    first t at which fewer of them are open than room(t).

    Why pooled rather than "give it to the worker with most room": with leave, which worker
    takes a case decides whether that place frees up during their leave or not, and then
    more places can mean a later start for someone (a scheduling anomaly; a search found
    counterexamples for every choice rule tried, one is in the tests). Pooled, "more places
    never means a later start" has a short proof, by induction over the list: if with more
    places every earlier referral started no later, each of their cases ends no later, so
    from then on no more of them are open at any t; room(t) is no smaller; so any t at which
    the smaller staffing could start the next referral, the larger one can too.
    Without leave this is exactly "any worker with room", since a worker only ever gets a
    case when they have room. With leave, the cases that a worker now on leave took on
    since today count against colleagues' places: the model sees no more free places than
    there are, and so errs towards a longer wait.

    Ask in first-come-first-served order, with ready times never earlier than the last start.
    """

    def __init__(self, workers: Sequence[tuple[int, Sequence[float], Sequence[tuple]]]):
        caps = [capacity for capacity, _, _ in workers]
        open_today = [len(ends) for _, ends, _ in workers]
        on_leave = [0] * len(workers)  # depth, so overlapping windows are fine
        events = []
        for w, (_, ends, leave) in enumerate(workers):
            events += [(end, w, -1, 0) for end in ends]
            for first, last in leave:
                if last > first:
                    events += [(first, w, 0, 1), (last, w, 0, -1)]
        events.sort()

        def share(w: int) -> int:
            return 0 if on_leave[w] else max(0, caps[w] - open_today[w])

        room = sum(share(w) for w in range(len(workers)))
        self.step_times, self.step_room = [-math.inf], [room]
        for i, (t, w, closes, leave) in enumerate(events):
            room -= share(w)
            open_today[w] += closes
            on_leave[w] += leave
            room += share(w)
            if i + 1 == len(events) or events[i + 1][0] != t:
                self.step_times.append(t)
                self.step_room.append(room)
        self.ends: list[float] = []  # sorted; cases the simulation started

    def earliest(self, ready: float) -> float:
        """The first moment from `ready` at which a new case can start (inf if never)."""
        t, ends, times = ready, self.ends, self.step_times
        i, j = bisect.bisect_right(ends, t), bisect.bisect_right(times, t)
        while len(ends) - i >= self.step_room[j - 1]:
            t = min(
                ends[i] if i < len(ends) else math.inf, times[j] if j < len(times) else math.inf
            )
            if t == math.inf:
                return t
            i, j = bisect.bisect_right(ends, t, i), bisect.bisect_right(times, t, j)
        return t

    def book(self, start: float, length: float) -> None:
        # Nobody will ask about a moment before `start` again, so finished cases can go.
        del self.ends[: bisect.bisect_right(self.ends, start)]
        bisect.insort(self.ends, start + length)


def simulate_fcfs(
    arrivals: Sequence[float], services: Sequence[float], servers: int
) -> list[float]:
    """Waits (start - arrival) of each customer in an FCFS c-server queue, all servers free
    at 0; for the Erlang C check. Arrivals must be in order."""
    places = _Places([(servers, (), ())])
    waits, previous = [], -math.inf
    for arrival, service in zip(arrivals, services, strict=True):
        start = places.earliest(max(arrival, previous))
        if start < math.inf:
            places.book(start, service)
        waits.append(start - arrival)
        previous = start
    return waits


def erlang_c_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean wait in queue Wq for an M/M/c queue (Erlang C), in the time unit of the rates;
    math.inf if arrival_rate >= servers*service_rate."""
    if servers <= 0 or arrival_rate >= servers * service_rate:
        return math.inf
    if arrival_rate <= 0:
        return 0.0
    load = arrival_rate / service_rate
    # a^k/k! built up term by term so large c does not overflow.
    term, below_c = 1.0, 0.0
    for k in range(servers):
        below_c += term
        term *= load / (k + 1)
    tail = term / (1 - load / servers)
    return tail / (below_c + tail) / (servers * service_rate - arrival_rate)


def with_extra_fte(inputs: ForecastInputs, *, places: int) -> ForecastInputs:
    """What-if: places > 0 adds a new worker with that many places, no open episodes, no
    leave; places < 0 removes that many places, taking them from the workers with the most
    places first (never below 0 for any worker; a worker's open episodes stay open even if
    over their new capacity). places == 0 returns inputs unchanged."""
    if places == 0:
        return inputs
    if places > 0:
        return replace(inputs, workers=(*inputs.workers, Worker(capacity=places, open_episodes=())))
    caps = [w.capacity for w in inputs.workers]
    for _ in range(-places):
        largest = max(range(len(caps)), key=lambda i: (caps[i], -i), default=None)
        if largest is None or caps[largest] <= 0:
            break
        caps[largest] -= 1
    workers = tuple(replace(w, capacity=c) for w, c in zip(inputs.workers, caps, strict=True))
    return replace(inputs, workers=workers)


@dataclass(frozen=True)
class _Replication:
    arrivals: list[float]  # the referrals in list order: today's list, then new ones
    lengths: list[float]
    starts: list[float]  # inf for those not started by the time we stopped looking
    tagged_start: float  # when a referral joining the end of today's list would start
    probe_waits: tuple[float, ...] = ()  # days waited by one accepted at each week's start


def _run_replication(inputs: ForecastInputs, index: int) -> _Replication:
    observed = sorted(weeks * _DAYS for weeks in inputs.episode_weeks)
    bootstrap = len(observed) >= MIN_OBSERVED
    default = inputs.default_episode_weeks * _DAYS
    # Two streams, each consumed in an order fixed by the inputs, never by who gets a case.
    today = random.Random(f"{inputs.seed + index}:today")
    new = random.Random(inputs.seed + index)

    def remaining(age: float) -> float:
        if not bootstrap:
            return max(0.0, default - age)
        # A length drawn from those longer than the episode already is; sorted, so the
        # longer ones are a tail found by bisection rather than a scan per open episode.
        first = bisect.bisect_right(observed, age)
        if first == len(observed):
            return _OVERDUE_REMAINING_DAYS
        return observed[first + today.randrange(len(observed) - first)] - age

    places = _Places(
        [(w.capacity, [remaining(age) for age in w.open_episodes], w.leave) for w in inputs.workers]
    )
    arrivals = [0.0] * inputs.waiting
    lengths = [today.choice(observed) if bootstrap else default for _ in arrivals]
    horizon = inputs.horizon_weeks * _DAYS
    rate = inputs.arrivals_per_week / _DAYS
    clock = 0.0
    while rate > 0:
        clock += new.expovariate(rate)
        if clock > horizon:
            break
        arrivals.append(clock)
        lengths.append(new.choice(observed) if bootstrap else default)

    # Probes: a referral accepted at the start of each week (week 1 is today), joining the
    # end of the list as it is then. A probe asks when it would start and books nothing:
    # nobody behind it can overtake it, so its start is fixed when it joins, and leaving it
    # out keeps the list at its real size. Until every probe's start is known we may need
    # to look past the horizon.
    probes = [k * _DAYS for k in range(inputs.horizon_weeks)]
    probe_starts: list[float] = []
    # Past this, any probe still to join would wait beyond the cap whatever happens.
    stop_after = max(horizon, (probes[-1] if probes else 0.0) + WAIT_CAP_WEEKS * _DAYS)
    starts, previous, cut_short = [], 0.0, False
    for n, (arrival, length) in enumerate(zip(arrivals, lengths, strict=True)):
        while n >= inputs.waiting and len(probe_starts) < len(probes):
            joined = probes[len(probe_starts)]
            if arrival <= joined:
                break
            probe_starts.append(places.earliest(max(joined, previous)))
        if len(probe_starts) == len(probes):
            stop_after = horizon
        if previous > stop_after:
            cut_short = True
            break  # everyone from here on is still waiting at every week we report
        start = places.earliest(max(arrival, previous))
        if start < math.inf:
            places.book(start, length)
        starts.append(start)
        previous = start
    # Probes after the last arrival; or, when cut short, behind someone who started after
    # the probe's own cap, so past the cap too (counted as the cap).
    probe_starts += [
        math.inf if cut_short else places.earliest(max(joined, previous))
        for joined in probes[len(probe_starts) :]
    ]
    starts += [math.inf] * (len(arrivals) - len(starts))
    waits = tuple(start - joined for start, joined in zip(probe_starts, probes, strict=True))
    return _Replication(arrivals, lengths, starts, probe_starts[0], waits)


def _percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def forecast(inputs: ForecastInputs) -> Forecast:
    """The waiting list at the end of each week and the wait for a referral accepted today.

    The waiting list counts real referrals only: the referral "accepted today" is a probe
    that asks when the next one in line would start, so it does not inflate the list.
    """
    weeks = inputs.horizon_weeks
    per_week: list[list[int]] = [[] for _ in range(weeks)]
    waits = []
    later: list[list[float]] = [[] for _ in range(weeks)]
    cap = WAIT_CAP_WEEKS * _DAYS
    for index in range(inputs.replications):
        run = _run_replication(inputs, index)
        for k, wait in enumerate(run.probe_waits):
            later[k].append(min(wait, cap) / _DAYS)
        # counts[k] changes by +1 at the week a referral is first on the list at a week's
        # end, and by -1 at the first week's end at or after it starts.
        counts = [0] * (weeks + 2)
        for arrival, start in zip(run.arrivals, run.starts, strict=True):
            first = max(1, math.ceil(arrival / _DAYS))
            last = weeks if start == math.inf else min(weeks, math.ceil(start / _DAYS) - 1)
            if first <= last:
                counts[first] += 1
                counts[last + 1] -= 1
        running = 0
        for k in range(1, weeks + 1):
            running += counts[k]
            per_week[k - 1].append(running)
        waits.append(min(run.tagged_start, WAIT_CAP_WEEKS * _DAYS) / _DAYS)

    bootstrap = len(inputs.episode_weeks) >= MIN_OBSERVED
    used = statistics.fmean(inputs.episode_weeks) if bootstrap else inputs.default_episode_weeks
    return Forecast(
        weeks=tuple(
            WeekProjection(
                week=k,
                waiting_mean=statistics.fmean(counts) if counts else 0.0,
                waiting_low=float(_percentile(counts, 10)) if counts else 0.0,
                waiting_high=float(_percentile(counts, 90)) if counts else 0.0,
            )
            for k, counts in enumerate(per_week, start=1)
        ),
        wait_mean_weeks=statistics.fmean(waits) if waits else 0.0,
        wait_median_weeks=_percentile(waits, 50) if waits else 0.0,
        wait_p90_weeks=_percentile(waits, 90) if waits else 0.0,
        capacity_places=sum(w.capacity for w in inputs.workers),
        episode_weeks_used=used,
        assumptions=_assumptions(
            inputs, used, bootstrap, capped=max(waits, default=0) >= WAIT_CAP_WEEKS
        ),
        accepted_later=tuple(
            WeekWait(
                week=k,
                mean_weeks=statistics.fmean(w) if w else 0.0,
                p90_weeks=_percentile(w, 90) if w else 0.0,
            )
            for k, w in enumerate(later, start=1)
        ),
    )


def _num(x: float) -> str:
    return f"{x:.1f}".removesuffix(".0")


def _assumptions(
    inputs: ForecastInputs, used: float, bootstrap: bool, capped: bool
) -> tuple[str, ...]:
    rate = _num(inputs.arrivals_per_week)
    sentences = [
        f"Referrals arrive at random (a Poisson process) at {rate} a week, "
        "the average of the last 12 weeks.",
        (
            f"Episode lengths are drawn from the {len(inputs.episode_weeks)} episodes that "
            f"closed in the last 12 weeks (mean {_num(used)} weeks); an open episode already "
            "longer than all of them is assumed to close within half a week."
            if bootstrap
            else f"Episodes last {_num(used)} weeks each, the service's length, because "
            f"fewer than {MIN_OBSERVED} episodes closed in the last 12 weeks."
        ),
        "Each worker holds up to their caseload; a worker on leave keeps their cases "
        "but takes no new ones. Cases allocated from today on are counted against the "
        "places of whoever is not on leave, which may overstate the wait a little during "
        "leave.",
        "Referrals are allocated strictly in the order they were accepted, as soon as any "
        "worker who is not on leave has room; skills and team fit are not modelled.",
        "The expected wait for a referral accepted today is the average over "
        f"{inputs.replications} simulated futures; the band is the 10th to 90th percentile.",
    ]
    if capped:
        sentences.append(
            "Waits are capped at two years: a referral not started by then counts as "
            "waiting two years."
        )
    return tuple(sentences)
