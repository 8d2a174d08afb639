"""Extensions: asked for with reasons and evidence, never beyond the service's maximum,
decided by the service's chain, and only an approval moves the planned end."""

import datetime as dt

import pytest
import time_machine

from enablement.casework.models import Episode
from enablement.governance.models import Event
from enablement.notifications.models import Notification
from enablement.reviews import selectors
from enablement.reviews.models import Extension, ExtensionStatus, Review
from enablement.reviews.tests.factories import START, at, make_episode

WEEK_10 = START + dt.timedelta(days=70)
ASK = {
    "weeks": "2",
    "reasons": "Bo is two journeys short of travelling alone",
    "evidence": "Travelled alone twice in weeks 9 and 10",
}


def _ask(client, episode, **over):
    return client.post(f"/episodes/{episode.pk}/extensions/new/", {**ASK, **over})


def _extension_path(episode, ext):
    return f"/episodes/{episode.pk}/extensions/{ext.pk}/"


@pytest.fixture
def kers(demo):
    return make_episode("KERS")


@pytest.fixture
def today():
    with time_machine.travel(at(WEEK_10), tick=False):
        yield WEEK_10


def test_an_approved_2_week_extension_moves_the_planned_end_by_14_days(kers, today, client_for):
    planned = kers.planned_end
    assert planned == START + dt.timedelta(weeks=12)
    asked = _ask(client_for("worker"), kers)
    assert asked.status_code == 302, asked.content.decode()[:2000]
    ext = Extension.objects.get(episode=kers)
    assert Episode.objects.get(pk=kers.pk).planned_end == planned  # not on request
    client_for("senior").post(_extension_path(kers, ext), {"note": "Agreed to put it forward"})
    ext.refresh_from_db()
    assert ext.status == ExtensionStatus.DISCUSSED
    assert Episode.objects.get(pk=kers.pk).planned_end == planned  # not on discussion
    decided = client_for("provision_manager").post(
        _extension_path(kers, ext), {"decision": "approve", "note": ""}
    )
    assert decided.status_code == 302, decided.content.decode()[:2000]
    episode = Episode.objects.get(pk=kers.pk)
    assert episode.planned_end == planned + dt.timedelta(days=14)
    assert episode.extended_weeks == 2
    ext.refresh_from_db()
    assert (ext.planned_end_before, ext.planned_end_after) == (planned, episode.planned_end)
    # The mid-point review stays where the rule puts it.
    assert Review.objects.get(episode=kers).due_on == START + dt.timedelta(days=42)
    assert Event.objects.filter(episode=kers, kind="episode.extension_approved").exists()
    for who in ("worker", "referrer"):
        assert Notification.objects.filter(
            user__username={"worker": "worker.east", "referrer": "referrer"}[who],
            subject__contains="extension approved",
        ).exists(), who


def test_a_3_week_extension_is_refused_naming_the_maximum(kers, today, client_for):
    page = _ask(client_for("worker"), kers, weeks="3")
    assert page.status_code == 200
    body = page.content.decode()
    assert "<title>Error: " in body
    assert 'id="id_weeks-error"' in body or "An extension can be at most 2 weeks" in body
    assert "An extension can be at most 2 weeks" in body
    assert not Extension.objects.filter(episode=kers).exists()
    # And from the API, beside the field.
    api = client_for("worker").post(
        f"/api/v1/episodes/{kers.pk}/extensions",
        {**ASK, "weeks": 3},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api.json()["errors"] == [
        {"field": "weeks", "message": "An extension can be at most 2 weeks"}
    ]


def test_a_second_request_while_one_waits_is_refused(kers, today, client_for):
    _ask(client_for("worker"), kers, weeks="1")
    again = _ask(client_for("senior"), kers, weeks="1")
    assert "waiting for a decision" in again.content.decode()
    assert Extension.objects.filter(episode=kers).count() == 1


def test_the_kers_chain_senior_then_provision_manager(kers, today, client_for, user_for):
    _ask(client_for("worker"), kers)
    ext = Extension.objects.get(episode=kers)
    path = _extension_path(kers, ext)
    # Waiting for the senior: the senior is told, the worker and the PM cannot take it.
    assert Notification.objects.filter(
        user=user_for("senior"), subject__contains="extension to discuss"
    ).exists()
    assert client_for("worker").post(path, {"note": "I agree"}).status_code == 403
    assert client_for("provision_manager").post(path, {"decision": "approve"}).status_code == 403
    # The provision manager of another service does not see the episode at all.
    assert client_for("pm.autism").get(path).status_code == 404
    assert client_for("pm.autism").post(path, {"decision": "approve"}).status_code == 404
    # The senior's queue has it, the provision manager's not yet.
    assert list(selectors.waiting_extensions(user_for("senior"))) == [ext]
    assert not selectors.waiting_extensions(user_for("provision_manager")).exists()
    client_for("senior").post(path, {"note": "Exceptional: agreed to put it forward"})
    ext.refresh_from_db()
    assert ext.status == ExtensionStatus.DISCUSSED
    assert Notification.objects.filter(
        user=user_for("provision_manager"), subject__contains="extension to decide"
    ).exists()
    # Now the provision manager's (of KERS only); the worker and the senior cannot decide.
    assert not selectors.waiting_extensions(user_for("senior")).exists()
    assert list(selectors.waiting_extensions(user_for("provision_manager"))) == [ext]
    assert not selectors.waiting_extensions(user_for("pm.autism")).exists()
    queue = client_for("provision_manager").get("/episodes/extensions/")
    assert "1 to decide" in queue.content.decode()
    assert client_for("worker").post(path, {"decision": "approve"}).status_code == 403
    assert client_for("senior").post(path, {"decision": "approve"}).status_code == 403
    api = client_for("worker").post(
        f"/api/v1/episodes/{kers.pk}/extensions/{ext.pk}/decide",
        {"approve": True},
        content_type="application/json",
    )
    assert api.status_code == 403
    ext.refresh_from_db()
    assert ext.status == ExtensionStatus.DISCUSSED


def test_a_refusal_needs_a_note_and_leaves_the_planned_end(kers, today, client_for, user_for):
    _ask(client_for("worker"), kers)
    ext = Extension.objects.get(episode=kers)
    path = _extension_path(kers, ext)
    client_for("senior").post(path, {"note": "Discussed"})
    no_note = client_for("provision_manager").post(path, {"decision": "refuse", "note": ""})
    assert "Enter the reason the extension is refused" in no_note.content.decode()
    client_for("provision_manager").post(
        path, {"decision": "refuse", "note": "The goals can be met by week 12"}
    )
    ext.refresh_from_db()
    assert ext.status == ExtensionStatus.REFUSED
    assert Episode.objects.get(pk=kers.pk).planned_end == kers.planned_end
    assert Notification.objects.filter(
        user=user_for("worker"), subject__contains="extension refused"
    ).exists()


def test_autism_approval_needs_the_ot_assessment_manager(demo, today, client_for, user_for):
    episode = make_episode("KPS")
    assert episode.planned_end == START + dt.timedelta(weeks=16)
    client_for("worker.kps").post(f"/episodes/{episode.pk}/extensions/new/", ASK)
    ext = Extension.objects.get(episode=episode)
    path = _extension_path(episode, ext)
    # No senior step: the provision manager of the autism services decides.
    assert list(selectors.waiting_extensions(user_for("pm.autism"))) == [ext]
    assert client_for("senior.kps").post(path, {"note": "x"}).status_code == 403
    missing = client_for("pm.autism").post(path, {"decision": "approve", "agreed_with": ""})
    assert (
        "Enter the name of the occupational therapy assessment manager who agrees"
        in missing.content.decode()
    )
    ext.refresh_from_db()
    assert ext.status == ExtensionStatus.REQUESTED
    # A review date written wrong is put back to the rule when the clocks are recomputed.
    Review.objects.filter(episode=episode, week=9).update(due_on=START)
    client_for("pm.autism").post(path, {"decision": "approve", "agreed_with": "Oakley Therapist"})
    ext.refresh_from_db()
    assert (ext.status, ext.agreed_with) == (ExtensionStatus.APPROVED, "Oakley Therapist")
    assert Episode.objects.get(pk=episode.pk).planned_end == START + dt.timedelta(weeks=18)
    assert [
        (r.week, r.due_on) for r in Review.objects.filter(episode=episode).order_by("week")
    ] == [(w, START + dt.timedelta(weeks=w)) for w in (3, 6, 9)]
    assert Episode.objects.get(pk=episode.pk).next_review_due == START + dt.timedelta(weeks=3)


def test_str_decides_once_the_week_4_review_is_held(demo, client_for, user_for):
    episode = make_episode("STR")
    week_4 = Review.objects.get(episode=episode, week=4)
    assert week_4.due_on == START + dt.timedelta(days=28)
    with time_machine.travel(at(START + dt.timedelta(days=25)), tick=False):
        client_for("worker.str").post(
            f"/episodes/{episode.pk}/extensions/new/", {**ASK, "weeks": "8"}
        )
        ext = Extension.objects.get(episode=episode)
        assert list(selectors.waiting_extensions(user_for("senior.str"))) == [ext]
        early = client_for("senior.str").post(
            _extension_path(episode, ext), {"decision": "approve"}
        )
        assert (
            "This service decides an extension at the week 4 review: record that review first"
            in early.content.decode()
        )
        assert client_for("pm.str").post(
            _extension_path(episode, ext), {"decision": "approve"}
        ).status_code in (403, 404)
    ext.refresh_from_db()
    assert ext.status == ExtensionStatus.REQUESTED
    Review.objects.filter(pk=week_4.pk).update(held_on=week_4.due_on, engagement="good")
    with time_machine.travel(at(week_4.due_on), tick=False):
        client_for("senior.str").post(_extension_path(episode, ext), {"decision": "approve"})
    ext.refresh_from_db()
    assert ext.status == ExtensionStatus.APPROVED
    episode.refresh_from_db()
    assert episode.planned_end == START + dt.timedelta(weeks=14)
    assert episode.extended_weeks == 8


def test_str_never_past_six_calendar_months(demo, client_for):
    # 26 weeks from 7 September 2026 is 8 March 2027, a day past the 6 calendar months.
    start = dt.date(2026, 9, 7)
    episode = make_episode("STR", start=start)
    with time_machine.travel(at(start + dt.timedelta(days=25)), tick=False):
        page = client_for("worker.str").post(
            f"/episodes/{episode.pk}/extensions/new/", {**ASK, "weeks": "20"}
        )
        fits = client_for("worker.str").post(
            f"/episodes/{episode.pk}/extensions/new/", {**ASK, "weeks": "19"}
        )
    assert "Support may not run past 7 March 2027" in page.content.decode()
    assert fits.status_code == 302


def test_a_hub_service_sends_longer_support_to_the_network(demo, client_for):
    episode = make_episode("BEP")
    with time_machine.travel(at(START + dt.timedelta(days=25)), tick=False):
        page = client_for("worker.bep").get(f"/episodes/{episode.pk}/extensions/new/")
        api = client_for("worker.bep").post(
            f"/api/v1/episodes/{episode.pk}/extensions",
            ASK,
            content_type="application/json",
        )
    # The Network is named from BEP's settings (Enhanced goes to "BEN"), not from code.
    named = "Barnet Enablement Network offers a longer programme"
    assert named in page.content.decode()
    assert named in api.json()["errors"][0]["message"]


def test_the_episode_page_offers_to_ask_and_shows_who_decides(kers, today, client_for):
    page = client_for("worker").get(f"/episodes/{kers.pk}/").content.decode()
    assert 'data-testid="ask-extension"' in page
    _ask(client_for("worker"), kers)
    page = client_for("worker").get(f"/episodes/{kers.pk}/").content.decode()
    assert 'data-testid="ask-extension"' not in page
    assert "The senior discusses it" in page


def test_the_api_runs_the_kers_chain(kers, today, client_for):
    base = f"/api/v1/episodes/{kers.pk}/extensions"
    made = client_for("worker").post(base, {**ASK, "weeks": 2}, content_type="application/json")
    assert made.status_code == 201, made.content
    ext_id = made.json()["id"]
    assert made.json()["next_step"] == "The senior discusses it"
    early = client_for("provision_manager").post(
        f"{base}/{ext_id}/decide", {"approve": True}, content_type="application/json"
    )
    assert early.status_code == 400
    discussed = client_for("senior").post(
        f"{base}/{ext_id}/discuss", {"note": "Agreed"}, content_type="application/json"
    )
    assert discussed.status_code == 200, discussed.content
    decided = client_for("provision_manager").post(
        f"{base}/{ext_id}/decide", {"approve": True}, content_type="application/json"
    )
    assert decided.status_code == 200, decided.content
    assert (
        decided.json()["planned_end_after"]
        == (kers.planned_end + dt.timedelta(days=14)).isoformat()
    )
