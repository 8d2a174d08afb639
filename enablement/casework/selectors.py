"""Reading episodes: what the product knows of a person's earlier enablement.

One place reads a person's previous enablement with a service, for the re-referral rule
(seed 000 §9, seed 001 §15: further provision only 12 months after the last enablement
ended) and for whoever screens the new referral ("consideration will be given to the result
of any outcomes and recommendations made ... following the previous enablement period").
When the closure form records a reason and the outcomes and recommendations, they are added
to `PreviousEnablement` here, and every page that shows it has them.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from enablement.casework.models import OPEN_EPISODE_STATUSES, Episode, EpisodeStatus


@dataclass(frozen=True)
class PreviousEnablement:
    """A closed episode of the person with the service, as a screener reads it."""

    episode_id: int
    service_name: str
    team_name: str
    worker: str
    started_on: date  # allocated: the episode opened in planning
    ended_on: date  # closed
    referral_id: int
    referral_reference: str
    decision_reason: str
    # How it ended (the closure reason, in words) and the outcomes and recommendations form
    # (`closures`): None means "not recorded", and the page says so.
    how_it_ended: str | None = None
    outcomes_and_recommendations: str | None = None


def _closed(person_id: int, service_codes: Iterable[str]):
    return Episode.objects.filter(
        person_id=person_id,
        service__code__in=list(service_codes),
        status=EpisodeStatus.CLOSED,
        closed_at__isnull=False,
    )


def open_enablement(person_id: int | None, service_codes: Iterable[str]) -> Episode | None:
    """The person's enablement with the service that has not ended, if any."""
    if person_id is None:
        return None
    return (
        Episode.objects.filter(
            person_id=person_id,
            service__code__in=list(service_codes),
            status__in=OPEN_EPISODE_STATUSES,
        )
        .select_related("service")
        .first()
    )


def last_enablement(
    person_id: int | None,
    service_codes: Iterable[str],
    *,
    before: datetime | None = None,
    exclude_referral_id: int | None = None,
) -> PreviousEnablement | None:
    """The person's most recently closed episode with any of these services, or None.

    `before` keeps to episodes that opened before that moment (a referral's receipt: what
    came before it), `exclude_referral_id` leaves out the referral's own episode. Not scoped
    to the user: the re-referral rule holds whoever refers, and a screener must see the
    previous enablement even when another team provided it. Callers that show it log the
    read (`governance.reads.viewed`).
    """
    if person_id is None:
        return None
    episodes = _closed(person_id, service_codes)
    if before is not None:
        episodes = episodes.filter(allocated_at__lt=before)
    if exclude_referral_id is not None:
        episodes = episodes.exclude(referral_id=exclude_referral_id)
    episode = (
        episodes.select_related("service", "team", "worker__user", "referral")
        .order_by("-closed_at", "-id")
        .first()
    )
    if episode is None:
        return None
    how_it_ended = None
    if episode.closure_reason:
        from enablement.catalogue.vocab import ClosureReason

        how_it_ended = dict(ClosureReason.choices).get(
            episode.closure_reason, episode.closure_reason
        )
    return PreviousEnablement(
        episode_id=episode.pk,
        service_name=episode.service.name,
        team_name=episode.team.name,
        worker=str(episode.worker),
        started_on=timezone.localdate(episode.allocated_at),
        ended_on=timezone.localdate(episode.closed_at),
        referral_id=episode.referral_id,
        referral_reference=episode.referral.reference,
        decision_reason=episode.referral.decision_reason,
        how_it_ended=how_it_ended,
        outcomes_and_recommendations=_outcomes_in_words(episode) or None,
    )


def _outcomes_in_words(episode: Episode) -> str:
    """The agreed closure's outcomes and recommendations form in words, in one query (the
    closure joined to its goal outcomes and their goals); empty when none was recorded."""
    from enablement.closures.models import Closure, ClosureStatus, GoalResult

    rows = list(
        Closure.objects.filter(episode=episode, status=ClosureStatus.AGREED)
        .order_by("-decided_at", "-id", "goal_outcomes__goal__position")
        .values(
            "id",
            "recommendations",
            "further_needs",
            "goal_outcomes__result",
            "goal_outcomes__note",
            "goal_outcomes__goal__description",
        )
    )
    if not rows:
        return ""
    rows = [r for r in rows if r["id"] == rows[0]["id"]]
    results = dict(GoalResult.choices)
    lines = []
    for row in rows:
        if row["goal_outcomes__result"]:
            line = (
                f"{row['goal_outcomes__goal__description']}: "
                f"{results.get(row['goal_outcomes__result'], '').lower()}"
            )
            if row["goal_outcomes__note"]:
                line += f". {row['goal_outcomes__note']}"
            lines.append(line)
    if rows[0]["recommendations"]:
        lines.append(f"Recommendations: {rows[0]['recommendations']}")
    if rows[0]["further_needs"]:
        lines.append(f"Further care and support needs: {rows[0]['further_needs']}")
    return "\n".join(lines)


def last_enablement_end(
    person_id: int | None, service_codes: Iterable[str], *, before: datetime | None = None
) -> date | None:
    """The day the person's last enablement with these services ended, from the product's
    own closed episodes; None when it holds none."""
    previous = last_enablement(person_id, service_codes, before=before)
    return previous.ended_on if previous else None
