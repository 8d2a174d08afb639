"""Writing the timeline and the access log. Called inside the action's transaction.

Every row is sealed into its table's hash chain as it is inserted (models.AppendOnly), which
locks the table's chain head until the transaction ends: write the event last in an action,
after the rows it locks, so that two actions never wait on each other in opposite orders.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from enablement.core.limits import fit
from enablement.governance.models import AccessLogEntry, Event


def event_row(
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
    person_id: int | None = None,
    service_id: int | None = None,
    referral_id: int | None = None,
) -> Event:
    """The event, unsaved: `record_event` saves one; a set-based job builds many and saves
    them with `record_events`. Ids may be given instead of rows, so a job need not load them."""
    limit = Event._meta.get_field("summary").max_length
    if len(summary) > limit:
        # A summary quotes what people typed (a reason); the whole of it stays in `data`.
        data, summary = {**(data or {}), "summary": summary}, fit(summary, limit)
    event = Event(
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
    for attname, value in (
        ("person_id", person_id),
        ("service_id", service_id),
        ("referral_id", referral_id),
    ):
        if value is not None:
            setattr(event, attname, value)
    return event


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
    event = event_row(
        kind=kind,
        summary=summary,
        actor=actor,
        now=now,
        person=person,
        service=service,
        referral=referral,
        episode=episode,
        data=data,
    )
    event.save()
    return event


def record_events(events: list[Event]) -> list[Event]:
    """Saves many events in one chained insert (the chain head is locked once and the rows
    sealed in order, models.AppendOnlyQuerySet.bulk_insert). Call it last in the transaction,
    as for one event."""
    return Event.objects.bulk_insert(events)


@dataclass(frozen=True)
class Read:
    """One access-log row to write: what was read, apart from who, when and where."""

    action: str
    person_id: int | None = None
    referral_id: int | None = None
    row_count: int | None = None
    exported_people: tuple[int, ...] = ()


def _entry(*, user, now: datetime, path: str, query: str, read: Read) -> AccessLogEntry:
    return AccessLogEntry(
        user_id=user.pk,
        at=now,
        action=read.action,
        person_id=read.person_id,
        referral_id=read.referral_id,
        path=path[: AccessLogEntry.PATH_LENGTH],
        query=query[: AccessLogEntry.QUERY_LENGTH],
        row_count=read.row_count,
        exported_people=f" {' '.join(map(str, read.exported_people))} "
        if read.exported_people
        else "",
    )


def _insert(entries: list[AccessLogEntry]) -> list[AccessLogEntry]:
    """Every access-log row is written here, and only here."""
    # One statement for a page however many rows it lists, its values passed as they are
    # (a list of 50 referrals logs 50 rows on every request; bulk_create prepared each
    # value in Python).
    return AccessLogEntry.objects.bulk_insert(entries)


def log_access(
    *,
    user,
    person=None,
    action: str,
    now: datetime,
    path: str = "",
    referral=None,
    query: str = "",
    row_count: int | None = None,
    exported_people: Iterable[int] = (),
) -> AccessLogEntry:
    read = Read(
        action=action,
        person_id=person.pk if person is not None else None,
        referral_id=referral.pk if referral is not None else None,
        row_count=row_count,
        exported_people=tuple(exported_people),
    )
    return _insert([_entry(user=user, now=now, path=path, query=query, read=read)])[0]


def log_accesses(
    *, user, now: datetime, path: str, query: str, reads: Iterable[Read]
) -> list[AccessLogEntry]:
    """Everything one request read, in one insert (a list page names 25 people: one
    statement, not 25)."""
    entries = [_entry(user=user, now=now, path=path, query=query, read=r) for r in reads]
    return _insert(entries) if entries else []
