"""Visits, case notes and the senior's checks. Thin: the access door, a form, an action,
then back to a page (POST/redirect/GET)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from enablement.accounts import access
from enablement.accounts.decorators import role_required
from enablement.accounts.roles import Role
from enablement.core import clock
from enablement.core.formtools import add_errors
from enablement.core.params import query_int
from enablement.governance import reads
from enablement.visits import rules, selectors, services
from enablement.visits.forms import (
    CheckNoteForm,
    CorrectNoteForm,
    DiscussMissedVisitsForm,
    NoteForm,
    PlanVisitForm,
    RecordNewVisitForm,
    RecordVisitForm,
)
from enablement.visits.models import CaseNote, Visit

NOTES_PER_PAGE = 25


def _episode_for(request, pk, action: str | None = None):
    return access.get_episode_for(request.user, pk, action)


def _visit(episode, visit_id) -> Visit:
    visit = Visit.objects.filter(episode=episode, pk=visit_id).first()
    if visit is None:
        raise Http404
    return visit


def _note(episode, note_id) -> CaseNote:
    note = (
        CaseNote.objects.filter(episode=episode, pk=note_id)
        .select_related("written_by", "corrects")
        .first()
    )
    if note is None:
        raise Http404
    return note


def visits(request, pk):
    """The episode's visits, the hours against the guide, and the form to plan one."""
    episode = _episode_for(request, pk)
    may_record = access.may_act_on_episode(request.user, episode, "record_visit")
    form = PlanVisitForm(request.POST or None)
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.plan_visit(
                    episode=episode,
                    kind=form.cleaned_data["kind"],
                    planned_for=form.planned_for(),
                    actor=request.user,
                    now=clock.now(),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "Visit planned")
                return redirect("visits:visits", pk=episode.pk)
    today = clock.today()
    all_visits = selectors.episode_visits(episode)
    weeks = rules.hours_by_week(
        [(v.happened_on, v.hours) for v in all_visits],
        episode.started_on,
        episode.service_settings.weekly_hours,
        through=min(today, episode.planned_end) if episode.planned_end else today,
    )
    return render(
        request,
        "visits/visits.html",
        {
            "episode": episode,
            "person": episode.person,
            "referral": episode.referral,
            "form": form,
            "may_record": may_record and episode.is_open,
            "planned": [v for v in all_visits if v.recorded_at is None],
            "recorded": [v for v in all_visits if v.recorded_at is not None][::-1],
            "weeks": weeks,
            "guide": episode.service_settings.weekly_hours,
            "counts": selectors.missed_counts(episode),
            "may_discuss": access.may_act_on_episode(
                request.user, episode, "discuss_missed_visits"
            ),
            "today": today,
        },
    )


def _record(request, episode, visit, form_class):
    initial = {"happened_on": timezone.localdate(visit.planned_for)} if visit else {}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recorded = services.record_visit(
                episode=episode,
                visit=visit,
                kind=data.get("kind") or (visit.kind if visit else ""),
                outcome=data["outcome"],
                happened_on=data["happened_on"],
                hours=data["hours"],
                note=data["note"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Visit recorded")
            if recorded.prompted_senior:
                messages.info(
                    request, "The senior has been asked to discuss the missed visits with you"
                )
            return redirect("visits:visits", pk=episode.pk)
    return render(
        request,
        "visits/record.html",
        {
            "episode": episode,
            "person": episode.person,
            "referral": episode.referral,
            "visit": visit,
            "form": form,
        },
    )


def record(request, pk, visit_id):
    episode = _episode_for(request, pk, "record_visit")
    visit = _visit(episode, visit_id)
    if visit.recorded_at is not None:
        messages.info(
            request, "This visit has already been recorded: write a case note to correct it"
        )
        return redirect("visits:visits", pk=episode.pk)
    return _record(request, episode, visit, RecordVisitForm)


def record_new(request, pk):
    episode = _episode_for(request, pk, "record_visit")
    return _record(request, episode, None, RecordNewVisitForm)


def notes(request, pk):
    """The episode's notes, newest first, 25 a page, and the form to write one."""
    episode = _episode_for(request, pk)
    may_write = access.may_act_on_episode(request.user, episode, "write_note")
    may_escalate = access.may_act_on_episode(request.user, episode, "escalate")
    form = NoteForm(request.POST or None, may_escalate=may_escalate)
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.write_note(
                    episode=episode,
                    kind=form.cleaned_data["kind"],
                    text=form.cleaned_data["text"],
                    actor=request.user,
                    now=clock.now(),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                escalated = form.cleaned_data["kind"] == "escalation"
                messages.success(request, "Escalated to the senior" if escalated else "Note saved")
                return redirect("visits:notes", pk=episode.pk)
    page = Paginator(selectors.episode_notes(episode), NOTES_PER_PAGE).get_page(
        query_int(request.GET.get("page"))
    )
    return render(
        request,
        "visits/notes.html",
        {
            "episode": episode,
            "person": episode.person,
            "referral": episode.referral,
            "form": form,
            "may_write": may_write,
            "may_check": access.may_act_on_episode(request.user, episode, "check_note"),
            "page": page,
        },
    )


def note_correct(request, pk, note_id):
    episode = _episode_for(request, pk, "write_note")
    note = _note(episode, note_id)
    form = CorrectNoteForm(request.POST or None, initial={"text": note.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_note(
                note=note, text=form.cleaned_data["text"], actor=request.user, now=clock.now()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Correction saved: the original is labelled as corrected")
            return redirect("visits:notes", pk=episode.pk)
    return render(
        request,
        "visits/note_correct.html",
        {"episode": episode, "person": episode.person, "note": note, "form": form},
    )


def note_check(request, pk, note_id):
    episode = _episode_for(request, pk, "check_note")
    note = _note(episode, note_id)
    form = CheckNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.check_note(
                note=note,
                meets_standard=form.cleaned_data["meets_standard"],
                comment=form.cleaned_data["comment"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Check recorded")
            return redirect("visits:sample")
    return render(
        request,
        "visits/note_check.html",
        {
            "episode": episode,
            "person": episode.person,
            "note": note,
            "form": form,
            "checks": list(note.checks.select_related("checked_by")),
        },
    )


def discuss(request, pk):
    episode = _episode_for(request, pk, "discuss_missed_visits")
    form = DiscussMissedVisitsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.discuss_missed_visits(
                episode=episode,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Discussion recorded")
            return redirect("casework:episode", pk=episode.pk)
    return render(
        request,
        "visits/discuss.html",
        {
            "episode": episode,
            "person": episode.person,
            "form": form,
            "counts": selectors.missed_counts(episode),
        },
    )


@role_required(Role.SENIOR)
def sample(request):
    """The senior's sample of their team's recent notes to check."""
    staff = getattr(request.user, "staff", None)
    if staff is None or not staff.team_id:
        raise PermissionDenied
    found = selectors.note_sample(staff.team_id, now=clock.now(), checker=request.user)
    reads.shown_referrals([n.episode.referral for n in found])
    return render(
        request,
        "visits/sample.html",
        {
            "notes": found,
            "days": rules.NOTE_SAMPLE_DAYS,
            "size": rules.NOTE_SAMPLE_SIZE,
            "today": timezone.localdate(clock.now()),
        },
    )
