"""Pure rules of evaluation and feedback: no database, no request, no clock."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from enablement.core.workdays import WorkingCalendar

RATING_MIN, RATING_MAX = 1, 5
# How long a single-use evaluation link works, in days after it is sent.
LINK_VALID_DAYS = 28
MAX_WORKING_DAYS = 60


def hash_token(token: str) -> str:
    """What is stored for a link's token: its SHA-256. The token is 32 random bytes, so a
    plain hash (no salt, no stretching) cannot be reversed by guessing."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def link_state(*, expires_at: datetime, used_at: datetime | None, now: datetime) -> str:
    """ "used", "expired" or "open". A used link says so even after it expires: the person
    is told they already answered, not that they were too late."""
    if used_at is not None:
        return "used"
    if now >= expires_at:
        return "expired"
    return "open"


@dataclass(frozen=True)
class DueDates:
    acknowledge: date
    respond: date


def complaint_due(
    received: date, *, acknowledge_days: int, respond_days: int, calendar: WorkingCalendar
) -> DueDates:
    """The n-th working day after the day it was received (the day itself never counts,
    as the screening clock); both counted from receipt, not from the acknowledgement."""
    return DueDates(
        acknowledge=calendar.add_working_days(received, acknowledge_days),
        respond=calendar.add_working_days(received, respond_days),
    )


def due_label(*, due: date | None, done: bool, today: date, calendar: WorkingCalendar) -> str:
    """A step's state in words, for the lists: done, overdue by n working days, due today,
    or due in n working days."""
    if done:
        return "Done"
    if due is None:
        return ""
    if due < today:
        n = calendar.working_days_between(due, today)
        return f"Overdue by {n} working day{'s' if n != 1 else ''}" if n else "Overdue"
    if due == today:
        return "Due today"
    n = calendar.working_days_between(today, due)
    return f"Due in {n} working day{'s' if n != 1 else ''}"


def procedure_problems(values: dict) -> dict[str, str]:
    """What is wrong with a complaints procedure version, by field."""
    problems = {}
    if not (values.get("complaints_procedure") or "").strip():
        problems["complaints_procedure"] = "Enter the complaints procedure"
    if not any(
        (values.get(k) or "").strip()
        for k in ("complaints_email", "complaints_phone", "complaints_textphone")
    ):
        problems["complaints_email"] = "Enter at least one way to contact the complaints team"
    ack, respond = values.get("acknowledge_working_days"), values.get("respond_working_days")
    for key, value in (("acknowledge_working_days", ack), ("respond_working_days", respond)):
        if value is None or not 1 <= value <= MAX_WORKING_DAYS:
            problems[key] = f"Enter a number of working days from 1 to {MAX_WORKING_DAYS}"
    both = "acknowledge_working_days" not in problems and "respond_working_days" not in problems
    if both and respond < ack:
        problems["respond_working_days"] = "The response cannot be due before the acknowledgement"
    return problems


@dataclass(frozen=True)
class Question:
    pk: int
    kind: str  # "rating" or "text"
    text: str


def answer_problems(questions: list[Question], answers: dict[int, object]) -> dict[str, str]:
    """Every rating question needs a rating from 1 to 5; free text may be left empty. Keys
    are `q<id>`, the form's field names."""
    problems = {}
    for q in questions:
        value = answers.get(q.pk)
        if q.kind == "rating":
            if value in (None, ""):
                problems[f"q{q.pk}"] = f"Choose an answer from 1 to 5: {q.text}"
                continue
            try:
                rating = int(value)
            except (TypeError, ValueError):
                rating = None
            if rating is None or not RATING_MIN <= rating <= RATING_MAX:
                problems[f"q{q.pk}"] = f"Choose an answer from 1 to 5: {q.text}"
    return problems


def mean_rating(ratings: list[int]) -> float | None:
    """The mean of the ratings given, to one decimal place; None when there are none."""
    if not ratings:
        return None
    return round(sum(ratings) / len(ratings), 1)
