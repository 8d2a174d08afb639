"""Writing the timeline and the access log. Called inside the action's transaction.

Every row is sealed into its table's hash chain as it is inserted (models.AppendOnly), which
locks the table's chain head until the transaction ends: write the event last in an action,
after the rows it locks, so that two actions never wait on each other in opposite orders.
"""

from collections.abc import Iterable
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


def log_accesses(entries: Iterable[dict]) -> list[AccessLogEntry]:
    """Many reads at once (a list or an export): one insert, one chain-head lock. Each dict
    takes log_access's keywords; any other key is a field of AccessLogEntry."""
    rows = []
    for entry in entries:
        fields = dict(entry)
        now, path = fields.pop("now"), fields.pop("path", "")
        rows.append(AccessLogEntry(at=now, path=path[:300], **fields))
    return AccessLogEntry.objects.bulk_create(rows)
