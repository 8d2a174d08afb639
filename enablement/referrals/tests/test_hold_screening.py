"""A hold keeps the screening tool's answers (issue 12 item 3): the senior's desktop check,
complex-case features and notes on risk survive the hold and show on the referral page in
words, never codes; the hold page states the social worker's deadline in working days."""

import datetime as dt
import json
import re
from html import unescape

import pytest
import time_machine
from django.utils import timezone
from django.utils.html import escape

from enablement.catalogue.models import Team
from enablement.people.models import Person
from enablement.referrals import rules, services
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


def test_the_hold_address_opens_the_screening_page_with_the_hold_and_its_deadline(
    validated, client_for
):
    page = client_for("senior").get(f"/referrals/{validated.pk}/hold/").content.decode()
    assert '<h1 class="govuk-heading-l">Screen the referral</h1>' in page
    assert "Desktop check done" in page
    assert "Risk screening tool: complex-case features present" in page
    assert "Violence" in page and "Notes on risk" in page
    assert re.search(r'<input[^>]*name="decision"[^>]*value="hold"[^>]*checked', page)
    # Five working days from Thursday 2 April, over Good Friday and Easter Monday.
    assert "The named social worker has until the end of Monday 13 April 2026 to answer" in page


def test_an_old_hold_post_keeps_the_answers_and_shows_them_in_words_on_the_referral(
    validated, client_for
):
    """The hold address still takes the hold form's answers, with no decision question."""
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
    block = _screening_block(page)
    assert "Put on hold" in block
    # No factor was confirmed, so eligibility names each one unconfirmed.
    assert "Eligibility: needs the screener&#x27;s judgement:" in block
    assert (
        "<li>6 of the factors that indicate the referral is appropriate not confirmed "
        "(listed below)</li>"
    ) in block
    assert block.count("Not confirmed: ") == 6
    assert "Desktop check: done" in block
    assert "<li>Violence</li>" in block
    assert "<li>Poor or inappropriate housing and homelessness</li>" in block
    assert "Police called twice this month" in block
    for code in ("hold;", "violence", "housing<", "needs_judgement", "eligibility ", "seed 0"):
        assert code not in block


def _screening_block(page: str) -> str:
    return page.split('data-testid="screening"')[1].split("</div>")[0]


def _factors(referral) -> list[str]:
    return list(referral.service_settings.appropriate_factors)


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
    block = _screening_block(page)
    assert "Accept. Eligibility: needs the screener&#x27;s judgement" in block
    assert "<li>Non engagement with services</li>" in block
    assert "Reason: Judged appropriate with the social worker" in block
    history = page.split('data-testid="referral-history"')[1]
    assert "screened: Accepted" in history
    for code in ("accept;", "needs_judgement", "non_engagement", "not_ready", "on_hold"):
        assert code not in page


# --- One screening page: a hold keeps the answers, offered again when screening resumes ------

HOLD_ANSWERS = {
    "desktop_check_complete": "on",
    "complex_features": ["violence", "domestic_abuse"],
    "risk_notes": "New partner controls the money",
    "concern": "Is it safe to visit at home while the partner is there?",
}


def test_a_hold_from_the_screening_page_keeps_every_answer_and_resumes_with_them(
    validated, client_for, user_for
):
    senior = client_for("senior")
    factors = _factors(validated)
    confirmed = factors[:4]

    # The senior screens on the one page and chooses the hold.
    response = senior.post(
        f"/referrals/{validated.pk}/screen/",
        HOLD_ANSWERS | {"decision": "hold", "appropriate_factors": confirmed},
    )
    assert response.status_code == 302
    validated.refresh_from_db()
    assert validated.status == Status.ON_HOLD
    kept = Screening.objects.get(referral=validated)
    assert (kept.decision, kept.desktop_check_complete) == ("hold", True)
    assert kept.complex_features == ["violence", "domestic_abuse"]
    assert kept.appropriate_factors == confirmed
    landed = senior.get(response.url).content.decode()
    assert "on hold: the named social worker has been asked, and has until the end of " in landed
    assert "Monday 13 April 2026" in landed

    # The referral page shows the answers in words and the hold's deadline.
    block = _screening_block(landed)
    assert "Put on hold" in block and "<li>Violence</li>" in block
    assert "<li>Concerns around a domestic abuse situation</li>" in block
    assert "New partner controls the money" in block
    assert f"Confirmed: {escape(confirmed[0])}" in block
    assert f"Not confirmed: {escape(factors[4])}" in block
    hold = landed.split('data-testid="hold"')[1].split("</div>")[0]
    assert "has until the end of Monday 13 April 2026 to answer" in hold
    assert 'data-testid="hold-until">Monday 13 April 2026' in landed

    # The named social worker's page states the deadline too; they answer.
    referrer = client_for("referrer")
    answer_page = referrer.get(f"/referrals/{validated.pk}/answer/").content.decode()
    assert "until the end of Monday 13 April 2026" in answer_page
    response = referrer.post(
        f"/referrals/{validated.pk}/answer/",
        {"answer": "Visit when he is at work, Tuesdays and Thursdays"},
    )
    assert response.status_code == 302

    # Back on the screening page: the answer, and every answer given with the hold.
    page = senior.get(f"/referrals/{validated.pk}/screen/").content.decode()
    assert "Visit when he is at work, Tuesdays and Thursdays" in page
    assert 'data-testid="kept-answers"' in page
    assert re.search(r'<input[^>]*name="desktop_check_complete"[^>]*checked', page)
    for code in ("violence", "domestic_abuse"):
        assert re.search(
            rf'<input[^>]*name="complex_features"[^>]*value="{code}"[^>]*checked', page
        )
    assert not re.search(
        r'<input[^>]*name="complex_features"[^>]*value="housing"[^>]*checked', page
    )
    assert "New partner controls the money</textarea>" in page
    ticked = re.findall(
        r'<input[^>]*name="appropriate_factors"[^>]*value="([^"]*)"[^>]*checked', page
    )
    assert ticked == [escape(f) for f in confirmed]

    # The senior confirms the last factors and accepts.
    response = senior.post(
        f"/referrals/{validated.pk}/screen/",
        {
            "desktop_check_complete": "on",
            "complex_features": ["violence", "domestic_abuse"],
            "risk_notes": "New partner controls the money",
            "appropriate_factors": factors,
            "decision": "accept",
        },
    )
    assert response.status_code == 302, response.content.decode()
    validated.refresh_from_db()
    assert validated.status == Status.ACCEPTED
    assert [s.decision for s in validated.screenings.order_by("pk")] == ["hold", "accept"]


def _errors(page: str) -> dict[str, str]:
    """Each field's error message, by field name."""
    return {
        name: re.sub(r"<[^>]+>", "", message).replace("Error:", "").strip()
        for name, message in re.findall(
            r'<p id="id_(\w+)-error" class="govuk-error-message">(.*?)</p>', page, re.S
        )
    }


@pytest.mark.parametrize(
    ("posted", "missing"),
    [
        ({}, {"decision"}),
        ({"decision": "accept"}, {"desktop_check_complete", "reason"}),
        ({"decision": "decline"}, {"reason"}),
        ({"decision": "not_ready"}, {"reason"}),
        ({"decision": "hold"}, {"concern"}),
    ],
)
def test_each_decision_shows_every_missing_answer_at_once(validated, client_for, posted, missing):
    page = client_for("senior").post(f"/referrals/{validated.pk}/screen/", posted)
    assert page.status_code == 200
    errors = _errors(page.content.decode())
    assert set(errors) == missing
    summary = page.content.decode().split('class="govuk-error-summary"')[1].split("</ul>")[0]
    for message in errors.values():
        assert escape(message) in summary or message in summary
    validated.refresh_from_db()
    assert validated.status == Status.VALIDATED
    assert not Screening.objects.filter(referral=validated).exists()


def test_accept_names_each_criterion_that_needs_judgement(validated, client_for):
    factors = _factors(validated)
    page = client_for("senior").post(
        f"/referrals/{validated.pk}/screen/",
        {"decision": "accept", "appropriate_factors": factors[1:], "risk_notes": "Kept"},
    )
    errors = _errors(page.content.decode())
    assert errors["desktop_check_complete"] == "Complete the desktop check before accepting"
    assert unescape(errors["reason"]) == (
        "Eligibility needs your judgement. The factor that indicates the referral is "
        f"appropriate, not confirmed: {factors[0]}. Record why you accept"
    )
    assert factors[0] in unescape(errors["reason"])
    assert "seed 0" not in errors["reason"]
    # Nothing typed is lost.
    assert "Kept</textarea>" in page.content.decode()


def test_the_screening_page_names_what_the_referral_leaves_to_judgement(validated, client_for):
    Referral.objects.filter(pk=validated.pk).update(
        eligible_needs=None, face_to_face_assessment=False
    )
    page = client_for("senior").get(f"/referrals/{validated.pk}/screen/").content.decode()
    reading = page.split('data-testid="eligibility-reading"')[1].split("</div>")[0]
    assert "needs the screener&#x27;s judgement" in reading
    assert "No Care Act assessment of unmet eligible needs recorded" in reading
    assert (
        "<strong>Needs your judgement:</strong> The eligibility assessment on 6 January "
        "2025 was not face to face"
    ) in page
    assert "seed 0" not in page.split('<form method="post"')[1]
    assert "needs_judgement" not in page


def test_the_key_facts_stand_beside_the_form(validated, client_for):
    page = client_for("senior").get(f"/referrals/{validated.pk}/screen/").content.decode()
    facts = page.split('data-testid="key-facts"')[1].split("</section>")[0]
    assert "Ada Sample" in facts
    assert "Travel independently by bus to the Tuesday allotment group" in facts
    assert "Goes alone by week 6" in facts
    assert "Risk to others" in facts and "None known" in facts
    assert "Named social worker:" in facts
    assert page.index('data-testid="key-facts"') < page.index('<form method="post"')


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
    # The API gives the words beside the codes.
    assert body["screenings"][0]["decision_label"] == "Put on hold"
    assert body["screenings"][0]["eligibility_label"] == "Needs the screener's judgement"
    assert Referral.objects.get(pk=validated.pk).status == Status.ON_HOLD


def test_the_api_refuses_a_feature_the_tool_does_not_have(validated, client_for):
    refused = client_for("senior").post(
        f"/api/v1/referrals/{validated.pk}/hold",
        json.dumps({"concern": "x", "complex_features": ["not_a_feature"]}),
        content_type="application/json",
    )
    assert refused.status_code in (400, 422)
    assert not Screening.objects.filter(referral=validated).exists()


# --- The pure rule: what each decision needs -------------------------------------------------

JUDGEMENT = rules.EligibilityDecision(
    rules.Eligibility.NEEDS_JUDGEMENT,
    ("Postcode district SW1A is outside Kent: decide (seed 000 §1)", "No primary diagnosis"),
)
ELIGIBLE = rules.EligibilityDecision(rules.Eligibility.ELIGIBLE, ())


def _problems(decision, verdict=ELIGIBLE, **answers):
    given = {"desktop_check_complete": False, "reason": "", "concern": ""} | answers
    return rules.screening_problems(decision, verdict=verdict, **given)


def test_accept_lists_every_missing_answer_and_names_each_criterion():
    problems = _problems("accept", JUDGEMENT)
    assert set(problems) == {"desktop_check_complete", "reason"}
    assert problems["reason"] == (
        "Eligibility needs your judgement. Postcode district SW1A is outside Kent: decide. "
        "No primary diagnosis. Record why you accept"
    )
    factors = rules.EligibilityDecision(
        rules.Eligibility.NEEDS_JUDGEMENT,
        (f"{rules.UNCONFIRMED_FACTOR}Stable", f"{rules.UNCONFIRMED_FACTOR}Willing"),
    )
    assert _problems("accept", factors, desktop_check_complete=True)["reason"] == (
        "Eligibility needs your judgement. 2 factors that indicate the referral is "
        "appropriate, not confirmed: Stable; Willing. Record why you accept"
    )
    assert _problems("accept", JUDGEMENT, desktop_check_complete=True, reason="Placed") == {}
    refused = _problems("accept", desktop_check_complete=True, refused="Ended in March.")
    assert refused == {"decision": "This referral cannot be accepted. Ended in March."}


def test_each_other_decision_needs_its_own_answer_only():
    assert _problems("decline") == {"reason": "Record why you decline the referral"}
    assert _problems("not_ready") == {"reason": "Record why the person is not ready for enablement"}
    assert _problems("hold") == {"concern": "Describe the risk concern for the social worker"}
    assert _problems("hold", concern="Safe to visit?") == {}
    assert _problems("") == {
        "decision": "Select a decision: accept, decline, not ready for enablement or put on hold"
    }
    assert _problems("hold", holds_allowed=False, concern="x") == {
        "decision": "Select a decision: accept, decline, not ready for enablement"
    }


def test_a_finding_reads_without_its_seed_citation():
    assert rules.without_citations("Outside Kent (seed 000 §1)") == "Outside Kent"
    assert (
        rules.without_citations("needs (seed 000 §5, seed 001 §5); recorded: none")
        == "needs; recorded: none"
    )
