"""Allocation end to end on the demo: the waiting list, allocating with and without override,
"allocate all that fit", caseloads, the forecast page, and who may see each.

The demo's Kent East (KERS, 15 places per full-time worker), on Tuesday 3 March 2026:
Wren (1.0 FTE, 1 open), Jules (0.6 FTE = 9 places, autism specialist, 1 open) and Robin
(1.0 FTE, 1 open, on leave until 12 March); waiting, oldest first: Standin (joint working),
Surrogate (needs an autism specialist), Facsimile.
"""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from enablement.allocation import services
from enablement.allocation.tests.helpers import fill_caseload
from enablement.casework.models import Episode, EpisodeStatus
from enablement.catalogue.models import Service, StaffMember
from enablement.governance.models import Event
from enablement.notifications.models import Notification
from enablement.referrals.models import Referral
from enablement.referrals.rules import Status

WAITING = "/allocation/"


@pytest.fixture
def today(demo):
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 3, 3, 10, 0)), tick=False):
        yield dt.date(2026, 3, 3)


def ref(family) -> Referral:
    return Referral.objects.get(person__family_name=family)


def staff(username) -> StaffMember:
    return StaffMember.objects.get(user__username=username)


def _rows(response) -> list[str]:
    html = response.content.decode()
    return [part.split('"', 1)[0] for part in html.split('data-reference="')[1:]]


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.getvalue().decode())))


# --- The waiting list -----------------------------------------------------------------------


def test_the_waiting_list_is_in_order_of_acceptance_with_days_and_constraints(today, client_for):
    response = client_for("senior").get(WAITING)
    assert response.status_code == 200
    assert _rows(response) == [ref(f).reference for f in ("Standin", "Surrogate", "Facsimile")]
    rows = _csv(client_for("senior").get(WAITING, {"format": "csv"}))
    standin = rows[0]
    # Accepted on Saturday 21 February: 10 calendar days; working days 23-27 Feb and 2-3 Mar.
    assert standin["Accepted"] == "2026-02-21"
    assert (standin["Calendar days waiting"], standin["Working days waiting"]) == ("10", "7")
    assert standin["Joint working asked"] == "Yes"
    assert rows[1]["Skills needed"] == "Autism specialist"
    assert standin["Postcode district"] == "CT5"
    assert [r["Today"] for r in rows] == [
        "Proposed: Wren Worker",
        "Proposed: Jules Worker",
        "Proposed: Wren Worker",
    ]


def test_a_referral_nobody_fits_waits_and_the_list_says_why(today, client_for):
    response = client_for("senior.west").get(WAITING)
    [row] = _csv(client_for("senior.west").get(WAITING, {"format": "csv"}))
    assert row["Reference"] == ref("Lookalike").reference
    assert row["Today"] == ("Waits: No worker in the team has the skills needed: Autism specialist")
    assert "No worker in the team has the skills needed" in response.content.decode()


@pytest.mark.parametrize(
    "query,expected",
    [
        ({"skill": "autism-specialist"}, ["Surrogate"]),
        ({"joint_working": "yes"}, ["Standin"]),
        ({"joint_working": "no"}, ["Surrogate", "Facsimile"]),
        ({"outcome": "waits"}, []),
        ({"outcome": "fits"}, ["Standin", "Surrogate", "Facsimile"]),
    ],
)
def test_waiting_list_filters(today, client_for, query, expected):
    response = client_for("senior").get(WAITING, query)
    assert _rows(response) == [ref(f).reference for f in expected]
    exported = _csv(client_for("senior").get(WAITING, {**query, "format": "csv"}))
    assert [r["Reference"] for r in exported] == [ref(f).reference for f in expected]


def test_a_bad_filter_says_so_and_downloads_nothing(today, client_for):
    client = client_for("senior")
    page = client.get(WAITING, {"skill": "juggling"}).content.decode()
    assert "Select a skill from the list" in page
    response = client.get(WAITING, {"skill": "juggling", "format": "csv"})
    assert response.status_code == 302


def test_a_provision_manager_sees_each_team_of_their_service(today, client_for):
    from enablement.catalogue.models import Team

    west = Team.objects.get(service__code="KERS", name="Kent West")
    client = client_for("provision_manager")
    response = client.get(WAITING, {"team": west.pk})
    assert _rows(response) == [ref("Lookalike").reference]
    assert "Review: allocate all that fit" not in response.content.decode()
    bep = Team.objects.filter(service__code="BEP").first()
    assert "Select one of your teams" in client.get(WAITING, {"team": bep.pk}).content.decode()


def test_a_provision_manager_sees_the_whole_service_in_order_of_acceptance(today, client_for):
    from enablement.catalogue.models import Service, Team

    client = client_for("provision_manager")
    everything = ["Lookalike", "Standin", "Surrogate", "Facsimile"]  # 12, 9, 6, 2 days ago
    assert _rows(client.get(WAITING)) == [ref(f).reference for f in everything]
    kers = Service.objects.get(code="KERS")
    assert _rows(client.get(WAITING, {"service": "KERS"})) == [ref(f).reference for f in everything]
    page = client.get(WAITING).content.decode()
    assert "Waiting list: 2 teams" in page
    assert "/allocation/referrals/" not in page  # a manager does not allocate
    east = Team.objects.get(service=kers, name="Kent East")
    assert "is not a team of" not in client.get(WAITING, {"team": east.pk}).content.decode()
    afd_panel = Team.objects.get(service__code="AFD")
    assert "Select one of your teams" in (
        client.get(WAITING, {"team": afd_panel.pk}).content.decode()
    )


def test_a_team_of_another_service_is_refused_with_a_message(today, client_for):
    from enablement.catalogue.models import Team

    quality = client_for("quality_manager")
    east = Team.objects.get(service__code="KERS", name="Kent East")
    page = quality.get(WAITING, {"service": "BEP", "team": east.pk}).content.decode()
    assert "Kent East is not a team of Barnet" in page


def test_the_waiting_list_pages_at_25(today, client_for, user_for):
    """Thirty more accepted referrals: page 1 holds the oldest 25, page 2 the rest."""
    from enablement.referrals.models import Screening

    base = ref("Facsimile")
    senior = user_for("senior")
    made = []
    for n in range(30):
        copy = Referral.objects.get(pk=base.pk)
        copy.pk = None
        copy.reference = f"KERS-9{n:05d}"
        copy.decided_at = base.decided_at + dt.timedelta(minutes=n + 1)
        copy.save()
        Screening.objects.create(
            referral=copy,
            eligibility="eligible",
            eligibility_reasons=[],
            decision="accept",
            screened_by=senior,
            screened_at=copy.decided_at,
        )
        made.append(copy.reference)
    client = client_for("senior")
    first = _rows(client.get(WAITING))
    second = _rows(client.get(WAITING, {"page": 2}))
    assert len(first) == 25 and len(second) == 8
    assert first + second == [
        ref("Standin").reference,
        ref("Surrogate").reference,
        base.reference,
        *made,
    ]
    assert "Page 1 of 2" in client.get(WAITING).content.decode()


# --- Allocating one referral ----------------------------------------------------------------


def test_allocating_opens_an_episode_in_planning_and_tells_everyone(today, client_for):
    standin = ref("Standin")
    wren = staff("worker.east")
    response = client_for("senior").post(
        f"/allocation/referrals/{standin.pk}/", {"worker": wren.pk, "reason": ""}
    )
    assert response.status_code == 302
    episode = Episode.objects.get(referral=standin)
    assert (episode.worker, episode.status, episode.team) == (
        wren,
        EpisodeStatus.PLANNING,
        standin.team,
    )
    assert not episode.overridden and not episode.beyond_room
    assert episode.allocation_reason.startswith("Room for 14 more: 1 open of 15 places")
    standin.refresh_from_db()
    assert standin.status == Status.ALLOCATED
    event = Event.objects.get(episode=episode)
    assert event.kind == "episode.allocated" and event.referral == standin
    told = set(
        Notification.objects.filter(referral=standin, subject__icontains="allocat").values_list(
            "user__username", flat=True
        )
    )
    assert told == {"worker.east", "referrer", "admin.east"}
    assert ref("Standin").reference not in _rows(client_for("senior").get(WAITING))


def test_choosing_someone_other_than_the_first_proposal_needs_a_reason(today, client_for):
    standin, jules = ref("Standin"), staff("worker.east2")
    url = f"/allocation/referrals/{standin.pk}/"
    page = client_for("senior").post(url, {"worker": jules.pk, "reason": ""})
    assert page.status_code == 200
    assert "Record why you chose Jules Worker rather than the first proposal" in (
        page.content.decode()
    )
    assert not Episode.objects.filter(referral=standin).exists()
    client_for("senior").post(url, {"worker": jules.pk, "reason": "Met the person before"})
    episode = Episode.objects.get(referral=standin)
    assert episode.overridden and not episode.beyond_room
    assert episode.allocation_reason == "Met the person before"


def test_allocating_to_a_worker_on_leave_needs_the_explicit_override(today, client_for):
    standin, robin = ref("Standin"), staff("worker.east3")
    url = f"/allocation/referrals/{standin.pk}/"
    client = client_for("senior")
    page = client.post(url, {"worker": robin.pk, "reason": "Back next week, knows the area"})
    assert "Robin Worker cannot take this referral now (on leave until 12 march 2026)" in (
        page.content.decode()
    )
    assert not Episode.objects.filter(referral=standin).exists()
    client.post(url, {"worker": robin.pk, "reason": "Back next week", "override": "on"})
    episode = Episode.objects.get(referral=standin)
    assert episode.beyond_room and episode.overridden
    caseloads = client.get("/allocation/caseloads/").content.decode()
    robin_row = caseloads.split('data-worker="worker.east3"')[1].split("</tr>")[0]
    assert "1 allocated by override" in robin_row


def test_allocating_beyond_room_needs_the_override_and_shows_on_the_caseloads(
    today, client_for, user_for
):
    """Jules (0.6 FTE) holds 9; with 9 open, a tenth needs the override."""
    jules = staff("worker.east2")
    fill_caseload(jules, 8, like=ref("Facsimile"), by=user_for("senior"), at=timezone.now())
    surrogate = ref("Surrogate")
    with pytest.raises(ValidationError) as refused:
        services.allocate(
            referral=surrogate,
            worker=jules,
            reason="The only autism specialist",
            actor=user_for("senior"),
            now=timezone.now(),
        )
    assert "no room: 9 open of 9 places" in str(refused.value)
    services.allocate(
        referral=surrogate,
        worker=jules,
        reason="The only autism specialist",
        override=True,
        out_of_order_reason="Discharged from hospital tomorrow",
        actor=user_for("senior"),
        now=timezone.now(),
    )
    page = client_for("senior").get("/allocation/caseloads/", {"beyond_room": "on"})
    rows = _worker_rows(page)
    assert list(rows) == ["worker.east2"]
    assert (
        "Beyond room" in rows["worker.east2"] and "1 allocated by override" in rows["worker.east2"]
    )
    exported = _csv(client_for("senior").get("/allocation/caseloads/", {"format": "csv"}))
    row = next(r for r in exported if r["Worker"] == "Jules Worker")
    assert (row["Places"], row["Open episodes"], row["Room"]) == ("9", "10", "-1")
    assert row["Allocated beyond room (open)"] == "1"


def _worker_rows(response) -> dict[str, str]:
    html = response.content.decode()
    return {
        part.split('"', 1)[0]: part.split("</tr>")[0] for part in html.split('data-worker="')[1:]
    }


def test_a_referral_is_never_allocated_twice(today, user_for):
    standin = ref("Standin")
    senior = user_for("senior")
    services.allocate(
        referral=standin, worker=staff("worker.east"), actor=senior, now=timezone.now()
    )
    with pytest.raises(ValidationError) as refused:
        services.allocate(
            referral=standin,
            worker=staff("worker.east2"),
            reason="again",
            actor=senior,
            now=timezone.now(),
        )
    assert "was allocated to Wren Worker at 10:00 on 3 March 2026" in str(refused.value)
    assert Episode.objects.filter(referral=standin).count() == 1


def test_a_senior_cannot_allocate_to_another_teams_worker(today, client_for, user_for):
    standin = ref("Standin")
    west = staff("worker.west")
    with pytest.raises(ValidationError) as refused:
        services.allocate(
            referral=standin,
            worker=west,
            reason="x",
            override=True,
            actor=user_for("senior"),
            now=timezone.now(),
        )
    assert "Kit Worker is not a worker of Kent East" in str(refused.value)
    # The page offers only the team's workers, and refuses anyone else.
    page = client_for("senior").post(f"/allocation/referrals/{standin.pk}/", {"worker": west.pk})
    assert page.status_code == 200 and "Select a valid choice" in page.content.decode()
    # The other team's senior cannot reach the referral at all.
    other = client_for("senior.west")
    assert other.get(f"/allocation/referrals/{standin.pk}/").status_code == 404
    assert (
        other.post(
            f"/allocation/referrals/{standin.pk}/", {"worker": west.pk, "override": "on"}
        ).status_code
        == 404
    )
    assert not Episode.objects.filter(referral=standin).exists()


@pytest.mark.parametrize("role", ["worker", "referrer", "commissioner", "person", "sysadmin"])
def test_roles_without_allocation_never_see_or_change_it(today, client_for, role):
    client = client_for(role)
    standin = ref("Standin")
    team = standin.team_id
    for url in (
        WAITING,
        f"{WAITING}?format=csv",
        "/allocation/caseloads/",
        "/allocation/caseloads/?format=csv",
        f"/allocation/referrals/{standin.pk}/",
        f"/allocation/teams/{team}/allocate-all/",
        "/allocation/forecast/",
    ):
        assert client.get(url).status_code in (403, 404), url
    response = client.post(
        f"/allocation/referrals/{standin.pk}/",
        {"worker": staff("worker.east").pk},
    )
    assert response.status_code in (403, 404)
    assert client.post(f"/allocation/teams/{team}/allocate-all/").status_code in (403, 404)
    assert not Episode.objects.filter(referral=standin).exists()


def test_an_admin_sees_the_waiting_list_but_cannot_allocate(today, client_for):
    admin = client_for("admin")
    page = admin.get(WAITING).content.decode()
    assert ref("Standin").reference in page
    assert "/allocation/referrals/" not in page
    standin = ref("Standin")
    assert (
        admin.post(
            f"/allocation/referrals/{standin.pk}/", {"worker": staff("worker.east").pk}
        ).status_code
        == 403
    )


# --- Allocate all that fit ------------------------------------------------------------------


def _pairs(response) -> list[str]:
    html = response.content.decode()
    return [p.split('"', 1)[0] for p in html.split('name="pair" value="')[1:]]


def test_allocate_all_is_reviewed_then_confirmed(today, client_for):
    client = client_for("senior")
    team = ref("Standin").team_id
    url = f"/allocation/teams/{team}/allocate-all/"
    review = client.get(url)
    assert "3 to allocate, 0 to wait" in review.content.decode()
    assert (
        not Episode.objects.filter(status=EpisodeStatus.PLANNING, team=team)
        .exclude(referral__person__family_name__in=["Exemplar", "Proxy", "Mockup"])
        .exists()
    )  # reviewing writes nothing
    response = client.post(url, {"pair": _pairs(review)})
    assert response.status_code == 302
    given = {
        e.referral.person.family_name: e.worker.user.username
        for e in Episode.objects.filter(
            referral__person__family_name__in=["Standin", "Surrogate", "Facsimile"]
        )
    }
    assert given == {
        "Standin": "worker.east",
        "Surrogate": "worker.east2",
        "Facsimile": "worker.east",
    }
    assert _rows(client.get(WAITING)) == []


def test_allocate_all_writes_nothing_if_anything_changed_since_review(today, client_for, user_for):
    client = client_for("senior")
    team = ref("Standin").team_id
    url = f"/allocation/teams/{team}/allocate-all/"
    reviewed = _pairs(client.get(url))
    # Meanwhile another senior allocates the oldest to Jules.
    services.allocate(
        referral=ref("Standin"),
        worker=staff("worker.east2"),
        reason="Meanwhile",
        actor=user_for("senior"),
        now=timezone.now(),
    )
    response = client.post(url, {"pair": reviewed})
    assert response.status_code == 409
    assert "changed after you reviewed the plan, so nothing was allocated" in (
        response.content.decode()
    )
    assert not Episode.objects.filter(
        referral__person__family_name__in=["Surrogate", "Facsimile"]
    ).exists()
    assert len(_pairs(response)) == 2  # the new plan, to review again


def test_allocate_all_with_a_forged_plan_writes_nothing(today, client_for):
    client = client_for("senior")
    team = ref("Standin").team_id
    url = f"/allocation/teams/{team}/allocate-all/"
    forged = [f"{ref('Standin').pk}:{staff('worker.west').pk}", "x:y"]
    assert client.post(url, {"pair": forged}).status_code == 409
    assert client.post(url, {}).status_code == 409
    reviewed = _pairs(client.get(url))
    for malformed in (["5"], ["1:2:3"], [":"], [f"{reviewed[0]}:9"], [*reviewed[:1], "-1:2"]):
        assert client.post(url, {"pair": malformed}).status_code == 409, malformed
    assert not Episode.objects.filter(referral=ref("Standin")).exists()


# --- Capacity and caseloads -----------------------------------------------------------------


def test_caseloads_show_places_from_the_settings_and_fte(today, client_for):
    rows = {
        r["Worker"]: r
        for r in _csv(client_for("senior").get("/allocation/caseloads/", {"format": "csv"}))
    }
    assert set(rows) == {"Wren Worker", "Jules Worker", "Robin Worker"}
    assert rows["Jules Worker"]["Places"] == "9"  # round(15 x 0.6)
    assert rows["Wren Worker"]["Places"] == "15"
    assert rows["Robin Worker"]["On leave until"] == "2026-03-12"
    assert rows["Wren Worker"]["Caseload ratio"] == "0.07"
    page = client_for("senior").get("/allocation/caseloads/").content.decode()
    assert "KERS: Kent East" in page


def test_a_provision_manager_sees_caseloads_of_every_team_they_oversee(today, client_for):
    rows = _csv(client_for("provision_manager").get("/allocation/caseloads/", {"format": "csv"}))
    assert {r["Team"] for r in rows} == {"Kent East", "Kent West"}


# --- Skills needed are set at screening -----------------------------------------------------


def test_screening_records_the_skills_needed(today, client_for):
    specimen = ref("Specimen")
    client = client_for("senior")
    page = client.post(
        f"/referrals/{specimen.pk}/screen/",
        {"decision": "accept", "desktop_check_complete": "on", "skills_needed": ["juggling"]},
    )
    assert "Select a valid choice" in page.content.decode()
    client.post(
        f"/referrals/{specimen.pk}/screen/",
        {
            "decision": "accept",
            "desktop_check_complete": "on",
            "skills_needed": ["autism-specialist"],
            # No appropriate factor ticked: accepting needs the screener's reason.
            "reason": "Judged appropriate at the team meeting",
        },
    )
    specimen.refresh_from_db()
    assert specimen.status == Status.ACCEPTED
    assert [s.code for s in specimen.skills_needed.all()] == ["autism-specialist"]


# --- Forecast -------------------------------------------------------------------------------


def test_the_forecast_page_shows_the_wait_the_assumptions_and_a_what_if(today, client_for):
    client = client_for("provision_manager")
    page = client.get("/allocation/forecast/").content.decode()
    title = page.split("<h1")[0].split('<span class="govuk-caption-l">')[1].split("</span>")[0]
    assert title == Service.objects.get(code="KERS").name
    assert re.search(r'data-testid="wait-now">\d+(\.\d)? weeks<', page)
    # Seven accepted in the demo's last 12 weeks: the rate is written beside the chart.
    assert "11 referrals received, 7 accepted, 0 episodes closed" in page
    assert "at 0.6 a week, the average of the last 12 weeks" in page
    assert "Wait if accepted at the start of the week" in page
    what_if = client.get("/allocation/forecast/", {"fte_change": "1"}).content.decode()
    assert 'data-testid="wait-what-if"' in what_if and "+15 caseload places" in what_if
    lose = client.get("/allocation/forecast/", {"fte_change": "-0.6"}).content.decode()
    assert "lose 0.6 FTE" in lose and "-9 caseload places" in lose


@pytest.mark.parametrize(
    "value,message",
    [
        ("lots", "Enter a number of full-time equivalents, like 1 or -0.6"),
        ("51", "Enter a change of 50 full-time equivalents or fewer"),
        ("0.125", "Enter the change to 2 decimal places at most"),
    ],
)
def test_the_forecast_says_what_is_wrong_with_a_what_if(today, client_for, value, message):
    page = client_for("provision_manager").get("/allocation/forecast/", {"fte_change": value})
    assert page.status_code == 200
    assert message in page.content.decode()
    assert 'data-testid="wait-what-if"' not in page.content.decode()


def test_a_provision_manager_cannot_forecast_a_service_they_do_not_oversee(today, client_for):
    from enablement.catalogue.models import Service

    bep = Service.objects.get(code="BEP")
    page = client_for("provision_manager").get("/allocation/forecast/", {"service": bep.pk})
    assert "Select one of your services" in page.content.decode()
    assert "Barnet" not in page.content.decode().split("<h1")[1].split("</h1>")[0]


def test_the_tracker_shows_who_a_referral_is_allocated_to(today, client_for):
    response = client_for("senior").get("/referrals/export/csv/", {"status": "allocated"})
    rows = _csv(response)
    assert {(r["Reference"], r["Allocated to"]) for r in rows} == {
        (e.referral.reference, str(e.worker))
        for e in Episode.objects.filter(team__name="Kent East")
    }
    assert len(rows) == 3
    assert rows[0]["Allocated"]
    waiting = _csv(client_for("senior").get("/referrals/export/csv/", {"status": "accepted"}))
    assert {r["Allocated to"] for r in waiting} == {""}


def test_home_pages_show_room_waiting_and_my_allocations(today, client_for):
    senior = client_for("senior").get("/home/screening/").content.decode()
    # Wren 14 + Jules 8 (Robin on leave has none); three accepted referrals wait.
    assert 'data-testid="team-room">22<' in senior
    assert 'data-testid="waiting">3<' in senior
    worker = client_for("worker").get("/home/caseload/").content.decode()
    mine = worker.split('data-testid="my-episodes"')[1].split("</table>")[0]
    assert "Allocated to you: 1 open of 15" in mine
    assert ref("Mockup").reference in mine and ref("Proxy").reference not in mine


def test_the_referral_page_offers_allocation_and_then_says_who_has_it(today, client_for):
    standin = ref("Standin")
    page = client_for("senior").get(f"/referrals/{standin.pk}/").content.decode()
    assert f'href="/allocation/referrals/{standin.pk}/"' in page
    admin_page = client_for("admin").get(f"/referrals/{standin.pk}/").content.decode()
    assert "/allocation/referrals/" not in admin_page
    mockup = ref("Mockup")
    page = client_for("referrer").get(f"/referrals/{mockup.pk}/").content.decode()
    assert "Wren Worker on 9 February 2026 by Sage Senior; episode planning" in page


def test_the_forecast_reads_the_last_12_weeks_and_todays_staff(today):
    from enablement.allocation import forecasting
    from enablement.catalogue.models import Service

    kers = Service.objects.get(code="KERS")
    past = forecasting.history(kers, today=today)
    # The demo's KERS referrals were all received in the last 12 weeks; 7 were accepted.
    assert (past.received, past.accepted, past.closed_lengths_weeks) == (11, 7, ())
    inputs = forecasting.inputs_for(kers, today=today, past=past)
    assert inputs.arrivals_per_week == pytest.approx(7 / 12)
    assert inputs.waiting == 4
    assert inputs.default_episode_weeks == 12  # fewer than 5 closed: the service's length
    assert sorted(w.capacity for w in inputs.workers) == [9, 15, 15, 15]
    # Robin's leave, 2 to 12 March, seen from Tuesday 3 March: days 0 to 10.
    assert [w.leave for w in inputs.workers if w.leave] == [((0.0, 10.0),)]
    # Open episodes, allocated a day after acceptance, aged in days on 3 March.
    assert sorted(a for w in inputs.workers for a in w.open_episodes) == [22.0, 41.0, 63.0]
    outlook = forecasting.outlook(kers, today=today, fte_change=Decimal("1"))
    assert outlook.places_change == 15
    assert outlook.what_if.wait_mean_weeks <= outlook.now.wait_mean_weeks


@pytest.mark.parametrize(
    "waiting,rate,futures", [(0, 0.0, 200), (4, 0.6, 200), (600, 5, 90), (2488, 33, 20)]
)
def test_a_very_long_list_is_forecast_with_fewer_futures(waiting, rate, futures):
    from enablement.allocation.forecasting import futures_for

    assert futures_for(waiting, rate) == futures


def test_the_senior_changes_the_skills_a_waiting_referral_needs(today, client_for):
    facsimile = ref("Facsimile")
    url = f"/allocation/referrals/{facsimile.pk}/skills-needed/"
    client = client_for("senior")
    response = client.post(url, {"skills_needed": ["autism-specialist"]})
    assert response.status_code == 302
    assert [s.code for s in facsimile.skills_needed.all()] == ["autism-specialist"]
    event = Event.objects.get(referral=facsimile, kind="referral.skills_needed")
    assert event.summary.endswith("skills needed now Autism specialist (were none)")
    # The proposal follows: only the specialist fits now.
    ranked = client.get(f"/allocation/referrals/{facsimile.pk}/").context["candidates"]
    assert [(c.worker.name, c.fits) for c in ranked] == [
        ("Jules Worker", True),
        ("Robin Worker", False),
        ("Wren Worker", False),
    ]
    assert client.post(url, {"skills_needed": ["juggling"]}).status_code == 302
    assert [s.code for s in facsimile.skills_needed.all()] == ["autism-specialist"]
    assert client.get(url).status_code == 405
    for role in ("worker", "admin", "senior.west"):
        assert client_for(role).post(url, {"skills_needed": []}).status_code in (403, 404)
    assert [s.code for s in facsimile.skills_needed.all()] == ["autism-specialist"]


# --- Allocating a referral out of order (issue 12 item 4) -----------------------------------


def test_allocating_a_younger_referral_first_needs_a_reason_beside_the_field(today, client_for):
    """Standin, accepted on 21 February, has waited longest and Wren has room: allocating
    Facsimile first is refused without a reason, with the message beside the field."""
    standin, facsimile = ref("Standin"), ref("Facsimile")
    client = client_for("senior")
    url = f"/allocation/referrals/{facsimile.pk}/"
    page = client.get(url).content.decode()
    assert f"Why this referral goes before {standin.reference}" in page
    refused = client.post(url, {"worker": staff("worker.east").pk})
    html = refused.content.decode()
    message = (
        f"{standin.reference}, accepted on 21 February 2026, has waited longer and fits: "
        "say why this one goes first"
    )
    assert refused.status_code == 200 and message in html
    assert 'id="id_out_of_order_reason-error"' in html or "govuk-error-message" in html
    assert not Episode.objects.filter(referral=facsimile).exists()

    client.post(
        url, {"worker": staff("worker.east").pk, "out_of_order_reason": "Carer goes into hospital"}
    )
    episode = Episode.objects.get(referral=facsimile)
    assert episode.passed_over == standin
    assert episode.out_of_order_reason == "Carer goes into hospital"
    assert not episode.overridden  # the worker was the first proposal
    event = Event.objects.get(kind="episode.allocated", episode=episode)
    assert event.data["out_of_order"] is True
    assert event.data["passed_over"] == standin.pk
    assert "Carer goes into hospital" not in str(event.data)
    assert "Carer goes into hospital" not in event.summary
    shown = client.get(f"/referrals/{facsimile.pk}/").content.decode()
    assert "Allocated out of order" in shown
    assert f"Before {standin.reference}, which had waited longer" in shown
    assert "Carer goes into hospital" in shown


def test_the_longest_waiting_referral_needs_no_reason(today, client_for):
    standin = ref("Standin")
    client = client_for("senior")
    url = f"/allocation/referrals/{standin.pk}/"
    assert "out_of_order_reason" not in client.get(url).content.decode()
    client.post(url, {"worker": staff("worker.east").pk})
    episode = Episode.objects.get(referral=standin)
    assert episode.passed_over is None and episode.out_of_order_reason == ""
    event = Event.objects.get(kind="episode.allocated", episode=episode)
    assert event.data["out_of_order"] is False and event.data["passed_over"] is None
    assert "Allocated out of order" not in client.get(f"/referrals/{standin.pk}/").content.decode()


def test_an_older_referral_nobody_fits_is_not_in_the_way(today, user_for):
    """Surrogate needs an autism specialist; with Jules on leave nobody fits it, so once
    Standin is allocated Facsimile is next in order and needs no reason."""
    senior = user_for("senior")
    services.allocate(
        referral=ref("Standin"), worker=staff("worker.east"), actor=senior, now=timezone.now()
    )
    jules = staff("worker.east2")
    jules.leave.create(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 20))
    episode = services.allocate(
        referral=ref("Facsimile"), worker=staff("worker.east"), actor=senior, now=timezone.now()
    )
    assert episode.passed_over is None


def test_allocate_all_in_order_needs_no_reason(today, client_for):
    team = ref("Standin").team_id
    client = client_for("senior")
    review = client.get(f"/allocation/teams/{team}/allocate-all/").content.decode()
    pairs = re.findall(r'name="pair" value="([^"]+)"', review)
    assert pairs
    client.post(f"/allocation/teams/{team}/allocate-all/", {"pair": pairs})
    episodes = Episode.objects.filter(team_id=team, allocated_at=timezone.now())
    assert episodes.count() == len(pairs)
    assert not episodes.exclude(passed_over=None).exists()
    assert all(e.data["out_of_order"] is False for e in Event.objects.filter(episode__in=episodes))
