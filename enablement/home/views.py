"""The page each role lands on after signing in. Each starts with what needs the user's
action (`selectors`), composed from every domain, so this app sits above them (ADR 0029)."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from enablement.accounts import access
from enablement.accounts.decorators import role_required
from enablement.accounts.roles import ROLES, Role
from enablement.catalogue.models import Service, ServiceSettings, Team
from enablement.catalogue.rules import caseload_capacity
from enablement.catalogue.selectors import services_with_figures, staffing_gaps, team_staff
from enablement.catalogue.vocab import DiagnosisCategory
from enablement.core import clock
from enablement.core.counting import CEILING, bounded_count
from enablement.core.counting import Count as Counted
from enablement.governance import reads
from enablement.governance.models import Event
from enablement.home import selectors
from enablement.people.selectors import counts_by_diagnosis, duplicate_questions
from enablement.referrals import tally

SMALL_NUMBER = 5  # counts below this are shown as "fewer than 5" to commissioners
BREAK_GLASS_RECENT_DAYS = 30  # the managers' home page counts emergency accesses this recent
RECENT_DAYS = 30  # the admin's home page lists what happened to the team's people this recent


def _team(request):
    staff = getattr(request.user, "staff", None)
    return staff.team if staff and staff.team_id else None


@role_required(Role.WORKER)
def worker(request):
    staff = request.user.staff if hasattr(request.user, "staff") else None
    team = _team(request)
    capacity = None
    if team and staff:
        capacity = caseload_capacity(team.service.current_settings.caseload_per_fte, staff.fte)
    people = (
        access.visible_people(request.user)
        .select_related("registered_team")
        .order_by("family_name")[:50]
    )
    episodes = []
    if staff:
        from enablement.casework.models import OPEN_EPISODE_STATUSES

        episodes = list(
            staff.episodes.filter(status__in=OPEN_EPISODE_STATUSES)
            .select_related("referral", "person")
            .order_by("allocated_at")
        )
        reads.shown_referrals(e.referral for e in episodes)
    from enablement.referrals.rules import Status

    # A hub's workers do the hub assessment (seed 003 LEH): its queue is theirs too.
    hub = team is not None and team.service.current_settings.routing == "hub"
    queue = _queue_context(request.user, Status.IN_TRIAGE) if hub else {"queue": None}
    return render(
        request,
        "home/worker.html",
        {
            "needs": selectors.worker(request.user, clock.today()),
            **queue,
            "staff": staff,
            "team": team,
            "capacity": capacity,
            "people": people,
            "episodes": episodes,
        },
    )


# A home page's lists (the queues waiting longest, a referrer's newest) show this many rows;
# the rest are a click away in the tracker or the people search, and the page says so. At
# national scale a queue is thousands long, and a hundred rows to build and log on every
# visit to a home page cost more than all its reads together (docs/PERFORMANCE.md).
HOME_ROWS = 25


@dataclass(frozen=True)
class QueueSummary:
    """How long a queue is, said on the home page above the rows shown: its total and, when
    not every row is shown, a link per status to the rest in the tracker."""

    total: Counted
    shown: int
    links: list[tuple[str, object, str]]

    @property
    def cut(self) -> bool:
        return self.total.more or self.total.n > self.shown


def _queue(user, *statuses):
    from enablement.referrals.rules import Status
    from enablement.referrals.selectors import clocks

    scope = access.referral_scope(user)
    where = Q(status__in=statuses)
    waiting = access.visible_referrals(user, scope=scope).filter(where)
    referrals = list(
        waiting.select_related("service", "team", "person", "submitted_details")
        .prefetch_related("holds")
        .order_by("received_at", "pk")[:HOME_ROWS]
    )
    # A settings version is read once, not joined to each row: its JSON rules were decoded
    # a hundred times over for the few versions a queue's rows share.
    versions = ServiceSettings.objects.in_bulk({r.service_settings_id for r in referrals})
    for r in referrals:
        r.service_settings = versions[r.service_settings_id]
    today = clock.today()
    rows = [(r, clocks(r, today=today), _next_step(user, r)) for r in referrals]
    # Counted even when all are shown, as the tracker counts (ADR 0047): a page's queries
    # stay the same however long the queue (home/tests/test_query_counts.py).
    each, total = tally.visible_counts(scope, where, waiting, CEILING)
    tracker = reverse("referrals:list")
    links = [
        (
            Status(status).label,
            each[status],
            f"{tracker}?{urlencode({'status': status, 'sort': 'received'})}",
        )
        for status in statuses
        if each.get(status)
    ]
    return rows, QueueSummary(total, len(rows), links)


def _queue_context(user, *statuses) -> dict:
    rows, summary = _queue(user, *statuses)
    return {"queue": rows, "queue_summary": summary}


def _next_step(user, referral):
    """The step this user takes next on a queued referral, linked from the queue so that
    doing it is one click (issue 12): its page shows the referral beside the form."""
    from enablement.referrals.rules import Action, allowed_actions

    steps = {
        Action.VALIDATE: ("referrals:validate", "Validate"),
        Action.SCREEN_ACCEPT: ("referrals:screen", "Screen"),
        Action.TRIAGE_ROUTE: ("referrals:route", "Record the panel's decision"),
        Action.ASSESS: ("referrals:assess", "Record the hub assessment"),
        Action.ANSWER_HOLD: ("referrals:answer", "Answer the risk concern"),
    }
    for action in allowed_actions(referral.status, routing=referral.service_settings.routing):
        if action not in steps or not access.may_act_on_referral(user, referral, action.value):
            continue
        if action == Action.VALIDATE and referral.awaiting_match:
            continue
        name, label = steps[action]
        return {"url": reverse(name, args=[referral.pk]), "label": label}
    return None


def _status_counts(user):
    from enablement.referrals.rules import Status

    rows = access.visible_referrals(user).values("status").annotate(n=Count("id"))
    return [(Status(r["status"]).label, r["n"]) for r in rows.order_by("status")]


def _waiting_for_person(user):
    from enablement.referrals.rules import Status

    return list(
        access.visible_referrals(user)
        .filter(status=Status.RETURNED, submitted_details__isnull=False)
        .select_related("submitted_details", "person")
        .prefetch_related("returns")
        .order_by("received_at")[:100]
    )


@role_required(Role.ADMIN)
def admin(request):
    from enablement.referrals.rules import Status

    team = _team(request)
    people = access.visible_people(request.user)
    # The last 30 days only: on PostgreSQL the older months' partitions are not read. The
    # events' own person column is filtered by the ids the user may see (no join of every
    # person), newest first, so the month's events are walked until twenty are found.
    now = clock.now()
    since = now - timedelta(days=RECENT_DAYS)
    theirs = access.person_filter(request.user, "person_id")
    recent = list(
        # Bounded above too: the months made ready ahead (governance/partitions.py) are
        # then left out when the statement is planned, not probed once per person.
        Event.objects.filter(
            theirs, occurred_at__gte=since, occurred_at__lt=now + timedelta(days=1)
        )
        .select_related("actor")
        .prefetch_related("person")  # a join made PostgreSQL hash every person
        .order_by("-occurred_at", "-id")[:20]
    )
    reads.shown_people({e.person_id for e in recent})
    return render(
        request,
        "home/admin.html",
        {
            "team": team,
            "people_count": bounded_count(people),
            "recent": recent,
            "recent_days": RECENT_DAYS,
            "needs": selectors.admin(request.user, clock.today()),
            **_queue_context(request.user, Status.SUBMITTED),
            # A returned public submission waits for the person, who has no account: the
            # admin corrects or withdraws it for them, so it stays in sight (issue 10 item 8).
            "waiting_for_person": _waiting_for_person(request.user),
            "counts": _status_counts(request.user),
            "duplicates": duplicate_questions(request.user).count(),
        },
    )


@role_required(Role.SENIOR)
def senior(request):
    from enablement.referrals.rules import Status

    team = _team(request)
    today = clock.today()
    rows = team_staff(team, on=today) if team else []
    needs = selectors.senior(request.user, team, today, clock.now())
    return render(
        request,
        "home/senior.html",
        {
            "needs": needs["items"],
            "team_needs": needs["team_items"],
            "prompts": needs["prompts"],
            "team": team,
            "rows": rows,
            "room": needs["room"],
            "waiting": needs["waiting"],
            "people_count": bounded_count(access.visible_people(request.user)),
            **_queue_context(request.user, Status.VALIDATED, Status.IN_TRIAGE, Status.ON_HOLD),
        },
    )


def _suppress(n: int, suppress: bool) -> str:
    return f"fewer than {SMALL_NUMBER}" if suppress and 0 < n < SMALL_NUMBER else str(n)


@role_required(Role.PROVISION_MANAGER, Role.QUALITY_MANAGER, Role.COMMISSIONER)
def dashboard(request):
    services = services_with_figures(access.services_overseen(request.user))
    commissioner_only = request.user.primary_role == Role.COMMISSIONER
    # Aggregates only: commissioners never reach a person's record, and small counts are
    # suppressed so no one can be singled out.
    labels = dict(DiagnosisCategory.choices)
    table = [
        {
            "service": service,
            "category": labels.get(diagnosis, diagnosis),
            "count": _suppress(n, commissioner_only),
        }
        for service, diagnosis, n in counts_by_diagnosis(services)
    ]
    duties = None
    if request.user.has_role(Role.PROVISION_MANAGER, Role.QUALITY_MANAGER):
        from enablement.accounts.services import break_glass_visible_to, requests_waiting_for

        since = clock.now() - timedelta(days=BREAK_GLASS_RECENT_DAYS)
        duties = {
            "role_requests": len(requests_waiting_for(request.user)),
            "break_glass": break_glass_visible_to(request.user)
            .filter(started_at__gte=since)
            .count(),
            "days": BREAK_GLASS_RECENT_DAYS,
            "duplicates": duplicate_questions(request.user).count(),
        }
    return render(
        request,
        "home/dashboard.html",
        {
            "services": services,
            "table": table,
            "commissioner_only": commissioner_only,
            "duties": duties,
        },
    )


@role_required(Role.REFERRER)
def referrer(request):
    # The newest of each, one more read than shown to know whether there are more; the
    # tracker and the people search reach the rest, and the page says so.
    people = list(
        access.visible_people(request.user)
        .select_related("registered_team")
        .order_by("-created_at", "-pk")[: HOME_ROWS + 1]
    )
    referrals = list(
        access.visible_referrals(request.user)
        .select_related("service", "team", "person", "submitted_details")
        # NULLS LAST is an order the lists' (received_at, id) index cannot give: PostgreSQL
        # then reads the referrer's own few hundred by their indexes and sorts them, rather
        # than walking the whole country's newest referrals for a page of theirs (120 ms).
        .order_by(F("received_at").desc(nulls_last=True), "-pk")[: HOME_ROWS + 1]
    )
    return render(
        request,
        "home/referrer.html",
        {
            "needs": selectors.referrer(request.user),
            "people": people[:HOME_ROWS],
            "more_people": len(people) > HOME_ROWS,
            "referrals": referrals[:HOME_ROWS],
            "more_referrals": len(referrals) > HOME_ROWS,
            "shown": HOME_ROWS,
        },
    )


@role_required(Role.PERSON, Role.CARER)
def portal(request):
    from enablement.plans import selectors as plans

    people = access.visible_people(request.user).prefetch_related("carers")
    # The enablement as the person sees it: the signed plan, the dates, the next visit.
    episodes = plans.portal_episodes(request.user)
    visits = plans.next_visits(episodes, clock.now())
    for episode in episodes:
        episode.next_visit = visits.get(episode.pk)
    return render(request, "home/portal.html", {"people": people, "episodes": episodes})


@role_required(Role.SYSADMIN)
def sysadmin(request):
    user_model = get_user_model()
    by_group = dict(
        user_model.objects.filter(is_active=True)
        .values_list("groups__name")
        .annotate(n=Count("id"))
        .values_list("groups__name", "n")
    )
    roles = [(info.label, by_group.get(info.group, 0)) for info in ROLES.values()]
    from enablement.accounts.models import RoleGrantRequest

    return render(
        request,
        "home/sysadmin.html",
        {
            "services": services_with_figures(Service.objects.all()),
            "teams": Team.objects.select_related("service"),
            "roles": roles,
            "role_requests_waiting": RoleGrantRequest.objects.filter(
                status=RoleGrantRequest.Status.PENDING
            ).count(),
            # Teams missing a role their service's path needs (issue 10 item 9).
            "staffing": staffing_gaps(),
            "all_teams": set(access.teams_visible(request.user).values_list("pk", flat=True)),
        },
    )
