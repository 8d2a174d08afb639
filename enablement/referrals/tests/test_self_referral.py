"""The public self-referral form: no account, a reference number, rate-limited, and never a
way into anyone's record (issue 9)."""

import pytest
from django.core.cache import caches
from django.test import Client

from enablement.accounts.access import may_change_person, visible_people
from enablement.governance.models import Event
from enablement.people.models import Carer, Person
from enablement.referrals import services
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
    "contact_method": "phone",
    "primary_diagnosis": "mental_health",
    "work_requested": "I would like help to get back into volunteering at the food bank",
    "short_term": "on",
    "consent_to_share": "on",
}
PERSON_FIELDS = [f.name for f in Person._meta.concrete_fields]


@pytest.fixture(autouse=True)
def fresh_limits(db):
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


def _submitted(family="Selfref") -> Referral:
    return Referral.objects.get(submitted_details__family_name=family)


def test_self_referral_gives_a_reference_and_reaches_the_hub_queue(demo, client_for):
    client = Client()
    page = client.get("/self-referral/")
    assert page.status_code == 200
    assert "Barnet Enablement Pathway" in page.content.decode()
    assert "Kent Enablement" not in page.content.decode()  # KERS takes no self-referrals
    response = client.post("/self-referral/", FORM, follow=True)
    referral = _submitted()
    assert referral.reference in response.content.decode()
    assert (referral.source, referral.referrer, referral.team, referral.person) == (
        "self",
        None,
        None,
        None,
    )
    assert not Person.objects.filter(family_name="Selfref").exists()
    queue = client_for("admin.bep").get("/home/validation/").content.decode()
    assert referral.reference in queue
    assert "Sol Selfref (not yet matched)" in queue


def test_someone_elses_nhs_number_takes_over_nothing(demo, user_for):
    """The finding: an anonymous self-referral carrying an existing person's NHS number,
    with another name and date of birth, was attached to that person, added a carer to
    their record, and gave every user of the receiving service sight and change of it."""
    ada = Person.objects.get(family_name="Sample")
    before = {f: getattr(ada, f) for f in PERSON_FIELDS}
    carers_before = list(Carer.objects.filter(person=ada).values_list("pk", flat=True))
    events_before = Event.objects.filter(person=ada).count()
    bep_staff = [user_for(u) for u in ("admin.bep", "worker.bep")]
    assert not any(visible_people(u).filter(pk=ada.pk).exists() for u in bep_staff)

    response = Client().post(
        "/self-referral/",
        {
            **FORM,
            "source": "carer",
            "carer_name": "Mallory Intruder",
            "given_name": "Mallory",
            "family_name": "Takeover",
            "date_of_birth_2": "1970",
            "nhs_number": ada.nhs_number,
        },
    )
    assert response.status_code == 302

    ada.refresh_from_db()
    assert {f: getattr(ada, f) for f in PERSON_FIELDS} == before
    assert list(Carer.objects.filter(person=ada).values_list("pk", flat=True)) == carers_before
    assert not Carer.objects.filter(name="Mallory Intruder").exists()
    assert Event.objects.filter(person=ada).count() == events_before
    assert not ada.referrals.filter(source="carer").exists()
    assert not any(visible_people(u).filter(pk=ada.pk).exists() for u in bep_staff)
    referral = _submitted("Takeover")
    assert referral.awaiting_match
    details = referral.submitted_details
    assert (details.nhs_number, details.carer_name, details.decision) == (
        ada.nhs_number,
        "Mallory Intruder",
        "",
    )


def test_the_admin_alone_sees_the_possible_matches_and_decides(demo, client_for, user_for):
    ada = Person.objects.get(family_name="Sample")
    Client().post(
        "/self-referral/",
        {**FORM, "given_name": "Ada", "family_name": "Sampul", "nhs_number": ada.nhs_number},
    )
    referral = _submitted("Sampul")
    # The worker of the hub service cannot match, nor can the Kent admin who holds Ada.
    assert client_for("worker.bep").get(f"/referrals/{referral.pk}/match/").status_code == 403
    assert client_for("admin.east").get(f"/referrals/{referral.pk}/match/").status_code == 404
    admin = client_for("admin.bep")
    page = admin.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Not yet matched to a record" in page
    assert f"/referrals/{referral.pk}/match/" in page
    assert f"/referrals/{referral.pk}/validate/" not in page  # match first
    match_page = admin.get(f"/referrals/{referral.pk}/match/").content.decode()
    assert "Ada Sample, born" in match_page and "(Same NHS number)" in match_page

    # Validating before the match is refused with a reason, whatever the page offers.
    with pytest.raises(Exception, match="Match the person"):
        services.validate_referral(referral=referral, actor=user_for("admin.bep"), now=demo)

    response = admin.post(f"/referrals/{referral.pk}/match/", {"choice": str(ada.pk)})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.person == ada
    assert referral.submitted_details.decision == "existing"
    assert referral.submitted_details.decided_by == user_for("admin.bep")
    event = Event.objects.get(kind="referral.matched", referral=referral)
    assert (event.person, event.actor, event.data["decision"]) == (
        ada,
        user_for("admin.bep"),
        "existing",
    )
    # Matched by a person's decision, the hub now holds a current referral for Ada.
    assert visible_people(user_for("admin.bep")).filter(pk=ada.pk).exists()
    assert may_change_person(user_for("admin.bep"), ada)
    assert admin.get(f"/referrals/{referral.pk}/match/").status_code == 404  # done once


def test_a_new_person_is_recorded_from_the_details_only_when_the_admin_says_so(demo, client_for):
    Client().post("/self-referral/", {**FORM, "source": "carer", "carer_name": "Kim Carer"})
    referral = _submitted()
    response = client_for("admin.bep").post(f"/referrals/{referral.pk}/match/", {"choice": "new"})
    assert response.status_code == 302
    referral.refresh_from_db()
    person = referral.person
    assert (person.given_name, person.family_name, person.postcode) == ("Sol", "Selfref", "EN5 4BE")
    assert list(person.carers.values_list("name", flat=True)) == ["Kim Carer"]
    assert referral.submitted_details.decision == "new"


def test_new_record_with_someone_elses_nhs_number_needs_the_admins_say_so(demo, client_for):
    ada = Person.objects.get(family_name="Sample")
    Client().post("/self-referral/", {**FORM, "nhs_number": ada.nhs_number})
    referral = _submitted()
    admin = client_for("admin.bep")
    page = admin.post(f"/referrals/{referral.pk}/match/", {"choice": "new"}).content.decode()
    assert "There is a problem" in page and "already recorded" in page
    referral.refresh_from_db()
    assert referral.awaiting_match
    admin.post(f"/referrals/{referral.pk}/match/", {"choice": "new", "without_nhs_number": "on"})
    referral.refresh_from_db()
    assert referral.person.family_name == "Selfref"
    assert referral.person.nhs_number is None
    assert Person.objects.get(pk=ada.pk).nhs_number == ada.nhs_number


def test_a_choice_that_was_not_offered_is_refused(demo, client_for):
    Client().post("/self-referral/", FORM)
    referral = _submitted()
    other = Person.objects.get(family_name="Fictional")  # no likeness at all
    page = client_for("admin.bep").post(
        f"/referrals/{referral.pk}/match/", {"choice": str(other.pk)}
    )
    assert page.status_code == 200
    assert "Select one of the records shown" in page.content.decode()
    referral.refresh_from_db()
    assert referral.awaiting_match


def test_a_carer_must_give_their_name(demo):
    html = Client().post("/self-referral/", {**FORM, "source": "carer"}).content.decode()
    assert 'id="id_carer_name-error"' in html
    assert not Referral.objects.filter(submitted_details__family_name="Selfref").exists()


def test_a_wrong_nhs_number_is_explained_on_the_form(demo):
    html = Client().post("/self-referral/", {**FORM, "nhs_number": "1234567890"}).content
    assert 'id="id_nhs_number-error"' in html.decode()
    assert not Referral.objects.filter(submitted_details__family_name="Selfref").exists()


def test_missing_consent_saves_nothing(demo):
    data = {k: v for k, v in FORM.items() if k != "consent_to_share"}
    html = Client().post("/self-referral/", data).content.decode()
    assert "There is a problem" in html
    assert not Person.objects.filter(family_name="Selfref").exists()
    assert not Referral.objects.filter(submitted_details__family_name="Selfref").exists()


def test_too_many_referrals_from_one_address_are_refused_with_the_phone_number(demo, settings):
    settings.SELF_REFERRAL_RATE = "2/h"
    client = Client()
    for n in range(2):
        assert (
            client.post("/self-referral/", {**FORM, "family_name": f"Selfref{n}"}).status_code
            == 302
        )
    response = client.post("/self-referral/", {**FORM, "family_name": "Selfref9"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Barnet Enablement Pathway: Brief: <strong>020 7946 0100</strong>" in html
    assert not Referral.objects.filter(submitted_details__family_name="Selfref9").exists()


def test_mistakes_do_not_count_towards_the_limit(demo, settings):
    settings.SELF_REFERRAL_RATE = "2/h"
    client = Client()
    for _ in range(5):  # five tries with the consent box left empty
        data = {k: v for k, v in FORM.items() if k != "consent_to_share"}
        assert client.post("/self-referral/", data).status_code == 200
    assert client.post("/self-referral/", FORM).status_code == 302
    assert _submitted().reference


def test_the_limit_is_per_client_behind_our_proxy_and_cannot_be_dodged(demo, settings):
    settings.SELF_REFERRAL_RATE = "1/h"
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    client = Client()
    first = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    assert client.post("/self-referral/", {**FORM, "family_name": "A"}, **first).status_code == 302
    # Another client behind the same proxy has its own count.
    second = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    assert client.post("/self-referral/", {**FORM, "family_name": "B"}, **second).status_code == 302
    # Writing a made-up address on the left does not make the first client someone else.
    forged = {**proxy, "HTTP_X_FORWARDED_FOR": "203.0.113.77, 198.51.100.1"}
    assert client.post("/self-referral/", {**FORM, "family_name": "C"}, **forged).status_code == 429


def test_the_count_is_kept_where_every_process_shares_it(settings):
    # Not in one process's memory: Redis when configured, otherwise the database.
    backend = settings.CACHES[settings.RATELIMIT_USE_CACHE]["BACKEND"]
    assert backend in (
        "django.core.cache.backends.redis.RedisCache",
        "django.core.cache.backends.db.DatabaseCache",
    )
