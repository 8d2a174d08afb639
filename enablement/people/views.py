from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from enablement.accounts import access
from enablement.accounts.roles import Role
from enablement.core import clock
from enablement.core.formtools import add_errors
from enablement.core.params import query_int
from enablement.governance import reads, timeline
from enablement.governance.selectors import timeline_for
from enablement.people import selectors, services
from enablement.people.forms import (
    CarerForm,
    DuplicateDecisionForm,
    NewPersonForm,
    PersonForm,
    SearchForm,
)
from enablement.people.rules import PersonFacts

SEARCH_ROLES = (
    Role.ADMIN,
    Role.WORKER,
    Role.SENIOR,
    Role.REFERRER,
    Role.PROVISION_MANAGER,
    Role.QUALITY_MANAGER,
)


def _require_perm(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied


def search(request):
    if not request.user.has_role(*SEARCH_ROLES):
        raise PermissionDenied
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(selectors.search_people(request.user, query), 25).get_page(
        query_int(request.GET.get("page"))
    )
    return render(
        request,
        "people/search.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "may_add": request.user.has_perm("people.add_person"),
        },
    )


def new(request):
    _require_perm(request, "people.add_person")
    now = clock.now()
    form = NewPersonForm(request.POST or None, today=clock.today())
    shown = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        candidate = PersonFacts(
            id=None,
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            nhs_number=data.get("nhs_number") or None,
            case_system_id=data.get("case_system_id") or None,
            postcode=data.get("postcode") or "",
        )
        shown = selectors.possible_duplicates(request.user, candidate)
        reads.shown_people(match for match, _ in shown)
        if shown and not data.get("confirm_not_duplicate"):
            form.add_error(
                "confirm_not_duplicate",
                "Check the possible matches below. If this is a different person, say so",
            )
        else:
            staff = getattr(request.user, "staff", None)
            try:
                person = services.person_record(
                    values=data,
                    actor=request.user,
                    now=now,
                    team=staff.team if staff else None,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"{person.full_name} recorded")
                return redirect("people:detail", pk=person.pk)
    return render(request, "people/new.html", {"form": form, "matches": shown})


def _flags(user, person, staff_view):
    """Flags for staff: the person's current referrals this user may see, and their
    communication needs. The person and their carer see none here (their portal is theirs)."""
    if not staff_view:
        return []
    from enablement.referrals import selectors as referral_selectors
    from enablement.referrals.rules import OPEN_STATUSES, WAITING_STATUSES, Status

    current_statuses = [str(s) for s in (*OPEN_STATUSES, *WAITING_STATUSES, Status.ALLOCATED)]
    from enablement.referrals.models import Referral

    # Read through the access door's filter, unlogged: the flags are about the person whose
    # record this request already logs as viewed, so one entry says it all.
    current = (
        Referral.objects.filter(access.referral_filter(user))
        .filter(person=person, status__in=current_statuses)
        .distinct()
        .select_related("person")
        .prefetch_related("risks")
    )
    return referral_selectors.person_flags(person, current)


def detail(request, pk):
    person = access.get_person(request.user, pk)  # logged as viewed by the door
    staff_view = request.user.has_perm("people.view_person")
    shown = []
    if staff_view:
        shown = selectors.possible_duplicates(request.user, selectors.facts_of(person))
        reads.shown_people(match for match, _ in shown)
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "flags": _flags(request.user, person, staff_view),
            "carers": person.carers.all(),
            "timeline": (
                timeline.page_of(timeline_for(person), request.GET.get(timeline.PARAM))
                if staff_view
                else []
            ),
            "matches": shown,
            "staff_view": staff_view,
            "may_change": access.may_change_person(request.user, person),
            "may_refer": Role.REFERRER in request.user.roles,
        },
    )


def edit(request, pk):
    person = access.get_person(request.user, pk, change=True)
    now = clock.now()
    initial = {f: getattr(person, f) for f in services.PERSON_FIELDS}
    form = PersonForm(request.POST or None, initial=initial, today=clock.today())
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                person=person, values=form.cleaned_data, actor=request.user, now=now
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Details saved")
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/edit.html", {"form": form, "person": person})


def carer_new(request, pk):
    person = access.get_person(request.user, pk, change=True)
    form = CarerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.carer_add(
                person=person, values=form.cleaned_data, actor=request.user, now=clock.now()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Carer added")
            return redirect(reverse("people:detail", kwargs={"pk": person.pk}) + "#carers")
    return render(request, "people/carer_new.html", {"form": form, "person": person})


# Who answers possible-duplicate questions: people who keep records or oversee services,
# and only for pairs of records they may both see (`selectors.duplicate_questions`).
DUPLICATE_ROLES = (Role.ADMIN, Role.SENIOR, Role.PROVISION_MANAGER, Role.QUALITY_MANAGER)


def duplicates(request):
    if not request.user.has_role(*DUPLICATE_ROLES):
        raise PermissionDenied
    page = Paginator(selectors.duplicate_questions(request.user), 25).get_page(
        request.GET.get("page")
    )
    reads.shown_people(p for q in page.object_list for p in (q.record, q.other))
    return render(request, "people/duplicates.html", {"page": page})


def duplicate_decide(request, pk):
    if not request.user.has_role(*DUPLICATE_ROLES):
        raise PermissionDenied
    question = selectors.duplicate_questions(request.user).filter(pk=pk).first()
    if question is None:
        raise Http404
    reads.shown_people((question.record, question.other), reads.Action.VIEW)
    form = DuplicateDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resolve_possible_duplicate(
                question=question,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Answer recorded on both records")
            return redirect("people:duplicates")
    return render(request, "people/duplicate_decide.html", {"form": form, "q": question})
