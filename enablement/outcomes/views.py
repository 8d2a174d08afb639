"""Pages for outcome scores: the episode's distance travelled and recording a score (the
team), and the same for the person and their carer in the portal. Thin: the access door,
a form, an action, a redirect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from enablement.accounts import access
from enablement.core import clock
from enablement.core.formtools import add_errors
from enablement.outcomes import rules, selectors, services, wording
from enablement.outcomes.forms import ScoreForm
from enablement.outcomes.models import Assessment, CompletedBy, Completer, Instrument, Occasion
from enablement.plans.selectors import get_portal_episode


def _offered_instrument(episode, code) -> Instrument:
    if code not in services.offered(episode):
        raise Http404
    found = selectors.instruments([code])
    if not found or not found[0].active:
        raise Http404
    return found[0]


def _possible(episode, instrument) -> list[tuple[str, str]]:
    """The occasions this instrument can be scored on now, as form choices."""
    existing = set(
        Assessment.objects.filter(episode=episode, instrument=instrument).values_list(
            "occasion", flat=True
        )
    )
    choices = []
    for occasion in Occasion:
        problem = rules.occasion_problem(
            status=episode.status,
            occasion=occasion.value,
            offered=True,
            has_baseline=Occasion.BASELINE in existing,
            has_closure=Occasion.CLOSURE in existing,
        )
        if problem is None:
            label = occasion.label
            if occasion == Occasion.REVIEW:
                label = f"Review {services.next_review_number(episode, instrument)}"
            choices.append((occasion.value, label))
    return choices


def episode_outcomes(request, pk):
    """Distance travelled on every instrument the service scores, each a chart with its
    table; links to record a score for those who may."""
    episode = access.get_episode(request.user, pk)
    may_record = episode.is_open and access.may_act_on_episode(
        request.user, episode, "record_outcome"
    )
    return render(
        request,
        "outcomes/episode.html",
        {
            "episode": episode,
            "series": selectors.distance(episode),
            "may_record": may_record,
        },
    )


def record(request, pk, code):
    episode = access.get_episode_for(request.user, pk, "record_outcome")
    instrument = _offered_instrument(episode, code)
    items = list(instrument.items.all())
    occasions = _possible(episode, instrument)
    completers = [instrument.completed_by]
    if instrument.completed_by != Completer.WORKER:
        completers.append(CompletedBy.WORKER)
    form = ScoreForm(
        request.POST or None,
        instrument=instrument,
        labels=wording.item_labels(instrument, items),
        answer_words=wording.answer_labels(instrument),
        occasions=occasions,
        completers=completers,
        initial={"completed_on": timezone.localdate(clock.now())},
    )
    if request.method == "POST" and occasions and form.is_valid():
        try:
            saved = services.record_score(
                episode=episode,
                instrument=instrument,
                occasion=form.cleaned_data["occasion"],
                completed_by=form.cleaned_data["completed_by"],
                completed_on=form.cleaned_data["completed_on"],
                answers=form.answers(),
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _done(saved))
            return redirect("outcomes:episode", pk=episode.pk)
    return render(
        request,
        "outcomes/record.html",
        {"episode": episode, "instrument": instrument, "form": form, "occasions": occasions},
    )


def _done(saved: Assessment) -> str:
    what = f"{saved.occasion_label} {saved.instrument.name} recorded"
    if saved.score is None:
        return f"{what}: no score, because {len(saved.missing)} item(s) were not answered"
    return f"{what}: score {saved.score.normalize():f}"


def _portal_completer(user, episode) -> str | None:
    """The view this portal account gives: the person's own, or the carer's."""
    if episode.person.portal_user_id == user.pk:
        return Completer.PERSON
    if episode.person.carers.filter(portal_user=user).exists():
        return Completer.CARER
    return None


def _portal_occasion(episode, instrument) -> tuple[str, str] | None:
    """The portal does not ask the person which occasion: the first score is the
    baseline, one taken once closure is proposed is the closure score, any other a
    review."""
    possible = dict(_possible(episode, instrument))
    for occasion in (Occasion.BASELINE, Occasion.CLOSURE, Occasion.REVIEW):
        if occasion == Occasion.CLOSURE and episode.status != rules.CLOSING:
            continue
        if occasion.value in possible:
            return occasion.value, possible[occasion.value]
    return None


def mine(request, pk):
    episode = get_portal_episode(request.user, pk)
    completer = _portal_completer(request.user, episode)
    if completer is None:
        raise Http404
    series = selectors.distance(episode, completer=completer)
    offered = set(services.offered(episode))
    for s in series:
        s.next = (
            _portal_occasion(episode, s.instrument)
            if s.instrument.code in offered and s.instrument.active
            else None
        )
    return render(
        request,
        "outcomes/mine.html",
        {"episode": episode, "series": series, "completer": completer},
    )


def mine_record(request, pk, code):
    episode = get_portal_episode(request.user, pk)
    completer = _portal_completer(request.user, episode)
    instrument = _offered_instrument(episode, code)
    if completer is None or instrument.completed_by != completer:
        raise Http404
    occasion = _portal_occasion(episode, instrument)
    items = list(instrument.items.all())
    form = ScoreForm(
        request.POST or None,
        instrument=instrument,
        labels=wording.item_labels(instrument, items),
        answer_words=wording.answer_labels(instrument),
    )
    if request.method == "POST" and occasion and form.is_valid():
        try:
            services.record_score(
                episode=episode,
                instrument=instrument,
                occasion=occasion[0],
                completed_by=completer,
                completed_on=timezone.localdate(clock.now()),
                answers=form.answers(),
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Thank you: your answers are saved")
            return redirect("outcomes:mine", pk=episode.pk)
    return render(
        request,
        "outcomes/mine_record.html",
        {"episode": episode, "instrument": instrument, "form": form, "occasion": occasion},
    )
