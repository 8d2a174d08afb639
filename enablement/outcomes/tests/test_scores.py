"""Recording scores: the action, the worker's pages, the portal and the episode page."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from enablement.casework.models import Episode, EpisodeStatus
from enablement.closures.tests.helpers import episode_under_way
from enablement.governance.models import Event
from enablement.outcomes import selectors, wording
from enablement.outcomes.models import Assessment
from enablement.outcomes.tests.helpers import (
    DOMAINS_33,
    SWEMWBS_17,
    SWEMWBS_24,
    record,
    scored_episode,
)


@pytest.fixture
def episode(demo):
    return episode_under_way(at=demo)


def _post_items(answers: dict, **extra) -> dict:
    return {f"item_{n}": "" if v is None else str(v) for n, v in answers.items()} | extra


# --- The action ----------------------------------------------------------------------------


def test_baseline_reviews_and_closure_are_recorded_in_order_with_an_event_each(demo):
    planning = episode_under_way(at=demo, started=False)
    baseline = record(planning, "swemwbs", "baseline", SWEMWBS_17, now=demo)
    assert (baseline.occasion, baseline.number, baseline.total) == ("baseline", 0, 17)
    assert baseline.score == Decimal("16.88")
    Episode.objects.filter(pk=planning.pk).update(status=EpisodeStatus.ACTIVE)
    first = record(planning, "swemwbs", "review", SWEMWBS_24, now=demo)
    second = record(planning, "swemwbs", "review", SWEMWBS_24, now=demo)
    assert (first.occasion_label, second.occasion_label) == ("Review 1", "Review 2")
    Episode.objects.filter(pk=planning.pk).update(status=EpisodeStatus.CLOSING)
    closure = record(planning, "swemwbs", "closure", SWEMWBS_24, now=demo)
    assert closure.score == Decimal("21.54")
    events = Event.objects.filter(episode=planning, kind="outcome.recorded").order_by("pk")
    assert [e.data["occasion"] for e in events] == ["baseline", "review", "review", "closure"]
    assert events[0].data["score"] == "16.88"
    assert "baseline Short Warwick-Edinburgh" in events[0].summary


def test_a_closed_enablement_takes_no_more_scores(episode, demo):
    Episode.objects.filter(pk=episode.pk).update(status=EpisodeStatus.CLOSED)
    with pytest.raises(ValidationError, match="The enablement has closed"):
        record(episode, "swemwbs", "closure", SWEMWBS_17, now=demo)
    assert not Assessment.objects.filter(episode=episode).exists()


def test_a_second_baseline_is_refused(episode, demo):
    record(episode, "swemwbs", "baseline", SWEMWBS_17, now=demo)
    with pytest.raises(ValidationError, match="already been recorded"):
        record(episode, "swemwbs", "baseline", SWEMWBS_24, now=demo)


def test_a_review_score_waits_for_the_start(demo):
    planning = episode_under_way(at=demo, started=False)
    with pytest.raises(ValidationError, match="once the enablement has started"):
        record(planning, "swemwbs", "review", SWEMWBS_17, now=demo)


def test_a_missing_item_is_kept_and_gives_no_score(episode, demo):
    saved = record(episode, "swemwbs", "baseline", SWEMWBS_17 | {4: None}, now=demo)
    saved.refresh_from_db()
    assert saved.total is None and saved.score is None
    assert saved.answers["4"] is None and saved.answers["1"] == 2
    assert saved.missing == [4]
    event = Event.objects.get(episode=episode, kind="outcome.recorded")
    assert "no score: 1 item(s) not answered" in event.summary


def test_an_answer_off_the_scale_is_refused(episode, demo):
    with pytest.raises(ValidationError) as caught:
        record(episode, "swemwbs", "baseline", SWEMWBS_17 | {3: 6}, now=demo)
    assert "outside the scale" in caught.value.message_dict["item_3"][0]
    assert not Assessment.objects.exists()


def test_the_carer_cannot_complete_the_persons_instrument(episode, demo):
    with pytest.raises(ValidationError, match="the view of the person"):
        record(episode, "swemwbs", "baseline", SWEMWBS_17, now=demo, completed_by="carer")


def test_an_instrument_the_service_does_not_use_is_refused(demo):
    # The autism services (KPS) use only the person's recovery-domain rating.
    from enablement.reviews.tests.factories import make_episode

    kps = make_episode("KPS")
    assert kps.service_settings.outcome_instruments == ["recovery-person"]
    with pytest.raises(ValidationError, match="does not use this instrument"):
        record(kps, "swemwbs", "baseline", SWEMWBS_17, now=demo, by="worker.kps")


def test_change_by_episode_for_the_dashboard(demo):
    episode = scored_episode(demo)
    baseline_only = episode_under_way(at=demo)
    record(baseline_only, "swemwbs", "baseline", SWEMWBS_17, now=demo)
    found = selectors.change_by_episode([episode.pk, baseline_only.pk])
    assert set(found) == {episode.pk}
    assert found[episode.pk]["swemwbs"].difference == Decimal("4.66")
    assert found[episode.pk]["recovery-person"].difference == Decimal(19)


# --- The worker's pages ----------------------------------------------------------------------


def test_the_worker_records_a_score_and_sees_the_chart_and_the_table(episode, client_for):
    worker = client_for("worker")
    url = f"/episodes/{episode.pk}/outcomes/new/swemwbs/"
    page = worker.get(url).content.decode()
    assert "Item 1" in page and "Item 7" in page
    assert "Baseline (planning meeting)" in page
    answers = _post_items(
        SWEMWBS_17,
        occasion="baseline",
        completed_by="worker",
        completed_on_0="2",
        completed_on_1="3",
        completed_on_2="2026",
    )
    done = worker.post(url, answers)
    assert done.status_code == 302, done.content.decode()[:3000]
    assert done["Location"] == f"/episodes/{episode.pk}/outcomes/"
    saved = Assessment.objects.get(episode=episode)
    assert (saved.completed_by, saved.score) == ("worker", Decimal("16.88"))
    worker.post(
        url,
        _post_items(
            SWEMWBS_24,
            occasion="review",
            completed_by="person",
            completed_on_0="2",
            completed_on_1="3",
            completed_on_2="2026",
        ),
    )
    page = worker.get(f"/episodes/{episode.pk}/outcomes/").content.decode()
    chart = page[page.index('data-testid="outcome-chart"') - 200 :]
    assert 'role="img"' in chart[:400]
    assert "Baseline: 16.88; Review 1: 21.54" in page  # the chart's description
    table = page[page.index('data-testid="outcome-table"') :]
    table = table[: table.index("</table>")]
    assert "16.88 (17)" in table and "21.54 (24)" in table and "+4.66" in table
    # The same numbers on the episode page, in its outcomes section.
    episode_page = worker.get(f"/episodes/{episode.pk}/").content.decode()
    assert 'id="outcomes"' in episode_page
    assert "+4.66" in episode_page and 'data-testid="outcome-chart"' in episode_page


def test_an_answer_left_blank_on_the_page_shows_no_score(episode, client_for):
    worker = client_for("worker")
    answers = _post_items(
        SWEMWBS_17 | {2: None},
        occasion="baseline",
        completed_by="person",
        completed_on_0="2",
        completed_on_1="3",
        completed_on_2="2026",
    )
    worker.post(f"/episodes/{episode.pk}/outcomes/new/swemwbs/", answers)
    page = worker.get(f"/episodes/{episode.pk}/outcomes/").content.decode()
    assert "No score (1 not answered)" in page
    assert "Baseline: no score" in page


def test_only_the_team_records_and_the_overseers_read(episode, client_for):
    url = f"/episodes/{episode.pk}/outcomes/new/swemwbs/"
    assert client_for("senior").get(url).status_code == 200
    assert client_for("provision_manager").get(url).status_code == 403
    assert (
        client_for("provision_manager").get(f"/episodes/{episode.pk}/outcomes/").status_code == 200
    )
    assert client_for("worker.west").get(url).status_code == 404
    assert client_for("referrer").get(f"/episodes/{episode.pk}/outcomes/").status_code == 404
    answers = _post_items(SWEMWBS_17, occasion="baseline", completed_by="worker")
    assert client_for("provision_manager").post(url, answers).status_code == 403
    assert not Assessment.objects.filter(episode=episode).exists()


def test_a_closed_enablement_offers_no_occasion(episode, client_for):
    Episode.objects.filter(pk=episode.pk).update(status=EpisodeStatus.CLOSED)
    page = client_for("worker").get(f"/episodes/{episode.pk}/outcomes/new/swemwbs/")
    assert "scores can no longer be recorded" in page.content.decode()


# --- The portal ------------------------------------------------------------------------------


@pytest.fixture
def pats(demo):
    from enablement.plans.tests.helpers import pat_episode

    return pat_episode()


def test_the_person_answers_their_own_and_sees_the_chart_and_table(pats, client_for, demo):
    person = client_for("person")
    home = person.get("/home/my-record/").content.decode()
    assert f"/episodes/{pats.pk}/outcomes/mine/" in home
    mine = person.get(f"/episodes/{pats.pk}/outcomes/mine/").content.decode()
    assert "Short Warwick-Edinburgh" in mine and "the carer&#x27;s rating" not in mine
    url = f"/episodes/{pats.pk}/outcomes/mine/swemwbs/"
    assert "will be your <strong>baseline" in person.get(url).content.decode()
    done = person.post(url, _post_items(SWEMWBS_17))
    assert done.status_code == 302
    saved = Assessment.objects.get(episode=pats)
    assert (saved.occasion, saved.completed_by, saved.score) == (
        "baseline",
        "person",
        Decimal("16.88"),
    )
    mine = person.get(f"/episodes/{pats.pk}/outcomes/mine/").content.decode()
    assert 'role="img"' in mine and "16.88 (17)" in mine


def test_the_carer_sees_and_answers_only_the_carers_rating(pats, client_for, demo):
    carer = client_for("carer")
    mine = carer.get(f"/episodes/{pats.pk}/outcomes/mine/").content.decode()
    assert "the carer&#x27;s rating" in mine and "Short Warwick" not in mine
    assert carer.get(f"/episodes/{pats.pk}/outcomes/mine/swemwbs/").status_code == 404
    done = carer.post(f"/episodes/{pats.pk}/outcomes/mine/recovery-carer/", _post_items(DOMAINS_33))
    assert done.status_code == 302
    saved = Assessment.objects.get(episode=pats)
    assert (saved.completed_by, saved.score) == ("carer", Decimal(33))
    assert (
        client_for("person").get(f"/episodes/{pats.pk}/outcomes/mine/recovery-carer/").status_code
        == 404
    )


def test_someone_elses_portal_page_is_not_found(episode, client_for):
    assert client_for("person").get(f"/episodes/{episode.pk}/outcomes/mine/").status_code == 404


# --- Licensed wording ------------------------------------------------------------------------


def test_licensed_wording_comes_from_the_services_file(episode, client_for, settings, tmp_path):
    path = tmp_path / "swemwbs.json"
    items = [f"Licensed statement {n}" for n in range(1, 8)]
    path.write_text(json.dumps({"items": items, "answers": ["A", "B", "C", "D", "E"]}))
    settings.OUTCOME_WORDING_FILES = {"swemwbs": str(path)}
    wording._load.cache_clear()
    page = client_for("worker").get(f"/episodes/{episode.pk}/outcomes/new/swemwbs/")
    text = page.content.decode()
    assert "Licensed statement 7" in text and "Item 7" not in text
    assert "3: C" in text


def test_a_file_that_does_not_fit_keeps_the_neutral_labels(episode, client_for, settings, tmp_path):
    path = tmp_path / "swemwbs.json"
    path.write_text(json.dumps({"items": ["Only one"]}))
    settings.OUTCOME_WORDING_FILES = {"swemwbs": str(path)}
    wording._load.cache_clear()
    text = client_for("worker").get(f"/episodes/{episode.pk}/outcomes/new/swemwbs/").content
    assert b"Item 7" in text and b"Only one" not in text


# --- Which instruments a service scores: its settings ------------------------------------------


def test_a_service_chooses_its_instruments_in_a_new_settings_version(demo, user_for, client_for):
    from enablement.catalogue.models import Service
    from enablement.catalogue.services import service_settings_change

    kps = Service.objects.get(code="KPS")
    with pytest.raises(ValidationError, match="no outcome instrument with the code “tarot”"):
        service_settings_change(
            service=kps,
            values={"outcome_instruments": ["swemwbs", "tarot"]},
            note="Add wellbeing",
            actor=user_for("sysadmin"),
            now=demo,
        )
    before = kps.current_settings.version
    new = service_settings_change(
        service=kps,
        values={"outcome_instruments": ["recovery-person", "swemwbs"]},
        note="Add wellbeing",
        actor=user_for("sysadmin"),
        now=demo,
    )
    assert new.version == before + 1
    page = client_for("quality_manager").get("/services/KPS/").content.decode()
    assert "Recovery domains: the person&#x27;s rating; Short Warwick-Edinburgh" in page


def test_the_episode_section_reads_a_fixed_number_of_queries(
    demo, user_for, django_assert_num_queries
):
    from enablement.outcomes import sections

    worker = user_for("worker")
    empty = episode_under_way(at=demo)
    full = scored_episode(demo)
    sections.episode_section(worker, empty, today=demo.date())  # the worker's staff row
    for episode in (empty, full):
        episode = Episode.objects.select_related("service_settings").get(pk=episode.pk)
        with django_assert_num_queries(3) as counted:
            section = sections.episode_section(worker, episode, today=demo.date())
        assert len(section["series"]) == 3
    rows = {s.instrument.code: len(s.rows) for s in section["series"]}
    assert rows == {"recovery-person": 2, "recovery-carer": 0, "swemwbs": 2}
    assert counted


def test_the_scores_are_in_the_persons_subject_access_export(demo, client_for):
    episode = scored_episode(demo)
    response = client_for("provision_manager").get(
        f"/people/{episode.person_id}/subject-access/json/"
    )
    scores = json.loads(response.content)["outcome_scores"]
    assert [(s["occasion"], s["score"]) for s in scores if s["instrument"].startswith("Short")] == [
        ("baseline", "16.88"),
        ("review", "21.54"),
    ]
    assert scores[0]["answers"]
    pdf = client_for("provision_manager").get(f"/people/{episode.person_id}/subject-access/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
