"""The public self-referral form: no account, a reference number, rate-limited."""

import pytest
from django.core.cache import cache
from django.test import Client

from enablement.people.models import Person
from enablement.referrals.models import Referral

FORM = {
    "service": "BEP",
    "source": "self",
    "given_name": "Sol",
    "family_name": "Selfref",
    "date_of_birth_0": "4",
    "date_of_birth_1": "7",
    "date_of_birth_2": "1990",
    "postcode": "EN5 4BE",
    "phone": "07700 900111",
    "primary_diagnosis": "mental_health",
    "work_requested": "I would like help to get back into volunteering at the food bank",
    "short_term": "on",
    "consent_to_share": "on",
}


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def test_self_referral_gives_a_reference_and_reaches_the_hub_queue(demo, client_for):
    client = Client()
    page = client.get("/self-referral/")
    assert page.status_code == 200
    assert "Barnet Enablement Pathway" in page.content.decode()
    assert "Kent Enablement" not in page.content.decode()  # KERS takes no self-referrals
    response = client.post("/self-referral/", FORM, follow=True)
    referral = Referral.objects.get(person__family_name="Selfref")
    assert referral.reference in response.content.decode()
    assert (referral.source, referral.referrer, referral.team) == ("self", None, None)
    queue = client_for("admin.bep").get("/home/validation/").content.decode()
    assert referral.reference in queue


def test_a_carer_must_give_their_name(demo):
    html = Client().post("/self-referral/", {**FORM, "source": "carer"}).content.decode()
    assert 'id="id_carer_name-error"' in html
    assert not Referral.objects.filter(person__family_name="Selfref").exists()


def test_missing_consent_saves_nothing(demo):
    data = {k: v for k, v in FORM.items() if k != "consent_to_share"}
    html = Client().post("/self-referral/", data).content.decode()
    assert "There is a problem" in html
    assert not Person.objects.filter(family_name="Selfref").exists()
    assert not Referral.objects.filter(person__family_name="Selfref").exists()


def test_a_known_nhs_number_is_matched_not_duplicated(demo):
    ada = Person.objects.get(family_name="Sample")
    Client().post(
        "/self-referral/",
        {**FORM, "given_name": "Ada", "family_name": "Sample", "nhs_number": ada.nhs_number},
    )
    assert Person.objects.filter(nhs_number=ada.nhs_number).count() == 1
    assert ada.referrals.filter(source="self").count() == 1


def test_too_many_requests_from_one_address_are_refused(demo, settings):
    settings.SELF_REFERRAL_RATE = "2/h"
    client = Client()
    for n in range(2):
        client.post("/self-referral/", {**FORM, "family_name": f"Selfref{n}"})
    response = client.post("/self-referral/", {**FORM, "family_name": "Selfref9"})
    assert response.status_code == 429
    assert not Person.objects.filter(family_name="Selfref9").exists()
