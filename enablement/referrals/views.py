from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from enablement.accounts import access
from enablement.accounts.roles import Role
from enablement.catalogue.models import Team
from enablement.core import clock
from enablement.core.formtools import add_errors
from enablement.core.workdays import ENGLAND_AND_WALES
from enablement.referrals import rules, selectors, services
from enablement.referrals.forms import (
    AnswerForm,
    AssessForm,
    HoldForm,
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
    person = access.get_person(request.user, request.GET.get("person"))
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
    if not request.user.has_role(*REFERRAL_ROLES):
        raise Http404
    referral = access.get_referral(request.user, pk)
    today = clock.today()
    actions = [
        a
        for a in rules.allowed_actions(referral.status, routing=referral.service_settings.routing)
        if access.may_act_on_referral(request.user, referral, a.value)
        and a != rules.Action.EXPIRE_HOLD
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
            "clock": selectors.clocks(referral, today=today, calendar=ENGLAND_AND_WALES),
            "checklist": dict(rules.CHECKLIST),
            "previous": selectors.previous_outcomes(request.user, referral),
        },
    )


def referral_list(request):
    if not request.user.has_role(*REFERRAL_ROLES):
        raise PermissionDenied
    referrals = (
        access.visible_referrals(request.user)
        .select_related("service", "service_settings", "team", "person")
        .order_by("-received_at")
    )
    page = Paginator(referrals, 25).get_page(request.GET.get("page"))
    today = clock.today()
    rows = [
        (r, selectors.clocks(r, today=today, calendar=ENGLAND_AND_WALES)) for r in page.object_list
    ]
    return render(request, "referrals/list.html", {"page": page, "rows": rows})


def return_referral(request, pk):
    referral = access.get_referral(request.user, pk)
    _require(request, referral, "return")
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_referral(
                referral=referral,
                missing=form.cleaned_data["missing"],
                note=form.cleaned_data["note"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Referral {referral.reference} returned to the referrer")
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/action.html",
        {
            "form": form,
            "referral": referral,
            "title": "Return the referral",
            "button": "Return to the referrer",
        },
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
    referral = access.get_referral(request.user, pk)
    _require(request, referral, "screen_accept")
    factors = referral.service_settings.not_appropriate_factors
    form = ScreeningForm(request.POST or None, factors=factors)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.screen_referral(
                referral=referral,
                decision=d["decision"],
                desktop_check_complete=d["desktop_check_complete"],
                complex_features=d["complex_features"],
                risk_notes=d["risk_notes"],
                not_appropriate=d.get("not_appropriate", []),
                reason=d["reason"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Referral {referral.reference} screened")
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/action.html",
        {"form": form, "referral": referral, "title": "Screen the referral", "button": "Save"},
    )


def hold_referral(request, pk):
    referral = access.get_referral(request.user, pk)
    _require(request, referral, "hold")
    form = HoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hold_referral(
                referral=referral,
                concern=form.cleaned_data["concern"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "On hold: the named social worker has been asked")
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/action.html",
        {
            "form": form,
            "referral": referral,
            "title": "Put on hold: complex risk",
            "button": "Put on hold and ask the social worker",
        },
    )


def answer_hold(request, pk):
    referral = access.get_referral(request.user, pk)
    _require(request, referral, "answer_hold")
    if referral.status != rules.Status.ON_HOLD:
        raise Http404
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_hold(
                referral=referral,
                answer=form.cleaned_data["answer"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Answer sent: the referral is back with the team")
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/action.html",
        {
            "form": form,
            "referral": referral,
            "title": "Answer the risk concern",
            "button": "Send answer",
            "hold": referral.holds.first(),
        },
    )


def route_referral(request, pk):
    referral = access.get_referral(request.user, pk)
    _require(request, referral, "triage_route")
    form = RouteForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        team = None
        if d["destination"].startswith("team:"):
            team = Team.objects.select_related("service").get(pk=int(d["destination"][5:]))
        try:
            services.route_referral(
                referral=referral,
                destination=team.service if team else None,
                team=team,
                outside_service=d["outside_service"],
                reason=d["reason"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Referral {referral.reference} routed")
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/action.html",
        {"form": form, "referral": referral, "title": "Triage panel decision", "button": "Route"},
    )


def assess_referral(request, pk):
    referral = access.get_referral(request.user, pk)
    _require(request, referral, "assess")
    form = AssessForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.assess_referral(
                referral=referral,
                hub=d["hub"],
                level=d["level"],
                reason=d["reason"],
                information_given=d["information_given"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Assessment recorded for {referral.reference}")
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/action.html",
        {"form": form, "referral": referral, "title": "Hub assessment", "button": "Save"},
    )
