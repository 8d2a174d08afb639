"""The front door through the JSON API: the same stories as the pages, the same door."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from enablement.catalogue.models import Team
from enablement.core import counting
from enablement.governance.models import Event
from enablement.people.models import Person
from enablement.referrals.models import Referral
from enablement.referrals.rules import RiskArea, Status

URL = "/api/v1/referrals"
JSON = "application/json"


def _at(y, m, d, h=10):
    return timezone.make_aware(dt.datetime(y, m, d, h, 0))


@pytest.fixture
def today(demo):
    """Tuesday 3 March 2026, the day after the demo was loaded (its risks are current)."""
    with time_machine.travel(_at(2026, 3, 3), tick=False):
        yield dt.date(2026, 3, 3)


@pytest.fixture
def kers_east(demo):
    return Team.objects.get(service__code="KERS", name="Kent East")


def _risks(assessed_on="2026-02-24"):
    return [
        {"area": area.value, "description": "None known", "assessed_on": assessed_on}
        for area in RiskArea
    ]


def _values(named_id, **change):
    return {
        "source": "community_mh_social_work",
        "named_social_worker_id": named_id,
        "need_identified": True,
        "work_requested": "Travel independently by bus to the Tuesday allotment group",
        "intended_outcomes": "Goes alone by week 6",
        "deliverable_within_length": True,
        "consent_to_share": True,
        "ongoing_cmh_social_work": True,
        "diagnosed_need": True,
        "eligible_needs": True,
        "preventative_entitlement": None,
        "face_to_face_assessment": True,
        "eligibility_assessed_on": "2026-02-20",
        "previous_ended_on": None,
        "risks": _risks(),
        **change,
    }


@pytest.fixture
def body(user_for, kers_east):
    def make(family="Sample", **change):
        return {
            "person_id": Person.objects.get(family_name=family).pk,
            "destination": {"team_id": kers_east.pk},
            **_values(user_for("referrer").pk, **change),
        }

    return make


def _post(client, path, data=None):
    return client.post(f"{URL}{path}", data or {}, content_type=JSON)


def _fields(response) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in response.json()["errors"]:
        out.setdefault(e["field"], []).append(e["message"])
    return out


def test_the_whole_front_door_through_the_api(today, client_for, user_for, body):
    referrer, admin, senior = client_for("referrer"), client_for("admin"), client_for("senior")

    submitted = _post(referrer, "", body())
    assert submitted.status_code == 201, submitted.content
    referral = submitted.json()
    pk = referral["id"]
    assert referral["status"] == Status.SUBMITTED
    assert referral["reference"].startswith("KERS-")
    assert (referral["service"], referral["team"]) == ("KERS", "Kent East")
    assert referral["person_name"] == "Ada Sample"
    assert referral["named_social_worker_id"] == user_for("referrer").pk
    assert {r["area"] for r in referral["risks"]} == {a.value for a in RiskArea}
    assert referral["screening_due"] == "2026-03-05"  # two working days
    assert "validate" not in referral["allowed_actions"]

    seen = admin.get(f"{URL}/{pk}").json()
    assert set(seen["allowed_actions"]) == {"return", "validate"}
    returned = _post(
        admin,
        f"/{pk}/return",
        {"missing": ["work_specific", "consent"], "note": "Please say when and where"},
    )
    assert returned.status_code == 200, returned.content
    assert returned.json()["status"] == Status.RETURNED

    mine = referrer.get(f"{URL}/{pk}").json()
    assert mine["status"] == Status.RETURNED
    assert "resubmit" in mine["allowed_actions"]
    [reasons] = mine["returns"]
    assert [m["code"] for m in reasons["missing"]] == ["work_specific", "consent"]
    assert reasons["missing"][1]["label"] == "Consent to share information with the service"
    assert reasons["note"] == "Please say when and where"
    assert reasons["resubmitted_at"] is None

    corrected = _values(
        user_for("referrer").pk,
        work_requested="Travel by the number 8 bus to the Tuesday allotment group at 10am",
    )
    resubmitted = _post(referrer, f"/{pk}/resubmit", corrected)
    assert resubmitted.status_code == 200, resubmitted.content
    assert resubmitted.json()["status"] == Status.SUBMITTED
    assert resubmitted.json()["returns"][0]["resubmitted_at"] is not None
    assert resubmitted.json()["work_requested"].startswith("Travel by the number 8 bus")

    validated = _post(admin, f"/{pk}/validate", {"case_system_already_open": True})
    assert validated.status_code == 200, validated.content
    assert validated.json()["status"] == Status.VALIDATED

    factors = validated.json()["appropriate_factors_to_confirm"]
    assert len(factors) == 6  # seed 000 §5
    screening = {
        "decision": "accept",
        "desktop_check_complete": True,
        "complex_features": [],
        "appropriate_factors": factors,
    }
    accepted = _post(senior, f"/{pk}/screen", screening)
    assert accepted.status_code == 200, accepted.content
    done = accepted.json()
    assert done["status"] == Status.ACCEPTED
    assert done["screenings"][0]["decision"] == "accept"
    assert done["screenings"][0]["eligibility"] == "eligible"
    assert done["allowed_actions"] == ["allocate"]  # the senior may now allocate it
    assert Referral.objects.get(pk=pk).status == Status.ACCEPTED
    kinds = list(Event.objects.filter(referral_id=pk).order_by("id").values_list("kind", flat=True))
    assert kinds == [
        "referral.submitted",
        "referral.returned",
        "referral.resubmitted",
        "referral.validated",
        "referral.case_system_already_open",
        "referral.accept",
    ]


@pytest.mark.parametrize(
    "change,field,words",
    [
        ({"named_social_worker_id": None}, "named_social_worker", "Name the social worker"),
        ({"named_social_worker_id": "admin"}, "named_social_worker", "referrer role"),
        ({"risks": _risks("2025-12-01")}, "risk_to_self_assessed_on", "more than 90 days ago"),
        ({"risks": _risks()[:4]}, "risk_other_description", "None known"),
        ({"destination": {"service": "NOPE"}}, "destination", "Unknown service"),
        ({"destination": {"team_id": 987654}}, "destination", "Unknown team"),
        ({"destination": {"service": "KERS"}}, "destination", "whose area"),
        ({"work_requested": "general support"}, "work_requested", "not a generalisation"),
        ({"consent_to_share": False}, "consent_to_share", ""),
        # Seed 000 §9: inside 12 months no statement lets it through; after, one is needed.
        (
            {"previous_ended_on": "2025-12-01", "changed_needs_statement": "Lives alone now " * 3},
            "previous_ended_on",
            "A new enablement can be considered from 1 December 2026",
        ),
        ({"previous_ended_on": "2024-12-01"}, "changed_needs_statement", "significantly changed"),
        ({"source": "self"}, "source", "does not take referrals from"),
    ],
)
def test_bad_input_is_a_400_with_field_errors_and_saves_nothing(
    today, client_for, user_for, body, change, field, words
):
    if change.get("named_social_worker_id") == "admin":
        change = {"named_social_worker_id": user_for("admin").pk}
    referrals, events = Referral.objects.count(), Event.objects.count()
    response = _post(client_for("referrer"), "", body(**change))
    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    errors = _fields(response)
    assert field in errors, errors
    assert words in " ".join(errors[field])
    assert (Referral.objects.count(), Event.objects.count()) == (referrals, events)


def test_a_person_aged_17_cannot_be_referred(today, client_for, user_for, body, kers_east):
    from enablement.people.services import person_create

    young = person_create(
        values={
            "given_name": "Teen",
            "family_name": "Young",
            "date_of_birth": dt.date(2008, 6, 1),
            "primary_diagnosis": "mental_health",
        },
        actor=user_for("referrer"),
        now=timezone.now(),
        team=kers_east,
    )
    before = Referral.objects.count()
    response = _post(client_for("referrer"), "", {**body(), "person_id": young.pk})
    assert response.status_code == 400
    errors = _fields(response)
    assert "aged 18 and over" in " ".join(errors["date_of_birth"])
    assert Referral.objects.count() == before


def test_every_problem_with_what_the_body_names_is_reported_at_once(today, client_for, body):
    response = _post(
        client_for("referrer"),
        "",
        body(
            named_social_worker_id=987654,
            destination={"service": "NOPE"},
            risks=[*_risks(), _risks()[0]],
        ),
    )
    assert response.status_code == 400
    assert {"named_social_worker", "destination", "risks"} <= set(_fields(response))


def test_a_body_that_breaks_the_schema_is_a_422(today, client_for, body, kers_east):
    client = client_for("referrer")
    both = body(destination={"team_id": kers_east.pk, "service": "KERS"})
    assert _post(client, "", both).status_code == 422
    bad_area = body(risks=[{"area": "weather", "description": "x"}])
    response = _post(client, "", bad_area)
    assert response.status_code == 422
    assert response.json()["errors"]


def test_submitting_twice_for_one_person_is_allowed(today, client_for, body):
    client = client_for("referrer")
    assert _post(client, "", body()).status_code == 201
    assert _post(client, "", body()).status_code == 201
    assert Referral.objects.filter(person__family_name="Sample").count() == 3  # with the demo's


def test_only_referrers_submit_and_only_for_people_they_may_see(
    today, client_for, body, django_user_model
):
    assert _post(client_for("admin"), "", body()).status_code == 403
    assert _post(client_for("referrer"), "", body(family="Fictional")).status_code == 404


@pytest.fixture
def other_referrer(demo, django_user_model):
    from django.contrib.auth.models import Group
    from django.test import Client

    other = django_user_model.objects.create_user("other.sw", password="x" * 12)
    other.groups.add(Group.objects.get(name="Referrer"))
    client = Client()
    client.force_login(other)
    return client


def test_a_referrer_never_sees_another_referrers_referral(
    today, client_for, body, other_referrer, user_for
):
    pk = _post(client_for("referrer"), "", body()).json()["id"]
    assert other_referrer.get(f"{URL}/{pk}").status_code == 404
    listed = other_referrer.get(URL).json()
    assert listed == {"items": [], "count": 0, "more": False}
    corrected = _values(user_for("referrer").pk)
    assert _post(other_referrer, f"/{pk}/resubmit", corrected).status_code == 404
    assert _post(other_referrer, "", body()).status_code == 404  # nor refer Ada
    # The referrer who made it sees it.
    ids = [r["id"] for r in client_for("referrer").get(URL).json()["items"]]
    assert pk in ids


def test_a_kent_west_worker_cannot_see_or_act_on_kent_east_referrals(today, client_for):
    west = client_for("worker.west")
    east = Referral.objects.filter(team__name="Kent East")
    validated = east.get(person__family_name="Specimen")
    seen = west.get(URL).json()
    assert [r["reference"] for r in seen["items"]] == [
        r.reference for r in Referral.objects.filter(team__name="Kent West")
    ]
    assert seen["count"] == Referral.objects.filter(team__name="Kent West").count() == 2
    assert west.get(f"{URL}/{validated.pk}").status_code == 404
    screening = {"decision": "accept", "desktop_check_complete": True}
    assert _post(west, f"/{validated.pk}/screen", screening).status_code == 404
    assert _post(west, f"/{validated.pk}/hold", {"concern": "?"}).status_code == 404
    validated.refresh_from_db()
    assert validated.status == Status.VALIDATED


def test_a_visible_referral_the_user_may_not_act_on_is_403(today, client_for):
    submitted = Referral.objects.get(person__family_name="Sample")
    assert _post(client_for("referrer"), f"/{submitted.pk}/validate").status_code == 403
    assert _post(client_for("worker"), f"/{submitted.pk}/validate").status_code == 403
    reasons = {"missing": ["consent"], "note": ""}
    assert _post(client_for("provision_manager"), f"/{submitted.pk}/return", reasons).json() == {
        "detail": "You do not have permission to do this",
        "errors": [],
    }
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_an_action_the_status_does_not_allow_is_a_400(today, client_for):
    accepted_already = Referral.objects.get(person__family_name="Sample")  # submitted
    response = _post(client_for("senior"), f"/{accepted_already.pk}/hold", {"concern": "Risk"})
    # Submitted, not validated: a senior may hold, but not from this status.
    assert response.status_code == 400
    assert "not possible" in response.json()["errors"][0]["message"]


def test_hold_and_answer_through_the_api(today, client_for):
    waiting = Referral.objects.get(person__family_name="Specimen")
    held = _post(client_for("senior"), f"/{waiting.pk}/hold", {"concern": "Eviction letter?"})
    assert held.status_code == 200, held.content
    assert held.json()["status"] == Status.ON_HOLD
    assert held.json()["hold_until"] == "2026-03-10"  # five working days
    assert held.json()["holds"][0]["is_open"] is True
    referrer = client_for("referrer")
    assert "answer_hold" in referrer.get(f"{URL}/{waiting.pk}").json()["allowed_actions"]
    blank = _post(referrer, f"/{waiting.pk}/answer", {"answer": "  "})
    assert blank.status_code == 400
    assert "answer" in _fields(blank)
    answered = _post(referrer, f"/{waiting.pk}/answer", {"answer": "Safe: I visited"})
    assert answered.status_code == 200
    assert answered.json()["status"] == Status.VALIDATED
    assert answered.json()["holds"][0]["answer"] == "Safe: I visited"


def test_screening_refuses_a_factor_the_service_does_not_list(today, client_for):
    waiting = Referral.objects.get(person__family_name="Specimen")
    response = _post(
        client_for("senior"),
        f"/{waiting.pk}/screen",
        {"decision": "decline", "not_appropriate": ["not a factor"], "reason": "x"},
    )
    assert response.status_code == 400
    assert "not_appropriate" in _fields(response)


def test_autism_panel_routes_to_kers_and_the_kers_admin_sees_it_with_its_risks(
    today, client_for, kers_east
):
    afd = Referral.objects.get(person__family_name="Invented")
    assert _post(client_for("admin.autism"), f"/{afd.pk}/validate").json()["status"] == (
        Status.IN_TRIAGE
    )
    panel = client_for("senior.autism")
    assert "triage_route" in panel.get(f"{URL}/{afd.pk}").json()["allowed_actions"]
    unknown = _post(panel, f"/{afd.pk}/route", {"team_id": 987654, "reason": "x"})
    assert unknown.status_code == 400
    assert _fields(unknown) == {"destination": ["Unknown team"]}
    str_team = Team.objects.filter(service__code="STR").first()
    elsewhere = _post(panel, f"/{afd.pk}/route", {"team_id": str_team.pk, "reason": "x"})
    assert elsewhere.status_code == 400
    assert "destination" in _fields(elsewhere)

    routed = _post(
        panel,
        f"/{afd.pk}/route",
        {
            "team_id": kers_east.pk,
            "outside_service": "",
            "reason": "Primary need is mental health",
            "desktop_check_complete": True,
            "needs_met_within_length": True,
        },
    )
    assert routed.status_code == 200, routed.content
    decision = routed.json()
    assert decision["status"] == Status.REDIRECTED
    assert decision["triage"]["destination"] == "KERS"
    created_id = decision["triage"]["created_referral_id"]

    # Seed 001 §10: the panel screened and accepted it; KERS takes it onto its waiting list
    # at the panel's date, with nothing to validate or screen again.
    admin = client_for("admin.east")
    queue = admin.get(URL, {"status": "accepted"}).json()["items"]
    [row] = [r for r in queue if r["id"] == created_id]
    assert (row["service"], row["team"], row["person_name"]) == (
        "KERS",
        "Kent East",
        "Hal Invented",
    )
    created = admin.get(f"{URL}/{created_id}").json()
    assert created["routed_from_id"] == afd.pk
    risks = {(r["area"], r["description"], r["assessed_on"]) for r in created["risks"]}
    assert risks == {(r.area, r.description, r.assessed_on.isoformat()) for r in afd.risks.all()}
    assert len(risks) == len(RiskArea)
    # Allocation is the senior's; the admin has nothing left to do on it.
    assert created["allowed_actions"] == []


def test_list_filters(today, client_for, body):
    quality = client_for("quality_manager")
    afd = quality.get(URL, {"service": "AFD"}).json()
    # One waiting for the panel's admin, one for the panel (seed 001 §10).
    assert sorted(r["person_name"] for r in afd["items"]) == ["Hal Invented", "Ina Notreal"]
    east = Team.objects.get(service__code="KERS", name="Kent East")
    by_team = quality.get(URL, {"team": east.pk}).json()
    assert by_team["count"] == Referral.objects.filter(team=east).count() == 10
    held = quality.get(URL, {"status": "on_hold"}).json()["items"]
    assert [r["person_name"] for r in held] == ["Cy Placeholder"]
    assert quality.get(URL, {"status": "nonsense"}).status_code == 422


def test_the_lists_count_stops_at_a_ceiling_and_says_there_are_more(
    today, client_for, body, monkeypatch
):
    """An exact count of a national list is a whole-table scan on every page (issue 14)."""
    quality = client_for("quality_manager")
    every = Referral.objects.count()
    assert quality.get(URL).json() | {"items": []} == {"items": [], "count": every, "more": False}
    monkeypatch.setattr(counting, "CEILING", every - 1)
    page = quality.get(URL, {"page_size": 2}).json()
    assert (page["count"], page["more"], len(page["items"])) == (every - 1, True, 2)
    monkeypatch.setattr(counting, "CEILING", every)
    assert quality.get(URL).json()["more"] is False


def test_overdue_is_worked_out_from_todays_clock(today, client_for, body):
    mine = _post(client_for("referrer"), "", body()).json()  # Tuesday: due Thursday
    with time_machine.travel(_at(2026, 3, 4), tick=False):  # the demo's are due today
        assert client_for("admin").get(URL, {"overdue": True}).json()["count"] == 0
    with time_machine.travel(_at(2026, 3, 5), tick=False):  # a session lasts 8 hours
        admin = client_for("admin")
        overdue = admin.get(URL, {"overdue": True}).json()["items"]
        on_time = admin.get(URL, {"overdue": False}).json()["items"]
    assert {r["person_name"] for r in overdue} == {"Ada Sample", "Bo Specimen"}
    assert all(r["screening_overdue"] for r in overdue)
    assert mine["id"] in [r["id"] for r in on_time]
    # On hold stops the clock; a returned referral has none.
    names = {r["person_name"]: r for r in on_time}
    assert names["Cy Placeholder"]["screening_overdue"] is False
    assert names["Pat Example"]["screening_due"] is None


def test_roles_without_referrals_are_refused_the_list(demo, client_for):
    for role in ("commissioner", "sysadmin", "person"):
        assert client_for(role).get(URL).status_code == 403


def test_signed_out_is_401(demo, client):
    assert client.get(URL).status_code == 401
    assert client.post(URL, {}, content_type=JSON).status_code == 401


def test_hub_service_single_point_and_assessment(today, client_for, body):
    submitted = _post(
        client_for("referrer"),
        "",
        body(
            destination={"service": "BEP"},
            source="agreed_organisation",
            # Ada lives in Kent (CT9): outside Barnet, so the referrer says why.
            residence_override_reason="Moved to a Barnet supported flat last week",
        ),
    )
    assert submitted.status_code == 201, submitted.content
    referral = submitted.json()
    pk = referral["id"]
    assert (referral["service"], referral["team"], referral["screening_due"]) == ("BEP", None, None)
    west = Team.objects.get(service__code="BEP", name="Barnet West")
    north = Team.objects.get(service__code="BEP", name="Barnet North")
    assert _post(client_for("admin.bep"), f"/{pk}/validate").json()["status"] == Status.IN_TRIAGE

    worker = client_for("worker.bep")  # Barnet West: the single point is the whole service's
    assert {"assess", "signpost"} <= set(worker.get(f"{URL}/{pk}").json()["allowed_actions"])
    for payload, field in [
        ({"hub_id": west.pk, "level": "brief", "reason": " "}, "reason"),
        ({"hub_id": 987654, "level": "brief", "reason": "Assessed"}, "hub"),
        ({"hub_id": west.pk, "level": "gold", "reason": "Assessed"}, "level"),
        ({"hub_id": None, "level": "brief", "reason": "Assessed"}, "hub"),
        ({"level": "signposting", "reason": "Assessed"}, "information_given"),
    ]:
        response = _post(worker, f"/{pk}/assess", payload)
        assert response.status_code == 400, (payload, response.content)
        assert field in _fields(response), (payload, response.json())

    assessed = _post(
        worker, f"/{pk}/assess", {"hub_id": north.pk, "level": "brief", "reason": "Assessed"}
    )
    assert assessed.status_code == 200, assessed.content
    assert (assessed.json()["status"], assessed.json()["team"]) == (
        Status.VALIDATED,
        "Barnet North",
    )
    assert assessed.json()["triage"]["hub"] == "Barnet North"
    # Now in Barnet North's queue, no longer the Barnet West worker's.
    assert worker.get(f"{URL}/{pk}").status_code == 404
    assert client_for("senior.bep").get(f"{URL}/{pk}").status_code == 200


def test_a_team_of_a_hub_service_is_not_a_destination(today, client_for, body):
    north = Team.objects.get(service__code="BEP", name="Barnet North")
    response = _post(
        client_for("referrer"),
        "",
        body(destination={"team_id": north.pk}, source="agreed_organisation"),
    )
    assert response.status_code == 400
    assert '{"service": "BEP"}' in _fields(response)["destination"][0]


def test_re_referral_reads_the_services_closed_episode(today, client_for, body, user_for):
    """A closed KERS episode for Ada that ended on 1 February 2026: the API refuses a new
    referral with the date it can be considered, whatever date or statement the body gives,
    and says when the date was read rather than typed."""
    from enablement.casework.models import Episode, EpisodeStatus

    ada = Person.objects.get(family_name="Sample")
    old = Referral.objects.filter(person=ada, service__code="KERS").first()
    Referral.objects.filter(pk=old.pk).update(status=Status.ALLOCATED)
    worker = user_for("worker")
    Episode.objects.create(
        referral=old,
        person=ada,
        service=old.service,
        service_settings=old.service_settings,
        team=old.team,
        worker=worker.staff,
        status=EpisodeStatus.CLOSED,
        allocated_at=_at(2025, 11, 3),
        allocated_by=worker,
        allocation_reason="the first proposal",
        closed_at=_at(2026, 2, 1),
    )
    client = client_for("referrer")
    statement = {"changed_needs_statement": "Moved out of supported housing and lives alone"}
    refused = _post(client, "", body(previous_ended_on="2020-01-01", **statement))
    assert refused.status_code == 400, refused.content
    assert "can be considered from 1 February 2027" in _fields(refused)["previous_ended_on"][0]

    with time_machine.travel(_at(2027, 2, 1), tick=False):
        client = client_for("referrer")  # a session signed in a year earlier has expired
        late = body(previous_ended_on="2020-01-01", risks=_risks("2027-01-25"))
        missing = _post(client, "", late)
        assert missing.status_code == 400
        assert "significantly changed" in _fields(missing)["changed_needs_statement"][0]
        made = _post(client, "", late | statement)
    assert made.status_code == 201, made.content
    assert (made.json()["previous_ended_on"], made.json()["previous_ended_typed"]) == (
        "2026-02-01",
        False,
    )


def test_a_typed_end_date_is_marked_typed(today, client_for, body):
    made = _post(
        client_for("referrer"),
        "",
        body(previous_ended_on="2024-11-30", changed_needs_statement="Lives alone since May now"),
    )
    assert made.status_code == 201, made.content
    assert (made.json()["previous_ended_on"], made.json()["previous_ended_typed"]) == (
        "2024-11-30",
        True,
    )
