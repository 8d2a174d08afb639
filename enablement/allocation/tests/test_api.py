"""/api/v1/allocation: the same rules and doors as the pages (demo, Tuesday 3 March 2026)."""

import datetime as dt
import json

import pytest
import time_machine
from django.utils import timezone

from enablement.casework.models import Episode
from enablement.catalogue.models import StaffMember
from enablement.referrals.models import Referral

API = "/api/v1/allocation"


@pytest.fixture(autouse=True)
def today(demo):
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 3, 3, 10, 0)), tick=False):
        yield


def ref(family):
    return Referral.objects.get(person__family_name=family)


def staff(username):
    return StaffMember.objects.get(user__username=username)


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_waiting_list_in_order_with_the_proposal(client_for):
    body = client_for("senior").get(f"{API}/waiting-list").json()
    assert [i["reference"] for i in body["items"]] == [
        ref(f).reference for f in ("Standin", "Surrogate", "Facsimile")
    ]
    first = body["items"][0]
    assert (first["working_days_waiting"], first["calendar_days_waiting"]) == (7, 10)
    assert first["joint_working_requested"] is True
    assert body["items"][1]["skills_needed"] == ["autism-specialist"]
    assert body["items"][1]["proposed_worker"] == "Jules Worker"


def test_candidates_then_allocate(client_for):
    standin = ref("Standin")
    client = client_for("senior")
    ranked = client.get(f"{API}/referrals/{standin.pk}/candidates").json()
    assert [(c["name"], c["fits"]) for c in ranked] == [
        ("Wren Worker", True),
        ("Jules Worker", True),
        ("Robin Worker", False),
    ]
    assert ranked[2]["reasons"] == ["On leave until 12 March 2026"]
    refused = _post(
        client, f"{API}/referrals/{standin.pk}/allocate", {"worker_id": ranked[2]["worker_id"]}
    )
    assert refused.status_code == 400
    assert {e["field"] for e in refused.json()["errors"]} == {"override", "reason"}
    made = _post(
        client, f"{API}/referrals/{standin.pk}/allocate", {"worker_id": ranked[0]["worker_id"]}
    )
    assert made.status_code == 201
    assert made.json()["status"] == "planning" and made.json()["worker"] == "Wren Worker"
    again = _post(
        client, f"{API}/referrals/{standin.pk}/allocate", {"worker_id": ranked[0]["worker_id"]}
    )
    assert again.status_code == 400
    assert "no longer waiting" in again.json()["errors"][0]["message"]


def test_plan_review_and_confirm_and_409_when_it_changed(client_for):
    client = client_for("senior")
    team = ref("Standin").team_id
    plan = client.get(f"{API}/teams/{team}/plan").json()
    assert len(plan["assignments"]) == 3 and plan["waiting"] == []
    stale = plan["reviewed"][1:]
    conflict = _post(client, f"{API}/teams/{team}/plan", {"reviewed": stale})
    assert conflict.status_code == 409
    assert Episode.objects.count() == 4  # the demo's four, nothing added
    done = _post(client, f"{API}/teams/{team}/plan", {"reviewed": plan["reviewed"]})
    assert done.status_code == 201
    assert [e["reference"] for e in done.json()] == [a["reference"] for a in plan["assignments"]]


@pytest.mark.parametrize("role", ["worker", "admin", "referrer", "commissioner"])
def test_only_the_teams_senior_allocates_through_the_api(client_for, role):
    standin = ref("Standin")
    client = client_for(role)
    response = _post(
        client, f"{API}/referrals/{standin.pk}/allocate", {"worker_id": staff("worker.east").pk}
    )
    assert response.status_code in (403, 404)
    team = standin.team_id
    assert _post(client, f"{API}/teams/{team}/plan", {"reviewed": []}).status_code in (403, 404)
    assert not Episode.objects.filter(referral=standin).exists()


def test_another_teams_senior_cannot_allocate(client_for):
    standin = ref("Standin")
    west = client_for("senior.west")
    response = _post(
        west, f"{API}/referrals/{standin.pk}/allocate", {"worker_id": staff("worker.west").pk}
    )
    assert response.status_code == 404
    own = client_for("senior")
    response = _post(
        own,
        f"{API}/referrals/{standin.pk}/allocate",
        {"worker_id": staff("worker.west").pk, "override": True, "reason": "x"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Kit Worker is not a worker of Kent East"


def test_caseloads_and_forecast(client_for):
    loads = client_for("provision_manager").get(f"{API}/caseloads").json()["items"]
    jules = next(r for r in loads if r["name"] == "Jules Worker")
    assert (jules["places"], jules["open_episodes"], jules["room"]) == (9, 1, 8)
    body = client_for("provision_manager").get(f"{API}/forecast", {"fte_change": "1"}).json()
    assert body["service"] == "KERS" and len(body["weeks"]) == 12
    assert [w["week"] for w in body["accepted_later"]] == list(range(1, 13))
    assert body["accepted_later"][0]["mean_weeks"] == pytest.approx(body["wait_mean_weeks"])
    assert body["what_if_places_change"] == 15
    assert body["what_if_wait_mean_weeks"] <= body["wait_mean_weeks"]
    assert body["assumptions"]
    other = client_for("provision_manager").get(f"{API}/forecast", {"service": "BEP"})
    assert other.status_code == 404


def test_the_waiting_list_of_a_whole_service(client_for):
    pm = client_for("provision_manager")
    body = pm.get(f"{API}/waiting-list", {"service": "KERS"}).json()
    assert [(i["reference"], i["team"]) for i in body["items"]] == [
        (ref("Lookalike").reference, "Kent West"),
        (ref("Standin").reference, "Kent East"),
        (ref("Surrogate").reference, "Kent East"),
        (ref("Facsimile").reference, "Kent East"),
    ]
    assert body["items"][0]["waits_because"] == (
        "No worker in the team has the skills needed: Autism specialist"
    )
    assert pm.get(f"{API}/waiting-list", {"service": "BEP"}).status_code == 404
    assert client_for("worker").get(f"{API}/waiting-list", {"service": "KERS"}).status_code == 403


def test_the_api_refuses_a_younger_referral_first_without_a_reason(client_for):
    standin, facsimile = ref("Standin"), ref("Facsimile")
    client = client_for("senior")
    url = f"{API}/referrals/{facsimile.pk}/allocate"
    wren = staff("worker.east").pk
    refused = _post(client, url, {"worker_id": wren})
    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert [e["field"] for e in errors] == ["out_of_order_reason"]
    assert errors[0]["message"] == (
        f"{standin.reference}, accepted on 21 February 2026, has waited longer and fits: "
        "say why this one goes first"
    )
    made = _post(client, url, {"worker_id": wren, "out_of_order_reason": "Discharged today"})
    assert made.status_code == 201
    assert made.json()["passed_over_id"] == standin.pk
    assert made.json()["out_of_order_reason"] == "Discharged today"
    first = client.get(f"{API}/referrals/{standin.pk}/candidates").json()[0]["worker_id"]
    in_order = _post(client, f"{API}/referrals/{standin.pk}/allocate", {"worker_id": first})
    assert in_order.status_code == 201 and in_order.json()["passed_over_id"] is None
