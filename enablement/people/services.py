"""Actions that change a person's record. Each writes the change and its event in one
transaction; the caller passes the acting user and the time."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from enablement.core.limits import length_problems, refuse_too_long
from enablement.governance.services import record_event
from enablement.people.models import Carer, Person, PossibleDuplicate
from enablement.people.rules import PersonFacts
from enablement.people.validation import normalised, person_problems

PERSON_FIELDS = (
    "nhs_number",
    "case_system_id",
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
    "email",
    "primary_diagnosis",
    "communication_needs",
)
CARER_FIELDS = ("name", "relationship", "phone", "email", "lives_with_person")


def _uniqueness_problems(values: dict, *, exclude_pk=None) -> dict[str, str]:
    p = {}
    others = Person.objects.exclude(pk=exclude_pk) if exclude_pk else Person.objects.all()
    if values.get("nhs_number") and others.filter(nhs_number=values["nhs_number"]).exists():
        p["nhs_number"] = (
            "A person with this NHS number is already recorded. Search for them instead of "
            "recording them again"
        )
    if (
        values.get("case_system_id")
        and others.filter(case_system_id=values["case_system_id"]).exists()
    ):
        p["case_system_id"] = "A person with this case-system ID is already recorded"
    return p


def _check(values: dict, *, now: datetime, exclude_pk=None) -> dict:
    values = normalised({k: values.get(k) for k in PERSON_FIELDS})
    texts = {k: v for k, v in values.items() if isinstance(v, str)}
    # The specific message (an NHS number of the wrong shape) wins over the length.
    problems = length_problems(Person, texts)
    problems |= person_problems(values, today=timezone.localdate(now))
    problems |= _uniqueness_problems(values, exclude_pk=exclude_pk)
    if problems:
        raise ValidationError(problems)
    for key in PERSON_FIELDS:
        if values.get(key) is None and key not in ("nhs_number", "case_system_id"):
            values[key] = ""
    return values


def person_create(*, values: dict, actor, now: datetime, team=None) -> Person:
    values = _check(values, now=now)
    try:
        with transaction.atomic():
            person = Person.objects.create(
                **values, registered_team=team, created_by=actor, created_at=now
            )
            record_event(
                kind="person.recorded",
                # Never the name: the timeline is the person's already, and it is append-only
                # audit that outlives anonymisation (docs/SECURITY.md).
                summary="Person recorded",
                actor=actor,
                now=now,
                person=person,
                data={"team": team.name if team else None},
            )
    except IntegrityError as exc:
        # Another user recorded the same NHS number between our check and the insert.
        raise ValidationError(_uniqueness_problems(values) or {"__all__": str(exc)}) from exc
    return person


def person_update(*, person: Person, values: dict, actor, now: datetime) -> Person:
    merged = {k: values.get(k, getattr(person, k)) for k in PERSON_FIELDS}
    merged = _check(merged, now=now, exclude_pk=person.pk)
    changed = [k for k in PERSON_FIELDS if merged[k] != getattr(person, k)]
    if not changed:
        return person
    try:
        with transaction.atomic():
            locked = Person.objects.select_for_update().get(pk=person.pk)
            for k in changed:
                setattr(locked, k, merged[k])
            locked.save(update_fields=changed)
            labels = [str(Person._meta.get_field(k).verbose_name) for k in changed]
            record_event(
                kind="person.updated",
                summary="Details changed: " + ", ".join(labels),
                actor=actor,
                now=now,
                person=locked,
                data={"fields": changed},
            )
    except IntegrityError as exc:
        raise ValidationError(_uniqueness_problems(merged, exclude_pk=person.pk)) from exc
    return locked


def carer_add(*, person: Person, values: dict, actor, now: datetime) -> Carer:
    if not (values.get("name") or "").strip():
        raise ValidationError({"name": "Enter the carer's name"})
    if not (values.get("relationship") or "").strip():
        raise ValidationError({"relationship": "Enter how the carer is related to the person"})
    refuse_too_long(Carer, {k: values.get(k) for k in CARER_FIELDS if k != "lives_with_person"})
    with transaction.atomic():
        carer = Carer.objects.create(
            person=person,
            **{k: values.get(k) or "" for k in CARER_FIELDS if k != "lives_with_person"},
            lives_with_person=bool(values.get("lives_with_person")),
        )
        record_event(
            kind="person.carer_added",
            summary=f"Carer added ({carer.relationship})"[:500],
            actor=actor,
            now=now,
            person=person,
        )
    return carer


IDENTIFIERS = ("nhs_number", "case_system_id")


def person_record(*, values: dict, actor, now: datetime, team=None) -> Person:
    """A member of staff records a new person.

    A possible match the actor may see is theirs to check before calling this (the page
    shows it). A match they may not see is never mentioned to them: it is queued as a
    `PossibleDuplicate` for someone who may see both records, and an NHS number or
    case-system ID that already belongs to it is held on that question instead of being
    refused, since "already recorded" would say the person is known elsewhere.
    """
    from enablement.accounts.access import visible_people
    from enablement.people.selectors import identity_matches

    clean = normalised({k: values.get(k) for k in PERSON_FIELDS})
    found = []
    if clean.get("date_of_birth") and clean.get("family_name"):
        found = identity_matches(
            PersonFacts(
                id=None,
                given_name=clean.get("given_name") or "",
                family_name=clean["family_name"],
                date_of_birth=clean["date_of_birth"],
                nhs_number=clean.get("nhs_number") or None,
                case_system_id=clean.get("case_system_id") or None,
                postcode=clean.get("postcode") or "",
            )
        )
    seen = set(
        visible_people(actor).filter(pk__in=[p.pk for p, _ in found]).values_list("pk", flat=True)
    )
    hidden = [(p, m) for p, m in found if p.pk not in seen]
    held = {
        key: clean[key]
        for p, _ in hidden
        for key in IDENTIFIERS
        if clean.get(key) and getattr(p, key) == clean[key]
    }
    with transaction.atomic():
        person = person_create(
            values={**values, **dict.fromkeys(held)}, actor=actor, now=now, team=team
        )
        for other, match in hidden:
            PossibleDuplicate.objects.create(
                record=person,
                other=other,
                reasons=list(match.reasons),
                held_identifiers={k: v for k, v in held.items() if getattr(other, k) == v},
                raised_at=now,
                raised_by=actor,
            )
    return person


def resolve_possible_duplicate(
    *, question: PossibleDuplicate, decision: str, note: str, actor, now: datetime
) -> PossibleDuplicate:
    """Someone who may see both records says whether they are one person. Records are
    never merged: the answer is recorded on both timelines so the teams can agree what to
    do. Identifiers held back stay off the new record either way: they belong to the
    other one."""
    if decision not in PossibleDuplicate.Decision.values:
        raise ValidationError({"decision": "Select whether these are the same person"})
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": "The note must be 2,000 characters or fewer"})
    with transaction.atomic():
        question = PossibleDuplicate.objects.select_for_update().get(pk=question.pk)
        if not question.is_open:
            raise ValidationError({"__all__": "This question has already been answered"})
        question.decision, question.note = decision, note
        question.decided_by, question.decided_at = actor, now
        question.save(update_fields=["decision", "note", "decided_by", "decided_at"])
        label = PossibleDuplicate.Decision(decision).label.lower()
        for person, other in ((question.record, question.other), (question.other, question.record)):
            record_event(
                kind="person.duplicate_resolved",
                summary=f"Possible duplicate checked: {label}",
                actor=actor,
                now=now,
                person=person,
                data={"other": other.pk, "decision": decision, "note": note},
            )
    return question
