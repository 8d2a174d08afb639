"""The plan through /api/v1/episodes/: the same actions and door as the pages."""

import datetime as dt
import json

import pytest
import time_machine
from django.utils import timezone

from enablement.plans.models import Plan, PlanStatus
from enablement.plans.tests.helpers import demo_episode, signed_plan

NOW = timezone.make_aware(dt.datetime(2026, 3, 3, 10, 0))


@pytest.fixture
def episode(demo):
    with time_machine.travel(NOW, tick=False):
        yield demo_episode()


def _url(episode, tail=""):
    return f"/api/v1/episodes/{episode.pk}/plan{tail}"


def _send(client, method, path, body):
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def _body(row_version=0, measure="Goes alone three Tuesdays running", key=None):
    return {
        "row_version": row_version,
        "goals": [
            {
                "key": key,
                "description": "Take the bus to the allotment on my own",
                "measure": measure,
                "target_date": "2026-04-14",
            }
        ],
        "strengths": "Knows the town",
    }


def test_save_sign_and_read_through_the_api(episode, client_for):
    client = client_for("worker")
    assert client.get(_url(episode)).json() == {"current": None, "versions": []}
    saved = _send(client, "put", _url(episode), _body())
    assert saved.status_code == 200, saved.content
    plan = saved.json()
    assert (plan["version"], plan["status"], plan["row_version"]) == (1, "draft", 1)
    signed = _send(client, "post", _url(episode, "/sign-worker"), {"row_version": 1})
    assert signed.status_code == 200, signed.content
    paper = _send(client, "post", _url(episode, "/sign-paper"), {"signed_on": "2026-03-03"})
    assert paper.status_code == 200, paper.content
    assert paper.json()["status"] == "signed"
    read = client.get(_url(episode)).json()
    assert read["current"]["status"] == "signed"
    assert [v["version"] for v in read["versions"]] == [1]
    one = client.get(_url(episode, "/versions/1")).json()
    assert one["goals"][0]["measure"] == "Goes alone three Tuesdays running"
    assert client.get(_url(episode, "/versions/2")).status_code == 404


def test_a_stale_save_is_a_409_with_the_differences_and_writes_nothing(episode, client_for):
    worker, senior = client_for("worker"), client_for("senior")
    first = _send(worker, "put", _url(episode), _body()).json()
    key = first["goals"][0]["key"]
    ok = _send(worker, "put", _url(episode), _body(1, "Goes alone four times", key))
    assert ok.status_code == 200
    stale = _send(senior, "put", _url(episode), _body(1, "Goes alone twice", key))
    assert stale.status_code == 409
    answer = stale.json()
    assert "Someone else changed this plan" in answer["detail"]
    assert answer["row_version"] == 2
    assert {
        "field": "Goal 1: how we will know",
        "saved": "Goes alone four times",
        "sent": "Goes alone twice",
    } in answer["differences"]
    assert Plan.objects.get(episode=episode).goals.get().measure == "Goes alone four times"


def test_problems_are_400_with_field_names(episode, client_for):
    body = _body(measure="")
    body["goals"][0]["target_date"] = "2026-06-01"
    response = _send(client_for("worker"), "put", _url(episode), body)
    assert response.status_code == 400
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert fields["goals.0.measure"] == "Enter how you will measure this goal"
    assert "on or before the planned end, 4 May 2026" in fields["goals.0.target_date"]


def test_a_signed_plan_is_not_saved_over(episode, client_for):
    plan = signed_plan(episode, now=NOW)
    response = _send(client_for("worker"), "put", _url(episode), _body(plan.row_version))
    assert response.status_code == 409
    assert Plan.objects.get(episode=episode).status == PlanStatus.SIGNED


def test_another_team_and_the_portal_get_404(episode, client_for):
    signed_plan(episode, now=NOW)
    for role in ("worker.west", "person", "carer"):
        client = client_for(role)
        assert client.get(_url(episode)).status_code == 404, role
        assert _send(client, "put", _url(episode), _body()).status_code == 404, role


def test_the_admin_reads_but_may_not_sign(episode, client_for):
    signed_plan(episode, now=NOW)
    admin = client_for("admin")
    assert admin.get(_url(episode)).status_code == 200
    assert _send(admin, "put", _url(episode), _body(1)).status_code == 403
