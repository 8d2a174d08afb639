"""A hold keeps the screening tool's answers (issue 12 item 3): the senior's desktop check,
complex-case features and notes on risk survive the hold and show on the referral page in
words, never codes; the hold page states the social worker's deadline in working days."""

import datetime as dt
import json

import pytest
import time_machine
from django.utils import timezone

from enablement.catalogue.models import Team
from enablement.people.models import Person
from enablement.referrals import services
from enablement.referrals.jobs import sweep
from enablement.referrals.models import Referral, Screening
from enablement.referrals.rules import Status
from enablement.referrals.tests.test_front_door import _risks, _values

# Thursday 2 April 2026: Good Friday and Easter Monday fall inside the five working days.
THURSDAY_BEFORE_EASTER = timezone.make_aware(dt.datetime(2026, 4, 2, 11, 0))


@pytest.fixture
def validated(demo, user_for):
    """A KERS referral validated on the Thursday before Easter, waiting for screening."""
    team = Team.objects.get(service__code="KERS", name="Kent East")
    referrer = user_for("referrer")
    with time_machine.travel(THURSDAY_BEFORE_EASTER, tick=False):
        sweep()  # settle the demo's own hold, long expired by then
        referral = services.submit_referral(
            service=team.service,
            team=team,
            person=Person.objects.get(family_name="Sample"),
            values=_values(referrer),
            risks=_risks(THURSDAY_BEFORE_EASTER.date()),
            referrer=referrer,
            actor=referrer,
            now=THURSDAY_BEFORE_EASTER,
        )
        services.validate_referral(
            referral=referral,
            actor=user_for("admin"),
            now=THURSDAY_BEFORE_EASTER,
            case_system_already_open=True,
        )
        yield referral


def test_the_hold_page_asks_the_screening_tool_and_states_the_deadline(validated, client_for):
    page = client_for("senior").get(f"/referrals/{validated.pk}/hold/").content.decode()
    assert "Desktop check done" in page
    assert "Risk screening tool: complex-case features present" in page
    assert "Violence" in page and "Notes on risk" in page
    # Five working days from Thursday 2 April, over Good Friday and Easter Monday.
    assert "The named social worker has until the end of Monday 13 April 2026 to answer" in page


def test_the_answers_survive_the_hold_and_show_in_words_on_the_referral(validated, client_for):
    senior = client_for("senior")
    response = senior.post(
        f"/referrals/{validated.pk}/hold/",
        {
            "desktop_check_complete": "on",
            "complex_features": ["violence", "housing"],
            "risk_notes": "Police called twice this month",
            "concern": "Recent violence at home: is a home visit safe?",
        },
    )
    assert response.status_code == 302
    validated.refresh_from_db()
    assert validated.status == Status.ON_HOLD
    screening = Screening.objects.get(referral=validated)
    assert screening.decision == "hold"
    assert screening.desktop_check_complete is True
    assert screening.complex_features == ["violence", "housing"]
    assert screening.risk_notes == "Police called twice this month"
    event = validated.events.get(kind="referral.on_hold")
    assert event.data["screening"] == screening.pk

    page = senior.get(f"/referrals/{validated.pk}/").content.decode()
    block = page.split('data-testid="screening"')[1].split("</div>")[0]
    assert "Put on hold" in block
    # The hold does not ask the appropriate factors, so eligibility names them unconfirmed.
    assert "Eligibility: needs the screener&#x27;s judgement (Not confirmed" in block
    assert "Desktop check: done" in block
    assert "<li>Violence</li>" in block
    assert "<li>Poor or inappropriate housing and homelessness</li>" in block
    assert "Police called twice this month" in block
    for code in ("hold;", "violence", "housing<", "needs_judgement", "eligibility "):
        assert code not in block


def test_a_screening_shows_labels_not_codes(validated, client_for, user_for):
    """The accept screening read 'accept; eligibility needs_judgement' before."""
    services.screen_referral(
        referral=validated,
        desktop_check_complete=True,
        complex_features=["non_engagement"],
        risk_notes="",
        not_appropriate=[],
        appropriate_factors=[],
        skills_needed=[],
        decision="accept",
        reason="Judged appropriate with the social worker",
        actor=user_for("senior"),
        now=THURSDAY_BEFORE_EASTER,
    )
    page = client_for("senior").get(f"/referrals/{validated.pk}/").content.decode()
    block = page.split('data-testid="screening"')[1].split("</div>")[0]
    assert "Accept. Eligibility: needs the screener&#x27;s judgement" in block
    assert "<li>Non engagement with services</li>" in block
    assert "accept;" not in block and "needs_judgement" not in block


def test_the_api_hold_keeps_the_same_answers(validated, client_for):
    with time_machine.travel(THURSDAY_BEFORE_EASTER, tick=False):
        held = client_for("senior").post(
            f"/api/v1/referrals/{validated.pk}/hold",
            json.dumps(
                {
                    "concern": "Eviction letter?",
                    "desktop_check_complete": True,
                    "complex_features": ["housing"],
                    "risk_notes": "Arrears since January",
                }
            ),
            content_type="application/json",
        )
    assert held.status_code == 200, held.content
    body = held.json()
    assert body["hold_until"] == "2026-04-13"
    assert [
        (s["decision"], s["complex_features"], s["risk_notes"], s["desktop_check_complete"])
        for s in body["screenings"]
    ] == [("hold", ["housing"], "Arrears since January", True)]
    assert Referral.objects.get(pk=validated.pk).status == Status.ON_HOLD


def test_the_api_refuses_a_feature_the_tool_does_not_have(validated, client_for):
    refused = client_for("senior").post(
        f"/api/v1/referrals/{validated.pk}/hold",
        json.dumps({"concern": "x", "complex_features": ["not_a_feature"]}),
        content_type="application/json",
    )
    assert refused.status_code in (400, 422)
    assert not Screening.objects.filter(referral=validated).exists()
