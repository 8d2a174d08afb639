"""Closure as pure rules (seed 000 §8; seed 001 §13): no database, no clock, no request.

- A closure's reason must be one the service lists (`ServiceSettings.closure_reasons`);
  "not making adequate progress" only after a discussion with the senior.
- The outcomes and recommendations form gives every goal of the current plan a result.
- "Goals achieved" needs at least one goal recorded as achieved.
- A disputed closure is answered by the senior, then the provision manager, then the quality
  and enablement service manager: `next_dispute_level`.
"""

from collections.abc import Iterable, Mapping, Sequence

INADEQUATE_PROGRESS = "inadequate_progress"
GOALS_ACHIEVED = "goals_achieved"

# The order a disputed closure climbs (seed 000 §8: "first discussed with the KERS Senior
# concerned ... escalated to the KERS Provision manager, and then the Quality and
# Enablement Services Manager").
# The values of `models.DisputeLevel`.
SENIOR, PROVISION_MANAGER, QUALITY_MANAGER = "senior", "provision_manager", "quality_manager"
DISPUTE_LEVELS: tuple[str, ...] = (SENIOR, PROVISION_MANAGER, QUALITY_MANAGER)
# The values of `models.GoalResult`.
ACHIEVED = "achieved"
GOAL_RESULTS = frozenset({ACHIEVED, "partly", "not"})

# Where a closure that is not agreed returns the episode.
OPEN_BEFORE_CLOSING = ("planning", "active")


def reason_problem(
    reason: str, service_reasons: Iterable[str], *, discussed_with_senior: bool
) -> str | None:
    """Why this reason cannot be used, in words, or None."""
    if not reason:
        return "Select why the enablement is closing"
    if reason not in set(service_reasons or ()):
        return "Select one of this service's reasons for closing an enablement"
    if reason == INADEQUATE_PROGRESS and not discussed_with_senior:
        return (
            "Closing because the person is not making adequate progress needs a discussion "
            "with the senior first: confirm it took place"
        )
    return None


def outcome_problems(
    goal_ids: Sequence[int], results: Mapping[int, str], *, reason: str
) -> dict[int | str, str]:
    """Problems with the outcomes form's goal results, keyed by goal id (or "reason")."""
    problems: dict[int | str, str] = {}
    valid = GOAL_RESULTS
    for goal_id in goal_ids:
        result = results.get(goal_id, "")
        if not result:
            problems[goal_id] = "Select whether the goal was achieved, partly achieved or not"
        elif result not in valid:
            problems[goal_id] = "Select achieved, partly achieved or not achieved"
    unknown = set(results) - set(goal_ids)
    for goal_id in unknown:
        problems[goal_id] = "This goal is not in the current plan"
    if reason == GOALS_ACHIEVED and not problems:
        if not goal_ids:
            problems["reason"] = (
                "The plan has no goals, so they cannot have been achieved: choose another reason"
            )
        elif ACHIEVED not in {results.get(g) for g in goal_ids}:
            problems["reason"] = (
                "No goal is recorded as achieved: choose another reason or correct the outcomes"
            )
    return problems


def status_after_not_agreed(started: bool) -> str:
    """A closure the senior does not agree returns the episode to where it was."""
    return "active" if started else "planning"


def next_dispute_level(levels_answered: Sequence[str]) -> str | None:
    """The level that answers the next step of a dispute, given the levels that have
    answered so far (in order); None when the last level has answered."""
    answered = list(levels_answered)
    if len(answered) >= len(DISPUTE_LEVELS):
        return None
    expected = list(DISPUTE_LEVELS[: len(answered)])
    if answered != expected:
        raise ValueError(f"A dispute climbs {list(DISPUTE_LEVELS)} in order, not {answered}")
    return DISPUTE_LEVELS[len(answered)]


def current_chain(levels: Sequence[str]) -> list[str]:
    """The steps of the latest dispute: a dispute starts again at the senior, so the chain
    is the levels from the last senior step on."""
    chain: list[str] = []
    for level in levels:
        if level == SENIOR:
            chain = []
        chain.append(level)
    return chain
