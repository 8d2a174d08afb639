"""Pages for reviews and extensions. Thin: the access door, a form, an action, a redirect."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from enablement.accounts import access
from enablement.accounts.roles import Role
from enablement.casework.rules import is_overdue
from enablement.core import clock
from enablement.core.formtools import add_errors
from enablement.governance import reads
from enablement.reviews import rules, selectors, services
from enablement.reviews.forms import DecideForm, DiscussForm, ExtensionRequestForm, ReviewForm
from enablement.reviews.models import Extension, Review


def _episode_url(episode) -> str:
    return f"/episodes/{episode.pk}/#reviews"


def _require(user, episode, action):
    if not access.may_act_on_episode(user, episode, action):
        raise PermissionDenied


def _record(request, episode, review):
    today = timezone.localdate(clock.now())
    if review is not None and review.is_held:
        return render(
            request,
            "reviews/review.html",
            {
                "episode": episode,
                "review": review,
                "progress": review.progress.select_related("goal").order_by("goal__position"),
            },
        )
    _require(request.user, episode, "record_review")
    goals = selectors.current_goals(episode)
    form = ReviewForm(request.POST or None, goals=goals, initial={"held_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.record_review(
                episode=episode,
                review=review,
                values=form.values(),
                progress=form.progress(),
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            done = f"Review held on {saved.held_on:%-d %B %Y} recorded"
            if saved.new_plan_id:
                done += ": a new version of the plan is ready to sign"
            messages.success(request, done)
            return redirect(_episode_url(episode))
    return render(
        request,
        "reviews/record.html",
        {
            "episode": episode,
            "review": review,
            "overdue": review is not None and is_overdue(review.due_on, today),
            "form": form,
            "goals": goals,
            "started": episode.started_on is not None,
        },
    )


def record(request, pk, review_id):
    episode = access.get_episode(request.user, pk)
    review = get_object_or_404(Review, pk=review_id, episode=episode)
    return _record(request, episode, review)


def add(request, pk):
    """A review not on the schedule ("Add a review")."""
    episode = access.get_episode(request.user, pk)
    return _record(request, episode, None)


def extension_new(request, pk):
    episode = access.get_episode(request.user, pk)
    _require(request.user, episode, "request_extension")
    settings = episode.service_settings
    refused = rules.no_extension_message(
        settings.extension_rule, selectors.longer_programme(settings)
    )
    waiting = selectors.open_extension(episode)
    form = ExtensionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            extension = services.request_extension(
                episode=episode,
                weeks=form.cleaned_data["weeks"],
                reasons=form.cleaned_data["reasons"],
                evidence=form.cleaned_data["evidence"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Extension asked for")
            return redirect("reviews:extension", pk=episode.pk, extension_id=extension.pk)
    steps = rules.approval_steps(settings.extension_rule)
    return render(
        request,
        "reviews/extension_new.html",
        {
            "episode": episode,
            "form": form,
            "refused": refused,
            "waiting": waiting,
            "steps": steps,
            "maximum": settings.extension_max_weeks,
            "left": max((settings.extension_max_weeks or 0) - episode.extended_weeks, 0),
        },
    )


def extension(request, pk, extension_id):
    episode = access.get_episode(request.user, pk)
    ext = get_object_or_404(
        Extension.objects.select_related("requested_by", "discussed_by", "decided_by"),
        pk=extension_id,
        episode=episode,
    )
    settings = episode.service_settings
    step = rules.waiting_step(settings.extension_rule, ext.status)
    may_take = (
        step is not None
        and episode.is_open
        and access.may_act_on_episode(request.user, episode, step.action)
    )
    form = None
    if may_take:
        if step.kind == rules.DISCUSS:
            form = DiscussForm(request.POST or None)
        else:
            form = DecideForm(request.POST or None, needs_agreed_with=step.needs_agreed_with)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                if step.kind == rules.DISCUSS:
                    services.discuss_extension(
                        extension=ext,
                        note=form.cleaned_data["note"],
                        actor=request.user,
                        now=clock.now(),
                    )
                    done = "Discussion recorded: the provision manager decides next"
                else:
                    approve = form.cleaned_data["decision"] == "approve"
                    services.decide_extension(
                        extension=ext,
                        approve=approve,
                        note=form.cleaned_data["note"],
                        agreed_with=form.cleaned_data.get("agreed_with", ""),
                        actor=request.user,
                        now=clock.now(),
                    )
                    done = "Extension approved" if approve else "Extension refused"
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, done)
                return redirect("reviews:extension", pk=episode.pk, extension_id=ext.pk)
    week = rules.review_week_for_decision(settings.review_weeks)
    return render(
        request,
        "reviews/extension.html",
        {
            "episode": episode,
            "extension": ext,
            "step": step,
            "steps": rules.approval_steps(settings.extension_rule),
            "form": form,
            "review_week": week if step is not None and step.needs_review else None,
        },
    )


def extension_queue(request):
    user = request.user
    if not user.roles & {Role.SENIOR, Role.PROVISION_MANAGER}:
        raise PermissionDenied
    waiting = list(selectors.waiting_extensions(user))
    reads.shown_referrals(e.episode.referral for e in waiting)
    rows = []
    for e in waiting:
        step = rules.waiting_step(e.episode.service_settings.extension_rule, e.status)
        rows.append({"extension": e, "step": step})
    to_discuss = sum(1 for r in rows if r["step"] and r["step"].kind == rules.DISCUSS)
    return render(
        request,
        "reviews/extension_queue.html",
        {"rows": rows, "to_discuss": to_discuss, "to_decide": len(rows) - to_discuss},
    )
