"""The next thing due on an open episode, for the worker's caseload and the senior's team
view. Pure: takes the facts a list reads in a fixed number of queries (stored columns and
a few aggregates) and today's date; no database, no clock.

An episode's due items, in the order they are considered on the same day:
- on hold: the social worker's answer, by the hold's expiry (no answer closes it);
- planning (no planning meeting yet): hold the planning meeting, now;
- no signed plan yet: agree and sign the plan, now;
- an extension asked for: its decision, now;
- closure proposed: the senior's agreement, now;
- the next planned visit with no outcome recorded (one in the past is overdue: record it);
- the next scheduled review not held (`Episode.next_review_due`);
- the planned end (`Episode.planned_end`).

The next thing due is the earliest of them; an item without a date is due today. Lists put
overdue episodes first (a due date before today), then by due date (`sort_key`).
"""

from dataclasses import dataclass
from datetime import date

from enablement.casework.rules import is_overdue

PLANNING = "planning"
ACTIVE = "active"
ON_HOLD = "on_hold"
CLOSING = "closing"
OPEN = (PLANNING, ACTIVE, ON_HOLD, CLOSING)


@dataclass(frozen=True)
class EpisodeFacts:
    status: str
    has_meeting: bool = False
    has_signed_plan: bool = False
    next_visit: date | None = None  # earliest planned visit with no outcome
    next_review_due: date | None = None
    extension_waiting: bool = False  # an extension requested or discussed, not decided
    planned_end: date | None = None
    hold_expires_on: date | None = None  # an open hold's expiry


# kind: (label shown, order on the same day)
KINDS = {
    "hold": ("Social worker's answer to the hold", 0),
    "meeting": ("Hold the planning meeting", 1),
    "sign_plan": ("Agree and sign the plan", 2),
    "extension": ("Decide the extension", 3),
    "closure": ("Agree the closure", 4),
    "visit": ("Visit", 5),
    "review": ("Review", 6),
    "end": ("Planned end", 7),
}


@dataclass(frozen=True)
class Due:
    kind: str
    due_on: date | None  # None: due now, no date stored
    overdue: bool

    @property
    def label(self) -> str:
        return KINDS[self.kind][0]


def due_items(facts: EpisodeFacts, today: date) -> list[Due]:
    """Every item due on the episode, soonest first."""
    if facts.status not in OPEN:
        return []
    items: list[tuple[str, date | None]] = []
    if facts.status == ON_HOLD and facts.hold_expires_on is not None:
        items.append(("hold", facts.hold_expires_on))
    if not facts.has_meeting and facts.status in (PLANNING, ON_HOLD):
        items.append(("meeting", None))
    if not facts.has_signed_plan and (facts.has_meeting or facts.status == ACTIVE):
        items.append(("sign_plan", None))
    if facts.extension_waiting:
        items.append(("extension", None))
    if facts.status == CLOSING:
        items.append(("closure", None))
    if facts.next_visit is not None:
        items.append(("visit", facts.next_visit))
    if facts.next_review_due is not None:
        items.append(("review", facts.next_review_due))
    if facts.planned_end is not None:
        items.append(("end", facts.planned_end))
    dues = [Due(kind, on, is_overdue(on, today)) for kind, on in items]
    return sorted(dues, key=lambda d: (d.due_on or today, KINDS[d.kind][1]))


def next_due(facts: EpisodeFacts, today: date) -> Due | None:
    """The next thing due on the episode, or None (closed, or nothing to do)."""
    items = due_items(facts, today)
    return items[0] if items else None


def sort_key(due: Due | None, today: date) -> tuple:
    """Overdue first, then by due date (undated items are due today); nothing due last."""
    if due is None:
        return (2, date.max, 99)
    return (0 if due.overdue else 1, due.due_on or today, KINDS[due.kind][1])
