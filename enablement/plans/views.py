"""The plan's pages. Thin: the episode through the access door (or, for a person and their
carer, the portal's door), the form, the action, then back to a page to read."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from enablement.accounts import access
from enablement.accounts.roles import Role
from enablement.core import clock
from enablement.core.params import query_int
from enablement.plans import rules, selectors, services
from enablement.plans.forms import (
    PaperSignatureForm,
    PlanForm,
    RevisionForm,
    WorkerSignForm,
    plan_initial,
)
from enablement.plans.models import PlanStatus
from enablement.plans.pdf import plan_pdf


def _acting(request, pk, action: str):
    return access.get_episode_for(request.user, pk, action)


def _rows_wanted(request, plan) -> int:
    if request.method == "POST":
        rows = query_int(request.POST.get("goal_rows"), maximum=rules.MAX_GOALS) or 1
        return rows + 1 if "add_goal" in request.POST else rows
    existing = len(plan.goals.all()) if plan else 0
    return existing + 2 if existing else 3


def edit(request, pk):
    episode = _acting(request, pk, "edit_plan")
    plan = selectors.current_plan(episode)
    if plan is not None and plan.status == PlanStatus.SIGNED:
        return render(
            request,
            "plans/signed.html",
            {"episode": episode, "plan": plan, "form": RevisionForm()},
        )
    rows = min(_rows_wanted(request, plan), rules.MAX_GOALS)
    window = selectors.window(episode)
    kwargs = {
        "example": min(window.starts_on + timedelta(days=28), window.ends_on),
        "resources": selectors.resources(episode),
        "levels": selectors.levels(episode),
        "rows": rows,
    }
    conflict = None
    if request.method == "POST":
        form = PlanForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                saved = services.save_draft(
                    episode=episode,
                    values=form.values(),
                    resource_ids=form.resource_ids(),
                    row_version=form.cleaned_data["row_version"],
                    actor=request.user,
                    now=clock.now(),
                )
            except services.PlanChanged as exc:
                current = selectors.current_plan(episode)
                conflict = selectors.compare(selectors.as_input(current), form.values())
                form.add_error(None, exc.messages)
                form.conflict_version = current.row_version if current else 0
                plan = current
            except ValidationError as exc:
                form.add_action_errors(exc.message_dict)
            else:
                if "add_goal" in request.POST:
                    messages.success(request, "Plan saved. Add the next goal below.")
                    return redirect(f"{reverse('plans:edit', args=[pk])}?rows={rows}")
                messages.success(request, f"Plan version {saved.version} saved as a draft")
                return redirect("casework:episode", pk=pk)
    else:
        asked = query_int(request.GET.get("rows"), maximum=rules.MAX_GOALS)
        if asked:
            kwargs["rows"] = max(asked, len(plan.goals.all()) if plan else 1)
        form = PlanForm(
            initial=plan_initial(plan, default_level=selectors.default_level(episode)), **kwargs
        )
    if conflict is not None:
        # Keep what was typed; the next save is from the version now saved.
        data = request.POST.copy()
        data["row_version"] = str(form.conflict_version)
        form.data = data
    return render(
        request,
        "plans/edit.html",
        {
            "episode": episode,
            "plan": plan,
            "form": form,
            "conflict": [r for r in conflict if r.changed] if conflict else None,
            "window": window,
            "can_add": form.rows < rules.MAX_GOALS,
        },
    )


@require_POST
def revise(request, pk):
    episode = _acting(request, pk, "edit_plan")
    form = RevisionForm(request.POST)
    summary = form.cleaned_data["change_summary"] if form.is_valid() else ""
    services.start_revision(
        episode=episode, actor=request.user, now=clock.now(), change_summary=summary
    )
    return redirect("plans:edit", pk=pk)


def sign(request, pk):
    episode = _acting(request, pk, "sign_plan")
    plan = selectors.current_plan(episode)
    if plan is None or plan.status != PlanStatus.DRAFT:
        raise Http404
    initial = {"row_version": plan.row_version}
    worker_form = WorkerSignForm(
        initial=initial
        | {"differs_from_referral": plan.differs_from_referral, "differs_note": plan.differs_note}
    )
    paper_form = PaperSignatureForm(initial=initial)
    if request.method == "POST":
        which = request.POST.get("which")
        if which == "paper":
            paper_form = PaperSignatureForm(request.POST, request.FILES)
            form = paper_form
        else:
            worker_form = WorkerSignForm(request.POST)
            form = worker_form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form is paper_form:
                    plan = services.record_paper_signature(
                        episode=episode,
                        plan=plan,
                        signed_on=data["signed_on"],
                        scan=data.get("scan"),
                        row_version=data["row_version"],
                        actor=request.user,
                        now=clock.now(),
                    )
                else:
                    plan = services.sign_worker(
                        episode=episode,
                        plan=plan,
                        row_version=data["row_version"],
                        differs_from_referral=data["differs_from_referral"],
                        differs_note=data["differs_note"],
                        actor=request.user,
                        now=clock.now(),
                    )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                done = plan.status == PlanStatus.SIGNED
                messages.success(
                    request,
                    f"Plan version {plan.version} agreed and signed"
                    if done
                    else "Signature recorded: the plan is signed when both have signed",
                )
                return redirect("casework:episode", pk=pk)
    return render(
        request,
        "plans/sign.html",
        {
            "episode": episode,
            "plan": plan,
            "worker_form": worker_form,
            "paper_form": paper_form,
            "has_errors": bool(worker_form.errors or paper_form.errors),
        },
    )


def versions(request, pk):
    episode = access.get_episode(request.user, pk)
    return render(
        request,
        "plans/versions.html",
        {"episode": episode, "plans": selectors.versions(episode)},
    )


def compare(request, pk):
    episode = access.get_episode(request.user, pk)
    found = {p.version: p for p in selectors.versions(episode)}
    if not found:
        raise Http404
    newest = max(found)
    b = query_int(request.GET.get("b")) or newest
    a = query_int(request.GET.get("a")) or max((v for v in found if v < b), default=b)
    if a not in found or b not in found:
        raise Http404
    rows = selectors.compare(selectors.as_input(found[a]), selectors.as_input(found[b]))
    return render(
        request,
        "plans/compare.html",
        {
            "episode": episode,
            "a": found[a],
            "b": found[b],
            "rows": rows,
            "versions": sorted(found),
        },
    )


def _readable(request, pk, version):
    """Staff who see the episode read any version; the person and their carer read the
    signed plan and a draft waiting for the person's signature."""
    if request.user.is_authenticated and request.user.roles & {Role.PERSON, Role.CARER}:
        episode = selectors.get_portal_episode(request.user, pk)
        plan = selectors.get_version(episode, version)
        if not selectors.portal_may_read(plan):
            raise Http404
        return episode, plan, True
    episode = access.get_episode(request.user, pk)
    return episode, selectors.get_version(episode, version), False


def pdf(request, pk, version):
    episode, plan, _ = _readable(request, pk, version)
    response = HttpResponse(plan_pdf(plan, episode), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="plan-{episode.referral.reference}-v{plan.version}.pdf"'
    )
    return response


def easy_read(request, pk, version):
    episode, plan, portal = _readable(request, pk, version)
    return render(
        request,
        "plans/easy_read.html",
        {"episode": episode, "plan": plan, "portal": portal},
    )


def mine(request, pk):
    episode = selectors.get_portal_episode(request.user, pk)
    signed = selectors.signed_plan(episode)
    current = selectors.current_plan(episode)
    awaiting = (
        current
        if current is not None
        and current.status == PlanStatus.DRAFT
        and current.worker_signed_at is not None
        else None
    )
    return render(
        request,
        "plans/mine.html",
        {
            "episode": episode,
            "plan": signed,
            "awaiting": awaiting,
            "may_sign": awaiting is not None and episode.person.portal_user_id == request.user.pk,
            "next_visit": selectors.next_visit(episode, clock.now()),
        },
    )


@require_POST
def sign_mine(request, pk):
    episode = selectors.get_portal_episode(request.user, pk)
    if episode.person.portal_user_id != request.user.pk:
        raise Http404
    plan = selectors.current_plan(episode)
    if plan is None or plan.status != PlanStatus.DRAFT:
        raise Http404
    try:
        services.sign_person_portal(episode=episode, plan=plan, actor=request.user, now=clock.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Thank you: you have signed your plan")
    return redirect("plans:mine", pk=pk)
