"""The visits actions on /api/v1/episodes/.

The same action functions and access door as the pages."""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from enablement.accounts import access
from enablement.api.pagination import Pages
from enablement.api.schemas import PathId, decimal_schema, responses
from enablement.core import clock
from enablement.core.limits import LONG_TEXT
from enablement.visits import selectors, services
from enablement.visits.models import CaseNote, ContactKind, NoteKind, Visit, VisitOutcome

router = Router(tags=["episodes"])


class VisitOut(Schema):
    id: int
    kind: str
    kind_label: str
    planned_for: datetime
    outcome: str = Field(description="Empty until recorded")
    outcome_label: str
    happened_on: date | None
    hours: Decimal | None
    note: str
    before_planning_meeting: bool
    recorded_at: datetime | None


class PlanIn(Schema):
    kind: ContactKind = ContactKind.VISIT
    planned_for: datetime


class RecordIn(Schema):
    outcome: VisitOutcome
    happened_on: date
    hours: Annotated[Decimal | None, decimal_schema(maximum=12)] = Field(
        None, ge=0, le=12, max_digits=4, decimal_places=2
    )
    note: str = Field("", max_length=LONG_TEXT)


class RecordNewIn(RecordIn):
    kind: ContactKind = ContactKind.VISIT


class NoteOut(Schema):
    id: int
    kind: str
    kind_label: str
    text: str
    written_at: datetime
    written_by: str
    corrects_id: int | None
    corrected_by_id: int | None
    checked: bool


class NoteIn(Schema):
    kind: NoteKind
    text: str = Field(..., max_length=LONG_TEXT)


class CorrectIn(Schema):
    text: str = Field(..., max_length=LONG_TEXT)


class CheckIn(Schema):
    meets_standard: bool
    comment: str = Field("", max_length=2000)


class CheckOut(Schema):
    id: int
    note_id: int
    meets_standard: bool
    comment: str
    checked_at: datetime


class DiscussIn(Schema):
    decision: Literal["continue", "propose_closure"]
    note: str = Field(..., max_length=LONG_TEXT)


class DiscussOut(Schema):
    episode_id: int
    missed_visits_discussed_at: datetime
    note_id: int


def _episode(request, episode_id, action=None):
    return access.get_episode_for(request.auth, episode_id, action)


def _visit_out(v: Visit) -> dict:
    return {
        "id": v.pk,
        "kind": v.kind,
        "kind_label": v.get_kind_display(),
        "planned_for": v.planned_for,
        "outcome": v.outcome,
        "outcome_label": v.get_outcome_display() if v.outcome else "",
        "happened_on": v.happened_on,
        "hours": v.hours,
        "note": v.note,
        "before_planning_meeting": v.before_planning_meeting,
        "recorded_at": v.recorded_at,
    }


def _note_out(n: CaseNote) -> dict:
    return {
        "id": n.pk,
        "kind": n.kind,
        "kind_label": n.get_kind_display(),
        "text": n.text,
        "written_at": n.written_at,
        "written_by": n.written_by.get_full_name() or n.written_by.username,
        "corrects_id": n.corrects_id,
        "corrected_by_id": getattr(n, "corrected_by_id", None),
        "checked": getattr(n, "checked", False),
    }


@router.get(
    "/{episode_id}/visits",
    response=responses({200: list[VisitOut]}),
    summary="The episode's visits, planned and recorded, in order of the planned time",
)
def visits_list(request, episode_id: PathId):
    episode = _episode(request, episode_id)
    return [_visit_out(v) for v in selectors.episode_visits(episode)]


@router.post(
    "/{episode_id}/visits",
    response=responses({201: VisitOut}),
    summary="Plan a visit, or record one that happened without being planned (send outcome)",
)
def visits_plan(request, episode_id: PathId, payload: PlanIn | RecordNewIn):
    episode = _episode(request, episode_id, "record_visit")
    if isinstance(payload, RecordNewIn):
        visit = services.record_visit(
            episode=episode,
            kind=payload.kind,
            outcome=payload.outcome,
            happened_on=payload.happened_on,
            hours=payload.hours,
            note=payload.note,
            actor=request.auth,
            now=clock.now(),
        )
    else:
        visit = services.plan_visit(
            episode=episode,
            kind=payload.kind,
            planned_for=payload.planned_for,
            actor=request.auth,
            now=clock.now(),
        )
    return Status(201, _visit_out(visit))


@router.post(
    "/{episode_id}/visits/{visit_id}/record",
    response=responses({200: VisitOut}),
    summary="Record what happened at a planned visit (once: a correction is a case note)",
)
def visits_record(request, episode_id: PathId, visit_id: PathId, payload: RecordIn):
    episode = _episode(request, episode_id, "record_visit")
    visit = Visit.objects.filter(episode=episode, pk=visit_id).first()
    if visit is None:
        raise Http404
    visit = services.record_visit(
        episode=episode,
        visit=visit,
        outcome=payload.outcome,
        happened_on=payload.happened_on,
        hours=payload.hours,
        note=payload.note,
        actor=request.auth,
        now=clock.now(),
    )
    return _visit_out(visit)


@router.get(
    "/{episode_id}/notes",
    response=responses({200: list[NoteOut]}),
    summary="The episode's case notes, newest first",
)
@paginate(Pages, page_size=25)
def visits_notes_list(request, episode_id: PathId):
    episode = _episode(request, episode_id)
    return _NotesPage(selectors.episode_notes(episode))


class _NotesPage(Sequence):
    """The notes read a page at a time: the pagination slices, the database pages."""

    def __init__(self, notes):
        self.notes = notes

    def __len__(self) -> int:
        return self.notes.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        return [_note_out(n) for n in self.notes[index]]


@router.post(
    "/{episode_id}/notes",
    response=responses({201: NoteOut}),
    summary="Write a case note; an escalation also tells the team's senior",
)
def visits_notes_write(request, episode_id: PathId, payload: NoteIn):
    episode = _episode(request, episode_id, "write_note")
    if payload.kind == NoteKind.ESCALATION and not access.may_act_on_episode(
        request.auth, episode, "escalate"
    ):
        raise PermissionDenied
    note = services.write_note(
        episode=episode,
        kind=payload.kind,
        text=payload.text,
        actor=request.auth,
        now=clock.now(),
    )
    return Status(201, _note_out(note))


def _note(episode, note_id) -> CaseNote:
    note = CaseNote.objects.filter(episode=episode, pk=note_id).first()
    if note is None:
        raise Http404
    return note


@router.post(
    "/{episode_id}/notes/{note_id}/correct",
    response=responses({201: NoteOut}),
    summary="Correct a note: a new note linked to the one it corrects, which is kept",
)
def visits_notes_correct(request, episode_id: PathId, note_id: PathId, payload: CorrectIn):
    episode = _episode(request, episode_id, "write_note")
    correction = services.correct_note(
        note=_note(episode, note_id), text=payload.text, actor=request.auth, now=clock.now()
    )
    return Status(201, _note_out(correction))


@router.post(
    "/{episode_id}/notes/{note_id}/check",
    response=responses({201: CheckOut}),
    summary="A senior's quality check of a note",
)
def visits_notes_check(request, episode_id: PathId, note_id: PathId, payload: CheckIn):
    episode = _episode(request, episode_id, "check_note")
    check = services.check_note(
        note=_note(episode, note_id),
        meets_standard=payload.meets_standard,
        comment=payload.comment,
        actor=request.auth,
        now=clock.now(),
    )
    return Status(
        201,
        {
            "id": check.pk,
            "note_id": check.note_id,
            "meets_standard": check.meets_standard,
            "comment": check.comment,
            "checked_at": check.checked_at,
        },
    )


@router.post(
    "/{episode_id}/missed-visits/discuss",
    response=responses({200: DiscussOut}),
    summary="The senior records the discussion of missed visits: continue or propose closure",
)
def visits_missed_discuss(request, episode_id: PathId, payload: DiscussIn):
    episode = _episode(request, episode_id, "discuss_missed_visits")
    note = services.discuss_missed_visits(
        episode=episode,
        decision=payload.decision,
        note=payload.note,
        actor=request.auth,
        now=clock.now(),
    )
    return {
        "episode_id": episode.pk,
        "missed_visits_discussed_at": episode.missed_visits_discussed_at,
        "note_id": note.pk,
    }
