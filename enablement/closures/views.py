"""Closure pages. Thin: the access door, the form, the action, then back to the episode."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from enablement.accounts import access
from enablement.accounts.roles import Role
from enablement.casework.models import EpisodeStatus
from enablement.closures import rules, selectors, services
from enablement.closures.forms import (
    AnswerDisputeForm,
    DecideClosureForm,
    DisputeForm,
    EscalateDisputeForm,
    ProposeClosureForm,
)
from enablement.closures.models import ClosureDispute, DisputeLevel
from enablement.core import clock
from enablement.core.formtools import add_errors
from enablement.governance import reads


def _episode(request, pk, action: str):
    return access.get_episode_for(request.user, pk, action)


def _back(episode):
    return redirect(reverse("casework:episode", args=[episode.pk]) + "#closure")


def propose(request, pk):
    episode = _episode(request, pk, "propose_closure")
    if episode.status not in rules.OPEN_BEFORE_CLOSING:
        messages.info(
            request,
            "A closure is already waiting for the senior"
            if episode.status == EpisodeStatus.CLOSING
            else "Closure can be proposed only for an enablement in planning or under way",
        )
        return _back(episode)
    plan = selectors.current_plan(episode)
    goals = list(plan.goals.order_by("position")) if plan else []
    # Employment and accommodation at closure start as they were at the planning meeting:
    # the worker changes what changed.
    meeting = getattr(episode, "meeting", None)
    form = ProposeClosureForm(
        request.POST or None,
        reasons=episode.service_settings.closure_reasons or [],
        goals=goals,
        initial={
            "employment_status": getattr(meeting, "employment_status", ""),
            "accommodation_status": getattr(meeting, "accommodation_status", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_closure(
                episode=episode, **form.values(), actor=request.user, now=clock.now()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Closure proposed: the senior has been asked to agree it")
            return _back(episode)
    return render(
        request,
        "closures/propose.html",
        {"episode": episode, "form": form, "plan": plan, "goals": goals},
    )


def decide(request, pk):
    episode = _episode(request, pk, "agree_closure")
    closure = selectors.proposed_closure(episode)
    form = DecideClosureForm(request.POST or None)
    if closure is not None and request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "agree":
                services.agree_closure(episode=episode, actor=request.user, now=clock.now())
                done = "Closure agreed: the enablement is closed to this service"
            else:
                services.not_agree_closure(
                    episode=episode,
                    note=form.cleaned_data["note"],
                    actor=request.user,
                    now=clock.now(),
                )
                done = "Closure not agreed: the enablement continues"
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, done)
            return _back(episode)
    outcomes = list(closure.goal_outcomes.select_related("goal")) if closure else []
    return render(
        request,
        "closures/decide.html",
        {
            "episode": episode,
            "closure": closure,
            "outcomes": outcomes,
            "reason": services.reason_label(closure.reason) if closure else "",
            "form": form,
        },
    )


def dispute(request, pk):
    episode = _episode(request, pk, "record_dispute")
    if episode.status != EpisodeStatus.CLOSED:
        messages.info(request, "A closure can be disputed once the enablement has closed")
        return _back(episode)
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_dispute(
                episode=episode, **form.cleaned_data, actor=request.user, now=clock.now()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Dispute recorded: the senior has been asked to answer it")
            return _back(episode)
    return render(request, "closures/dispute.html", {"episode": episode, "form": form})


def _step(request, pk, dispute_pk):
    episode = access.get_episode(request.user, pk)
    step = ClosureDispute.objects.filter(episode=episode, pk=dispute_pk).first()
    if step is None:
        raise Http404
    return episode, step


def answer(request, pk, dispute_pk):
    episode, step = _step(request, pk, dispute_pk)
    if not access.may_act_on_episode(request.user, episode, f"answer_dispute_{step.level}"):
        raise PermissionDenied
    if step.answered_at is not None:
        messages.info(request, "This step of the dispute has been answered")
        return _back(episode)
    form = AnswerDisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_dispute(
                episode=episode,
                dispute_id=step.pk,
                answer=form.cleaned_data["answer"],
                upheld=form.cleaned_data["upheld"] == "yes",
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Answer recorded")
            return _back(episode)
    return render(
        request,
        "closures/answer.html",
        {"episode": episode, "step": step, "form": form},
    )


def escalate(request, pk, dispute_pk):
    episode, step = _step(request, pk, dispute_pk)
    if not access.may_act_on_episode(request.user, episode, "record_dispute"):
        raise PermissionDenied
    steps = list(
        ClosureDispute.objects.filter(episode=episode)
        .order_by("raised_at", "id")
        .values_list("pk", "level")
    )
    upto = [level for _, level in steps[: [pk for pk, _ in steps].index(step.pk) + 1]]
    chain = rules.current_chain(upto)
    next_level = rules.next_dispute_level(chain) if step.upheld else None
    if step.answered_at is None or next_level is None:
        messages.info(request, "This step of the dispute cannot be escalated")
        return _back(episode)
    form = EscalateDisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.escalate_dispute(
                episode=episode,
                dispute_id=step.pk,
                grounds=form.cleaned_data["grounds"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Dispute escalated")
            return _back(episode)
    return render(
        request,
        "closures/escalate.html",
        {
            "episode": episode,
            "step": step,
            "next_level": dict(DisputeLevel.choices)[next_level],
            "form": form,
        },
    )


def to_agree(request):
    """The senior's closures to agree, and the dispute steps waiting for this user."""
    user = request.user
    if not user.has_role(Role.SENIOR, Role.PROVISION_MANAGER, Role.QUALITY_MANAGER):
        raise PermissionDenied
    closures = list(selectors.closures_to_agree(user))
    for closure in closures:
        closure.reason_label = services.reason_label(closure.reason)
    disputes = list(selectors.disputes_waiting(user))
    reads.shown_referrals([c.episode.referral for c in closures])
    reads.shown_referrals([d.episode.referral for d in disputes])
    return render(
        request,
        "closures/to_agree.html",
        {
            "closures": closures,
            "disputes": disputes,
        },
    )
