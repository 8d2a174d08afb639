"""Self-referral hand-offs (issue 10 item 8): a postcode outside the service's area is
refused with the right service's contact details; the contact details given are on the
referral; a returned self-referral reaches the person (by email from here, or the admin's
record that they phoned or wrote) and stays in the admin's sight until it is corrected for
them or withdrawn."""

import pytest
from django.core import mail
from django.core.cache import caches
from django.test import Client

from enablement.catalogue.models import Service, ServiceSettings
from enablement.governance.models import AccessLogEntry, Event
from enablement.notifications.models import OutboxMessage
from enablement.notifications.services import deliver_outbox
from enablement.people.models import Person
from enablement.referrals.models import Referral
from enablement.referrals.tests.test_self_referral import FORM

BEP_PHONE = "020 7946 0100"


@pytest.fixture(autouse=True)
def fresh_limits(db):
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


def _submit(**change) -> Referral:
    response = Client().post("/self-referral/", {**FORM, **change})
    assert response.status_code == 302, response.content.decode()
    return Referral.objects.get(submitted_details__family_name=change.get("family_name", "Selfref"))


def _kent_self_help(demo) -> Service:
    """A second service that takes self-referrals, for Kent."""
    service = Service.objects.create(
        code="KSH",
        name="Kent self-help enablement",
        organisation="Kent County Council",
        contact_phone="01632 960099",
    )
    values = Service.objects.get(code="BEP").current_settings.rule_values()
    values |= {
        "routing": "direct",
        "levels": [],
        "area_name": "Kent",
        "area_postcode_districts": ["CT", "ME"],
    }
    ServiceSettings.objects.create(service=service, version=1, created_at=demo, **values)
    return service


# --- 1. Outside the service's area --------------------------------------------------------


def test_a_postcode_outside_the_area_is_refused_with_the_service_that_covers_it(demo):
    _kent_self_help(demo)
    response = Client().post(
        "/self-referral/", {**FORM, "postcode": "CT1 1AA", "email": "sol@example.org"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["postcode"] == [
        "CT1 1AA is not in Barnet: Barnet Enablement Pathway: Brief is for people living in "
        "Barnet. For where you live, ask Kent self-help enablement, phone 01632 960099."
    ]
    assert not Referral.objects.filter(submitted_details__family_name="Selfref").exists()
    # Nothing typed is lost: the form comes back with every answer in it.
    html = response.content.decode()
    for typed in (
        "Sol",
        "Selfref",
        "CT1 1AA",
        "07700 900111",
        "sol@example.org",
        FORM["work_requested"],
    ):
        assert typed in html
    assert 'value="phone" checked' in html


def test_with_no_service_for_the_postcode_it_says_to_ask_their_own_council(demo):
    response = Client().post("/self-referral/", {**FORM, "postcode": "CF10 1AA"})
    (message,) = response.context["form"].errors["postcode"]
    assert message == (
        "CF10 1AA is not in Barnet: Barnet Enablement Pathway: Brief is for people living in "
        "Barnet. Contact adult social care at your own council (the council for CF10 1AA) to "
        "ask for support where you live."
    )
    assert BEP_PHONE not in message and "01632" not in message  # no made-up numbers


def test_the_refusal_says_nothing_about_anyone_on_record(demo):
    """The same answer whether the details are of someone known to a service or of nobody,
    and nothing is read from, or logged against, a person's record."""
    ada = Person.objects.get(family_name="Sample")
    known = {
        **FORM,
        "given_name": ada.given_name,
        "family_name": ada.family_name,
        "date_of_birth_0": str(ada.date_of_birth.day),
        "date_of_birth_1": str(ada.date_of_birth.month),
        "date_of_birth_2": str(ada.date_of_birth.year),
        "nhs_number": ada.nhs_number,
        "postcode": "CT1 1AA",
    }
    stranger = {**FORM, "postcode": "CT1 1AA"}
    events, reads = Event.objects.count(), AccessLogEntry.objects.count()
    answers = [
        Client().post("/self-referral/", data).context["form"].errors for data in (known, stranger)
    ]
    assert answers[0] == answers[1]
    assert list(answers[0]) == ["postcode"]
    assert (Event.objects.count(), AccessLogEntry.objects.count()) == (events, reads)


def test_a_postcode_in_the_area_goes_through(demo):
    assert _submit(postcode="NW9 6RR").submitted_details.postcode == "NW9 6RR"


# --- 2. How they want to be contacted -----------------------------------------------------


@pytest.mark.parametrize(
    "method,blank,field,message",
    [
        ("email", "email", "email", "Enter an email address, or choose another way"),
        ("phone", "phone", "phone", "Enter a phone number, or choose another way"),
        ("", None, "contact_method", "Choose how you would like us to contact you"),
    ],
)
def test_the_way_of_contact_needs_its_detail(demo, method, blank, field, message):
    data = {**FORM, "contact_method": method, "email": ""}
    if blank:
        data[blank] = ""
    response = Client().post("/self-referral/", data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Referral.objects.filter(submitted_details__family_name="Selfref").exists()


def test_a_letter_needs_only_the_postcode_and_phone_is_not_then_required(demo):
    referral = _submit(contact_method="letter", phone="")
    details = referral.submitted_details
    assert (details.contact_method, details.phone, details.postcode) == ("letter", "", "EN5 4BE")


def test_the_contact_details_are_on_the_referral_for_staff_who_may_see_it(demo, client_for):
    referral = _submit(contact_method="email", email="sol@example.org")
    admin = client_for("admin.bep")
    page = admin.get(f"/referrals/{referral.pk}/").content.decode()
    assert 'How to contact them</dt><dd class="govuk-summary-list__value">Email' in page
    assert "sol@example.org" in page
    # Once matched, the unverified block goes but the way to contact them stays.
    admin.post(f"/referrals/{referral.pk}/match/", {"choice": "new"})
    page = admin.get(f"/referrals/{referral.pk}/").content.decode()
    assert 'data-testid="contact-details"' in page and "sol@example.org" in page
    # Someone who may not see the referral sees nothing of it.
    assert client_for("admin.east").get(f"/referrals/{referral.pk}/").status_code == 404


# --- 3. Returned to the person ------------------------------------------------------------


def _return(client, referral, told_by, **extra):
    return client.post(
        f"/referrals/{referral.pk}/return/",
        {"missing": ["work_specific", "deliverable"], "person_told_by": told_by, **extra},
    )


def test_returned_by_email_the_person_gets_the_reference_what_is_missing_and_the_number(
    demo, client_for, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    referral = _submit(contact_method="email", email="sol@example.org", nhs_number="9434765919")
    admin = client_for("admin.bep")
    page = admin.get(f"/referrals/{referral.pk}/return/").content.decode()
    assert "They asked to be contacted by email (sol@example.org)." in page
    response = _return(admin, referral, "email", note="Spoke to the GP about Sol's housing")
    assert response.status_code == 302

    referral.refresh_from_db()
    assert referral.status == "returned"
    assert referral.returns.get().person_told_by == "email"
    event = Event.objects.get(kind="referral.returned", referral=referral)
    assert event.data["person_told_by"] == "email"

    message = OutboxMessage.objects.get(referral=referral)
    assert (message.to_email, message.notification) == ("sol@example.org", None)
    assert referral.reference in message.subject and referral.reference in message.body
    assert "- The work asked for is specific, not a generalisation" in message.body
    assert "- The work can be delivered within the length of the service" in message.body
    assert f"phone us on {BEP_PHONE}" in message.body
    # No personal details beyond that, and no service name (ADR 0015); the note stays inside.
    email_text = message.subject + message.body
    for private in ("Sol", "Selfref", "EN5", "1990", "9434765919", "07700", "housing", "Barnet"):
        assert private not in email_text

    assert deliver_outbox(now=demo) >= 1
    (sent,) = [m for m in mail.outbox if m.to == ["sol@example.org"]]
    assert sent.body == message.body

    page = admin.get(f"/referrals/{referral.pk}/").content.decode()
    assert "the person was told by email, sent from here" in page


def test_returned_after_a_phone_call_is_recorded_and_nothing_is_emailed(demo, client_for):
    referral = _submit(email="sol@example.org")  # they gave an email but asked for phone
    admin = client_for("admin.bep")
    assert _return(admin, referral, "phone").status_code == 302
    referral.refresh_from_db()
    assert referral.returns.get().person_told_by == "phone"
    assert (
        Event.objects.get(kind="referral.returned", referral=referral).data["person_told_by"]
        == "phone"
    )
    assert not OutboxMessage.objects.filter(referral=referral).exists()
    page = admin.get(f"/referrals/{referral.pk}/").content.decode()
    assert "the person was told by phone (Remy Admin phoned them)" in page


def test_email_is_refused_when_they_gave_no_email_address(demo, client_for):
    referral = _submit()  # phone only
    response = _return(client_for("admin.bep"), referral, "email")
    assert response.status_code == 200
    assert "They gave no email address: phone them or write to them" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "submitted"
    assert not OutboxMessage.objects.filter(referral=referral).exists()


def test_how_the_person_is_told_must_be_chosen(demo, client_for):
    referral = _submit()
    response = client_for("admin.bep").post(
        f"/referrals/{referral.pk}/return/", {"missing": ["work_specific"]}
    )
    assert "Choose how the person is told" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "submitted"


def test_a_staff_referral_is_returned_to_the_referrers_inbox_as_before(demo, client_for):
    submitted = Referral.objects.filter(
        status="submitted", referrer__isnull=False, team__name="Kent East"
    ).first()
    admin = client_for("admin.east")
    response = admin.get(f"/referrals/{submitted.pk}/return/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Return to the referrer" in page
    assert "How is the person told?" not in page
    assert (
        admin.post(f"/referrals/{submitted.pk}/return/", {"missing": ["work_specific"]}).status_code
        == 302
    )
    assert submitted.returns.get().person_told_by == ""


def test_the_returned_self_referral_waits_in_the_admins_queue_for_the_person(demo, client_for):
    referral = _submit()
    admin = client_for("admin.bep")
    _return(admin, referral, "phone")
    home = admin.get("/home/validation/").content.decode()
    table = home[home.index('data-testid="waiting-for-person"') :]
    table = table[: table.index("</table>")]
    assert "Returned: waiting for the person" in table
    assert referral.reference in table and "Sol Selfref (not yet matched)" in table
    assert "Phone" in table and "By phone (07700 900111)" in table
    page = admin.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Returned: waiting for the person" in page
    assert f"/referrals/{referral.pk}/resubmit/" in page  # correct it for them
    assert f"/referrals/{referral.pk}/withdraw/" in page  # or withdraw it
    # A Kent admin's queue does not hold it.
    assert (
        referral.reference not in client_for("admin.east").get("/home/validation/").content.decode()
    )


def test_the_admin_corrects_it_for_the_person_and_it_is_validated_as_usual(
    demo, client_for, user_for
):
    referral = _submit()
    admin = client_for("admin.bep")
    _return(admin, referral, "phone")
    page = admin.get(f"/referrals/{referral.pk}/resubmit/").content.decode()
    assert "Correct the referral for the person" in page
    assert "The work asked for is specific, not a generalisation" in page
    # Checked against what a self-referral must give (the service's minimum data): the
    # person's own words are enough, but not nothing.
    bad = admin.post(
        f"/referrals/{referral.pk}/resubmit/",
        {"work_requested": "", "deliverable_within_length": "on", "consent_to_share": "on"},
    )
    assert "Say what they would like help with" in bad.content.decode()
    response = admin.post(
        f"/referrals/{referral.pk}/resubmit/",
        {
            "work_requested": "Travel training so they can get the bus to the food bank",
            "deliverable_within_length": "on",
            "consent_to_share": "on",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "submitted"
    assert referral.work_requested.startswith("Travel training")
    assert referral.returns.get().resubmitted_at is not None
    event = Event.objects.get(kind="referral.resubmitted", referral=referral)
    assert event.actor == user_for("admin.bep")
    home = admin.get("/home/validation/").content.decode()
    waiting = home[home.index('data-testid="waiting-for-person"') :]
    assert referral.reference not in waiting[: waiting.index("</table>")]


def test_the_admin_withdraws_it_for_the_person_with_a_reason(demo, client_for, user_for):
    referral = _submit()
    admin = client_for("admin.bep")
    _return(admin, referral, "phone")
    assert (
        "Say why the referral is withdrawn"
        in admin.post(f"/referrals/{referral.pk}/withdraw/", {"reason": " "}).content.decode()
    )
    response = admin.post(
        f"/referrals/{referral.pk}/withdraw/",
        {"reason": "Spoke to them on the phone: they found a volunteering place themself"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "withdrawn"
    assert referral.decision_reason.startswith("Spoke to them")
    event = Event.objects.get(kind="referral.withdrawn", referral=referral)
    assert (event.actor, event.summary) == (
        user_for("admin.bep"),
        f"Referral {referral.reference} withdrawn",
    )
    # Finished: no longer waiting, and nothing more to withdraw.
    assert admin.get(f"/referrals/{referral.pk}/withdraw/").status_code == 404


def test_only_the_services_admin_acts_for_the_person(demo, client_for):
    referral = _submit()
    _return(client_for("admin.bep"), referral, "phone")
    for user in ("worker.bep", "senior.bep", "referrer"):
        client = client_for(user)
        for action in ("resubmit", "withdraw"):
            assert client.get(f"/referrals/{referral.pk}/{action}/").status_code in (403, 404)


def test_the_api_asks_how_the_person_is_told(demo, client_for):
    referral = _submit()
    api = client_for("admin.bep")
    url = f"/api/v1/referrals/{referral.pk}/return"
    response = api.post(url, {"missing": ["work_specific"]}, content_type="application/json")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["person_told_by"]
    response = api.post(
        url,
        {"missing": ["work_specific"], "person_told_by": "phone"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["returns"][0]["person_told_by"] == "phone"
