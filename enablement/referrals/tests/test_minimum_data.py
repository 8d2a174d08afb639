"""Minimum-data referrals (seed 003 "Referral sources", issue 10 item 3): a GP or another
council service refers into the Barnet hubs with basic minimum information, the person or a
carer with what the public form asks, and the hub assessment gathers the rest. What each
source must give is the service's setting, so KERS, which takes full referrals from community
mental-health social work only, still refuses the same referral."""

import json

import pytest
from django.core.exceptions import ValidationError

from enablement.catalogue.models import Service, Team
from enablement.people.models import Person
from enablement.referrals import services
from enablement.referrals.models import Referral
from enablement.referrals.rules import Status
from enablement.referrals.tests.sectioned import refer_in_sections

WORK = "Help to find a volunteering place near home and to get there by bus"

# A GP's referral as seed 003 describes it: no named social worker, no risk information, no
# statement about the length of the service.
GP_VALUES = {
    "source": "gp",
    "named_social_worker": None,
    "need_identified": True,
    "work_requested": WORK,
    "consent_to_share": True,
}


@pytest.fixture
def ada(demo):
    """Ada, moved to Barnet: the hubs are for people ordinarily resident there."""
    ada = Person.objects.get(family_name="Sample")
    Person.objects.filter(pk=ada.pk).update(postcode="NW9 6RR")
    ada.refresh_from_db()
    return ada


def _submit(service, team, person, user, values=GP_VALUES, now=None):
    return services.submit_referral(
        service=service,
        team=team,
        person=person,
        values=dict(values),
        risks={},
        referrer=user,
        actor=user,
        now=now,
    )


def test_a_gp_referral_to_the_barnet_hubs_with_minimum_data_is_accepted_for_assessment(
    demo, ada, user_for
):
    referral = _submit(Service.objects.get(code="BEP"), None, ada, user_for("referrer"), now=demo)
    assert referral.status == Status.SUBMITTED
    assert referral.named_social_worker is None and not referral.risks.exists()
    services.validate_referral(referral=referral, actor=user_for("admin.bep"), now=demo)
    referral.refresh_from_db()
    assert referral.status == Status.IN_TRIAGE  # waiting for the hub assessment


def test_the_same_referral_to_kers_is_refused_for_its_source_and_everything_missing(
    demo, ada, user_for
):
    east = Team.objects.get(name="Kent East")
    with pytest.raises(ValidationError) as refused:
        _submit(east.service, east, ada, user_for("referrer"), now=demo)
    problems = refused.value.message_dict
    assert problems["source"] == [
        "This service does not take referrals from GPs. It takes referrals from community "
        "mental-health social work teams"
    ]
    assert "named_social_worker" in problems
    assert "risk_to_others_description" in problems
    assert "deliverable_within_length" in problems
    assert not Referral.objects.filter(person=ada, service=east.service, source="gp").exists()


def test_a_gp_must_still_give_the_basic_minimum(demo, ada, user_for):
    bep = Service.objects.get(code="BEP")
    with pytest.raises(ValidationError) as refused:
        _submit(
            bep,
            None,
            ada,
            user_for("referrer"),
            values={**GP_VALUES, "consent_to_share": False},
            now=demo,
        )
    assert list(refused.value.message_dict) == ["consent_to_share"]


def _form(destination, **extra):
    return {
        "destination": destination,
        "source": "gp",
        "named_social_worker": "",
        "need_identified": "on",
        "work_requested": WORK,
        "consent_to_share": "on",
        "eligible_needs": "unknown",
        "preventative_entitlement": "unknown",
        **extra,
    }


def test_the_referral_page_says_what_each_source_gives_and_takes_a_gp_referral(
    demo, ada, client_for
):
    referrer = client_for("referrer")
    url = f"/referrals/new/?person={ada.pk}"
    page = referrer.get(url).content.decode()
    assert "What a referrer must give" in page
    assert "GP: who is making the referral, the person&#x27;s date of birth" in page
    assert "GP (minimum data)" not in page  # the label says what it is, no more

    done = refer_in_sections(referrer, ada, _form("service:BEP"))
    assert done.status_code == 302, done.content.decode()[:2000]
    referral = Referral.objects.get(person=ada, service__code="BEP")
    detail = referrer.get(done["Location"]).content.decode()
    assert "None named" in detail  # no social worker, and not called a self-referral
    assert referral.status == Status.SUBMITTED


def test_the_referral_page_refuses_a_gp_referral_to_kers(demo, ada, client_for):
    east = Team.objects.get(name="Kent East")
    response = refer_in_sections(client_for("referrer"), ada, _form(f"team:{east.pk}"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "This service does not take referrals from GPs" in page
    assert "Name the social worker who will hold case responsibility" in page


def test_the_hub_assessment_shows_what_to_gather(demo, ada, user_for, client_for):
    referral = _submit(Service.objects.get(code="BEP"), None, ada, user_for("referrer"), now=demo)
    services.validate_referral(referral=referral, actor=user_for("admin.bep"), now=demo)
    page = client_for("worker.bep").get(f"/referrals/{referral.pk}/assess/").content.decode()
    assert "To gather at the assessment" in page
    assert "Named social worker who holds case responsibility" in page
    assert "Risk to others: described (or “None known”)" in page
    assert "The work can be delivered within the length of the service" in page
    assert "The person&#x27;s date of birth" not in page  # the GP gave it


def test_a_full_referral_has_nothing_to_gather(demo, ada, user_for, client_for):
    # The read-log test's Barnet referral: an agreed organisation, every item given.
    from enablement.referrals.tests.test_front_door import _risks, _values

    referrer = user_for("referrer")
    referral = services.submit_referral(
        service=Service.objects.get(code="BEP"),
        team=None,
        person=ada,
        values=_values(referrer, source="agreed_organisation"),
        risks=_risks(demo.date()),
        referrer=referrer,
        actor=referrer,
        now=demo,
    )
    services.validate_referral(referral=referral, actor=user_for("admin.bep"), now=demo)
    page = client_for("worker.bep").get(f"/referrals/{referral.pk}/assess/").content.decode()
    assert "To gather at the assessment" not in page


def test_the_api_takes_a_gp_referral_to_bep_and_refuses_it_for_kers(demo, ada, client_for):
    body = {
        "person_id": ada.pk,
        "destination": {"service": "BEP"},
        "source": "gp",
        "need_identified": True,
        "work_requested": WORK,
        "consent_to_share": True,
    }
    referrer = client_for("referrer")
    made = referrer.post("/api/v1/referrals", json.dumps(body), content_type="application/json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    validated = client_for("admin.bep").post(
        f"/api/v1/referrals/{pk}/validate", "{}", content_type="application/json"
    )
    assert validated.json()["status"] == Status.IN_TRIAGE

    east = Team.objects.get(name="Kent East")
    body["destination"] = {"team_id": east.pk}
    refused = referrer.post("/api/v1/referrals", json.dumps(body), content_type="application/json")
    assert refused.status_code == 400
    fields = {e["field"] for e in refused.json()["errors"]}
    assert {"source", "named_social_worker", "deliverable_within_length"} <= fields


def test_the_service_page_shows_the_minimum_data_in_words(demo, client_for):
    page = client_for("referrer").get("/services/BEP/").content.decode()
    assert "GP gives: who is making the referral, the person&#x27;s date of birth" in page
    assert "Every other source gives every item" in page
    assert "date_of_birth" not in page
    kers = client_for("referrer").get("/services/KERS/").content.decode()
    assert "Every source gives every item" in kers


def test_the_public_form_is_asked_only_what_it_asks_in_the_persons_own_words(demo):
    from django.core.cache import caches
    from django.test import Client

    from enablement.referrals.tests.test_self_referral import FORM

    caches["ratelimit"].clear()
    # "Getting out more" is too short to be the specific work a professional asks for.
    done = Client().post("/self-referral/", {**FORM, "work_requested": "Getting out more"})
    assert done.status_code == 302
    referral = Referral.objects.get(submitted_details__family_name="Selfref")
    assert referral.work_requested == "Getting out more"
    # What the form does ask is still needed: that they understand it is short term.
    without = {k: v for k, v in FORM.items() if k != "short_term"} | {"family_name": "Other"}
    refused = Client().post("/self-referral/", without)
    assert refused.status_code == 200
    assert "can be delivered within 6 weeks" in refused.content.decode()
    assert not Referral.objects.filter(submitted_details__family_name="Other").exists()
    caches["ratelimit"].clear()
