from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from enablement.accounts import access
from enablement.accounts.roles import Role
from enablement.catalogue.models import Team
from enablement.core import clock
from enablement.core.formtools import add_errors
from enablement.core.params import query_int
from enablement.core.workdays import ENGLAND_AND_WALES
from enablement.governance import reads, timeline
from enablement.people import selectors as people_selectors
from enablement.people.rules import PersonFacts
from enablement.referrals import draft_summary, drafts, rules, sections, selectors, services
from enablement.referrals.forms import (
    AnswerForm,
    AssessForm,
    CaseSystemConfirmForm,
    MatchForm,
    OnBehalfForm,
    PublicReturnForm,
    ReferralForm,
    ReturnForm,
    RouteForm,
    ScreeningForm,
    ServiceChoiceForm,
    UndoValidationForm,
    ValidateForm,
    WithdrawForm,
)
from enablement.referrals.models import ReferralDraft

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
    """Where a referral starts (the person page's "Refer"): choose the service, then write
    the referral in sections in a draft only the referrer sees (issue 12)."""
    if Role.REFERRER not in request.user.roles:
        raise PermissionDenied
    person = access.get_person(request.user, query_int(request.GET.get("person")))
    choices = drafts.referable_services()
    form = ServiceChoiceForm(request.POST or None, services=choices)
    if request.method == "POST" and form.is_valid():
        draft = drafts.start(
            author=request.user,
            person=person,
            service=form.cleaned_data["service"],
            now=clock.now(),
        )
        if not draft.answers:
            # A new draft goes straight to its first question; one already begun opens on its
            # task list, where the referrer sees what is left.
            first = sections.SECTIONS[0].slug
            return redirect("referrals:draft-section", pk=draft.pk, section=first)
        return redirect("referrals:draft", pk=draft.pk)
    return render(
        request,
        "referrals/draft_start.html",
        {
            "form": form,
            "person": person,
            "title": f"Refer {person.full_name}",
            "drafts": ReferralDraft.objects.filter(author=request.user, person=person)
            .select_related("service")
            .order_by("-updated_at"),
            "minimum_data": selectors.minimum_data_by_service(),
        },
    )


def _draft_for(request, pk) -> ReferralDraft:
    """The user's own draft, or 404: a draft is seen by its author alone, and only while
    they may still see the person."""
    if Role.REFERRER not in request.user.roles:
        raise Http404
    draft = (
        ReferralDraft.objects.select_related("service", "person")
        .filter(pk=pk, author=request.user)
        .first()
    )
    if draft is None:
        raise Http404
    draft.person = access.get_person(request.user, draft.person_id)
    return draft


def draft_list(request):
    if Role.REFERRER not in request.user.roles:
        raise Http404
    mine = list(
        ReferralDraft.objects.filter(author=request.user)
        .select_related("service", "person")
        .order_by("-updated_at")[:200]
    )
    visible = set(
        access.visible_people(request.user)
        .filter(pk__in=[d.person_id for d in mine])
        .values_list("pk", flat=True)
    )
    mine = [d for d in mine if d.person_id in visible]
    reads.shown_people(d.person_id for d in mine)
    return render(request, "referrals/drafts.html", {"drafts": mine})


def _states(draft, found):
    saved = set(draft.answers)
    return {
        s.slug: sections.section_state(s, saved=saved, problems=found) for s in sections.SECTIONS
    }


def draft_tasks(request, pk):
    draft = _draft_for(request, pk)
    found = drafts.problems(draft, now=clock.now())
    states = _states(draft, found)
    return render(
        request,
        "referrals/draft_tasks.html",
        {
            "draft": draft,
            "person": draft.person,
            "tasks": [(s, states[s.slug]) for s in sections.SECTIONS],
            "ready": sections.ready_to_check(states),
            "done": sum(st == sections.SectionState.COMPLETED for st in states.values()),
            "total": len(sections.SECTIONS),
        },
    )


def draft_section(request, pk, section):
    draft = _draft_for(request, pk)
    section = sections.BY_SLUG.get(section)
    if section is None:
        raise Http404
    form = drafts.section_form(
        draft, section, request.POST if request.method == "POST" else None, author=request.user
    )
    if request.method == "POST":
        draft = drafts.save_section(
            draft, section, drafts.typed(form, request.POST), now=clock.now()
        )
        draft.person = access.get_person(request.user, draft.person_id)
        if "later" in request.POST:
            messages.success(request, f"{section.title}: saved. You can come back to it")
            return redirect("referrals:draft", pk=draft.pk)
    if form.is_bound:
        # The form's own checks and the service's rules for this section, all at once.
        every = drafts.problems(draft, now=clock.now())
        found = sections.problems_by_section(every)[section.slug]
        form.full_clean()
        for key, errors in found.items():
            if key in form.fields and key not in form.errors:
                form.add_error(key, errors)
            elif key not in form.fields:
                form.add_error(None, errors)
        if request.method == "POST" and not form.errors:
            # On to the next section still to do, or to check your answers once none is.
            following = sections.next_section(section, _states(draft, every))
            if following is None:
                return redirect("referrals:draft-check", pk=draft.pk)
            return redirect("referrals:draft-section", pk=draft.pk, section=following.slug)
    return render(
        request,
        "referrals/draft_section.html",
        {
            "draft": draft,
            "person": draft.person,
            "section": section,
            "form": form,
            "title": section.title,
            **_team_context(draft, section),
        },
    )


def _team_context(draft, section) -> dict:
    if "team" not in section.fields or not drafts.chooses_team(draft.service):
        return {}
    proposal = drafts.team_proposal(draft)
    teams = drafts.active_teams(draft.service)
    return {
        "proposal": proposal,
        "proposed_team": next((t for t in teams if t.pk == proposal.team_id), None),
        "only_team": teams[0] if len(teams) == 1 else None,
    }


def draft_check(request, pk):
    draft = _draft_for(request, pk)
    now = clock.now()
    found = drafts.problems(draft, now=now)
    states = _states(draft, found)
    if request.method == "POST" and sections.ready_to_check(states):
        try:
            referral = drafts.submit(draft, actor=request.user, now=now)
        except ValidationError as exc:
            found = {k: list(v) for k, v in exc.message_dict.items()}
        else:
            messages.success(request, f"Referral {referral.reference} submitted")
            return redirect("referrals:detail", pk=referral.pk)
    by_section = sections.problems_by_section(found)
    team = drafts.chosen_team(draft)
    form = drafts.whole_form(draft, team)
    return render(
        request,
        "referrals/draft_check.html",
        {
            "draft": draft,
            "person": draft.person,
            "title": "Check your answers before sending the referral",
            "ready": sections.ready_to_check(states),
            "problems": [(s, by_section[s.slug]) for s in sections.SECTIONS if by_section[s.slug]],
            "summary": draft_summary.summary(draft, form, team),
        },
    )


def draft_delete(request, pk):
    draft = _draft_for(request, pk)
    if request.method == "POST":
        ReferralDraft.objects.filter(pk=draft.pk).delete()
        messages.success(request, f"Draft referral of {draft.person.full_name} deleted")
        return redirect("referrals:drafts")
    return render(request, "referrals/draft_delete.html", {"draft": draft, "person": draft.person})


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
        # Undo only before screening starts (issue 12).
        and not (a == rules.Action.UNDO_VALIDATE and selectors.undo_validation_problem(referral))
    ]
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "risks": referral.risks.all(),
            "flags": selectors.referral_flags(referral),
            "returns": referral.returns.select_related("returned_by"),
            "undos": referral.validation_undos.select_related("undone_by"),
            "screenings": referral.screenings.select_related("screened_by"),
            "holds": referral.holds.all(),
            "triage": getattr(referral, "triage", None),
            "history": timeline.page_of(
                referral.events.select_related("actor"), request.GET.get(timeline.PARAM)
            ),
            "actions": actions,
            "may_match": referral.awaiting_match
            and access.may_act_on_referral(request.user, referral, "match"),
            "details": getattr(referral, "submitted_details", None),
            "clock": selectors.clocks(referral, today=today),
            "checklist": dict(rules.CHECKLIST),
            "previous": selectors.previous_outcomes(request.user, referral),
            "previous_enablement": selectors.previous_enablement(request.user, referral),
            "handed_on": selectors.handed_on(request.user, referral),
            **_case_system_context(request, referral),
        },
    )


def _case_system_context(request, referral) -> dict:
    """The admin's case-system step, where the referral's settings have it (seed 000
    process overview): where it stands, and whether this user may record its confirmation."""
    step = referral.has_case_system_step
    return {
        "case_system": rules.case_system_status(
            step, referral.case_system_requested_on, referral.case_system_confirmed_on
        ),
        "validate_page": step,
        "may_confirm_case_system": step
        and referral.case_system_requested_on is not None
        and referral.case_system_confirmed_on is None
        and access.may_act_on_referral(request.user, referral, "validate"),
    }


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
    # A public submission goes back to the person, who has no inbox (issue 10 item 8).
    details = getattr(referral, "submitted_details", None)
    if details is not None:
        form = PublicReturnForm(request.POST or None, details=details)
    else:
        form = ReturnForm(request.POST or None)
    return _action_page(
        request,
        referral,
        form,
        title="Return the referral",
        button="Return to the person" if details else "Return to the referrer",
        success=f"Referral {referral.reference} returned to the "
        + ("person" if details else "referrer"),
        run=lambda d: services.return_referral(
            referral=referral,
            missing=d["missing"],
            note=d["note"],
            actor=request.user,
            now=clock.now(),
            person_told_by=d.get("person_told_by", ""),
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


def _validation_summary(referral) -> dict:
    """What the admin checks before validating: the referral's key facts and the service's
    checklist, only the items this referral's source must give (`rules.required_items`)."""
    required = rules.required_items(referral.service_settings, referral.source)
    return {
        "intro_template": "referrals/_validation_summary.html",
        "checklist_items": [label for code, label in rules.CHECKLIST if code in required],
        "risks": referral.risks.all(),
        "details": getattr(referral, "submitted_details", None),
    }


def validate_referral(request, pk):
    """The admin checks the summary and confirms (issue 12): a single click no longer
    validates. Where the service has the case-system step the page also takes its dates."""
    referral = access.get_referral(request.user, pk)
    _require(request, referral, "validate")
    data = request.POST if request.method == "POST" else None
    if referral.service_settings.case_system_step:
        # Validation records the case-system step: a page with its dates. Dates kept from a
        # validation that was undone are offered again.
        form = ValidateForm(
            # Every field may be empty: a POST with none of them is still the admin's answer.
            data,
            initial={
                "case_system_requested_on": referral.case_system_requested_on,
                "case_system_confirmed_on": referral.case_system_confirmed_on,
            },
        )
    else:
        # Nothing to fill in: the page is the summary and the confirmation.
        form = forms.Form(data)

    def run(d):
        services.validate_referral(
            referral=referral,
            **{k: d[k] for k in ValidateForm.base_fields if k in d},
            actor=request.user,
            now=clock.now(),
        )

    return _action_page(
        request,
        referral,
        form,
        title="Validate the referral",
        button="Validate",
        success=f"Referral {referral.reference} validated",
        run=run,
        **_validation_summary(referral),
    )


def undo_validation(request, pk):
    """The admin takes back a validation made by mistake, before screening starts, with a
    reason (issue 12)."""
    referral = _referral_for(request, pk, "undo_validate")
    problem = selectors.undo_validation_problem(referral)
    if problem:
        messages.error(request, problem)
        return redirect("referrals:detail", pk=referral.pk)
    return _action_page(
        request,
        referral,
        UndoValidationForm(request.POST or None),
        title="Undo the validation",
        button="Undo the validation",
        success=f"Validation of {referral.reference} undone: it is back in your queue to validate",
        run=lambda d: services.undo_validation(
            referral=referral, reason=d["reason"], actor=request.user, now=clock.now()
        ),
    )


def confirm_case_system(request, pk):
    """The admin records the day the case system confirmed the step they asked for."""
    referral = _referral_for(request, pk, "validate")
    if not referral.has_case_system_step:
        raise Http404
    return _action_page(
        request,
        referral,
        CaseSystemConfirmForm(request.POST or None),
        title="Record the case-system confirmation",
        button="Save",
        success=f"Case-system confirmation recorded for {referral.reference}",
        run=lambda d: services.confirm_case_system(
            referral=referral, confirmed_on=d["confirmed_on"], actor=request.user, now=clock.now()
        ),
    )


def resubmit_referral(request, pk):
    referral = access.get_referral(request.user, pk)
    _require(request, referral, "resubmit")
    if referral.status != rules.Status.RETURNED:
        raise Http404
    if hasattr(referral, "submitted_details"):
        return _resubmit_on_behalf(request, referral)
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
    return _screening_page(request, _referral_for(request, pk, "screen_accept"))


def hold_referral(request, pk):
    """The hold is one of the screening page's decisions (issue 12 item 3); this address,
    which other pages and tests may link to, opens that page with the hold chosen."""
    return _screening_page(request, _referral_for(request, pk, "hold"), preset="hold")


def _screening_page(request, referral, *, preset: str | None = None):
    """The senior's screening in one flow: the referral's key facts beside the form; the
    desktop check, the risk screening tool, eligibility and the decision, a hold included.
    The answers kept from an earlier screening (a hold's) are offered again."""
    settings = referral.service_settings
    may_hold = settings.complex_risk_hold and access.may_act_on_referral(
        request.user, referral, "hold"
    )
    # Back to screening after a hold: the answers given with it are offered again.
    kept = (
        referral.screenings.select_related("screened_by").order_by("-screened_at", "-pk").first()
        if referral.status == rules.Status.VALIDATED
        else None
    )
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and preset and not data.get("decision"):
        # A post to the hold address from its old form, which had no decision question.
        data["decision"] = preset
    form = ScreeningForm(
        data,
        initial=ScreeningForm.initial_from(kept) | ({"decision": preset} if preset else {}),
        factors=settings.not_appropriate_factors,
        appropriate=settings.appropriate_factors,
        holds=may_hold,
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["decision"] == "hold" and not may_hold:
                raise PermissionDenied
            done = services.screen_referral(
                referral=referral,
                decision=d["decision"],
                desktop_check_complete=d["desktop_check_complete"],
                complex_features=d["complex_features"],
                risk_notes=d["risk_notes"],
                not_appropriate=d.get("not_appropriate", []),
                appropriate_factors=d.get("appropriate_factors", []),
                skills_needed=d["skills_needed"],
                reason=d["reason"],
                concern=d.get("concern", ""),
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if done.status == rules.Status.ON_HOLD:
                until = rules.hold_expires_after(settings, clock.today(), ENGLAND_AND_WALES)
                messages.success(
                    request,
                    f"Referral {referral.reference} on hold: the named social worker has been "
                    f"asked, and has until the end of {until:%A %-d %B %Y} to answer",
                )
            else:
                messages.success(request, f"Referral {referral.reference} screened")
            return redirect("referrals:detail", pk=referral.pk)
    today = clock.today()
    return render(
        request,
        "referrals/screen.html",
        {
            "form": form,
            "referral": referral,
            "title": "Screen the referral",
            "flags": selectors.referral_flags(referral),
            "risks": referral.risks.all(),
            "details": getattr(referral, "submitted_details", None),
            "previous_enablement": selectors.previous_enablement(request.user, referral),
            "kept": kept,
            "answered_hold": referral.holds.filter(answered_at__isnull=False).first(),
            **_eligibility_context(referral, today),
            # The hold's deadline if it starts today (issue 12 item 3).
            "hold_deadline": rules.hold_expires_after(settings, today, ENGLAND_AND_WALES)
            if may_hold
            else None,
        },
    )


def _eligibility_context(referral, today) -> dict:
    """What the screener weighs before the questions: ordinary residence and the eligibility
    assessment (issue 10 item 6), and the eligibility rules on what the referral says, its
    outcome in words and each criterion that fails or needs judgement named (issue 12)."""
    settings = referral.service_settings
    residence = rules.residence_findings(
        settings,
        rules.Residence(
            referral.person.postcode if referral.person_id else None,
            referral.residence_override_reason,
        ),
    )
    assessment = rules.needs_assessment_findings(
        settings,
        rules.NeedsAssessment(referral.face_to_face_assessment, referral.eligibility_assessed_on),
    )
    shown_beside = {finding for _, finding in (*residence, *assessment)}
    verdict = services.referral_eligibility(referral, on=today, appropriate_factors=None)
    return {
        "residence": [(o, rules.without_citations(f)) for o, f in residence],
        "assessment": [(o, rules.without_citations(f)) for o, f in assessment],
        "eligibility": {
            "label": rules.Eligibility(verdict.outcome).label,
            "findings": [
                rules.without_citations(r) for r in verdict.reasons if r not in shown_beside
            ],
        },
    }


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
        # The social worker's own deadline (issue 12 item 3).
        hold_deadline=selectors.clocks(referral, today=clock.today()).hold_until,
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
        desktop_check_complete=d["desktop_check_complete"],
        complex_features=d["complex_features"],
        risk_notes=d["risk_notes"],
        not_appropriate=d.get("not_appropriate", []),
        appropriate_factors=d.get("appropriate_factors", []),
        needs_met_within_length=d["needs_met_within_length"],
        actor=request.user,
        now=clock.now(),
    )


def route_referral(request, pk):
    referral = _referral_for(request, pk, "triage_route")
    return _action_page(
        request,
        referral,
        RouteForm(request.POST or None, referral=referral),
        title="Panel screening and decision",
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
        {
            "form": form,
            "referral": referral,
            "title": "Hub assessment",
            # What a minimum-data referral did not have to give: gathered here (seed 003).
            "to_gather": selectors.to_gather(referral, today=clock.today()),
        },
    )


# --- Self-referral hand-offs (issue 10 item 8) ----------------------------------------------


def _resubmit_on_behalf(request, referral):
    """The admin corrects a returned public submission for the person after speaking to
    them: the person has no account to do it."""
    return _action_page(
        request,
        referral,
        OnBehalfForm(request.POST or None, initial=OnBehalfForm.initial_from(referral)),
        title="Correct the referral for the person",
        button="Resubmit",
        success=f"Referral {referral.reference} corrected and resubmitted",
        run=lambda d: services.resubmit_referral(
            referral=referral,
            values={k: d[k] for k in OnBehalfForm.FIELDS},
            risks={
                r.area: services.RiskEntry(r.description, r.assessed_on)
                for r in referral.risks.all()
            },
            actor=request.user,
            now=clock.now(),
        ),
        intro_template="referrals/_returned_to_person.html",
        latest_return=referral.returns.first(),
        checklist=dict(rules.CHECKLIST),
        details=referral.submitted_details,
    )


def withdraw_referral(request, pk):
    referral = _referral_for(request, pk, "withdraw")
    routing = referral.service_settings.routing
    if rules.Action.WITHDRAW not in rules.allowed_actions(referral.status, routing=routing):
        raise Http404
    return _action_page(
        request,
        referral,
        WithdrawForm(request.POST or None),
        title="Withdraw the referral",
        button="Withdraw",
        success=f"Referral {referral.reference} withdrawn",
        run=lambda d: services.withdraw_referral(
            referral=referral, reason=d["reason"], actor=request.user, now=clock.now()
        ),
    )
