"""The tracker: filters, the overdue clock, counts, sort, paging and the CSV and XLSX exports,
all through the access door."""

import csv
import datetime as dt
import io
import re
from collections import Counter
from html import unescape

import openpyxl
import pytest
import time_machine
from django.utils import timezone

from enablement.accounts import access
from enablement.catalogue.models import Service, Team
from enablement.core import counting
from enablement.core.workdays import ENGLAND_AND_WALES
from enablement.people.models import Person
from enablement.referrals import rules, selectors, services, tracker
from enablement.referrals.models import Referral
from enablement.referrals.rules import RiskArea, Status
from enablement.referrals.services import RiskEntry

CSV = "/referrals/export/csv/"
XLSX = "/referrals/export/xlsx/"


def _by_rule(referral, today):
    """The referral's screening clock worked out from the pure rule, as the tracker did
    before the date was stored (ADR 0032): what the stored date must agree with."""
    due = None
    if referral.status in (Status.SUBMITTED, Status.VALIDATED, Status.ON_HOLD):
        due = rules.screening_due(
            referral.service_settings,
            timezone.localdate(referral.received_at),
            ENGLAND_AND_WALES,
        )
    overdue = rules.is_overdue(due, today) and referral.status != Status.ON_HOLD
    return selectors.Clocks(screening_due=due, screening_overdue=overdue, hold_until=None)


def _at(y, m, d, h=10, minute=0):
    return timezone.make_aware(dt.datetime(y, m, d, h, minute))


def _values(named):
    return {
        "source": "community_mh_social_work",
        "named_social_worker": named,
        "need_identified": True,
        "work_requested": "Travel independently by bus to the Tuesday allotment group",
        "intended_outcomes": "Goes alone by week 6",
        "deliverable_within_length": True,
        "consent_to_share": True,
        "ongoing_cmh_social_work": True,
        "diagnosed_need": True,
        "eligible_needs": True,
    }


@pytest.fixture
def kers_east(demo):
    return Team.objects.get(service__code="KERS", name="Kent East")


@pytest.fixture
def submit(user_for, kers_east):
    def make(now, family="Sample"):
        referrer = user_for("referrer")
        return services.submit_referral(
            service=kers_east.service,
            team=kers_east,
            person=Person.objects.get(family_name=family),
            values=_values(referrer),
            risks={a: RiskEntry("None known", now.date() - dt.timedelta(days=7)) for a in RiskArea},
            referrer=referrer,
            actor=referrer,
            now=now,
        )

    return make


@pytest.fixture
def thirty(submit):
    """30 more submitted referrals to Kent East, one a minute on Tuesday 10 March 2026."""
    return [submit(_at(2026, 3, 10, 9) + dt.timedelta(minutes=i)) for i in range(30)]


def _refs(response) -> list[str]:
    return [row.referral.reference for row in response.context["rows"]]


def _csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8"))))


def _xlsx_sheet(response):
    return openpyxl.load_workbook(io.BytesIO(response.getvalue())).active


def _xlsx_refs(response) -> list[str]:
    return [r[0] for r in _xlsx_sheet(response).iter_rows(min_row=2, values_only=True)]


def _next_link(response) -> str:
    match = re.search(r'href="([^"]+)" rel="next"', response.content.decode())
    assert match, "no Next link"
    return unescape(match.group(1))


def _visible(user):
    return access.visible_referrals(user)


# --- Filters --------------------------------------------------------------------------------


def test_the_default_view_is_every_visible_referral_oldest_first(client_for, user_for):
    response = client_for("quality_manager").get("/referrals/")
    assert response.status_code == 200
    expected = Referral.objects.order_by("received_at", "pk")
    assert _refs(response) == [r.reference for r in expected]
    assert len(expected) == 15  # the demo's referrals, the public one to match included
    page = response.content.decode()
    assert "<caption" in page and 'scope="col"' in page and 'scope="row"' in page
    assert "govuk-table__cell--numeric" in page


@pytest.mark.parametrize("field", ["status", "service", "team"])
def test_each_filter_narrows_exactly(field, client_for, user_for, kers_east):
    user = user_for("quality_manager")
    value = {
        "status": Status.VALIDATED.value,
        "service": str(Service.objects.get(code="AFD").pk),
        "team": str(kers_east.pk),
    }[field]
    response = client_for("quality_manager").get("/referrals/", {field: value})
    expected = _visible(user).filter(**{f"{field}_id" if field != "status" else field: value})
    assert expected.exists() and expected.count() < _visible(user).count()
    assert sorted(_refs(response)) == sorted(r.reference for r in expected)


def test_filters_combine(client_for, kers_east):
    response = client_for("admin").get(
        "/referrals/", {"team": kers_east.pk, "status": Status.ON_HOLD.value}
    )
    assert _refs(response) == [Referral.objects.get(person__family_name="Placeholder").reference]


def test_referrals_without_a_team_can_be_filtered(demo, client_for, user_for):
    # Barnet's single point of referral: no team until a hub is assigned.
    referrer = user_for("referrer")
    bep = services.submit_referral(
        service=Service.objects.get(code="BEP"),
        team=None,
        person=Person.objects.get(family_name="Mock"),
        values={**_values(referrer), "source": "agreed_organisation"},
        risks={a: RiskEntry("None known", demo.date()) for a in RiskArea},
        referrer=referrer,
        actor=referrer,
        now=demo,
    )
    response = client_for("quality_manager").get("/referrals/", {"team": tracker.NO_TEAM})
    demo_self_referral = Referral.objects.get(submitted_details__family_name="Sampel")
    assert _refs(response) == [demo_self_referral.reference, bep.reference]
    assert "Not yet given a team" in response.content.decode()


def test_service_and_team_choices_are_only_what_the_user_may_see(client_for, kers_east):
    admin = client_for("admin")
    form = admin.get("/referrals/").context["form"]
    assert [c for c, _ in form.fields["service"].choices] == [
        "",
        str(kers_east.service_id),
    ]
    assert [c for c, _ in form.fields["team"].choices] == ["", str(kers_east.pk)]
    afd = Service.objects.get(code="AFD")
    response = admin.get("/referrals/", {"service": afd.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert response.context["filter_valid"] is False
    # An invalid filter is never exported as if it were no filter.
    assert admin.get(CSV, {"service": afd.pk}).status_code == 400
    assert admin.get(XLSX, {"service": afd.pk}).status_code == 400


def test_every_users_choices_reach_every_referral_they_may_see(demo, django_user_model):
    """The choices come from the catalogue and the referrals seen outside a team, not from
    every visible referral; each visible referral's service and team is still offered."""
    for user in django_user_model.objects.filter(is_active=True):
        if not user.has_perm("referrals.view_referral"):
            continue
        form = tracker.TrackerForm(user=user)
        services = {c for c, _ in form.fields["service"].choices}
        teams = {c for c, _ in form.fields["team"].choices}
        for service_id, team_id in access.visible_referrals(user).values_list(
            "service_id", "team_id"
        ):
            assert str(service_id) in services, user.username
            assert (str(team_id) if team_id else tracker.NO_TEAM) in teams, user.username


# --- The overdue clock ----------------------------------------------------------------------


def test_overdue_filter_follows_the_working_day_clock_over_easter(submit, client_for):
    # Received Thursday 2 April 2026; KERS screens within 2 working days; Good Friday and
    # Easter Monday are not working days, so it is due on Wednesday 8 April.
    referral = submit(_at(2026, 4, 2))
    with time_machine.travel(_at(2026, 4, 8, 16), tick=False):
        client = client_for("admin")
        everything = client.get("/referrals/")
        overdue = client.get("/referrals/", {"overdue": "on"})
    row = next(r for r in everything.context["rows"] if r.referral == referral)
    assert row.screening_due == dt.date(2026, 4, 8)
    assert row.screening_overdue is False
    assert referral.reference not in _refs(overdue)
    with time_machine.travel(_at(2026, 4, 9, 9), tick=False):
        client = client_for("admin")
        overdue = client.get("/referrals/", {"overdue": "on"})
        csv_rows = _csv_rows(client.get(CSV, {"overdue": "on"}))
    assert referral.reference in _refs(overdue)
    # Exactly those with a running, unpaused clock past its due day: the demo's submitted
    # and validated referrals (received 2 March) too, but not the one on hold or returned.
    expected = {
        referral.reference,
        Referral.objects.get(person__family_name="Sample", received_at__month=3).reference,
        Referral.objects.get(person__family_name="Specimen").reference,
    }
    assert set(_refs(overdue)) == expected
    assert {r["Reference"] for r in csv_rows} == expected
    assert all(r["Screening overdue"] == "Yes" for r in csv_rows)
    assert "Overdue" in overdue.content.decode()


def test_tracker_clock_agrees_with_the_detail_page_clock(demo, submit, user_for):
    submit(_at(2026, 4, 2))
    user = user_for("quality_manager")
    for today in (
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 5),
        dt.date(2026, 4, 8),
        dt.date(2026, 4, 9),
    ):
        clock = tracker.ScreeningClock(today=today)
        for referral in Referral.objects.select_related("service_settings"):
            expected = _by_rule(referral, today)
            row = clock(referral)
            assert (row.screening_due, row.screening_overdue) == (
                expected.screening_due,
                expected.screening_overdue,
            ), (referral, today)
        found = tracker.tracker(user, tracker.Filters(overdue=True), today=today)
        assert [r.reference for r in found.referrals] == [
            r.reference
            for r in Referral.objects.order_by("received_at", "pk")
            if _by_rule(r, today).screening_overdue
        ]


# --- Counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,query",
    [
        ("quality_manager", {}),
        ("admin", {}),
        ("senior", {}),
        ("provision_manager", {}),
        ("referrer", {}),
        ("quality_manager", {"service": "KERS"}),
        ("quality_manager", {"overdue": "on"}),
    ],
)
def test_counts_by_status_are_of_the_whole_filtered_set(role, query, thirty, client_for, user_for):
    if query.get("service"):
        query = {"service": Service.objects.get(code=query["service"]).pk}
    with time_machine.travel(_at(2026, 3, 20), tick=False):
        response = client_for(role).get("/referrals/", query)
        qs = _visible(user_for(role))
        if "service" in query:
            qs = qs.filter(service_id=query["service"])
        today = dt.date(2026, 3, 20)
        referrals = [
            r for r in qs if "overdue" not in query or _by_rule(r, today).screening_overdue
        ]
    expected = Counter(r.status for r in referrals)
    counts = {status: n for status, _, n in response.context["counts"]}
    assert counts == {status: counting.Count(n) for status, n in expected.items()}
    assert response.context["total"] == counting.Count(len(referrals))
    assert len(referrals) > 25  # counted before paging
    assert len(response.context["rows"]) == 25
    page = response.content.decode()
    for status, n in expected.items():
        assert f'data-status="{status}">{n}</td>' in page
    assert f'data-testid="total">{len(referrals)}</td>' in page


def test_beyond_the_largest_streamed_export_counts_stay_exact(thirty, client_for, settings):
    """A national list is not counted by reading its history on every page (issue 14): the
    counts come from the tally of places (ADR 0047), exact however many there are; past the
    largest export a request streams, the export is made in the background."""
    with time_machine.travel(_at(2026, 3, 20), tick=False):
        every = Counter(Referral.objects.values_list("status", flat=True))
        settings.EXPORT_STREAM_ROWS = max(every.values()) - 1
        response = client_for("quality_manager").get("/referrals/")
    page = unescape(response.content.decode())
    total = sum(every.values())
    assert f'data-testid="total">{total}</td>' in page
    for status, n in every.items():
        assert f'data-status="{status}">{n}</td>' in page
    assert len(response.context["rows"]) == 25
    assert "prepared in the background" in page
    assert f"Download these {total} referrals as CSV" in page
    assert f"The pages stop at the first {max(every.values()) - 1:,} referrals" in page
    last = response.context["page"].paginator.num_pages
    assert last == -(-(max(every.values()) - 1) // 25)  # the pages cover the first rows only


def test_overdue_beyond_the_ceiling_is_counted_up_to_it(thirty, client_for, settings):
    """Overdue is a date, not a place, so the tally cannot count it: past the ceiling (the
    largest streamed export) the page says "more than" and the export is a background job."""
    today = dt.date(2026, 3, 20)
    with time_machine.travel(_at(2026, 3, 20), tick=False):
        overdue = Counter(
            r.status for r in Referral.objects.all() if _by_rule(r, today).screening_overdue
        )
        big = max(overdue.values())
        settings.EXPORT_STREAM_ROWS = big - 1
        response = client_for("quality_manager").get("/referrals/", {"overdue": "on"})
    page = unescape(response.content.decode())
    ceiling = f"more than {big - 1:,}"
    assert f'data-testid="total">{ceiling}</td>' in page
    assert f"of {ceiling}</caption>" in page
    for status, n in overdue.items():
        shown = ceiling if n > big - 1 else f"{n:,}"
        assert f'data-status="{status}">{shown}</td>' in page
    assert "prepared in the background" in page
    assert f"Download these referrals ({ceiling}) as CSV" in page


# --- Sort -----------------------------------------------------------------------------------


def _status_index(referral):
    return list(Status).index(Status(referral.status))


@pytest.mark.parametrize(
    "sort,key",
    [
        ("received", lambda r, due: (r.received_at, r.pk)),
        ("received_desc", lambda r, due: (-r.received_at.timestamp(), -r.pk)),
        ("reference", lambda r, due: r.reference),
        ("status", lambda r, due: (_status_index(r), r.received_at, r.pk)),
        (
            "screening_due",
            lambda r, due: (due is None, due or dt.date.min, r.received_at, r.pk),
        ),
    ],
)
def test_sort_orders(sort, key, submit, client_for, user_for):
    for day in (12, 5, 9):  # out of order, so received and reference orders differ
        submit(_at(2026, 3, day))
    late = Referral.objects.order_by("-pk").first()
    # A status with no clock, and one more status to sort; written as an action writes it.
    late.status, late.screening_due = Status.DECLINED, None
    late.save(update_fields=["status", "screening_due"])
    today = dt.date(2026, 3, 20)
    with time_machine.travel(_at(2026, 3, 20), tick=False):
        response = client_for("quality_manager").get("/referrals/", {"sort": sort})

    def due(r):
        return _by_rule(r, today).screening_due

    expected = sorted(Referral.objects.all(), key=lambda r: key(r, due(r)))
    assert _refs(response) == [r.reference for r in expected]


# --- Paging and exports ---------------------------------------------------------------------


def test_paging_keeps_the_filter_and_exports_have_every_page(thirty, client_for, kers_east):
    client = client_for("admin")
    query = {"team": kers_east.pk, "status": Status.SUBMITTED.value, "sort": "received_desc"}
    first = client.get("/referrals/", query)
    assert len(_refs(first)) == 25
    link = _next_link(first)
    assert f"team={kers_east.pk}" in link and "status=submitted" in link and "page=2" in link
    second = client.get("/referrals/" + link)
    on_screen = _refs(first) + _refs(second)
    assert len(on_screen) == 31  # the 30 and the demo's own submitted referral
    expected = Referral.objects.filter(team=kers_east, status=Status.SUBMITTED).order_by(
        "-received_at", "-pk"
    )
    assert on_screen == [r.reference for r in expected]
    assert "Page 2 of 2" in second.content.decode()
    # The download links on page 2 carry the filter, not the page.
    page = second.content.decode()
    export = re.search(r'href="(/referrals/export/csv/[^"]*)"', page).group(1)
    assert "page=" not in export and "status=submitted" in unescape(export)
    # Both exports hold every page of it, in the same order.
    csv_response = client.get(unescape(export))
    assert [r["Reference"] for r in _csv_rows(csv_response)] == on_screen
    assert _xlsx_refs(client.get(XLSX, {**query, "page": 2})) == on_screen


def test_csv_export_is_a_utf8_attachment_with_a_header_row(client_for, user_for):
    referral = Referral.objects.get(person__family_name="Specimen")
    Person.objects.filter(pk=referral.person_id).update(given_name="Zoë")
    with time_machine.travel(_at(2026, 3, 4), tick=False):
        response = client_for("admin").get(CSV, {"status": Status.VALIDATED.value})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="referrals-2026-03-04.csv"'
    text = response.getvalue().decode("utf-8")  # a stream is read once
    assert text.splitlines()[0] == ",".join(tracker.HEADERS)
    [row] = csv.DictReader(io.StringIO(text))
    assert row == {
        "Reference": referral.reference,
        "Person": "Zoë Specimen",
        "Service": "KERS",
        "Team": "Kent East",
        "Status": "Waiting for screening",
        "Received": "2026-03-02",
        "Screening due": "2026-03-04",
        "Screening overdue": "No",
        "Validated": "2026-03-02",
        "Case system asked": "2026-03-02",
        "Case system confirmed": "",
        "Decided": "",
        "Decision reason": "",
        "Allocated to": "",
        "Allocated": "",
        "Enablement": "",
        "Enablement closed": "",
        "Closure reason": "",
    }


def test_xlsx_export_has_one_sheet_a_bold_header_and_real_dates(client_for):
    referral = Referral.objects.get(person__family_name="Specimen")
    with time_machine.travel(_at(2026, 3, 4), tick=False):
        response = client_for("admin").get(XLSX, {"status": Status.VALIDATED.value})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="referrals-2026-03-04.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    assert len(workbook.worksheets) == 1
    sheet = workbook.active
    header = sheet[1]
    assert [c.value for c in header] == tracker.HEADERS
    assert all(c.font.b for c in header)
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 1
    cells = dict(zip(tracker.HEADERS, rows[0], strict=True))
    assert cells["Reference"].value == referral.reference
    for name, day in (("Received", 2), ("Screening due", 4), ("Validated", 2)):
        assert cells[name].is_date, name
        assert cells[name].value.date() == dt.date(2026, 3, day)
    assert cells["Decided"].value is None


def test_exports_never_turn_typed_text_into_a_formula(client_for):
    referral = Referral.objects.get(person__family_name="Specimen")
    Referral.objects.filter(pk=referral.pk).update(decision_reason='=HYPERLINK("http://x","y")')
    client = client_for("admin")
    [row] = _csv_rows(client.get(CSV, {"status": Status.VALIDATED.value}))
    assert row["Decision reason"] == '\'=HYPERLINK("http://x","y")'
    sheet = _xlsx_sheet(client.get(XLSX, {"status": Status.VALIDATED.value}))
    cell = sheet.cell(row=2, column=tracker.HEADERS.index("Decision reason") + 1)
    assert cell.data_type == "s"


def test_a_page_costs_the_same_queries_however_many_rows(submit, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("quality_manager")
    costs = []
    for _ in range(2):
        for query in ({}, {"sort": "screening_due"}, {"overdue": "on"}):
            with CaptureQueriesContext(connection) as page:
                client.get("/referrals/", query)
            with CaptureQueriesContext(connection) as export:
                client.get(CSV, query)
            costs.append((len(page), len(export)))
        for day in range(3, 23):
            submit(_at(2026, 3, day))
    assert costs[:3] == costs[3:]


# --- The door -------------------------------------------------------------------------------


def test_a_worker_of_kent_west_sees_none_of_kent_east(thirty, client_for, kers_east):
    east = set(Referral.objects.filter(team=kers_east).values_list("reference", flat=True)) | {
        r.reference for r in thirty
    }
    west = client_for("worker.west")
    for query in ({}, {"sort": "screening_due"}, {"overdue": "on"}):
        response = west.get("/referrals/", query)
        assert response.status_code == 200
        assert not east & set(_refs(response))
        page = response.content.decode()
        assert not [ref for ref in east if ref in page]
        assert not east & {r["Reference"] for r in _csv_rows(west.get(CSV, query))}
        assert not east & set(_xlsx_refs(west.get(XLSX, query)))
    # Asking for Kent East by its id is an invalid choice, not a way in.
    response = west.get("/referrals/", {"team": kers_east.pk})
    assert not east & set(_refs(response))
    assert west.get(CSV, {"team": kers_east.pk}).status_code == 400


@pytest.mark.parametrize("path", ["/referrals/", CSV, XLSX])
def test_commissioner_is_refused(path, client_for):
    assert client_for("commissioner").get(path).status_code == 403


def test_a_rows_dates_are_the_local_day(submit, client_for):
    """Received at 23:30 UTC on 31 May is 00:30 on 1 June in London: the tracker says 1 Jun."""
    late = timezone.make_aware(dt.datetime(2026, 5, 31, 23, 30), dt.UTC)
    with time_machine.travel(late, tick=False):
        referral = submit(late)
        page = client_for("quality_manager").get("/referrals/", {"sort": "received_desc"})
    row = next(r for r in page.context["rows"] if r.referral.pk == referral.pk)
    assert row.received == "1 Jun 2026"
    assert "1 Jun 2026" in page.content.decode()


@pytest.mark.parametrize("username", ["admin.bep", "worker.bep", "senior.autism", "admin.str"])
def test_counts_of_a_front_door_that_hands_on_are_what_it_sees(username, client_for, user_for):
    """A hub or panel also sees what it handed on, outside its places: counted once each."""
    response = client_for(username).get("/referrals/")
    expected = Counter(_visible(user_for(username)).values_list("status", flat=True))
    counts = {status: n for status, _, n in response.context["counts"]}
    assert counts == {status: counting.Count(n) for status, n in expected.items()}
    assert response.context["total"] == counting.Count(sum(expected.values()))


def test_one_referral_is_offered_as_this_referral(client_for):
    """A hub with one referral: "Download this referral", not "these 1 referral"."""
    page = unescape(client_for("admin.bep").get("/referrals/").content.decode())
    assert "Download this referral as CSV" in page
    assert "these 1" not in page
