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

import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, QuerySet, Value, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from enablement.accounts import access
from enablement.casework.models import EpisodeStatus
from enablement.catalogue.models import Service, ServiceSettings, Team
from enablement.catalogue.vocab import ClosureReason
from enablement.core import clock
from enablement.core.exports import attachment, csv_bytes
from enablement.core.params import query_int
from enablement.governance import reads
from enablement.referrals import rules
from enablement.referrals.rules import Status
from enablement.referrals.selectors import (
    holds_answered,
    is_screening_overdue,
    screening_overdue,
)
from enablement.referrals.views import REFERRAL_ROLES

PAGE_SIZE = 25
EXPORT_LIMIT = 50_000
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
# 50,000 rows of an export.
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
        services = Service.objects.filter(pk__in=visible.values("service_id")).order_by("name")
        self.fields["service"].choices = [
            ("", "All services"),
            *((str(s.pk), f"{s.name} ({s.code})") for s in services),
        ]
        teams = (
            Team.objects.filter(pk__in=visible.values("team_id"))
            .select_related("service")
            .order_by("service__name", "name")
        )
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
        return _closure_reason(self)


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
    counts: list[tuple[str, str, int]]  # (status, label, number), in the order of Status
    total: int
    clock: ScreeningClock

    def page(self, number):
        paginator = Paginator(self.referrals, PAGE_SIZE)
        paginator.count = self.total  # counted already, with the counts by status
        page = paginator.get_page(number)
        rows = list(page.object_list)
        self.clock.load({r.service_settings_id for r in rows})  # one query for the page
        return page, [self.clock(r) for r in rows]

    def rows(self) -> Iterator[Row]:
        """Every row, for an export."""
        for referral in self.referrals.iterator(chunk_size=2000):
            yield self.clock(referral)


def _counts(statuses: Counter) -> list[tuple[str, str, int]]:
    return [(s.value, s.label, statuses[s.value]) for s in Status if statuses[s.value]]


def _ordered(qs: QuerySet, sort: str) -> QuerySet:
    if sort == "status":
        qs = qs.annotate(status_order=_STATUS_ORDER)
    return qs.order_by(*_ORDERINGS[sort])


def tracker(user, filters: Filters, *, today: date) -> Tracker:
    """The referrals the user may see that match the filter, in the chosen order, with counts
    by status of the whole filtered set. Filtering and sorting by the screening clock are
    done in SQL on the stored date."""
    # The rules version is not joined: the clock reads each version once (ScreeningClock).
    qs = access.visible_referrals(user).select_related(
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
    # Counts in one GROUP BY, the page by LIMIT/OFFSET.
    grouped = qs.order_by().values("status").annotate(n=Count("pk", distinct=True))
    statuses = Counter({g["status"]: g["n"] for g in grouped})
    total = sum(statuses.values())
    return Tracker(_ordered(qs, sort), _counts(statuses), total, ScreeningClock(today))


# --- Export columns -------------------------------------------------------------------------


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None


# (header, width in a spreadsheet, value of a row). Dates are dates, so a spreadsheet sorts
# and filters them as such.
COLUMNS = (
    ("Reference", 18, lambda row: row.referral.reference),
    ("Person", 24, lambda row: row.referral.person_name),
    ("Service", 10, lambda row: row.referral.service.code),
    ("Team", 24, lambda row: row.referral.team.name if row.referral.team else ""),
    ("Status", 30, lambda row: STATUS_LABELS.get(row.referral.status, row.referral.status)),
    ("Received", 13, lambda row: _local_date(row.referral.received_at)),
    ("Screening due", 13, lambda row: row.screening_due),
    ("Screening overdue", 10, lambda row: "Yes" if row.screening_overdue else "No"),
    ("Validated", 13, lambda row: _local_date(row.referral.validated_at)),
    ("Case system asked", 13, lambda row: _case_system(row, "case_system_requested_on")),
    ("Case system confirmed", 13, lambda row: _case_system(row, "case_system_confirmed_on")),
    ("Decided", 13, lambda row: _local_date(row.referral.decided_at)),
    ("Decision reason", 50, lambda row: row.referral.decision_reason),
    ("Allocated to", 24, lambda row: str(_episode(row).worker) if _episode(row) else ""),
    (
        "Allocated",
        13,
        lambda row: _local_date(_episode(row).allocated_at) if _episode(row) else None,
    ),
    ("Enablement", 24, lambda row: _episode_status(row)),
    (
        "Enablement closed",
        13,
        lambda row: _local_date(_episode(row).closed_at) if _episode(row) else None,
    ),
    ("Closure reason", 30, lambda row: _closure_reason(row)),
)


def _case_system(row: Row, name: str) -> date | None:
    """A date of the case-system step; blank where the referral's rules have no such step."""
    return getattr(row.referral, name) if row.case_system else None


def _episode(row: Row):
    return getattr(row.referral, "episode", None)


def _episode_status(row: Row) -> str:
    episode = _episode(row)
    return EPISODE_STATUS_LABELS.get(episode.status, episode.status) if episode else ""


def _closure_reason(row: Row) -> str:
    episode = _episode(row)
    if episode is None or not episode.closure_reason:
        return ""
    return CLOSURE_REASON_LABELS.get(episode.closure_reason, episode.closure_reason)


HEADERS = [header for header, _, _ in COLUMNS]


def _values(row: Row) -> list:
    return [value(row) for _, _, value in COLUMNS]


def _filename(extension: str) -> str:
    return f"referrals-{clock.today().isoformat()}.{extension}"


def _attachment(content: bytes, content_type: str, extension: str) -> HttpResponse:
    return attachment(content, content_type, _filename(extension))


def _csv(rows: Iterable[Row]) -> bytes:
    return csv_bytes(HEADERS, (_values(row) for row in rows))


def _is_formula(value) -> bool:
    return isinstance(value, str) and value.startswith("=")


def _xlsx_text(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    return cell


def _xlsx(rows: Iterable[Row]) -> bytes:
    workbook = Workbook(write_only=True)  # streams rows, so 50,000 of them fit in memory
    sheet = workbook.create_sheet("Referrals")
    sheet.freeze_panes = "A2"
    for number, (_, width, _) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    bold = Font(bold=True)
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(sheet, title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        # Plain values are the fast path (dates get a date format by themselves); only text
        # that openpyxl would store as a formula is wrapped and kept as text.
        sheet.append([_xlsx_text(sheet, v) if _is_formula(v) else v for v in _values(row)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


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
            "export_limit": EXPORT_LIMIT,
        },
    )


def _export(request, render_file, content_type: str, extension: str):
    form = _form_for(request)
    if form.is_bound and not form.is_valid():
        # Never export a bad filter as if it were no filter.
        return HttpResponse(
            "The filter is not valid, so nothing was exported. Go back to the tracker, "
            "correct the filter and export again.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    found = _tracker_for(request, form)
    if found.total > EXPORT_LIMIT:
        messages.error(
            request,
            f"{found.total:,} referrals match this filter, and an export holds at most "
            f"{EXPORT_LIMIT:,}. Narrow the filter (by service, team or status) and export "
            "again.",
        )
        query = request.GET.copy()
        query.pop("page", None)
        url = reverse("referrals:list")
        return redirect(f"{url}?{query.urlencode()}" if query else url)
    # One access-log row for the file: the filter (the query string), the row count and
    # the people in it.
    with reads.exporting() as export:
        content = render_file(export.rows(found.rows(), person_of=_person_id))
    return _attachment(content, content_type, extension)


def _person_id(row: Row) -> int:
    return row.referral.person_id


def export_csv(request):
    return _export(request, _csv, "text/csv; charset=utf-8", "csv")


def export_xlsx(request):
    return _export(
        request,
        _xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    )
