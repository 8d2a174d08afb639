"""Separation of duties and break-glass pages (issue 9, item 6).

A system administrator gives roles (those that see case data only as a request) and may open
one record in an emergency; provision and quality managers decide the requests and see every
emergency access."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render

from enablement.accounts import rules, services
from enablement.accounts.decorators import role_required
from enablement.accounts.forms import BreakGlassForm, DecisionForm, RoleGiveForm
from enablement.accounts.models import BreakGlassGrant, RoleGrantRequest
from enablement.accounts.roles import Role
from enablement.core import clock
from enablement.core.formtools import add_errors
from enablement.governance import reads
from enablement.governance.models import Event

MANAGERS = (Role.PROVISION_MANAGER, Role.QUALITY_MANAGER)


def _requests():
    return services.role_requests()


def _seen_by(user):
    """Requests a user may open: system administrators all (they keep the accounts);
    managers those they may decide or have decided."""
    if Role.SYSADMIN in user.roles:
        return _requests()
    ids = [r.pk for r in services.requests_waiting_for(user)]
    return _requests().filter(Q(pk__in=ids) | Q(decided_by=user))


@role_required(Role.SYSADMIN)
def role_give(request):
    form = RoleGiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.role_give(
                user=data["user"],
                role=data["role"],
                team=data["team"],
                services=data["services"],
                reason=data["reason"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if made is None:
                messages.success(request, f"{data['user']} now has the role")
                return redirect("home:sysadmin")
            messages.success(
                request,
                "Request sent. A provision manager of the service or a quality manager will decide",
            )
            return redirect("accounts:role-request", pk=made.pk)
    return render(request, "accounts/role_give.html", {"form": form})


@role_required(Role.SYSADMIN, *MANAGERS)
def role_requests(request):
    waiting = services.requests_waiting_for(request.user)
    if Role.SYSADMIN in request.user.roles:
        recent = _requests()[:100]
    else:
        recent = _requests().filter(decided_by=request.user)[:100]
    return render(
        request,
        "accounts/role_requests.html",
        {"waiting": waiting, "recent": recent},
    )


@role_required(Role.SYSADMIN, *MANAGERS)
def role_request(request, pk):
    try:
        grant = _seen_by(request.user).get(pk=pk)
    except RoleGrantRequest.DoesNotExist as exc:
        raise Http404 from exc
    problem = services.decision_problem(request.user, grant)
    form = DecisionForm(request.POST or None) if problem is None else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.role_request_decide(
                request=grant,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
                actor=request.user,
                now=clock.now(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            grant.refresh_from_db()
            messages.success(request, f"Request {grant.get_status_display().lower()}")
            return redirect("accounts:role-requests")
    return render(
        request,
        "accounts/role_request.html",
        {"grant": grant, "form": form, "problem": problem},
    )


@role_required(Role.SYSADMIN)
def break_glass(request):
    form = BreakGlassForm(request.POST or None)
    now = clock.now()
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.break_glass_open(
                nhs_number=form.cleaned_data["nhs_number"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
                now=now,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                f"You can see this record until {grant.expires_at:%H:%M on %-d %B %Y}. "
                "Provision managers have been told",
            )
            return redirect("people:detail", pk=grant.person_id)
    live = (
        BreakGlassGrant.objects.filter(user=request.user, expires_at__gt=now)
        .select_related("person")
        .prefetch_related("person__referrals__service")
    )
    reads.shown_people(g.person for g in live)
    return render(
        request,
        "accounts/break_glass.html",
        {"form": form, "live": live, "hours": f"{settings.BREAK_GLASS_HOURS:g}"},
    )


@role_required(*MANAGERS)
def break_glass_log(request):
    grants = services.break_glass_visible_to(request.user)
    page = Paginator(grants, 50).get_page(request.GET.get("page"))
    now = clock.now()
    rows = [(g, rules.break_glass_live(g.expires_at, now)) for g in page.object_list]
    misses = []
    if Role.QUALITY_MANAGER in request.user.roles:
        misses = Event.objects.filter(kind="break_glass.no_match").select_related("actor")[:50]
    reads.shown_people(g.person for g in page.object_list)
    return render(
        request,
        "accounts/break_glass_log.html",
        {"page": page, "rows": rows, "misses": misses},
    )
