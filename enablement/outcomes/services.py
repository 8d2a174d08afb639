"""Actions on outcome scores: one function per state change, writing the score and its
event in one transaction under the episode's row lock.

The caller (a worker's page or the person's portal) has checked through the access door
that the actor may record this instrument on this episode; these functions check that the
occasion is one the enablement can take and that the answers fit the scale.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from enablement.casework.models import Episode
from enablement.casework.services import lock_episode
from enablement.core.dates import long_date
from enablement.governance.services import record_event
from enablement.outcomes import rules
from enablement.outcomes.instruments import SHIPPED
from enablement.outcomes.models import (
    Assessment,
    CompletedBy,
    Instrument,
    InstrumentItem,
    Occasion,
)


def ensure_instruments() -> int:
    """Writes the shipped instruments that are missing (the data migration does the same;
    the demo loader calls this so a flushed test database has them too). An instrument
    already there is left as the service configured it. Returns how many it wrote."""
    made = 0
    for spec in SHIPPED:
        values = {k: v for k, v in spec.items() if k not in ("code", "items")}
        instrument, created = Instrument.objects.get_or_create(code=spec["code"], defaults=values)
        if created:
            InstrumentItem.objects.bulk_create(
                InstrumentItem(instrument=instrument, position=n, label=label)
                for n, label in enumerate(spec["items"], start=1)
            )
            made += 1
    return made


def offered(episode: Episode) -> list[str]:
    """The instrument codes the episode's service scores, from its settings version."""
    return list(episode.service_settings.outcome_instruments or [])


def next_review_number(episode: Episode, instrument: Instrument) -> int:
    last = (
        Assessment.objects.filter(episode=episode, instrument=instrument, occasion=Occasion.REVIEW)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (last or 0) + 1


@transaction.atomic
def record_score(
    *,
    episode: Episode,
    instrument: Instrument,
    occasion: str,
    completed_by: str,
    completed_on: date,
    answers: dict[int, int | None],
    actor,
    now: datetime,
) -> Assessment:
    """Records one completion of `instrument` on `occasion` (baseline, the next review, or
    closure). `answers`: item position -> 1-based answer, None where the item was not
    answered (kept, and the score is then None)."""
    locked = lock_episode(episode)
    items = list(InstrumentItem.objects.filter(instrument=instrument).order_by("position"))
    existing = set(
        Assessment.objects.filter(episode=locked, instrument=instrument).values_list(
            "occasion", flat=True
        )
    )
    problem = rules.occasion_problem(
        status=locked.status,
        occasion=occasion,
        offered=instrument.active and instrument.code in offered(locked),
        has_baseline=Occasion.BASELINE in existing,
        has_closure=Occasion.CLOSURE in existing,
    )
    if problem:
        raise ValidationError({"occasion": problem})
    if completed_by not in CompletedBy.values:
        raise ValidationError({"completed_by": "Say who completed it"})
    if problem := rules.completer_problem(instrument.completed_by, completed_by):
        raise ValidationError({"completed_by": problem})
    if completed_on is None:
        raise ValidationError({"completed_on": "Enter the date it was completed"})
    if completed_on > timezone.localdate(now):
        raise ValidationError({"completed_on": "The date it was completed cannot be in the future"})
    scale = instrument.scale(len(items))
    full = {n: answers.get(n) for n in range(1, len(items) + 1)}
    extra = {p: v for p, v in answers.items() if p not in full}
    problems = rules.answer_problems(scale, {**full, **extra})
    if problems:
        raise ValidationError({f"item_{p}": message for p, message in problems.items()})
    scored = rules.score(scale, full)
    number = next_review_number(locked, instrument) if occasion == Occasion.REVIEW else 0
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                episode=locked,
                instrument=instrument,
                occasion=occasion,
                number=number,
                completed_by=completed_by,
                completed_on=completed_on,
                answers={str(n): v for n, v in full.items()},
                total=scored.total,
                score=scored.score,
                recorded_at=now,
                recorded_by=actor,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"occasion": "This score has just been recorded by someone else"}
        ) from exc
    referral = locked.referral
    what = (
        f"{assessment.occasion_label.lower()} {instrument.name}"
        f" completed on {long_date(completed_on)}"
    )
    outcome = (
        f"score {scored.score}"
        if scored.complete
        else f"no score: {len(scored.missing)} item(s) not answered"
    )
    record_event(
        kind="outcome.recorded",
        summary=f"{referral.reference}: {what} ({outcome})",
        actor=actor,
        now=now,
        person=locked.person,
        service=locked.service,
        referral=referral,
        episode=locked,
        data={
            "assessment_id": assessment.pk,
            "instrument": instrument.code,
            "occasion": occasion,
            "number": number,
            "completed_by": completed_by,
            "completed_on": completed_on.isoformat(),
            "total": scored.total,
            "score": str(scored.score) if scored.score is not None else None,
            "missing": list(scored.missing),
        },
    )
    return assessment
