"""The tracker: every referral the user may see, with its clocks, filtered, sorted, paged,
counted by status, and exported as CSV or XLSX (the spreadsheet the service kept beside the
case system).

What the issue asks for and what exists today:

- Columns now: reference, person, service, team, status, received, screening due (with its
  overdue flag), validated, decided (accepted, declined, routed, closed...) and the reason.
- Then the episode: the allocated worker and the day of allocation, its status, and for a
  closed one the day it closed and the reason (read with the episode's row: no extra query).

Everything is read through `access.visible_referrals(user)`, the one door, so the page and
both exports show a user exactly the referrals they may see, and the exports exactly the rows
the same filter shows on the page (every page of it, not only the one on screen).

The screening due date is stored on the referral by the action that starts or moves its clock
(ADR 0032), so "overdue only" is a `WHERE` (`selectors.screening_overdue`), "screening due" an
`ORDER BY` on the indexed column, and a page is read by LIMIT/OFFSET: no row outside the page
is read into Python.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone

from enablement.accounts import access
from enablement.casework.models import EpisodeStatus
from enablement.catalogue.models import ServiceSettings
from enablement.catalogue.vocab import ClosureReason
from enablement.core import clock, counting, export_jobs
from enablement.core.dates import short_date
from enablement.core.exports import streamed_csv, streamed_xlsx
from enablement.core.params import query_int
from enablement.governance import reads
from enablement.referrals import rules, tally
from enablement.referrals.rules import Status
from enablement.referrals.selectors import (
    holds_answered,
    is_screening_overdue,
    screening_overdue,
)
from enablement.referrals.views import REFERRAL_ROLES

PAGE_SIZE = 25
NO_TEAM = "none"

SORTS = (
    ("received", "Received, oldest first"),
    ("received_desc", "Received, newest first"),
    ("screening_due", "Screening due, soonest first"),
    ("status", "Status"),
    ("reference", "Reference"),
)
DEFAULT_SORT = "received"


# get_status_display() re-reads the model's callable choices on every call: too slow for
# the rows of an export, which are tuples anyway.
STATUS_LABELS = {s.value: s.label for s in Status}
EPISODE_STATUS_LABELS = dict(EpisodeStatus.choices)
CLOSURE_REASON_LABELS = dict(ClosureReason.choices)

_STATUS_ORDER = Case(
    *(When(status=s.value, then=Value(i)) for i, s in enumerate(Status)),
    default=Value(len(Status)),
    output_field=IntegerField(),
)
# Ties always fall back to the order of the queue: oldest received first.
_ORDERINGS = {
    "received": ("received_at", "pk"),
    "received_desc": ("-received_at", "-pk"),
    # Soonest first, referrals with no clock last (as PostgreSQL orders NULLs ascending, so
    # the (team, status, screening_due) index serves it).
    "screening_due": (F("screening_due").asc(nulls_last=True), "received_at", "pk"),
    "status": ("status_order", "received_at", "pk"),
    "reference": ("reference",),
}


# --- The filter form ----------------------------------------------------------------------


class TrackerForm(forms.Form):
    """The GET filter. Service and team offer only what the user's referrals use."""

    service = forms.ChoiceField(label="Service", required=False)
    team = forms.ChoiceField(label="Team", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All statuses"), *((s.value, s.label) for s in Status)],
    )
    overdue = forms.BooleanField(
        label="Overdue only",
        required=False,
        help_text="Referrals past their screening due date (a hold pauses the clock)",
    )
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORTS, initial=DEFAULT_SORT)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        visible = access.visible_referrals(user)
        services, teams = access.referral_places(user)
        services = services.order_by("name")
        self.fields["service"].choices = [
            ("", "All services"),
            *((str(s.pk), f"{s.name} ({s.code})") for s in services),
        ]
        teams = teams.select_related("service").order_by("service__name", "name")
        team_choices = [("", "All teams"), *((str(t.pk), str(t)) for t in teams)]
        if visible.filter(team__isnull=True).exists():
            team_choices.append((NO_TEAM, "Not yet given a team"))
        self.fields["team"].choices = team_choices

    def filters(self) -> "Filters":
        """The valid part of the filter (an unbound form is the default view)."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        data = self.cleaned_data
        team = data.get("team") or None
        return Filters(
            service=int(data["service"]) if data.get("service") else None,
            team=team if team in (None, NO_TEAM) else int(team),
            status=data.get("status") or "",
            overdue=bool(data.get("overdue")),
            sort=data.get("sort") or DEFAULT_SORT,
        )


# --- The selector ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    service: int | None = None
    team: int | str | None = None  # a team's id, NO_TEAM, or None for every team
    status: str = ""
    overdue: bool = False
    sort: str = DEFAULT_SORT


@dataclass(frozen=True)
class Row:
    referral: object
    screening_due: date | None
    screening_overdue: bool
    # The admin's case-system step in words, where the referral's rules have it (seed 000
    # process overview); empty elsewhere.
    case_system: str = ""

    @property
    def closure_reason(self) -> str:
        """Why the referral's enablement closed, in words; empty while it is open."""
        episode = getattr(self.referral, "episode", None)
        if episode is None or not episode.closure_reason:
            return ""
        return CLOSURE_REASON_LABELS.get(episode.closure_reason, episode.closure_reason)

    # A page's cells in words, made here rather than by template filters: 25 rows of
    # dates through the `date` filter were a tenth of the tracker's time (issue 14, load).

    @property
    def status(self) -> str:
        return Status(self.referral.status).label

    @property
    def received(self) -> str:
        return _day(self.referral.received_at)

    @property
    def due(self) -> str:
        return short_date(self.screening_due) if self.screening_due else ""

    @property
    def validated(self) -> str:
        return _day(self.referral.validated_at)

    @property
    def decided(self) -> str:
        return _day(self.referral.decided_at)

    @property
    def episode(self):
        return getattr(self.referral, "episode", None)

    @property
    def allocated(self) -> str:
        return _day(self.episode.allocated_at) if self.episode else ""

    @property
    def episode_status(self) -> str:
        return EpisodeStatus(self.episode.status).label if self.episode else ""

    @property
    def episode_closed(self) -> str:
        return _day(self.episode.closed_at) if self.episode else ""


def _day(moment: datetime | None) -> str:
    """The local day of a moment, as the tables write dates; empty for none."""
    return short_date(timezone.localtime(moment).date()) if moment else ""


@dataclass
class ScreeningClock:
    """A row of the tracker: the stored screening due date, overdue by the same rule as
    `selectors.clocks` (which also reads holds, which the tracker does not show), and the
    case-system step of the referral's settings version. The versions are read once each (a
    list has a handful; joining them to every row would decode their JSON thousands of
    times)."""

    today: date
    _versions: dict = field(default_factory=dict, repr=False)

    def load(self, version_ids: Iterable[int]) -> None:
        missing = set(version_ids) - self._versions.keys()
        if missing:
            self._versions.update(ServiceSettings.objects.in_bulk(missing))

    def case_system_step(self, version_id: int) -> bool:
        self.load([version_id])
        return self._versions[version_id].case_system_step

    def __call__(self, referral) -> Row:
        due = referral.screening_due
        overdue = is_screening_overdue(referral, self.today)
        case_system = rules.case_system_status(
            # A referral a front door handed on was validated there: no step here.
            self.case_system_step(referral.service_settings_id) and referral.routed_from_id is None,
            referral.case_system_requested_on,
            referral.case_system_confirmed_on,
        )
        return Row(referral, due, overdue, case_system)


@dataclass
class Tracker:
    referrals: QuerySet
    counts: list[tuple[str, str, counting.Count]]  # (status, label, number), in Status order
    total: counting.Count
    clock: ScreeningClock
    sort: str = DEFAULT_SORT

    @property
    def in_background(self) -> bool:
        """More rows than a request streams (the count's ceiling): the export is a job with
        a link (item 3)."""
        return self.total.more or self.total.n > settings.EXPORT_STREAM_ROWS

    def page(self, number):
        paginator = Paginator(self.referrals, PAGE_SIZE)
        # Counted already; beyond the largest export a request streams the pages stop
        # (filter to go further), so no page reads deeper into the order than that.
        paginator.count = min(self.total.n, settings.EXPORT_STREAM_ROWS)
        page = paginator.get_page(number)
        rows = []
        if paginator.count:
            # The page's ids first, from the referrals alone in the chosen order, then those
            # rows with their person, team, service and enablement (and logged as shown).
            # Asked for in one statement, PostgreSQL joined every match (the country's
            # 2,443 overdue) before sorting out the page's 25.
            ids = list(
                self.referrals.values_list("pk", flat=True)[
                    page.start_index() - 1 : page.end_index()
                ]
            )
            found = {r.pk: r for r in self.referrals.filter(pk__in=ids)}
            rows = [found[pk] for pk in ids if pk in found]
        self.clock.load({r.service_settings_id for r in rows})  # one query for the page
        return page, [self.clock(r) for r in rows]


def _counts(statuses: dict[str, counting.Count]) -> list[tuple[str, str, counting.Count]]:
    return [(s.value, s.label, statuses[s.value]) for s in Status if statuses.get(s.value)]


def _tallied(scope, filters: Filters, qs: QuerySet):
    """Exact counts by status and their total from the tally (ADR 0047), whatever the size
    of the history."""
    where = Q()
    if filters.service:
        where &= Q(service_id=filters.service)
    if filters.team == NO_TEAM:
        where &= Q(team__isnull=True)
    elif filters.team:
        where &= Q(team_id=filters.team)
    if filters.status:
        where &= Q(status=filters.status)
    return tally.visible_counts(scope, where, qs, settings.EXPORT_STREAM_ROWS)


def _ordered(qs: QuerySet, sort: str) -> QuerySet:
    if sort == "status":
        qs = qs.annotate(status_order=_STATUS_ORDER)
    return qs.order_by(*_ORDERINGS[sort])


def tracker(user, filters: Filters, *, today: date) -> Tracker:
    """The referrals the user may see that match the filter, in the chosen order, with counts
    by status of the whole filtered set. Filtering and sorting by the screening clock are
    done in SQL on the stored date."""
    # The rules version is not joined: the clock reads each version once (ScreeningClock).
    scope = access.referral_scope(user)
    qs = access.visible_referrals(user, scope=scope).select_related(
        "service", "team", "person", "submitted_details", "episode__worker__user"
    )
    if filters.service:
        qs = qs.filter(service_id=filters.service)
    if filters.team == NO_TEAM:
        qs = qs.filter(team__isnull=True)
    elif filters.team:
        qs = qs.filter(team_id=filters.team)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.filter(screening_overdue(today))
    sort = filters.sort if filters.sort in _ORDERINGS else DEFAULT_SORT
    if filters.overdue:
        # Overdue is a date, not a place: counted from the referrals, exact up to the
        # largest export a request streams and "more than" beyond it (ADR 0044), so whether
        # an export runs in the background is always known.
        statuses, total = counting.bounded_groups(
            qs, "status", [s.value for s in Status], settings.EXPORT_STREAM_ROWS
        )
    else:
        statuses, total = _tallied(scope, filters, qs)
    return Tracker(_ordered(qs, sort), _counts(statuses), total, ScreeningClock(today), sort)


# --- Export ---------------------------------------------------------------------------------

# (header, width in a spreadsheet). Dates are dates, so a spreadsheet sorts and filters them.
COLUMNS = (
    ("Reference", 18),
    ("Person", 24),
    ("Service", 10),
    ("Team", 24),
    ("Status", 30),
    ("Received", 13),
    ("Screening due", 13),
    ("Screening overdue", 10),
    ("Validated", 13),
    ("Case system asked", 13),
    ("Case system confirmed", 13),
    ("Decided", 13),
    ("Decision reason", 50),
    ("Allocated to", 24),
    ("Allocated", 13),
    ("Enablement", 24),
    ("Enablement closed", 13),
    ("Closure reason", 30),
)
HEADERS = [header for header, _ in COLUMNS]

# An export reads these columns as tuples (no model objects, one query through a server-side
# cursor): the labels come from the choices dicts above and the case-system step from the
# versions read once.
_EXPORT_FIELDS = (
    "reference",
    "person_id",
    "person__given_name",
    "person__family_name",
    "submitted_details__given_name",
    "submitted_details__family_name",
    "service__code",
    "team__name",
    "status",
    "received_at",
    "screening_due",
    "validated_at",
    "service_settings_id",
    "routed_from_id",
    "case_system_requested_on",
    "case_system_confirmed_on",
    "decided_at",
    "decision_reason",
    "episode__worker__user__first_name",
    "episode__worker__user__last_name",
    "episode__worker__user__username",
    "episode__allocated_at",
    "episode__status",
    "episode__closed_at",
    "episode__closure_reason",
)
CHUNK = 2000


def _local_date(moment: datetime | None, tz=None) -> date | None:
    # The zone looked up once per export: timezone.localdate() finds it again on every call,
    # which was a third of a 100,000-row export's time.
    return moment.astimezone(tz or timezone.get_current_timezone()).date() if moment else None


def _export_row(t: tuple, today: date, steps: dict[int, bool], tz) -> tuple[int | None, list]:
    (
        reference,
        person_id,
        given,
        family,
        submitted_given,
        submitted_family,
        service,
        team,
        status,
        received_at,
        due,
        validated_at,
        version_id,
        routed_from_id,
        asked,
        confirmed,
        decided_at,
        reason,
        worker_first,
        worker_last,
        worker_username,
        allocated_at,
        episode_status,
        closed_at,
        closure_reason,
    ) = t
    # Referral.person_name and User.__str__, from the columns.
    if person_id is not None:
        person = f"{given} {family}"
    elif submitted_given is not None:
        person = f"{submitted_given} {submitted_family} (not yet matched)"
    else:
        person = "Unknown person"
    overdue = rules.is_overdue(due, today) and status in rules.OVERDUE_STATUSES
    # A referral a front door handed on was validated there: no step here.
    step = rules.case_system_status(
        steps.get(version_id, False) and routed_from_id is None, asked, confirmed
    )
    worker = (f"{worker_first} {worker_last}".strip() or worker_username) if worker_username else ""
    return person_id, [
        reference,
        person,
        service,
        team or "",
        STATUS_LABELS.get(status, status),
        _local_date(received_at, tz),
        due,
        "Yes" if overdue else "No",
        _local_date(validated_at, tz),
        asked if step else None,
        confirmed if step else None,
        _local_date(decided_at, tz),
        reason,
        worker,
        _local_date(allocated_at, tz),
        EPISODE_STATUS_LABELS.get(episode_status, episode_status) if episode_status else "",
        _local_date(closed_at, tz),
        CLOSURE_REASON_LABELS.get(closure_reason, closure_reason) if closure_reason else "",
    ]


def export_rows(found: Tracker) -> Iterator[tuple[int | None, list]]:
    """Every row of the filter, in its order, as (person id, values), from a server-side
    cursor. The door and the filter are a semi-join (`pk IN (...)`), so the rows need no
    DISTINCT over every exported column."""
    from enablement.referrals.models import Referral

    # Versions are a small table: one query for all of them.
    steps = dict(ServiceSettings.objects.values_list("pk", "case_system_step"))
    rows = _ordered(
        Referral.objects.filter(pk__in=found.referrals.order_by().values("pk")), found.sort
    ).values_list(*_EXPORT_FIELDS)
    today, tz = found.clock.today, timezone.get_current_timezone()
    for t in rows.iterator(chunk_size=CHUNK):
        yield _export_row(t, today, steps, tz)


def exported_people(found: Tracker) -> set[int]:
    """The people of every row of the filter, for the export's access-log row."""
    people = found.referrals.order_by().values_list("person_id", flat=True).distinct()
    return {p for p in people.iterator(chunk_size=CHUNK) if p is not None}


def _filename_stem() -> str:
    return f"referrals-{clock.today().isoformat()}"


def export_source(user, query: QueryDict) -> export_jobs.Source:
    """The tracker's export for a job (`core.export_jobs`): the same form, door and filter
    as the page, for the user who asked, read when the job runs."""
    form = TrackerForm(query or None, user=user)
    if form.is_bound and not form.is_valid():
        raise ValueError("The filter is no longer valid for this user")
    found = tracker(user, form.filters(), today=clock.today())
    return export_jobs.Source(_filename_stem(), "Referrals", COLUMNS, lambda: export_rows(found))


# --- Views ----------------------------------------------------------------------------------


def _form_for(request) -> TrackerForm:
    if not request.user.has_role(*REFERRAL_ROLES):
        raise PermissionDenied
    return TrackerForm(request.GET or None, user=request.user)


def _tracker_for(request, form: TrackerForm) -> Tracker:
    return tracker(request.user, form.filters(), today=clock.today())


def tracker_page(request):
    form = _form_for(request)
    found = _tracker_for(request, form)
    page, rows = found.page(query_int(request.GET.get("page")))
    return render(
        request,
        "referrals/list.html",
        {
            "form": form,
            "filter_valid": not form.is_bound or form.is_valid(),
            "page": page,
            "rows": rows,
            "hold_answered": holds_answered(row.referral for row in rows),
            "counts": found.counts,
            "total": found.total,
            "in_background": found.in_background,
            "export_stream_rows": settings.EXPORT_STREAM_ROWS,
        },
    )


def _export(request, fmt: str):
    form = _form_for(request)
    if form.is_bound and not form.is_valid():
        # Never export a bad filter as if it were no filter.
        return HttpResponse(
            "The filter is not valid, so nothing was exported. Go back to the tracker, "
            "correct the filter and export again.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    query = request.GET.copy()
    query.pop("page", None)
    found = _tracker_for(request, form)
    filename = f"{_filename_stem()}.{fmt}"
    if found.in_background:
        job = export_jobs.start(
            user=request.user,
            source="referrals",
            fmt=fmt,
            path=request.path,
            query=request.META.get("QUERY_STRING", ""),
            filename=filename,
            expected=found.total.n,  # the ceiling: the job counts the rows it writes
        )
        return redirect("core:export-job", pk=job.pk)
    # One access-log row for the file, written at request (before the rows are sent): the
    # filter (the query string), the row count and the people in it.
    with reads.exporting() as export:
        export.count = found.total.n  # exact: a streamed export is within the ceiling
        export.people = exported_people(found)
    rows = (values for _, values in export_rows(found))
    if fmt == "csv":
        return streamed_csv(filename, HEADERS, rows)
    return streamed_xlsx(filename, "Referrals", COLUMNS, rows)


def export_csv(request):
    return _export(request, "csv")


def export_xlsx(request):
    return _export(request, "xlsx")
