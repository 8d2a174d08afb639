"""The daily views: the worker's caseload and the senior's team view. Thin: the access door,
the reads in `daily_selectors`, the rule in `daily_rules`."""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from enablement.accounts import access
from enablement.accounts.decorators import role_required
from enablement.accounts.roles import Role
from enablement.casework import daily_selectors
from enablement.core import clock
from enablement.core.params import query_int

TEAM_VIEW_ROLES = (Role.SENIOR, Role.PROVISION_MANAGER, Role.QUALITY_MANAGER)


class TeamChooser(forms.Form):
    team = forms.ModelChoiceField(
        label="Team",
        queryset=None,
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": "Select one of your teams"},
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["team"]
        field.queryset = teams
        field.label_from_instance = lambda t: f"{t.service.name}: {t.name}"


@role_required(Role.WORKER)
def caseload(request):
    now = clock.now()
    today = timezone.localdate(now)
    rows = daily_selectors.caseload(request.user, today)
    return render(
        request,
        "casework/caseload.html",
        {
            "rows": rows,
            "today": today,
            "counts": daily_selectors.worker_counts(rows, today),
        },
    )


def _chosen_team(request, teams):
    """The team asked for (404 if it is not one of the user's), else the user's own team,
    else the first they oversee."""
    if "team" in request.GET:
        try:
            return teams.get(pk=request.GET["team"])
        except (teams.model.DoesNotExist, ValueError, TypeError) as exc:
            raise Http404 from exc
    staff = getattr(request.user, "staff", None)
    own = staff.team_id if staff is not None else None
    choices = list(teams)
    for team in choices:
        if team.pk == own:
            return team
    return choices[0] if choices else None


@role_required(*TEAM_VIEW_ROLES)
def team(request):
    now = clock.now()
    today = timezone.localdate(now)
    teams = (
        access.allocation_teams(request.user)
        .select_related("service")
        .order_by("service__name", "name")
    )
    chosen = _chosen_team(request, teams)
    rows = daily_selectors.team_rows(request.user, chosen, today) if chosen else []
    page = Paginator(rows, daily_selectors.TEAM_PAGE).get_page(query_int(request.GET.get("page")))
    chooser = TeamChooser(initial={"team": chosen}, teams=teams)
    return render(
        request,
        "casework/team.html",
        {
            "team": chosen,
            "chooser": chooser,
            "several_teams": len(chooser.fields["team"].queryset) > 1,
            "rows": daily_selectors.with_details(page.object_list),
            "total": len(rows),
            "page": page,
            "today": today,
            "prompts": daily_selectors.prompts(request.user, chosen, today, now=now),
        },
    )
