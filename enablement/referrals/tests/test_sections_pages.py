"""The staff referral in sections (issue 12): a draft only its author sees, each section a
question page showing all its problems at once, a task list, and check your answers,
which submits through the same action function and rules as the one-page form did."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from enablement.catalogue.models import Service, Team
from enablement.people.models import Person
from enablement.referrals.models import Referral, ReferralDraft
from enablement.referrals.rules import RiskArea

NOW = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0))


@pytest.fixture
def at_demo_time():
    with time_machine.travel(NOW, tick=False):
        yield


def _date(prefix, day):
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def answers(referrer_pk, *, assessed=dt.date(2026, 2, 24)) -> dict:
    """Each section's answers for a referral that meets every KERS rule."""
    risk = {}
    for area in RiskArea:
        risk[f"risk_{area}_description"] = "None known"
        risk |= _date(f"risk_{area}_assessed_on", assessed)
    return {
        "person": {
            "eligible_needs": "yes",
            "preventative_entitlement": "unknown",
            "face_to_face_assessment": "yes",
            **_date("eligibility_assessed_on", dt.date(2025, 1, 6)),
            "ongoing_cmh_social_work": "on",
            "diagnosed_need": "on",
        },
        "referrer": {"source": "community_mh_social_work", "named_social_worker": str(referrer_pk)},
        "risk": risk,
        "work": {
            "need_identified": "on",
            "work_requested": "Travel independently by bus to the Tuesday allotment group",
            "intended_outcomes": "Goes alone by week 6",
            "deliverable_within_length": "on",
        },
        "consent": {"consent_to_share": "on"},
    }


@pytest.fixture
def ada(demo):
    return Person.objects.get(family_name="Sample")


@pytest.fixture
def draft(ada, client_for, user_for, at_demo_time):
    kers = Service.objects.get(code="KERS")
    response = client_for("referrer").post(f"/referrals/new/?person={ada.pk}", {"service": kers.pk})
    made = ReferralDraft.objects.get(author=user_for("referrer"), person=ada, service=kers)
    # A new draft opens on its first question, not on a task list of nothing done.
    assert response.status_code == 302 and response.url == f"/referrals/drafts/{made.pk}/person/"
    return made


def test_a_draft_already_begun_opens_on_its_task_list(draft, ada, client_for):
    client = client_for("referrer")
    client.post(f"/referrals/drafts/{draft.pk}/person/", {"later": "1"})
    again = client.post(f"/referrals/new/?person={ada.pk}", {"service": draft.service_id})
    assert again.status_code == 302 and again.url == f"/referrals/drafts/{draft.pk}/"


def test_the_source_of_the_referrers_last_referral_to_the_service_is_proposed(draft, client_for):
    from enablement.referrals.models import Referral

    last = (
        Referral.objects.filter(referrer__username="referrer", service=draft.service)
        .order_by("-first_submitted_at", "-pk")
        .first()
    )
    Referral.objects.filter(pk=last.pk).update(source="integrated_mh_team")
    html = client_for("referrer").get(f"/referrals/drafts/{draft.pk}/referrer/").content.decode()
    assert re.search(r'<option value="integrated_mh_team"[^>]*selected', html), html[:2000]


def _fill(client, draft, sections):
    for slug, data in sections.items():
        response = client.post(f"/referrals/drafts/{draft.pk}/{slug}/", data)
        assert response.status_code == 302, response.content.decode()[:3000]


def test_the_referral_starts_by_choosing_the_service_not_a_team(ada, client_for, at_demo_time):
    html = client_for("referrer").get(f"/referrals/new/?person={ada.pk}").content.decode()
    assert "Kent Enablement and Recovery Service" in html
    assert "Kent West" not in html  # no list of every team of every service


def test_the_team_is_proposed_from_the_persons_postcode(draft, client_for):
    html = client_for("referrer").get(f"/referrals/drafts/{draft.pk}/person/").content.decode()
    east = Team.objects.get(service__code="KERS", name="Kent East")
    assert "Kent East covers CT" in html
    assert f'value="{east.pk}" checked' in html


def test_no_team_covering_the_postcode_is_said_and_the_referrer_chooses(draft, ada, client_for):
    Person.objects.filter(pk=ada.pk).update(postcode="SW1A 1AA")
    client = client_for("referrer")
    html = client.get(f"/referrals/drafts/{draft.pk}/person/").content.decode()
    assert "No Kent Enablement and Recovery Service team covers SW1A 1AA" in html
    assert " checked" not in html.split('name="team"')[1].split(">")[0]
    html = client.post(f"/referrals/drafts/{draft.pk}/person/", {}).content.decode()
    assert "Select the team whose area the person lives in" in html


def test_a_draft_is_seen_by_its_author_alone(draft, client_for, django_user_model):
    from django.contrib.auth.models import Group

    other = django_user_model.objects.create_user(username="other.referrer", password="x")
    other.groups.add(*Group.objects.filter(user__username="referrer"))
    paths = [
        f"/referrals/drafts/{draft.pk}/",
        f"/referrals/drafts/{draft.pk}/risk/",
        f"/referrals/drafts/{draft.pk}/check/",
        f"/referrals/drafts/{draft.pk}/delete/",
    ]
    for role in ("admin", "senior", "worker", "provision_manager", "quality_manager"):
        client = client_for(role)
        for path in paths:
            assert client.get(path).status_code == 404, (role, path)
    from django.test import Client

    stranger = Client()
    stranger.force_login(other)
    for path in paths:
        assert stranger.get(path).status_code == 404
    assert "Ada Sample" not in stranger.get("/referrals/drafts/").content.decode()
    assert "Ada Sample" in client_for("referrer").get("/referrals/drafts/").content.decode()
    # The service's lists hold referrals only: the draft is none of them.
    assert not Referral.objects.filter(person=draft.person, created_at__gte=NOW).exists()


def test_a_section_is_saved_and_comes_back_as_typed(draft, client_for):
    client = client_for("referrer")
    typed = {
        "need_identified": "on",
        "work_requested": "Cook a hot meal twice a week",
        "later": "1",
    }
    assert client.post(f"/referrals/drafts/{draft.pk}/work/", typed).status_code == 302
    html = client.get(f"/referrals/drafts/{draft.pk}/work/").content.decode()
    assert "Cook a hot meal twice a week" in html
    tasks = client.get(f"/referrals/drafts/{draft.pk}/").content.decode()
    assert "Incomplete" in tasks and "Not yet started" in tasks
    assert "Check your answers" not in tasks


def test_an_empty_section_shows_every_problem_at_once(draft, client_for):
    client = client_for("referrer")
    response = client.post(f"/referrals/drafts/{draft.pk}/risk/", {})
    html = response.content.decode()
    assert response.status_code == 200
    for area in RiskArea:
        assert f'id="id_risk_{area}_description-error"' in html
        assert f'id="id_risk_{area}_assessed_on-error"' in html
    assert "seed" not in html and "§" not in html
    work = client.post(
        f"/referrals/drafts/{draft.pk}/work/",
        {"work_requested": "Support", "intended_outcomes": "x" * 5001},
    ).content.decode()
    # The form's own check (too long) and the service's rules, together.
    for field in (
        "need_identified",
        "work_requested",
        "intended_outcomes",
        "deliverable_within_length",
    ):
        assert f'id="id_{field}-error"' in work, field
    assert "x" * 5001 in work  # nothing typed is lost


def test_check_your_answers_submits_the_referral_as_the_one_page_form_did(
    draft, ada, client_for, user_for
):
    client = client_for("referrer")
    referrer = user_for("referrer")
    _fill(client, draft, answers(referrer.pk))
    tasks = client.get(f"/referrals/drafts/{draft.pk}/").content.decode()
    assert tasks.count("Completed") == 5 and "Check your answers" in tasks
    check = client.get(f"/referrals/drafts/{draft.pk}/check/").content.decode()
    assert "Travel independently by bus" in check and "Kent East" in check
    assert f"/referrals/drafts/{draft.pk}/risk/" in check  # a Change link
    response = client.post(f"/referrals/drafts/{draft.pk}/check/")
    referral = Referral.objects.filter(person=ada).latest("pk")
    assert response.status_code == 302 and response.url == f"/referrals/{referral.pk}/"
    assert referral.team.name == "Kent East" and referral.status == "submitted"
    assert referral.named_social_worker == referrer and referral.consent_to_share
    assert referral.eligibility_assessed_on == dt.date(2025, 1, 6)
    assert referral.risks.count() == len(RiskArea)
    assert referral.events.filter(kind="referral.submitted").exists()
    assert not ReferralDraft.objects.filter(pk=draft.pk).exists()


def test_a_rule_refusing_at_submit_is_shown_on_check_your_answers_and_its_section(
    draft, client_for, user_for
):
    client = client_for("referrer")
    _fill(client, draft, answers(user_for("referrer").pk))
    # Months pass: the risk information is no longer current when it is sent.
    with time_machine.travel(NOW + dt.timedelta(days=200), tick=False):
        client = client_for("referrer")
        check = client.get(f"/referrals/drafts/{draft.pk}/check/").content.decode()
        assert "There is a problem" in check
        assert "Risk, area by area: Risk to self was assessed on 24 February 2026" in check
        before = Referral.objects.count()
        html = client.post(f"/referrals/drafts/{draft.pk}/check/").content.decode()
        assert Referral.objects.count() == before and "There is a problem" in html
        tasks = client.get(f"/referrals/drafts/{draft.pk}/").content.decode()
        assert "Incomplete" in tasks


def test_the_referrers_home_and_start_link_to_their_drafts(draft, ada, client_for):
    client = client_for("referrer")
    assert "/referrals/drafts/" in client.get("/", follow=True).content.decode()
    start = client.get(f"/referrals/new/?person={ada.pk}").content.decode()
    assert f"/referrals/drafts/{draft.pk}/" in start
    assert "Continue the referral to" in start


def test_a_single_point_of_referral_names_no_team_as_the_one_page_form_did(
    ada, client_for, user_for, at_demo_time
):
    client = client_for("referrer")
    afd = Service.objects.get(code="AFD")
    start = client.post(f"/referrals/new/?person={ada.pk}", {"service": afd.pk})
    draft = ReferralDraft.objects.get(author__username="referrer", person=ada, service=afd)
    assert start.url == f"/referrals/drafts/{draft.pk}/person/"
    assert "Which" not in client.get(start.url).content.decode().split("<form")[1]
    _fill(
        client,
        draft,
        answers(user_for("referrer").pk)
        | {
            "referrer": {
                "source": "social_work_team",
                "named_social_worker": str(user_for("referrer").pk),
            }
        },
    )
    client.post(f"/referrals/drafts/{draft.pk}/check/")
    referral = Referral.objects.filter(person=ada, service=afd).latest("pk")
    assert referral.team is None
