"""Test data for outcome scores: episodes from the closures tests' builder, scores written
through the action."""

from enablement.closures.tests.helpers import episode_under_way, user
from enablement.outcomes import services
from enablement.outcomes.models import Instrument

SWEMWBS_17 = {1: 2, 2: 2, 3: 3, 4: 2, 5: 3, 6: 2, 7: 3}  # raw 17 -> 16.88
SWEMWBS_24 = {1: 3, 2: 3, 3: 4, 4: 3, 5: 4, 6: 3, 7: 4}  # raw 24 -> 21.54
DOMAINS_33 = dict(enumerate([3, 4, 3, 2, 2, 4, 6, 3, 3, 3], start=1))
DOMAINS_52 = dict(enumerate([5, 6, 5, 4, 4, 6, 7, 5, 5, 5], start=1))


def instrument(code: str) -> Instrument:
    return Instrument.objects.get(code=code)


def record(episode, code, occasion, answers, *, now, by="worker.east", completed_by="person"):
    return services.record_score(
        episode=episode,
        instrument=instrument(code),
        occasion=occasion,
        completed_by=completed_by,
        completed_on=now.date(),
        answers=answers,
        actor=user(by),
        now=now,
    )


def scored_episode(now, **kwargs):
    """A Kent East episode under way with a SWEMWBS baseline of 16.88 and a review of
    21.54, and a recovery-domain baseline of 33 and review of 52."""
    episode = episode_under_way(at=now, **kwargs)
    record(episode, "swemwbs", "baseline", SWEMWBS_17, now=now)
    record(episode, "swemwbs", "review", SWEMWBS_24, now=now)
    record(episode, "recovery-person", "baseline", DOMAINS_33, now=now)
    record(episode, "recovery-person", "review", DOMAINS_52, now=now, completed_by="worker")
    return episode
