"""The episode's pages. Thin: the access door, the form, the action, back to the episode
(POST/redirect/GET), with the action's problems beside the fields."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from enablement.accounts import access
from enablement.casework import forms, rules, services
from enablement.casework.models import Episode, EpisodeHold, EpisodeStatus, SafetyIssue
from enablement.casework.sections import episode_sections
from enablement.core import clock
from enablement.core.formtools import add_errors
from enablement.governance import timeline
from enablement.governance.models import Event
from enablement.plans.models import Plan
from enablement.referrals import selectors as referral_selectors


def episode(request, pk):
    episode = access.get_episode(request.user, pk)
    today = timezone.localdate(clock.now())
    events = Event.objects.filter(episode=episode).select_related("actor")
    return render(
        request,
        "casework/episode.html",
        {
            "episode": episode,
            "referral": episode.referral,
            "person": episode.person,
            "sections": episode_sections(request.user, episode, today=today),
            "today": today,
            "flags": referral_selectors.referral_flags(episode.referral),
            "timeline": timeline.page_of(events, request.GET.get(timeline.PARAM)),
        },
    )


def _posted(request):
    """The form's data on a POST, even an empty one (then every field says what is missing)."""
    return request.POST if request.method == "POST" else None


def _episode_for(request, pk, action: str):
    return access.get_episode_for(request.user, pk, action)


def _action_page(request, episode, form, *, title, button, success, run, **context):
    """Every casework action page has one shape: the form, the action function, a message
    beside each field on a problem, back to the episode on success."""
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("casework:episode", pk=episode.pk)
    context |= {
        "form": form,
        "episode": episode,
        "referral": episode.referral,
        "person": episode.person,
        "title": title,
        "button": button,
    }
    return render(request, "casework/action.html", context)


def risk_review(request, pk):
    episode = _episode_for(request, pk, "review_risk")
    return _action_page(
        request,
        episode,
        forms.RiskReviewForm(_posted(request)),
        title="Review the risk assessments and contact notes",
        button="Record the risk review",
        success="Risk review recorded",
        run=lambda d: services.record_risk_review(
            episode=episode, actor=request.user, now=clock.now()
        ),
        intro_template="casework/_risk_intro.html",
    )


def planning_meeting(request, pk):
    episode = _episode_for(request, pk, "record_meeting")
    form = forms.PlanningMeetingForm(_posted(request))

    def run(d):
        meeting = services.record_planning_meeting(
            episode=episode, values=form.meeting_values(), actor=request.user, now=clock.now()
        )
        if episode.status == EpisodeStatus.CLOSED:
            messages.info(
                request,
                "The enablement is closed as not ready for enablement; the named social "
                "worker has been told",
            )
        return meeting

    return _action_page(
        request,
        episode,
        form,
        title="Record the planning meeting",
        button="Record the planning meeting",
        success="Planning meeting recorded",
        run=run,
        intro_template="casework/_meeting_intro.html",
    )


def safety_issue(request, pk):
    episode = _episode_for(request, pk, "raise_safety_issue")
    return _action_page(
        request,
        episode,
        forms.SafetyIssueForm(_posted(request)),
        title="Raise a health-and-safety issue",
        button="Raise it with the named social worker",
        success="Health-and-safety issue raised with the named social worker",
        run=lambda d: services.raise_safety_issue(
            episode=episode,
            kind=d["kind"],
            description=d["description"],
            actor=request.user,
            now=clock.now(),
        ),
        issues=episode.safety_issues.select_related("raised_by", "resolved_by"),
        intro_template="casework/_safety_intro.html",
    )


def resolve_safety_issue(request, pk, issue_pk):
    episode = _episode_for(request, pk, "resolve_safety_issue")
    issue = get_object_or_404(SafetyIssue, pk=issue_pk, episode=episode)
    if not issue.is_open:
        raise Http404
    return _action_page(
        request,
        episode,
        forms.ResolveSafetyIssueForm(_posted(request)),
        title="Resolve a health-and-safety issue",
        button="Record as resolved",
        success="Health-and-safety issue resolved",
        run=lambda d: services.resolve_safety_issue(
            issue=issue, resolution=d["resolution"], actor=request.user, now=clock.now()
        ),
        issue=issue,
    )


def start(request, pk):
    episode = _episode_for(request, pk, "start")
    settings = rules.ClockSettings.of(episode.service_settings)
    return _action_page(
        request,
        episode,
        forms.StartForm(_posted(request), initial={"start_on": clock.today()}),
        title="Start the enablement",
        button="Start the enablement",
        success="The enablement has started: the person and the named social worker have "
        "been told the dates",
        run=lambda d: services.start_enablement(
            episode=episode, start_on=d["start_on"], actor=request.user, now=clock.now()
        ),
        clock_settings=settings,
        intro_template="casework/_start_intro.html",
    )


def hold(request, pk):
    episode = _episode_for(request, pk, "raise_hold")
    if not episode.service_settings.complex_risk_hold:
        raise Http404
    return _action_page(
        request,
        episode,
        forms.HoldForm(_posted(request)),
        title="Put the enablement on hold: a concern for the social worker",
        button="Put on hold and ask the social worker",
        success="On hold: the named social worker has been asked",
        run=lambda d: services.raise_episode_hold(
            episode=episode, concern=d["concern"], actor=request.user, now=clock.now()
        ),
        hold_deadline=services.hold_deadline(episode, clock.today()),
    )


def summary(request, pk):
    """For the referrer and the named social worker (and staff who see the whole episode):
    who, when, the signed plan's goals and an open hold with the answer form. Nothing else
    of the record."""
    episode = access.get_episode_summary(request.user, pk)
    open_hold = EpisodeHold.objects.filter(
        episode=episode, answered_at__isnull=True, expired_at__isnull=True
    ).first()
    may_answer = open_hold is not None and access.may_act_on_episode(
        request.user, episode, "answer_hold"
    )
    form = forms.HoldAnswerForm(_posted(request)) if may_answer else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.answer_episode_hold(
                    hold=open_hold,
                    answer=form.cleaned_data["answer"],
                    actor=request.user,
                    now=clock.now(),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "Answer sent: the enablement carries on")
                return redirect("casework:summary", pk=episode.pk)
    plan = (
        Plan.objects.filter(
            episode=episode, worker_signed_at__isnull=False, person_signed_on__isnull=False
        )
        .order_by("-version")
        .first()
    )
    return render(
        request,
        "casework/summary.html",
        {
            "episode": episode,
            "referral": episode.referral,
            "person": episode.person,
            "plan": plan,
            "goals": list(plan.goals.order_by("position")) if plan else [],
            "hold": open_hold,
            "form": form,
            "sees_all": Episode.objects.filter(
                access.episode_filter(request.user), pk=episode.pk
            ).exists(),
        },
    )
