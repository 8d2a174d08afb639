"""Actions on an episode: one function per state change, each writing the state, the
event and the messages in one transaction. The parts of the enablement that live in other
apps (plans, visits, reviews, closures) end an episode through `close_episode` and move its
review clock through `refresh_next_review`, so an episode closes and is dated one way.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min

from enablement.casework.models import OPEN_EPISODE_STATUSES, Episode, EpisodeStatus
from enablement.governance.services import record_event
from enablement.notifications.services import notify


def lock_episode(episode: Episode) -> Episode:
    """The episode re-read under a row lock: every action that changes an episode's state
    takes it first, so two people acting at once are serialised and the second sees the
    first's result."""
    locked = Episode.objects.select_for_update().get(pk=episode.pk)
    episode.status = locked.status
    episode.row_version = locked.row_version
    return locked


def refresh_next_review(episode: Episode) -> None:
    """Writes the earliest scheduled review not yet held onto the episode (or none)."""
    from enablement.reviews.models import Review, ReviewKind

    due = Review.objects.filter(
        episode=episode, kind=ReviewKind.SCHEDULED, held_on__isnull=True
    ).aggregate(due=Min("due_on"))["due"]
    Episode.objects.filter(pk=episode.pk).update(next_review_due=due)
    episode.next_review_due = due


@transaction.atomic
def close_episode(
    *, episode: Episode, reason: str, summary: str, actor, now: datetime, data: dict | None = None
) -> Episode:
    """Closes the episode to this service only: the person stays open to social care and
    to their named social worker. Tells the named social worker and the referrer."""
    locked = lock_episode(episode)
    if locked.status not in OPEN_EPISODE_STATUSES:
        raise ValidationError({"__all__": "This enablement has already closed"})
    from enablement.catalogue.vocab import ClosureReason

    locked.status = EpisodeStatus.CLOSED
    locked.closed_at = now
    locked.closure_reason = reason
    locked.next_review_due = None
    locked.row_version += 1
    locked.save(
        update_fields=["status", "closed_at", "closure_reason", "next_review_due", "row_version"]
    )
    episode.__dict__.update(
        {k: getattr(locked, k) for k in ("status", "closed_at", "closure_reason", "row_version")}
    )
    label = dict(ClosureReason.choices).get(reason, reason)
    referral = locked.referral
    record_event(
        kind="episode.closed",
        summary=f"{referral.reference}: enablement closed ({label.lower()}). {summary}",
        actor=actor,
        now=now,
        person=locked.person,
        service=locked.service,
        referral=referral,
        episode=locked,
        data={"reason": reason, **(data or {})},
    )
    notify(
        users=[referral.named_social_worker, referral.referrer],
        subject=f"Referral {referral.reference}: enablement closed",
        body=f"{locked.person.full_name}'s enablement with {locked.service.name} has closed: "
        f"{label.lower()}. {summary} The person stays open to you; this closes them to "
        f"{locked.service.name} only.",
        referral=referral,
        now=now,
    )
    return locked
