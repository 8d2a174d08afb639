"""The eligibility questions the seeds ask (issue 10 item 6), through the action functions,
the pages and the API: ordinary residence in the council's area (seed 000 §1), the factors
that indicate a referral is appropriate (seed 000 §5, seed 001 §6), and whether the
eligibility assessment was face to face, and when (seed 000 §5, seed 001 §5)."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape

from enablement.catalogue.models import Team
from enablement.governance.models import Event
from enablement.people.models import Person
from enablement.referrals import services
from enablement.referrals.models import Referral
from enablement.referrals.rules import RiskArea, Status
from enablement.referrals.services import RiskEntry
from enablement.referrals.tests.sectioned import refer_in_sections

NOW = timezone.make_aware(dt.datetime(2026, 3, 3, 10, 0))  # the day after the demo's load
OUTSIDE_KENT = "SW1A 1AA"
OVERRIDE = "Placed in a London care home by Kent County Council, which still funds it"
URL = "/api/v1/referrals"
JSON = "application/json"


@pytest.fixture
def today(demo):
    with time_machine.travel(NOW, tick=False):
        yield NOW.date()


@pytest.fixture
def kers_east(demo):
    return Team.objects.get(service__code="KERS", name="Kent East")


@pytest.fixture
def ada(demo):
    return Person.objects.get(family_name="Sample")


def _moves(person: Person, postcode: str) -> None:
    Person.objects.filter(pk=person.pk).update(postcode=postcode)
    person.refresh_from_db()


def _values(named, **extra):
    return {
        "source": "community_mh_social_work",
        "named_social_worker": named,
        "need_identified": True,
        "work_requested": "Travel independently by bus to the Tuesday allotment group",
        "intended_outcomes": "Goes alone by week 6",
        "deliverable_within_length": True,
        "consent_to_share": True,
        "eligible_needs": True,
        "face_to_face_assessment": True,
        "eligibility_assessed_on": dt.date(2026, 2, 20),
        "residence_override_reason": "",
        **extra,
    }


def _risks():
    return {area: RiskEntry("None known", dt.date(2026, 2, 24)) for area in RiskArea}


def _submit(user_for, team, person, **extra) -> Referral:
    referrer = user_for("referrer")
    return services.submit_referral(
        service=team.service,
        team=team,
        person=person,
        values=_values(referrer, **extra),
        risks=_risks(),
        referrer=referrer,
        actor=referrer,
        now=NOW,
    )


def _validated(user_for, team, person, **extra) -> Referral:
    referral = _submit(user_for, team, person, **extra)
    services.validate_referral(
        referral=referral, actor=user_for("admin"), now=NOW, case_system_already_open=True
    )
    return Referral.objects.get(pk=referral.pk)


def _screen(user_for, referral, *, factors=None, reason="", decision="accept"):
    return services.screen_referral(
        referral=referral,
        decision=decision,
        desktop_check_complete=True,
        complex_features=[],
        risk_notes="",
        not_appropriate=[],
        appropriate_factors=(
            list(referral.service_settings.appropriate_factors) if factors is None else factors
        ),
        reason=reason,
        actor=user_for("senior"),
        now=NOW,
    )


# --- Ordinary residence (seed 000 §1) ------------------------------------------------------


def test_someone_outside_the_area_is_refused_with_what_to_do(today, user_for, kers_east, ada):
    _moves(ada, OUTSIDE_KENT)
    before = Referral.objects.count()
    with pytest.raises(ValidationError) as error:
        _submit(user_for, kers_east, ada)
    [message] = error.value.message_dict["residence_override_reason"]
    assert message.startswith(
        "SW1A 1AA is outside Kent: the service is for people ordinarily resident in Kent"
        ". Refer them to the council where they live"
    )
    assert Referral.objects.count() == before


def test_a_reason_lets_it_through_kept_on_the_referral_and_not_in_the_timeline(
    today, user_for, kers_east, ada
):
    _moves(ada, OUTSIDE_KENT)
    referral = _submit(user_for, kers_east, ada, residence_override_reason=OVERRIDE)
    referral.refresh_from_db()
    assert referral.residence_override_reason == OVERRIDE
    event = Event.objects.get(referral=referral, kind="referral.submitted")
    assert event.data["residence_override"] is True
    # The timeline is append-only audit: no free text about the person in it.
    assert OVERRIDE not in event.summary and OVERRIDE not in str(event.data)


def test_inside_the_area_there_is_nothing_to_say(today, user_for, kers_east, ada):
    referral = _submit(user_for, kers_east, ada)
    event = Event.objects.get(referral=referral, kind="referral.submitted")
    assert "residence_override" not in event.data


def test_resubmission_checks_residence_too(today, user_for, kers_east, ada):
    _moves(ada, OUTSIDE_KENT)
    referral = _submit(user_for, kers_east, ada, residence_override_reason=OVERRIDE)
    services.return_referral(
        referral=referral, missing=["work_specific"], note="", actor=user_for("admin"), now=NOW
    )
    with pytest.raises(ValidationError) as error:
        services.resubmit_referral(
            referral=referral,
            values={"residence_override_reason": "  "},
            risks=_risks(),
            actor=user_for("referrer"),
            now=NOW,
        )
    assert "residence_override_reason" in error.value.message_dict
    services.resubmit_referral(
        referral=referral, values={}, risks=_risks(), actor=user_for("referrer"), now=NOW
    )
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    resubmitted = Event.objects.get(referral=referral, kind="referral.resubmitted")
    assert resubmitted.data["residence_override"] is True


def test_an_over_long_reason_is_refused_by_the_action(today, user_for, kers_east, ada):
    _moves(ada, OUTSIDE_KENT)
    with pytest.raises(ValidationError) as error:
        _submit(user_for, kers_east, ada, residence_override_reason="a" * 5001)
    assert "5,000 characters or fewer" in error.value.message_dict["residence_override_reason"][0]


def test_outside_with_a_reason_needs_the_screeners_judgement(today, user_for, kers_east, ada):
    _moves(ada, OUTSIDE_KENT)
    referral = _validated(user_for, kers_east, ada, residence_override_reason=OVERRIDE)
    with pytest.raises(ValidationError) as error:
        _screen(user_for, referral)
    assert "Postcode district SW1A is outside Kent" in error.value.message_dict["reason"][0]
    _screen(user_for, referral, reason="Kent still funds the placement: ordinarily resident")
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    screening = referral.screenings.get()
    assert screening.eligibility == "needs_judgement"
    assert screening.eligibility_reasons[0].startswith("Postcode district SW1A is outside Kent")
    assert OVERRIDE not in " ".join(screening.eligibility_reasons)


def test_no_postcode_is_told_to_the_screener(today, user_for, kers_east, ada, client_for):
    _moves(ada, "")
    referral = _validated(user_for, kers_east, ada)  # nothing to check at submission
    page = client_for("senior").get(f"/referrals/{referral.pk}/screen/").content.decode()
    assert "No postcode recorded: whether the person is ordinarily resident in Kent could not" in (
        page
    )
    with pytest.raises(ValidationError) as error:
        _screen(user_for, referral)
    assert "No postcode recorded" in error.value.message_dict["reason"][0]


def test_the_referral_form_refuses_outside_the_area_beside_the_reason_field(
    today, client_for, kers_east, ada, user_for
):
    _moves(ada, OUTSIDE_KENT)
    client = client_for("referrer")
    form = {
        "destination": f"team:{kers_east.pk}",
        "source": "community_mh_social_work",
        "named_social_worker": user_for("referrer").pk,
        "need_identified": "on",
        "work_requested": "Travel independently by bus to the Tuesday allotment group",
        "deliverable_within_length": "on",
        "consent_to_share": "on",
        "eligible_needs": "yes",
        "preventative_entitlement": "unknown",
        "face_to_face_assessment": "yes",
        "eligibility_assessed_on_0": "20",
        "eligibility_assessed_on_1": "2",
        "eligibility_assessed_on_2": "2026",
    }
    for area in RiskArea:
        form[f"risk_{area}_description"] = "None known"
        form |= {
            f"risk_{area}_assessed_on_0": "24",
            f"risk_{area}_assessed_on_1": "2",
            f"risk_{area}_assessed_on_2": "2026",
        }
    page = refer_in_sections(client, ada, form).content.decode()
    assert 'id="id_residence_override_reason-error"' in page
    assert "SW1A 1AA is outside Kent" in page
    assert "If the person lives outside the service&#x27;s area, why refer them?" in page

    response = refer_in_sections(client, ada, form | {"residence_override_reason": OVERRIDE})
    assert response.status_code == 302, response.content.decode()
    referral = Referral.objects.get(person=ada, residence_override_reason=OVERRIDE)
    assert referral.face_to_face_assessment is True
    assert referral.eligibility_assessed_on == dt.date(2026, 2, 20)
    detail = client.get(response.url).content.decode()
    assert "Referred from outside Kent" in detail
    assert OVERRIDE in detail
    assert "Face to face, on 20 February 2026" in detail

    # Correcting it shows what was given.
    services.return_referral(
        referral=referral, missing=["consent"], note="", actor=user_for("admin"), now=NOW
    )
    again = client.get(f"/referrals/{referral.pk}/resubmit/").content.decode()
    assert OVERRIDE in again
    assert re.search(
        r'<input[^>]*name="face_to_face_assessment"[^>]*value="yes"[^>]*checked', again
    )


# --- Factors that indicate the referral is appropriate (seed 000 §5, seed 001 §6) ---------


def test_the_screening_page_asks_each_factor_by_its_words(
    today, user_for, kers_east, ada, client_for
):
    referral = _validated(user_for, kers_east, ada)
    page = client_for("senior").get(f"/referrals/{referral.pk}/screen/").content.decode()
    assert "Which of the factors that indicate the referral is appropriate do you confirm?" in page
    for i, factor in enumerate(referral.service_settings.appropriate_factors):
        label = (
            f'<label class="govuk-label govuk-checkboxes__label" for="id_appropriate_factors_{i}">'
        )
        assert f"{label}{escape(factor)}</label>" in page
    # What the screener weighs first: residence and the eligibility assessment.
    assert "Before you decide" in page
    assert "Yes, by the postcode CT9 1AA" in page
    assert re.search(r"Face to face, on 20 February 2026\s*</p>", page)


def test_every_factor_confirmed_and_face_to_face_is_eligible(today, user_for, kers_east, ada):
    referral = _validated(user_for, kers_east, ada)
    factors = list(referral.service_settings.appropriate_factors)
    _screen(user_for, referral, factors=list(reversed(factors)))
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    screening = referral.screenings.get()
    assert screening.eligibility == "eligible"
    assert screening.appropriate_factors == factors  # kept, in the service's order
    event = Event.objects.get(referral=referral, kind="referral.accept")
    assert (
        event.data["appropriate_factors_confirmed"],
        event.data["appropriate_factors_asked"],
    ) == (
        6,
        6,
    )


def test_a_factor_not_confirmed_needs_a_reason_to_accept_naming_it(
    today, user_for, kers_east, ada, client_for
):
    referral = _validated(user_for, kers_east, ada)
    factors = list(referral.service_settings.appropriate_factors)
    stable = factors[3]  # "The individual's mental state is stable enough ..."
    confirmed = [f for f in factors if f != stable]
    with pytest.raises(ValidationError) as error:
        _screen(user_for, referral, factors=confirmed)
    assert stable in error.value.message_dict["reason"][0]

    client = client_for("senior")
    page = client.post(
        f"/referrals/{referral.pk}/screen/",
        {"decision": "accept", "desktop_check_complete": "on", "appropriate_factors": confirmed},
    ).content.decode()
    assert 'id="id_reason-error"' in page
    assert "mental state is stable enough" in page.split('id="id_reason-error"')[1][:2000]

    response = client.post(
        f"/referrals/{referral.pk}/screen/",
        {
            "decision": "accept",
            "desktop_check_complete": "on",
            "appropriate_factors": confirmed,
            "reason": "Stable for three months on the new medication, per the CPN",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert referral.screenings.get().appropriate_factors == confirmed
    detail = client.get(f"/referrals/{referral.pk}/").content.decode()
    listed = detail.split('data-testid="appropriate-factors"')[1].split("</ul>")[0]
    assert listed.count("Confirmed:") == 5
    assert listed.count("Not confirmed:") == 1
    assert "Not confirmed: The individual&#x27;s mental state is stable enough" in listed


def test_a_factor_the_service_does_not_list_is_a_message(today, user_for, kers_east, ada):
    referral = _validated(user_for, kers_east, ada)
    with pytest.raises(ValidationError) as error:
        _screen(user_for, referral, factors=["Likes gardening"], reason="x", decision="decline")
    assert "appropriate_factors" in error.value.message_dict


def test_declining_does_not_need_the_factors(today, user_for, kers_east, ada):
    referral = _validated(user_for, kers_east, ada)
    _screen(user_for, referral, factors=[], reason="Needs are met by the CMHT", decision="decline")
    referral.refresh_from_db()
    assert referral.status == Status.DECLINED
    assert referral.screenings.get().appropriate_factors == []


# --- The eligibility assessment: face to face, and when (seed 000 §5, seed 001 §5) --------


@pytest.mark.parametrize("face_to_face", [False, None], ids=["not face to face", "no answer"])
def test_an_assessment_not_face_to_face_needs_a_reason_to_accept(
    today, user_for, kers_east, ada, face_to_face
):
    referral = _validated(user_for, kers_east, ada, face_to_face_assessment=face_to_face)
    with pytest.raises(ValidationError) as error:
        _screen(user_for, referral)
    message = error.value.message_dict["reason"][0]
    # The rule in plain words: its seed sections stay in the settings and docs.
    assert "face to face" in message and "seed" not in message
    _screen(user_for, referral, reason="Assessed by video during the flood; seen since at home")
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED


@pytest.mark.parametrize(
    "assessed_on,words",
    [
        (dt.date(2026, 3, 4), "is in the future"),
        (dt.date(1980, 1, 1), "is before the person was born"),
    ],
)
def test_an_impossible_assessment_date_is_refused(
    today, user_for, kers_east, ada, assessed_on, words
):
    with pytest.raises(ValidationError) as error:
        _submit(user_for, kers_east, ada, eligibility_assessed_on=assessed_on)
    assert words in error.value.message_dict["eligibility_assessed_on"][0]


def test_the_referral_page_says_when_the_assessment_is_not_recorded(
    today, user_for, kers_east, ada, client_for
):
    referral = _submit(
        user_for, kers_east, ada, face_to_face_assessment=None, eligibility_assessed_on=None
    )
    page = client_for("referrer").get(f"/referrals/{referral.pk}/").content.decode()
    assessment = page.split('data-testid="eligibility-assessment">')[1].split("</dd>")[0]
    assert "Not recorded whether it was face to face; date not recorded" in assessment


def test_a_public_self_referral_is_not_asked_about_the_assessment(demo, client):
    from enablement.catalogue.models import Service

    bep = Service.objects.get(code="BEP")
    referral = services.submit_referral(
        service=bep,
        team=None,
        person=None,
        submitted_details={
            "given_name": "Robin",
            "family_name": "Walker",
            "date_of_birth": dt.date(1990, 5, 1),
            "nhs_number": "",
            "postcode": "N2 0AA",
            "phone": "020 7946 0123",
            "email": "",
            "primary_diagnosis": "mental_health",
            "carer_name": "",
        },
        values={
            "source": "self",
            "named_social_worker": None,
            "need_identified": True,
            "work_requested": "Help to get back to volunteering at the food bank",
            "deliverable_within_length": True,
            "consent_to_share": True,
        },
        risks={},
        referrer=None,
        actor=None,
        now=demo,
    )
    assert referral.face_to_face_assessment is None
    assert referral.status == Status.SUBMITTED


# --- The API ------------------------------------------------------------------------------


def _body(person, team, named, **change):
    values = _values(None)
    values.pop("named_social_worker")
    return {
        "person_id": person.pk,
        "destination": {"team_id": team.pk},
        "named_social_worker_id": named.pk,
        **values,
        "eligibility_assessed_on": "2026-02-20",
        "risks": [
            {"area": a.value, "description": "None known", "assessed_on": "2026-02-24"}
            for a in RiskArea
        ],
        **change,
    }


def _fields(response) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in response.json()["errors"]:
        out.setdefault(e["field"], []).append(e["message"])
    return out


def test_the_api_refuses_outside_the_area_and_a_future_date_with_field_errors(
    today, client_for, user_for, kers_east, ada
):
    _moves(ada, OUTSIDE_KENT)
    client = client_for("referrer")
    body = _body(ada, kers_east, user_for("referrer"), eligibility_assessed_on="2026-03-04")
    response = client.post(URL, body, content_type=JSON)
    assert response.status_code == 400
    fields = _fields(response)
    assert fields["residence_override_reason"][0].startswith("SW1A 1AA is outside Kent")
    assert "is in the future" in fields["eligibility_assessed_on"][0]

    made = client.post(
        URL,
        body | {"eligibility_assessed_on": "2026-02-20", "residence_override_reason": OVERRIDE},
        content_type=JSON,
    )
    assert made.status_code == 201, made.content
    referral = made.json()
    assert referral["residence_override_reason"] == OVERRIDE
    assert referral["face_to_face_assessment"] is True
    assert referral["eligibility_assessed_on"] == "2026-02-20"
    assert len(referral["appropriate_factors_to_confirm"]) == 6


def test_the_api_screens_with_the_factors_and_refuses_unknown_ones(
    today, client_for, user_for, kers_east, ada
):
    referral = _validated(user_for, kers_east, ada)
    senior = client_for("senior")
    path = f"{URL}/{referral.pk}/screen"
    factors = senior.get(f"{URL}/{referral.pk}").json()["appropriate_factors_to_confirm"]
    base = {"decision": "accept", "desktop_check_complete": True}

    unknown = senior.post(
        path, base | {"appropriate_factors": ["Likes gardening"]}, content_type=JSON
    )
    assert unknown.status_code == 400
    assert "appropriate_factors" in _fields(unknown)

    none_confirmed = senior.post(path, base, content_type=JSON)
    assert none_confirmed.status_code == 400
    assert factors[0] in _fields(none_confirmed)["reason"][0]

    accepted = senior.post(path, base | {"appropriate_factors": factors}, content_type=JSON)
    assert accepted.status_code == 200, accepted.content
    [screening] = accepted.json()["screenings"]
    assert screening["appropriate_factors"] == factors
    assert screening["eligibility"] == "eligible"


# --- Retention ----------------------------------------------------------------------------


def test_retention_blanks_the_reason_with_the_referrals_other_free_text(demo):
    from enablement.privacy.rules import add_years
    from enablement.privacy.services import retention_sweep
    from enablement.referrals.models import Hold

    person = Person.objects.get(family_name="Placeholder")
    Referral.objects.filter(person=person).update(
        residence_override_reason=OVERRIDE, status="closed_not_ready", decided_at=demo
    )
    Hold.objects.filter(referral__person=person, answered_at__isnull=True).update(expired_at=demo)
    retention_sweep(now=add_years(demo, 3) + dt.timedelta(days=1))
    assert Referral.objects.get(person=person).residence_override_reason == ""
