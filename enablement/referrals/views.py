from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from enablement.accounts import access
from enablement.accounts.roles import Role
from enablement.catalogue.models import Team
from enablement.core import clock
from enablement.core.formtools import add_errors
from enablement.core.params import query_int
from enablement.core.workdays import ENGLAND_AND_WALES
from enablement.governance import reads
from enablement.people import selectors as people_selectors
from enablement.people.rules import PersonFacts
from enablement.referrals import rules, selectors, services
from enablement.referrals.forms import (
    AnswerForm,
    AssessForm,
    HoldForm,
    MatchForm,
    ReferralForm,
    ReturnForm,
    RouteForm,
    ScreeningForm,
)

REFERRAL_ROLES = (
    Role.REFERRER,
    Role.ADMIN,
    Role.WORKER,
    Role.SENIOR,
    Role.PROVISION_MANAGER,
    Role.QUALITY_MANAGER,
)


def _require(request, referral, action: str):
    if not access.may_act_on_referral(request.user, referral, action):
        raise PermissionDenied


def referral_new(request):
    if Role.REFERRER not in request.user.roles:
        raise PermissionDenied
    person = access.get_person(request.user, query_int(request.GET.get("person")))
    form = ReferralForm(request.POST or None, initial={"named_social_worker": request.user.pk})
    if request.method == "POST" and form.is_valid():
        service, team = form.destination_value()
        try:
            referral = services.submit_referral(
                service=service,
                team=team,
                person=person,
                values=form.values(),
                risks=form.risks(),
                referrer=request.user,
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Referral {referral.reference} submitted")
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/form.html",
        {"form": form, "person": person, "title": f"Refer {person.full_name}"},
    )


def referral_detail(request, pk):
    if not request.user.has_role(*REFERRAL_ROLES) and not access.has_break_glass(request.user):
        raise Http404
    referral = access.get_referral(request.user, pk)
    today = clock.today()
    actions = [
        a
        for a in rules.allowed_actions(referral.status, routing=referral.service_settings.routing)
        if access.may_act_on_referral(request.user, referral, a.value)
        and a != rules.Action.EXPIRE_HOLD
        # A public submission is matched to a record before anything else is decided.
        and not (referral.awaiting_match and a == rules.Action.VALIDATE)
    ]
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "risks": referral.risks.all(),
            "returns": referral.returns.select_related("returned_by"),
            "screenings": referral.screenings.select_related("screened_by"),
            "holds": referral.holds.all(),
            "triage": getattr(referral, "triage", None),
            "events": referral.events.select_related("actor")[:100],
            "actions": actions,
            "may_match": referral.awaiting_match
            and access.may_act_on_referral(request.user, referral, "match"),
            "details": getattr(referral, "submitted_details", None),
            "clock": selectors.clocks(referral, today=today, calendar=ENGLAND_AND_WALES),
            "checklist": dict(rules.CHECKLIST),
            "previous": selectors.previous_outcomes(request.user, referral),
        },
    )


def _action_page(request, referral, form, *, title, button, success, run, **context):
    """Every front-door action page has one shape: the form, the action function, a message
    beside each field on a problem, back to the referral on success."""
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("referrals:detail", pk=referral.pk)
    context |= {"form": form, "referral": referral, "title": title, "button": button}
    return render(request, "referrals/action.html", context)


def _referral_for(request, pk, action: str):
    referral = access.get_referral(request.user, pk)
    _require(request, referral, action)
    return referral


def return_referral(request, pk):
    referral = _referral_for(request, pk, "return")
    return _action_page(
        request,
        referral,
        ReturnForm(request.POST or None),
        title="Return the referral",
        button="Return to the referrer",
        success=f"Referral {referral.reference} returned to the referrer",
        run=lambda d: services.return_referral(
            referral=referral,
            missing=d["missing"],
            note=d["note"],
            actor=request.user,
            now=clock.now(),
        ),
    )


def match_person(request, pk):
    """The admin decides who a public submission is about. They alone see every possible
    match, whoever holds it: resolving identity is their job (issue 9)."""
    referral = _referral_for(request, pk, "match")
    if not referral.awaiting_match:
        raise Http404
    details = referral.submitted_details
    matches = people_selectors.identity_matches(
        PersonFacts(
            id=None,
            given_name=details.given_name,
            family_name=details.family_name,
            date_of_birth=details.date_of_birth,
            nhs_number=details.nhs_number or None,
            case_system_id=None,
            postcode=details.postcode,
        )
    )
    by_id = {str(p.pk): p for p, _ in matches}
    reads.shown_people(by_id.values())
    return _action_page(
        request,
        referral,
        MatchForm(request.POST or None, matches=matches),
        title="Match the person to a record",
        button="Save",
        success=f"Referral {referral.reference} matched",
        run=lambda d: services.match_person(
            referral=referral,
            person=by_id.get(d["choice"]),
            without_nhs_number=d["without_nhs_number"],
            actor=request.user,
            now=clock.now(),
        ),
        intro_template="referrals/_submitted_details.html",
        details=details,
    )


@require_POST
def validate_referral(request, pk):
    referral = access.get_referral(request.user, pk)
    _require(request, referral, "validate")
    try:
        services.validate_referral(referral=referral, actor=request.user, now=clock.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Referral {referral.reference} validated")
    return redirect("referrals:detail", pk=referral.pk)


def resubmit_referral(request, pk):
    referral = access.get_referral(request.user, pk)
    _require(request, referral, "resubmit")
    if referral.status != rules.Status.RETURNED:
        raise Http404
    form = ReferralForm(request.POST or None, initial=ReferralForm.initial_from(referral))
    if request.method == "POST" and form.is_valid():
        try:
            services.resubmit_referral(
                referral=referral,
                values=form.values(),
                risks=form.risks(),
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Referral {referral.reference} resubmitted")
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/form.html",
        {
            "form": form,
            "person": referral.person,
            "referral": referral,
            "title": f"Correct referral {referral.reference}",
            "latest_return": referral.returns.first(),
            "checklist": dict(rules.CHECKLIST),
        },
    )


def screen_referral(request, pk):
    referral = _referral_for(request, pk, "screen_accept")
    form = ScreeningForm(
        request.POST or None, factors=referral.service_settings.not_appropriate_factors
    )
    return _action_page(
        request,
        referral,
        form,
        title="Screen the referral",
        button="Save",
        success=f"Referral {referral.reference} screened",
        run=lambda d: services.screen_referral(
            referral=referral,
            decision=d["decision"],
            desktop_check_complete=d["desktop_check_complete"],
            complex_features=d["complex_features"],
            risk_notes=d["risk_notes"],
            not_appropriate=d.get("not_appropriate", []),
            skills_needed=d["skills_needed"],
            reason=d["reason"],
            actor=request.user,
            now=clock.now(),
        ),
    )


def hold_referral(request, pk):
    referral = _referral_for(request, pk, "hold")
    return _action_page(
        request,
        referral,
        HoldForm(request.POST or None),
        title="Put on hold: complex risk",
        button="Put on hold and ask the social worker",
        success="On hold: the named social worker has been asked",
        run=lambda d: services.hold_referral(
            referral=referral, concern=d["concern"], actor=request.user, now=clock.now()
        ),
    )


def answer_hold(request, pk):
    referral = _referral_for(request, pk, "answer_hold")
    if referral.status != rules.Status.ON_HOLD:
        raise Http404
    return _action_page(
        request,
        referral,
        AnswerForm(request.POST or None),
        title="Answer the risk concern",
        button="Send answer",
        success="Answer sent: the referral is back with the team",
        run=lambda d: services.answer_hold(
            referral=referral, answer=d["answer"], actor=request.user, now=clock.now()
        ),
        hold=referral.holds.first(),
    )


def _route(request, referral, d):
    team = None
    if d["destination"].startswith("team:"):
        team = Team.objects.select_related("service").get(pk=int(d["destination"][5:]))
    services.route_referral(
        referral=referral,
        destination=team.service if team else None,
        team=team,
        outside_service=d["outside_service"],
        reason=d["reason"],
        actor=request.user,
        now=clock.now(),
    )


def route_referral(request, pk):
    referral = _referral_for(request, pk, "triage_route")
    return _action_page(
        request,
        referral,
        RouteForm(request.POST or None, referral=referral),
        title="Triage panel decision",
        button="Route",
        success=f"Referral {referral.reference} routed",
        run=lambda d: _route(request, referral, d),
    )


def _assessed_message(referral) -> str:
    triage, ref = referral.triage, referral.reference
    level = rules.level_label(triage.level)
    if triage.hub_id:
        return (
            f"Referral {ref} assessed at {level}: it is now in the queue of {triage.hub.name}, "
            "whose senior screens it and allocates a worker"
        )
    if triage.created_referral_id:
        return (
            f"Referral {ref} assessed at {level}: referred on to {triage.destination.name}, "
            f"on its waiting list as {triage.created_referral.reference}"
        )
    if triage.outside_service:
        return (
            f"Referral {ref} assessed at {level}: referred on to {triage.outside_service} "
            f"(contact: {triage.outside_contact}). The referrer has been told"
        )
    return f"Referral {ref} signposted: it has ended with the information given recorded"


def assess_referral(request, pk):
    """The hub assessment. Whoever assessed lands on a page they can see: the referral if
    it is still theirs to see, else their queue, with a banner saying where it went (an
    assessment to another hub takes it out of their sight)."""
    referral = _referral_for(request, pk, "assess")
    form = AssessForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        action = rules.assessment_action(referral.service_settings, d["level"])
        _require(request, referral, action.value)
        try:
            done = services.assess_referral(
                referral=referral,
                hub=d["hub"],
                level=d["level"],
                reason=d["reason"],
                information_given=d["information_given"],
                outside_service=d["outside_service"],
                outside_contact=d["outside_contact"],
                destination_team=d.get("destination_team"),
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _assessed_message(done))
            if access.may_see_referral(request.user, done):
                return redirect("referrals:detail", pk=done.pk)
            return redirect("referrals:list")
    return render(
        request,
        "referrals/assess.html",
        {"form": form, "referral": referral, "title": "Hub assessment"},
    )
