"""Who can take which referral: room on a caseload, the fit of a worker, and the order of the
waiting list (seed 000 §7 and §7.2, seed 001 §10 and §12). Pure: facts in, decisions out.

- Room is round(caseload per full-time worker x FTE) minus open episodes; a worker on leave
  on the allocation day has no room, whatever their caseload.
- A worker fits a referral when they are in the referral's team, hold a caseload, are not on
  leave, have room and have every skill the referral needs.
- Referrals are allocated in order of date accepted; a referral that nobody fits waits, with
  the reason, and does not stop a younger referral that somebody does fit.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime


@dataclass(frozen=True)
class WorkerFacts:
    id: int
    name: str
    team_id: int
    capacity: int  # round(caseload per FTE x FTE)
    open_episodes: int
    skills: frozenset[str] = frozenset()
    skill_names: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    on_leave_until: date | None = None  # the last day of leave covering the allocation day

    @property
    def room(self) -> int:
        """Places left, never below zero; on leave, none."""
        if self.on_leave_until is not None:
            return 0
        return max(self.capacity - self.open_episodes, 0)

    @property
    def share_used(self) -> float:
        return self.open_episodes / self.capacity if self.capacity else 1.0


@dataclass(frozen=True)
class ReferralFacts:
    id: int
    reference: str
    accepted_at: datetime
    team_id: int | None
    skills_needed: frozenset[str] = frozenset()
    skill_names: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Candidate:
    worker: WorkerFacts
    fits: bool
    reasons: tuple[str, ...]  # why they fit, or every reason they do not


def _skill_list(codes: Iterable[str], names: dict[str, str]) -> str:
    return ", ".join(sorted(names.get(c, c) for c in codes))


def unfit_reasons(referral: ReferralFacts, worker: WorkerFacts) -> list[str]:
    """Every reason this worker cannot take this referral now; empty when they fit."""
    reasons = []
    if referral.team_id is not None and worker.team_id != referral.team_id:
        reasons.append("In another team")
    if worker.on_leave_until is not None:
        reasons.append(f"On leave until {worker.on_leave_until:%-d %B %Y}")
    elif worker.capacity - worker.open_episodes <= 0:
        reasons.append(
            f"No room: {worker.open_episodes} open of {worker.capacity} "
            f"place{'s' if worker.capacity != 1 else ''}"
        )
    missing = referral.skills_needed - worker.skills
    if missing:
        reasons.append(
            "Does not have the skills needed: " + _skill_list(missing, referral.skill_names)
        )
    return reasons


def _fit_reason(referral: ReferralFacts, worker: WorkerFacts) -> tuple[str, ...]:
    reasons = [
        f"Room for {worker.room} more: {worker.open_episodes} open of {worker.capacity} "
        f"places ({worker.share_used:.0%} used)"
    ]
    if referral.skills_needed:
        reasons.append(
            "Has the skills needed: " + _skill_list(referral.skills_needed, referral.skill_names)
        )
    return tuple(reasons)


def _rank_key(worker: WorkerFacts):
    # The lightest caseload first, as a share of what the worker holds, so a 0.6 FTE worker
    # is not filled before a full-time colleague; then the most room; then by name, so the
    # proposal is the same every time it is read.
    return (worker.share_used, -worker.room, worker.name, worker.id)


def candidates(referral: ReferralFacts, workers: Iterable[WorkerFacts]) -> list[Candidate]:
    """Everyone in the referral's team: those who fit first, best first, with why; then those
    who do not, with every reason."""
    fitting, others = [], []
    for worker in workers:
        if referral.team_id is not None and worker.team_id != referral.team_id:
            continue
        problems = unfit_reasons(referral, worker)
        if problems:
            others.append(Candidate(worker, False, tuple(problems)))
        else:
            fitting.append(Candidate(worker, True, _fit_reason(referral, worker)))
    fitting.sort(key=lambda c: _rank_key(c.worker))
    others.sort(key=lambda c: (c.worker.name, c.worker.id))
    return fitting + others


def why_waiting(referral: ReferralFacts, workers: Sequence[WorkerFacts]) -> str:
    """One sentence for the waiting list: why nobody fits this referral today."""
    team = [w for w in workers if referral.team_id is None or w.team_id == referral.team_id]
    if not team:
        return "The team has no workers who hold a caseload"
    skilled = [w for w in team if referral.skills_needed <= w.skills]
    if referral.skills_needed and not skilled:
        return "No worker in the team has the skills needed: " + _skill_list(
            referral.skills_needed, referral.skill_names
        )
    pool = skilled if referral.skills_needed else team
    available = [w for w in pool if w.on_leave_until is None]
    what = (
        "with the skills needed (" + _skill_list(referral.skills_needed, referral.skill_names) + ")"
        if referral.skills_needed
        else "in the team"
    )
    if not available:
        back = min(w.on_leave_until for w in pool if w.on_leave_until)
        return f"Every worker {what} is on leave; the first is back after {back:%-d %B %Y}"
    return f"No worker {what} has room"


def waiting_order(referrals: Iterable[ReferralFacts]) -> list[ReferralFacts]:
    """Oldest acceptance first; the id breaks ties so the order never changes between reads."""
    return sorted(referrals, key=lambda r: (r.accepted_at, r.id))


@dataclass(frozen=True)
class Assignment:
    referral: ReferralFacts
    worker: WorkerFacts  # as they were when chosen, before this referral
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Waits:
    referral: ReferralFacts
    reason: str


@dataclass(frozen=True)
class Plan:
    assignments: tuple[Assignment, ...]
    waiting: tuple[Waits, ...]

    def pairs(self) -> tuple[tuple[int, int], ...]:
        """(referral id, worker id) in order: what the senior reviewed, to check on confirm."""
        return tuple((a.referral.id, a.worker.id) for a in self.assignments)


def plan(referrals: Iterable[ReferralFacts], workers: Iterable[WorkerFacts]) -> Plan:
    """Allocate all that fit, in order of date accepted, each to the best-placed worker at
    that moment; every allocation uses up a place before the next referral is considered."""
    pool = {w.id: w for w in workers}
    assignments, waiting = [], []
    # Room only shrinks as the plan goes on, so once nobody fits a team and set of skills,
    # nobody will for any later referral asking the same: a long list is not re-ranked.
    nobody: dict[tuple, str] = {}
    for referral in waiting_order(referrals):
        key = (referral.team_id, referral.skills_needed)
        if key in nobody:
            waiting.append(Waits(referral, nobody[key]))
            continue
        best = next((c for c in candidates(referral, pool.values()) if c.fits), None)
        if best is None:
            nobody[key] = why_waiting(referral, list(pool.values()))
            waiting.append(Waits(referral, nobody[key]))
            continue
        assignments.append(Assignment(referral, best.worker, best.reasons))
        pool[best.worker.id] = replace(best.worker, open_episodes=best.worker.open_episodes + 1)
    return Plan(tuple(assignments), tuple(waiting))


@dataclass(frozen=True)
class Choice:
    """A senior's choice checked against the proposal: what must be recorded to allow it."""

    worker: WorkerFacts
    fits: bool
    is_first_proposal: bool
    reasons: tuple[str, ...]  # the candidate's: why they fit, or every reason they do not

    @property
    def unfit(self) -> tuple[str, ...]:
        return () if self.fits else self.reasons

    def problems(self, *, reason: str, override: bool) -> dict[str, str]:
        problems = {}
        if not self.fits and not override:
            problems["override"] = (
                f"{self.worker.name} cannot take this referral now ("
                + "; ".join(self.unfit).lower()
                + "). To allocate anyway, confirm the override and record why"
            )
        if (not self.fits or not self.is_first_proposal) and not reason.strip():
            problems["reason"] = (
                f"Record why you chose {self.worker.name}"
                + ("" if self.fits else " although they cannot take it now")
                + " rather than the first proposal"
            )
        return problems


def check_choice(
    referral: ReferralFacts, worker_id: int, workers: Sequence[WorkerFacts]
) -> Choice | None:
    """The senior's chosen worker among the team's candidates; None when they are not one
    (another team's worker, or someone who holds no caseload)."""
    ranked = candidates(referral, workers)
    chosen = next((c for c in ranked if c.worker.id == worker_id), None)
    if chosen is None:
        return None
    first = ranked[0] if ranked and ranked[0].fits else None
    return Choice(
        worker=chosen.worker,
        fits=chosen.fits,
        is_first_proposal=first is not None and first.worker.id == worker_id,
        reasons=chosen.reasons,
    )


def passed_over(
    referral: ReferralFacts,
    waiting: Iterable[ReferralFacts],
    workers: Iterable[WorkerFacts],
) -> ReferralFacts | None:
    """The longest-waiting referral on the same team's list, accepted before this one, that
    a worker fits today (room, not on leave, every skill needed); None when this referral is
    next in order. Allocating this one first is out of order and needs a reason, as choosing
    a worker out of order does (seed 000 §7.2: referrals are allocated in order of date
    accepted). "Allocate all that fit in order" is in order by definition."""
    workers = list(workers)
    ahead = (referral.accepted_at, referral.id)
    for earlier in waiting_order(waiting):
        if (earlier.accepted_at, earlier.id) >= ahead:
            break
        if earlier.id == referral.id or earlier.team_id != referral.team_id:
            continue
        if any(c.fits for c in candidates(earlier, workers)):
            return earlier
    return None


def out_of_order_problem(
    passed: ReferralFacts | None, reason: str, *, accepted_on: date | None = None
) -> dict[str, str]:
    """The message beside the reason field when a referral that waited longer is passed
    over without saying why. `accepted_on` is the passed-over referral's local date of
    acceptance (the caller knows the time zone); by default the date of `accepted_at`."""
    if passed is None or reason.strip():
        return {}
    on = accepted_on or passed.accepted_at.date()
    return {
        "out_of_order_reason": f"{passed.reference}, accepted on {on:%-d %B %Y}, "
        "has waited longer and fits: say why this one goes first"
    }


@dataclass(frozen=True)
class CaseloadFigures:
    capacity: int
    open_episodes: int

    @property
    def room(self) -> int:
        return self.capacity - self.open_episodes

    @property
    def ratio(self) -> float | None:
        """Open episodes per place; over 1 means beyond the caseload."""
        return self.open_episodes / self.capacity if self.capacity else None


def team_figures(workers: Iterable[WorkerFacts]) -> CaseloadFigures:
    """A team's totals. Leave does not take places away here: it is the caseload held."""
    workers = list(workers)
    return CaseloadFigures(
        capacity=sum(w.capacity for w in workers),
        open_episodes=sum(w.open_episodes for w in workers),
    )
