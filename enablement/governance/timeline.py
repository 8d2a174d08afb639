"""A timeline read one page at a time, newest first, by keyset (issue 14 item 2).

A person can gather thousands of events; a page shows the newest `PAGE_SIZE` and an "Older
events" link whose cursor is the position of the last one shown: its time and id, the
Event model's order. The next page is the events strictly after that position in the same
order, found by seeking the (person | episode | referral, -occurred_at, -id) index, so every
page costs the same however far back it is and however long the timeline. An offset would
read and throw away every newer row; a count would read them all (ADR 0040).

The cursor is `<microseconds since 1970 UTC>.<id>`, ASCII digits (a minus before 1970).
Anything else is not a cursor and the page starts from the newest event, saying so; a
well-formed cursor someone made up only moves where the page starts in a timeline the door
has already let this user read.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db.models import Q, QuerySet

from enablement.core.params import query_int

PAGE_SIZE = 50
PARAM = "before"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CURSOR = re.compile(r"(-?[0-9]{1,19})\.([0-9]{1,19})")


@dataclass(frozen=True)
class Position:
    """Where an event sits in the timeline's order: its time, then its id for a tie."""

    occurred_at: datetime
    id: int


def encode(position: Position) -> str:
    delta = position.occurred_at - _EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}.{position.id}"


def decode(text) -> Position | None:
    """The position in a cursor, or None when it is missing or not one this module wrote:
    not two runs of ASCII digits, an id outside a bigint, or a time outside the calendar."""
    if text is None:
        return None
    match = _CURSOR.fullmatch(str(text).strip())
    if match is None:
        return None
    event_id = query_int(match[2])
    if event_id is None:
        return None
    try:
        occurred_at = _EPOCH + timedelta(microseconds=int(match[1]))
    except OverflowError:
        return None
    return Position(occurred_at, event_id)


@dataclass(frozen=True)
class TimelinePage:
    """One page of events, newest first. Iterates as its events, so a template's `for`
    reads it like a list."""

    events: list = field(default_factory=list)
    older: str | None = None  # the cursor for the next page back, when there is one
    is_newest: bool = True  # this page starts at the newest event
    refused: bool = False  # a cursor was given but was not one; the newest page instead

    def __iter__(self):
        return iter(self.events)

    def __len__(self):
        return len(self.events)


def after(events: QuerySet, position: Position | None) -> QuerySet:
    """`events` newest first, from just after `position` (from the newest when None)."""
    ordered = events.order_by("-occurred_at", "-id")
    if position is None:
        return ordered
    # `occurred_at <= t` is implied by the OR but lets the database seek the index (and
    # PostgreSQL skip later months' partitions) instead of filtering from the newest.
    return ordered.filter(occurred_at__lte=position.occurred_at).filter(
        Q(occurred_at__lt=position.occurred_at)
        | Q(occurred_at=position.occurred_at, id__lt=position.id)
    )


def page_of(events: QuerySet, cursor, *, size: int = PAGE_SIZE) -> TimelinePage:
    """The page of `events` after the cursor's position (from the newest when there is no
    cursor), reading one row more than it shows to know whether there are older ones."""
    position = decode(cursor)
    rows = list(after(events, position)[: size + 1])
    shown = rows[:size]
    older = None
    if len(rows) > size:
        last = shown[-1]
        older = encode(Position(last.occurred_at, last.pk))
    return TimelinePage(
        events=shown,
        older=older,
        is_newest=position is None,
        refused=position is None and bool(cursor),
    )
