import json

from enablement.notifications.models import Notification
from enablement.visits.models import CaseNote, NoteCheck, Visit


def _post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_api_plans_records_and_lists_visits(started, client_for, user_for, monday):
    client = client_for("worker")
    base = f"/api/v1/episodes/{started.pk}"
    made = _post(client, f"{base}/visits", {"kind": "phone", "planned_for": "2026-03-10T10:00"})
    assert made.status_code == 201, made.content
    visit_id = made.json()["id"]
    bad = _post(
        client,
        f"{base}/visits/{visit_id}/record",
        {"outcome": "attended", "happened_on": "2026-03-09"},
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "hours"
    done = _post(
        client,
        f"{base}/visits/{visit_id}/record",
        {"outcome": "attended", "happened_on": "2026-03-09", "hours": "1.25"},
    )
    assert done.status_code == 200, done.content
    assert done.json()["outcome_label"] == "Attended"
    again = _post(
        client,
        f"{base}/visits/{visit_id}/record",
        {"outcome": "not_engaged", "happened_on": "2026-03-09"},
    )
    assert again.status_code == 400
    unplanned = _post(
        client,
        f"{base}/visits",
        {"kind": "visit", "outcome": "not_engaged", "happened_on": "2026-03-06"},
    )
    assert unplanned.status_code == 201, unplanned.content
    assert unplanned.json()["outcome"] == "not_engaged"
    listed = client.get(f"{base}/visits").json()
    assert [v["outcome"] for v in listed] == ["not_engaged", "attended"]  # by planned time
    assert Visit.objects.filter(episode=started).count() == 2


def test_api_notes_correct_check_and_discuss(started, client_for, user_for, monday):
    worker, senior = client_for("worker"), client_for("senior")
    base = f"/api/v1/episodes/{started.pk}"
    made = _post(worker, f"{base}/notes", {"kind": "contact", "text": "Met at the café"})
    assert made.status_code == 201, made.content
    note_id = made.json()["id"]
    fixed = _post(worker, f"{base}/notes/{note_id}/correct", {"text": "Met at the library"})
    assert fixed.status_code == 201
    assert fixed.json()["corrects_id"] == note_id
    listed = worker.get(f"{base}/notes").json()["items"]
    assert listed[0]["corrects_id"] == note_id
    assert listed[1]["corrected_by_id"] == fixed.json()["id"]
    assert (
        _post(worker, f"{base}/notes/{note_id}/check", {"meets_standard": True}).status_code == 403
    )
    checked = _post(
        senior, f"{base}/notes/{note_id}/check", {"meets_standard": True, "comment": "Good"}
    )
    assert checked.status_code == 201
    assert NoteCheck.objects.filter(note_id=note_id).exists()
    # The senior may not escalate (the worker's step); the worker may.
    body = {"kind": "escalation", "text": "No answer from the social worker"}
    assert _post(senior, f"{base}/notes", body).status_code == 403
    assert _post(worker, f"{base}/notes", body).status_code == 201
    assert Notification.objects.filter(
        user=user_for("senior"), subject__contains="not engaging"
    ).exists()
    # No prompt yet: nothing to discuss.
    discuss = {"decision": "continue", "note": "Fine"}
    assert _post(senior, f"{base}/missed-visits/discuss", discuss).status_code == 400
    for _ in range(3):
        _post(
            worker,
            f"{base}/visits",
            {"kind": "visit", "outcome": "cancelled_by_person", "happened_on": "2026-03-06"},
        )
    assert _post(worker, f"{base}/missed-visits/discuss", discuss).status_code == 403
    done = _post(senior, f"{base}/missed-visits/discuss", discuss)
    assert done.status_code == 200, done.content
    assert CaseNote.objects.get(pk=done.json()["note_id"]).kind == "formal"


def test_api_another_teams_worker_gets_404(started, client_for, monday):
    client = client_for("worker.west")
    base = f"/api/v1/episodes/{started.pk}"
    assert client.get(f"{base}/visits").status_code == 404
    assert client.get(f"{base}/notes").status_code == 404
    body = {"kind": "phone", "planned_for": "2026-03-10T10:00"}
    assert _post(client, f"{base}/visits", body).status_code == 404
    assert _post(client, f"{base}/notes", {"kind": "contact", "text": "x"}).status_code == 404
