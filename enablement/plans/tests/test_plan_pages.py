"""The plan on a page as the worker, the senior, the person and their carer use it, on the
demo: Kent East's allocation of Mo Mockup (KERS, 12 weeks, allocated 9 February 2026, not
started: goals fall after the allocation and on or before 4 May 2026), on Tuesday 3 March.
"""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enablement.governance.models import Event
from enablement.notifications.models import Notification
from enablement.plans import selectors, services
from enablement.plans.models import Plan, PlanStatus
from enablement.plans.tests.helpers import demo_episode, draft, goal, pat_episode, signed_plan

NOW = timezone.make_aware(dt.datetime(2026, 3, 3, 10, 0))


@pytest.fixture
def tuesday(demo):
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def episode(tuesday):
    return demo_episode()


def _url(episode, tail=""):
    return f"/episodes/{episode.pk}/plan/{tail}"


def _form(row_version=0, goals=(), **plan):
    data = {"row_version": row_version, "goal_rows": max(3, len(goals))}
    for i, g in enumerate(goals):
        target = g.get("target_date")
        data |= {
            f"goal_{i}_description": g.get("description", ""),
            f"goal_{i}_measure": g.get("measure", ""),
            f"goal_{i}_target_date_0": target.day if target else "",
            f"goal_{i}_target_date_1": target.month if target else "",
            f"goal_{i}_target_date_2": target.year if target else "",
            f"goal_{i}_steps": g.get("steps", ""),
        }
        if g.get("key"):
            data[f"goal_{i}_key"] = g["key"]
    return data | plan


GOAL = {
    "description": "Take the bus to the allotment on my own",
    "measure": "Goes alone three Tuesdays running",
    "target_date": dt.date(2026, 4, 14),
}


# --- Writing the draft ------------------------------------------------------------------------


def test_the_worker_writes_version_1_as_a_draft(episode, client_for):
    client = client_for("worker")
    page = client.get(_url(episode))
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="goal-row"') == 3
    response = client.post(_url(episode), _form(goals=[GOAL], strengths="Knows the town"))
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = Plan.objects.get(episode=episode)
    assert (plan.version, plan.status, plan.row_version) == (1, PlanStatus.DRAFT, 1)
    assert [g.description for g in plan.goals.all()] == [GOAL["description"]]
    assert plan.strengths == "Knows the town"
    assert Event.objects.filter(kind="plan.saved", episode=episode).exists()
    # The episode page shows it.
    section = client.get(f"/episodes/{episode.pk}/").content.decode()
    assert "Version 1" in section and GOAL["description"] in section


def test_every_problem_is_shown_beside_its_field_and_nothing_is_saved(episode, client_for):
    bad = [
        {"description": "Cook for my sister", "target_date": dt.date(2026, 5, 5)},
        {"description": "Walk to the shop", "measure": "Goes twice", "target_date": None},
    ]
    response = client_for("worker").post(_url(episode), _form(goals=bad))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "Enter how you will measure this goal" in html
    assert "The target date must be on or before the planned end, 4 May 2026" in html
    assert "Enter the date the person aims to reach this goal by" in html
    assert 'href="#id_goal_0_measure"' in html
    assert not Plan.objects.filter(episode=episode).exists()


def test_a_plan_needs_a_goal(episode, client_for):
    response = client_for("worker").post(_url(episode), _form(goals=[]))
    assert "Add at least one goal the person has chosen" in response.content.decode()
    assert not Plan.objects.filter(episode=episode).exists()


def test_add_another_goal_saves_and_shows_one_more_row(episode, client_for):
    client = client_for("worker")
    data = _form(goals=[GOAL]) | {"add_goal": "1"}
    response = client.post(_url(episode), data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert page.count('data-testid="goal-row"') == 4
    assert Plan.objects.get(episode=episode).goals.count() == 1


def test_a_worker_of_another_team_cannot_open_the_plan(episode, client_for):
    signed_plan(episode, now=NOW)
    west = client_for("worker.west")
    for tail in ("", "versions/", "compare/", "sign/", "1/pdf/", "1/easy-read/"):
        assert west.get(_url(episode, tail)).status_code == 404, tail
    assert west.post(_url(episode), _form(goals=[GOAL])).status_code == 404


def test_the_admin_reads_but_does_not_edit(episode, client_for):
    signed_plan(episode, now=NOW)
    admin = client_for("admin")
    assert admin.get(_url(episode)).status_code == 403
    assert admin.get(_url(episode, "versions/")).status_code == 200


# --- Two people at once ---------------------------------------------------------------------


def test_a_save_from_an_older_row_version_is_refused_and_shows_the_difference(episode, client_for):
    first = draft(episode, now=NOW)
    key = first.goals.get().key
    opened_at = first.row_version
    worker, senior = client_for("worker"), client_for("senior")
    mine = dict(GOAL, key=key, measure="Goes alone four Tuesdays running")
    theirs = dict(GOAL, key=key, measure="Goes alone twice")
    assert worker.post(_url(episode), _form(opened_at, [mine])).status_code == 302
    response = senior.post(_url(episode), _form(opened_at, [theirs]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else changed this plan since you opened it" in html
    assert 'data-testid="plan-conflict"' in html
    # The difference: what the worker saved and what the senior typed, side by side.
    assert "Goes alone four Tuesdays running" in html and "Goes alone twice" in html
    # The senior's input is kept in the form, now carrying the saved row_version.
    assert 'value="Goes alone twice"' in html
    saved = Plan.objects.get(episode=episode)
    assert saved.goals.get().measure == "Goes alone four Tuesdays running"
    assert f'name="row_version" value="{saved.row_version}"' in html
    # Saving again from there goes through.
    again = senior.post(_url(episode), _form(saved.row_version, [theirs]))
    assert again.status_code == 302
    assert Plan.objects.get(episode=episode).goals.get().measure == "Goes alone twice"


def test_two_saves_from_the_same_row_version_in_the_actions(episode):
    plan = draft(episode, now=NOW)
    draft(episode, now=NOW, row_version=plan.row_version, goals=[goal(episode, "First")])
    with pytest.raises(services.PlanChanged):
        draft(episode, now=NOW, row_version=plan.row_version, goals=[goal(episode, "Second")])
    assert Plan.objects.get(episode=episode).goals.get().description == "First"


# --- Signing --------------------------------------------------------------------------------


def test_signed_by_both_it_is_the_plan_and_the_senior_is_told(episode, client_for):
    draft(episode, now=NOW)
    client = client_for("worker")
    plan = Plan.objects.get(episode=episode)
    response = client.post(
        _url(episode, "sign/"), {"which": "worker", "row_version": plan.row_version}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.worker_signed_at and plan.status == PlanStatus.DRAFT
    response = client.post(
        _url(episode, "sign/"),
        {
            "which": "paper",
            "row_version": plan.row_version,
            "signed_on_0": "3",
            "signed_on_1": "3",
            "signed_on_2": "2026",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SIGNED
    assert plan.person_signed_how == "paper"
    assert Event.objects.filter(kind="plan.signed", episode=episode).exists()
    assert Notification.objects.filter(
        user__username="senior.east", subject__contains="plan version 1 signed"
    ).exists()
    # The aims did not differ: the named social worker is not told.
    assert not Event.objects.filter(kind="plan.differs_from_referral").exists()


def test_aims_that_differ_from_the_referral_are_told_to_the_named_social_worker(
    episode, client_for
):
    plan = draft(episode, now=NOW)
    client = client_for("worker")
    missing = client.post(
        _url(episode, "sign/"),
        {"which": "worker", "row_version": plan.row_version, "differs_from_referral": "on"},
    )
    assert "Say how the aims differ from the work asked for" in missing.content.decode()
    client.post(
        _url(episode, "sign/"),
        {
            "which": "worker",
            "row_version": plan.row_version,
            "differs_from_referral": "on",
            "differs_note": "Pat wants work first; the referral asked for cooking",
        },
    )
    plan.refresh_from_db()
    assert plan.worker_signed_at and plan.differs_from_referral
    social_worker = episode.referral.named_social_worker or episode.referral.referrer
    assert not Notification.objects.filter(user=social_worker, subject__contains="differs")
    services.record_paper_signature(
        episode=episode, plan=plan, signed_on=NOW.date(), actor=plan.worker_signed_by, now=NOW
    )
    assert Notification.objects.filter(user=social_worker, subject__contains="differs").exists()
    assert Event.objects.filter(kind="plan.differs_from_referral", episode=episode).exists()


def _paper(client, episode, plan, upload, signed_on=("3", "3", "2026")):
    return client.post(
        _url(episode, "sign/"),
        {
            "which": "paper",
            "row_version": plan.row_version,
            "signed_on_0": signed_on[0],
            "signed_on_1": signed_on[1],
            "signed_on_2": signed_on[2],
            **({"scan": upload} if upload else {}),
        },
    )


def test_a_scan_is_judged_by_its_content_not_its_name(episode, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan = draft(episode, now=NOW)
    client = client_for("worker")
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = _paper(client, episode, plan, fake)
    assert response.status_code == 200
    assert "The scan must be a PDF, JPEG or PNG file" in response.content.decode()
    plan.refresh_from_db()
    assert plan.person_signed_on is None
    png = SimpleUploadedFile("photo.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "text/plain")
    assert _paper(client, episode, plan, png).status_code == 302
    plan.refresh_from_db()
    assert plan.paper_scan_type == "image/png"
    assert plan.paper_scan.name.endswith(".png")


def test_a_scan_over_10_mb_is_refused(episode, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan = draft(episode, now=NOW)
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf")
    response = _paper(client_for("worker"), episode, plan, big)
    assert "The scan must be 10 MB or smaller" in response.content.decode()


def test_a_paper_signature_in_the_future_is_refused(episode, client_for):
    plan = draft(episode, now=NOW)
    response = _paper(client_for("worker"), episode, plan, None, ("4", "3", "2026"))
    assert "The date the person signed must be today or in the past" in response.content.decode()


# --- Versions -----------------------------------------------------------------------------


def test_a_signed_plan_is_changed_by_a_new_version_that_supersedes_it(episode, client_for):
    v1 = signed_plan(episode, now=NOW)
    key = v1.goals.get().key
    client = client_for("worker")
    page = client.get(_url(episode)).content.decode()
    assert "Change the plan" in page
    assert (
        client.post(_url(episode, "change/"), {"change_summary": "Mid-point review"}).status_code
        == 302
    )
    v2 = Plan.objects.get(episode=episode, version=2)
    assert (v2.status, v2.based_on_id, v2.change_summary) == (
        PlanStatus.DRAFT,
        v1.pk,
        "Mid-point review",
    )
    assert v2.goals.get().key == key
    # A second "change" returns the same draft.
    assert (
        services.start_revision(episode=episode, actor=v1.created_by, now=NOW, change_summary="")
        == v2
    )
    changed = dict(GOAL, key=key, target_date=dt.date(2026, 4, 28))
    new_goal = dict(GOAL, description="Open a bank account")
    assert client.post(_url(episode), _form(v2.row_version, [changed, new_goal])).status_code == 302
    v2.refresh_from_db()
    goals = list(v2.goals.all())
    assert goals[0].key == key and goals[1].key != key
    v1.refresh_from_db()
    assert v1.status == PlanStatus.SIGNED  # still the plan until version 2 is signed
    services.sign_worker(episode=episode, plan=v2, actor=v1.created_by, now=NOW)
    services.record_paper_signature(
        episode=episode, plan=v2, signed_on=NOW.date(), actor=v1.created_by, now=NOW
    )
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == (PlanStatus.SUPERSEDED, PlanStatus.SIGNED)
    versions = client.get(_url(episode, "versions/")).content.decode()
    assert versions.count('data-testid="plan-version"') == 2
    compare = client.get(_url(episode, "compare/") + "?a=1&b=2").content.decode()
    assert "28 April 2026" in compare and "14 April 2026" in compare
    assert "Open a bank account" in compare
    assert compare.count('data-testid="changed"') >= 2


def test_compare_of_a_missing_version_is_not_found(episode, client_for):
    signed_plan(episode, now=NOW)
    assert client_for("worker").get(_url(episode, "compare/") + "?a=1&b=9").status_code == 404


# --- Printable and easy read -----------------------------------------------------------------


def _pages_and_text(content: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    text = " ".join(p.extract_text() for p in reader.pages)
    return len(reader.pages), " ".join(text.split())


def test_the_pdf_is_one_page_with_the_goals(episode, client_for):
    signed_plan(episode, now=NOW)
    response = client_for("worker").get(_url(episode, "1/pdf/"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    pages, text = _pages_and_text(response.content)
    assert pages == 1
    assert "Take the bus to the allotment" in text
    assert "Goes alone three Tuesdays running" in text


def test_eight_long_goals_still_fit_one_page(episode, client_for):
    goals = [goal(episode, f"Goal number {i}: " + "a long sentence " * 40) for i in range(8)]
    signed_plan(episode, now=NOW, goals=goals)
    pages, text = _pages_and_text(client_for("worker").get(_url(episode, "1/pdf/")).content)
    assert pages == 1
    assert "Goal number 7" in text


def test_easy_read_is_large_plain_and_one_goal_per_block(episode, client_for):
    signed_plan(episode, now=NOW, goals=[goal(episode), goal(episode, "Cook a meal")])
    html = client_for("worker").get(_url(episode, "1/easy-read/")).content.decode()
    assert 'class="app-easy-read"' in html
    assert html.count('data-testid="easy-read-goal"') == 2
    for words in ("What I want to do", "How we will know", "By when"):
        assert words in html
    assert "style=" not in html


# --- The person and their carer -------------------------------------------------------------


def test_the_person_sees_and_signs_their_plan_in_the_portal(tuesday, client_for):
    episode = pat_episode()
    plan = draft(episode, now=NOW)
    person = client_for("person")
    # A draft in progress is not theirs to read yet.
    assert person.get(_url(episode, "1/easy-read/")).status_code == 404
    services.sign_worker(episode=episode, plan=plan, actor=plan.created_by, now=NOW)
    portal = person.get("/home/my-record/").content.decode()
    assert "waiting to be signed" in portal
    mine = person.get(_url(episode, "mine/")).content.decode()
    assert "Sign your plan" in mine
    assert person.get(_url(episode, "1/easy-read/")).status_code == 200
    assert person.post(_url(episode, "mine/sign/")).status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.person_signed_how) == (PlanStatus.SIGNED, "portal")
    assert plan.person_signed_by.username == "person"
    portal = person.get("/home/my-record/").content.decode()
    assert "See the signed plan" in portal
    assert person.get(_url(episode, "1/pdf/")).status_code == 200


def test_the_carer_sees_the_plan_but_does_not_sign_it(tuesday, client_for):
    episode = pat_episode()
    plan = draft(episode, now=NOW)
    services.sign_worker(episode=episode, plan=plan, actor=plan.created_by, now=NOW)
    carer = client_for("carer")
    mine = carer.get(_url(episode, "mine/"))
    assert mine.status_code == 200
    assert "Sign your plan" not in mine.content.decode()
    assert carer.post(_url(episode, "mine/sign/")).status_code == 404
    assert carer.get(_url(episode, "1/easy-read/")).status_code == 200


def test_a_person_sees_only_their_own_plan(tuesday, client_for):
    other = demo_episode()
    signed_plan(other, now=NOW)
    for role in ("person", "carer"):
        client = client_for(role)
        assert client.get(_url(other, "mine/")).status_code == 404
        assert client.get(_url(other, "1/easy-read/")).status_code == 404
        assert client.get(_url(other, "1/pdf/")).status_code == 404
        assert client.get(_url(other)).status_code in (403, 404)
    # Staff do not use the portal's page.
    assert client_for("worker").get(_url(other, "mine/")).status_code == 404


def test_the_portal_shows_the_dates_and_the_next_visit(tuesday, client_for):
    from django.contrib.auth import get_user_model

    from enablement.visits.models import Visit

    episode = pat_episode()
    signed_plan(episode, now=NOW)
    worker = get_user_model().objects.get(username="worker.east")
    Visit.objects.create(episode=episode, planned_for=NOW + dt.timedelta(days=9), planned_by=worker)
    Visit.objects.create(episode=episode, planned_for=NOW + dt.timedelta(days=2), planned_by=worker)
    Visit.objects.create(
        episode=episode,
        planned_for=NOW - dt.timedelta(days=2),
        planned_by=worker,
        outcome="attended",
    )
    mine = client_for("person").get(_url(episode, "mine/")).content.decode()
    assert "Thursday 5 March 2026" in mine
    portal = client_for("carer").get("/home/my-record/").content.decode()
    assert "Thursday 5 March 2026" in portal


# --- The episode page section ----------------------------------------------------------------


def test_the_section_reads_a_fixed_number_of_queries(episode, user_for):
    """The same queries with one version of one goal as with two versions of seven goals."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from enablement.plans.sections import episode_section

    def count():
        user, fresh = user_for("worker"), demo_episode()
        with CaptureQueriesContext(connection) as ctx:
            section = episode_section(user, fresh, today=NOW.date())
            list(section["plan"].goals.all())
        return len(ctx)

    signed_plan(episode, now=NOW)
    few = count()
    services.start_revision(episode=episode, actor=user_for("worker"), now=NOW, change_summary="")
    draft(episode, now=NOW, goals=[goal(episode, f"Goal {i}") for i in range(7)])
    assert count() == few
    assert few <= 6


def test_selectors_current_plan_prefers_the_draft(episode):
    signed_plan(episode, now=NOW)
    services.start_revision(
        episode=episode, actor=Plan.objects.get().created_by, now=NOW, change_summary=""
    )
    assert selectors.current_plan(episode).version == 2
    assert selectors.signed_plan(episode).version == 1


# --- A hub's level and the resource catalogue ------------------------------------------------


def _hub_episode():
    """An episode of Barnet's hub service (routing "hub"), worked by a hub worker."""
    from enablement.casework.models import Episode
    from enablement.catalogue.models import Service, StaffMember

    model = demo_episode()
    bep = Service.objects.get(code="BEP")
    worker = StaffMember.objects.get(user__username="worker.bep")
    referral = model.referral
    referral.pk, referral.reference = None, "BEP-PLAN-1"
    referral.service, referral.service_settings = bep, bep.current_settings
    referral.team = worker.team
    referral.save()
    return Episode.objects.create(
        referral=referral,
        person=model.person,
        service=bep,
        service_settings=bep.current_settings,
        team=worker.team,
        worker=worker,
        allocated_at=model.allocated_at,
        allocated_by=model.allocated_by,
        allocation_reason="for the level test",
    )


def test_a_hub_plan_names_its_level(tuesday, client_for):
    episode = _hub_episode()
    client = client_for("worker.bep")
    page = client.get(_url(episode)).content.decode()
    assert "Level of support" in page
    assert "Enhanced" in page and "Pre-enablement signposting" not in page
    target = {"target_date": dt.date(2026, 3, 10)}
    missing = client.post(_url(episode), _form(goals=[GOAL | target]))
    assert "Select the level of support in this plan" in missing.content.decode()
    saved = client.post(_url(episode), _form(goals=[GOAL | target], level="brief"))
    assert saved.status_code == 302
    assert Plan.objects.get(episode=episode).level == "brief"
    section = client.get(f"/episodes/{episode.pk}/").content.decode()
    assert "Brief" in section


def test_a_kers_plan_asks_no_level_and_uses_the_catalogue(episode, client_for):
    from enablement.catalogue.models import Resource

    client = client_for("worker")
    page = client.get(_url(episode)).content.decode()
    assert "Level of support" not in page
    navigator = Resource.objects.get(code="navigator")
    assert navigator.name in page
    client.post(_url(episode), _form(goals=[GOAL], resources=[navigator.pk]))
    plan = Plan.objects.get(episode=episode)
    assert list(plan.resources.all()) == [navigator]
