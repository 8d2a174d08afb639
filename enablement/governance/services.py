"""Writing the timeline and the access log. Called inside the action's transaction."""

from datetime import datetime

from enablement.governance.models import AccessLogEntry, Event


def record_event(
    *,
    kind: str,
    summary: str,
    actor,
    now: datetime,
    person=None,
    service=None,
    referral=None,
    episode=None,
    data: dict | None = None,
) -> Event:
    return Event.objects.create(
        kind=kind,
        summary=summary,
        actor=actor if actor and actor.pk else None,
        occurred_at=now,
        person=person,
        service=service,
        referral=referral,
        episode=episode,
        data=data or {},
    )


def log_access(*, user, person, action: str, now: datetime, path: str = "") -> AccessLogEntry:
    return AccessLogEntry.objects.create(
        user=user, person=person, action=action, at=now, path=path[:300]
    )
