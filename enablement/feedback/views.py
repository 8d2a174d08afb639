"""Evaluation and feedback pages. Thin: the access door, the form, the action."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_ratelimit.core import get_usage

from enablement.accounts import access
from enablement.accounts.decorators import role_required
from enablement.accounts.roles import Role
from enablement.casework.models import EpisodeStatus
from enablement.catalogue.models import Service
from enablement.core import clock
from enablement.core.exports import csv_attachment
from enablement.core.formtools import add_errors
from enablement.core.net import request_client_address
from enablement.core.params import query_int
from enablement.core.workdays import ENGLAND_AND_WALES
from enablement.feedback import rules, selectors, services
from enablement.feedback.forms import (
    AnalysisFilterForm,
    AudienceForm,
    EvaluationForm,
    IncidentForm,
    PartnerFeedbackForm,
    ProcedureForm,
    PublicFeedbackForm,
    RespondForm,
    StaffFeedbackForm,
)
from enablement.feedback.models import Audience, FeedbackKind, ReceivedHow, Theme
from enablement.governance import reads


def _posted(request):
    """The POST data, or None on a GET: an empty POST is still a submission to check."""
    return request.POST if request.method == "POST" else None


OVERSIGHT = (Role.SENIOR, Role.PROVISION_MANAGER, Role.QUALITY_MANAGER)
RECORDERS = (Role.ADMIN, Role.WORKER, *OVERSIGHT)


def _procedures(services_):
    return [(s, services.current_procedure(s)) for s in services_]


# --- The public form ----------------------------------------------------------------------------

RATE_GROUP = "public-feedback"


def _at_limit(request, *, count: bool = False) -> bool:
    """As the self-referral form: only accepted submissions count against the limit."""
    usage = get_usage(
        request,
        group=RATE_GROUP,
        key=lambda group, req: request_client_address(req),
        rate=getattr(settings, "PUBLIC_FEEDBACK_RATE", settings.SELF_REFERRAL_RATE),
        increment=count,
    )
    return usage is not None and usage["count"] >= usage["limit"]


def _public_services():
    return [
        s for s in Service.objects.filter(active=True) if services.current_procedure(s) is not None
    ]


@login_not_required
def public_feedback(request):
    offered = _public_services()
    if request.method == "POST" and _at_limit(request):
        return render(
            request,
            "feedback/public_limited.html",
            {"procedures": _procedures(offered)},
            status=429,
        )
    form = PublicFeedbackForm(_posted(request), services=offered)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service = next(s for s in offered if s.code == data["service"])
        try:
            row = services.receive_feedback(
                service=service,
                kind=data["kind"],
                values={**data, "received_how": ReceivedHow.PUBLIC_FORM},
                actor=None,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            _at_limit(request, count=True)
            request.session["public_feedback"] = row.pk
            return redirect("feedback:public-done")
    return render(
        request,
        "feedback/public_form.html",
        {"form": form, "procedures": _procedures(offered)},
    )


@login_not_required
def public_done(request):
    from enablement.feedback.models import Feedback

    pk = request.session.get("public_feedback")
    row = Feedback.objects.filter(pk=pk).select_related("service", "procedure").first()
    if row is None:
        return redirect("feedback:public")
    return render(request, "feedback/public_done.html", {"row": row})


# --- The evaluation -----------------------------------------------------------------------------


@login_not_required
def evaluation_link(request, token):
    """The evaluation from an emailed link: no account. A used or expired link says so."""
    link = services.find_link(token)
    if link is None:
        raise Http404
    now = clock.now()
    state = rules.link_state(expires_at=link.expires_at, used_at=link.used_at, now=now)
    if state != "open":
        return render(request, "feedback/link_closed.html", {"state": state}, status=410)
    episode = link.episode
    form = EvaluationForm(
        _posted(request),
        questions=services.questions_for(episode.service, link.audience),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_by_link(token=token, answers=form.answers(), now=now)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("feedback:thanks")
    return render(
        request,
        "feedback/evaluation.html",
        {"form": form, "service": episode.service, "audience": link.audience, "public": True},
    )


@login_not_required
def thanks(request):
    return render(request, "feedback/thanks.html")


@role_required(Role.PERSON, Role.CARER)
def mine(request):
    rows = selectors.portal_evaluations(request.user)
    seen = {e.service_id: e.service for e, _, _ in rows}
    for person in access.visible_people(request.user).prefetch_related("referrals__service"):
        for referral in person.referrals.all():
            seen.setdefault(referral.service_id, referral.service)
    return render(
        request,
        "feedback/mine.html",
        {"rows": rows, "procedures": _procedures(seen.values())},
    )


@role_required(Role.PERSON, Role.CARER)
def mine_complete(request, pk):
    row = next((r for r in selectors.portal_evaluations(request.user) if r[0].pk == pk), None)
    if row is None:
        raise Http404
    episode, audience, done = row
    reads.viewed(person=episode.person)
    if done:
        messages.info(request, "You have already sent your evaluation. Thank you.")
        return redirect("feedback:mine")
    form = EvaluationForm(
        _posted(request),
        questions=services.questions_for(episode.service, audience),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_in_portal(
                episode=episode,
                audience=audience,
                answers=form.answers(),
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Thank you: your evaluation has been sent")
            return redirect("feedback:mine")
    return render(
        request,
        "feedback/evaluation.html",
        {"form": form, "service": episode.service, "audience": audience},
    )


def paper(request, pk):
    """Staff type in a paper evaluation for a closed (or closing) enablement."""
    episode = access.get_episode_for(request.user, pk, "record_evaluation")
    audience = request.POST.get("audience") or request.GET.get("audience") or Audience.PERSON
    if audience not in Audience.values:
        audience = Audience.PERSON
    chooser = AudienceForm(initial={"audience": audience})
    form = EvaluationForm(
        _posted(request),
        questions=services.questions_for(episode.service, audience),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_paper_evaluation(
                episode=episode,
                audience=audience,
                answers=form.answers(),
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Paper evaluation recorded")
            return redirect("casework:episode", episode.pk)
    return render(
        request,
        "feedback/paper.html",
        {
            "episode": episode,
            "form": form,
            "chooser": chooser,
            "audience": audience,
            "audience_label": Audience(audience).label,
            "closed": episode.status in (EpisodeStatus.CLOSED, EpisodeStatus.CLOSING),
        },
    )


def _analysis(request):
    visible = list(access.feedback_services(request.user))
    themes = list(Theme.objects.all())
    form = AnalysisFilterForm(request.GET or None, services=visible, themes=themes)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "service": next((s for s in visible if s.code == data["service"]), None),
            "start": data["start"],
            "end": data["end"],
            "audience": data["audience"],
            "theme": next((t for t in themes if str(t.pk) == data["theme"]), None),
        }
    return form, themes, selectors.free_text_answers(request.user, **filters)


@role_required(Role.PROVISION_MANAGER, Role.QUALITY_MANAGER)
def analysis(request):
    form, themes, rows = _analysis(request)
    rows = list(rows[:200])
    reads.shown_people(r.evaluation.episode.person_id for r in rows)
    return render(
        request,
        "feedback/analysis.html",
        {"form": form, "themes": themes, "rows": rows, "query": request.GET.urlencode()},
    )


@role_required(Role.PROVISION_MANAGER, Role.QUALITY_MANAGER)
def analysis_csv(request):
    _, _, rows = _analysis(request)
    with reads.exporting() as export:
        body = [
            (
                a.evaluation.service.name,
                a.evaluation.submitted_at.date(),
                a.evaluation.get_audience_display(),
                a.evaluation.get_channel_display(),
                a.question.text,
                a.text,
                "; ".join(t.name for t in a.themes.all()),
            )
            for a in export.rows(rows, person_of=lambda a: a.evaluation.episode.person_id)
        ]
    return csv_attachment(
        "evaluation-free-text.csv",
        ["Service", "Date", "Whose version", "How", "Question", "Answer", "Themes"],
        body,
    )


@require_POST
@role_required(Role.PROVISION_MANAGER, Role.QUALITY_MANAGER)
def tag(request, pk):
    answer = selectors.get_answer(request.user, pk)
    ids = [i for i in map(query_int, request.POST.getlist("themes")) if i is not None]
    services.tag_answer(answer=answer, theme_ids=ids, actor=request.user, now=clock.now())
    messages.success(request, "Themes saved")
    back = request.POST.get("next", "")
    return redirect(reverse("feedback:analysis") + (f"?{back}" if back else "") + f"#answer-{pk}")


# --- Compliments and complaints -----------------------------------------------------------------


def _labelled(rows, today):
    for row in rows:
        row.ack_label = rules.due_label(
            due=row.acknowledge_due,
            done=row.acknowledged_at is not None,
            today=today,
            calendar=ENGLAND_AND_WALES,
        )
        row.respond_label = rules.due_label(
            due=row.respond_due,
            done=row.responded_at is not None,
            today=today,
            calendar=ENGLAND_AND_WALES,
        )
        row.overdue = row.respond_label.startswith("Overdue") or row.ack_label.startswith("Overdue")
    return rows


@role_required(*OVERSIGHT)
def complaints(request):
    today = clock.today()
    return render(
        request,
        "feedback/complaints.html",
        {
            "complaints": _labelled(selectors.feedback_list(request.user), today),
            "compliments": selectors.feedback_list(request.user, kind=FeedbackKind.COMPLIMENT),
            "may_analyse": request.user.has_role(Role.PROVISION_MANAGER, Role.QUALITY_MANAGER),
        },
    )


@role_required(*RECORDERS)
def feedback_new(request):
    staff = getattr(request.user, "staff", None)
    offered = list(access.feedback_services(request.user)) or (
        [staff.team.service] if staff and staff.team_id else []
    )
    form = StaffFeedbackForm(_posted(request), services=offered)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service = next(s for s in offered if s.code == data["service"])
        try:
            services.receive_feedback(
                service=service,
                kind=data["kind"],
                values=data,
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{dict(FeedbackKind.choices)[data['kind']]} recorded")
            if request.user.has_role(*OVERSIGHT):
                return redirect("feedback:complaints")
            return redirect("accounts:home")
    return render(request, "feedback/feedback_new.html", {"form": form})


@role_required(*OVERSIGHT)
def feedback_detail(request, pk):
    row = selectors.get_feedback(request.user, pk)
    _labelled([row], clock.today())
    return render(
        request, "feedback/feedback_detail.html", {"row": row, "respond_form": RespondForm()}
    )


@require_POST
@role_required(*OVERSIGHT)
def acknowledge(request, pk):
    row = selectors.get_feedback(request.user, pk)
    try:
        services.acknowledge_complaint(feedback=row, actor=request.user, now=clock.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Complaint acknowledged")
    return redirect("feedback:feedback", pk)


@require_POST
@role_required(*OVERSIGHT)
def respond(request, pk):
    row = selectors.get_feedback(request.user, pk)
    form = RespondForm(request.POST)
    if form.is_valid():
        try:
            services.respond_to_complaint(
                feedback=row,
                response=form.cleaned_data["response"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Response recorded")
            return redirect("feedback:feedback", pk)
    _labelled([row], clock.today())
    return render(request, "feedback/feedback_detail.html", {"row": row, "respond_form": form})


# --- Incidents and partner feedback -------------------------------------------------------------


def _incident_page(request, *, referral, episode, back):
    form = IncidentForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_incident(
                kind=form.cleaned_data["kind"],
                referral=referral,
                episode=episode,
                values=form.cleaned_data,
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, "Recorded: the team's senior and the provision manager have been told"
            )
            return redirect(back)
    return render(
        request,
        "feedback/incident_new.html",
        {"form": form, "referral": referral, "episode": episode, "back": back},
    )


def incident_on_episode(request, pk):
    episode = access.get_episode_for(request.user, pk, "record_incident")
    return _incident_page(
        request,
        referral=episode.referral,
        episode=episode,
        back=reverse("casework:episode", args=[episode.pk]),
    )


def incident_on_referral(request, pk):
    referral = access.get_referral(request.user, pk)
    staff = getattr(request.user, "staff", None)
    # The team's queue, as the door reads it: its referrals, and its service's not yet
    # given a team.
    ours = (
        staff is not None
        and staff.team_id
        and (
            staff.team_id == referral.team_id
            or (referral.team_id is None and staff.team.service_id == referral.service_id)
        )
    )
    if not (request.user.has_role(Role.ADMIN, Role.WORKER, Role.SENIOR) and ours):
        raise PermissionDenied
    if referral.person_id is None:
        messages.info(request, "Match the referral to a person's record first")
        return redirect("referrals:detail", referral.pk)
    return _incident_page(
        request,
        referral=referral,
        episode=None,
        back=reverse("referrals:detail", args=[referral.pk]),
    )


@role_required(*OVERSIGHT)
def incidents(request):
    return render(
        request, "feedback/incidents.html", {"incidents": selectors.incidents(request.user)}
    )


@role_required(*OVERSIGHT)
def partners(request):
    offered = list(access.feedback_services(request.user))
    form = PartnerFeedbackForm(_posted(request), services=offered)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_partner_feedback(
                service=next(s for s in offered if s.code == data["service"]),
                values=data,
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Partner feedback recorded")
            return redirect("feedback:partners")
    return render(
        request,
        "feedback/partners.html",
        {"form": form, "rows": selectors.partner_feedback(request.user)},
    )


def procedure(request, code):
    """A service's complaints procedure: a change writes a new version (ADR 0034)."""
    service = Service.objects.filter(code=code).first()
    if service is None or not access.may_change_service(request.user, service):
        raise Http404
    current = services.current_procedure(service)
    initial = {}
    if current is not None:
        initial = {
            k: getattr(current, k)
            for k in (
                "complaints_procedure",
                "complaints_email",
                "complaints_phone",
                "complaints_textphone",
                "acknowledge_working_days",
                "respond_working_days",
            )
        }
    form = ProcedureForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        note = data.pop("change_note")
        try:
            version = services.change_procedure(
                service=service,
                values=data,
                change_note=note,
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Complaints procedure version {version.version} saved")
            return redirect("feedback:procedure", service.code)
    return render(
        request,
        "feedback/procedure.html",
        {"service": service, "current": current, "form": form},
    )
