"""The pure rules of the self-referral hand-offs (issue 10 item 8)."""

import pytest

from enablement.referrals import rules
from enablement.referrals.rules import ServiceContact

BARNET = ["EN5", "NW9"]
KENT = ServiceContact("Kent help", "01632 960099", ["CT", "ME"])
MEDWAY = ServiceContact("Medway help", "", ["ME4"])


def refusal(postcode, others=(), area=BARNET, area_name="Barnet"):
    return rules.outside_area_message(
        postcode,
        service_name="Barnet hubs",
        area_name=area_name,
        area_postcode_districts=area,
        others=others,
    )


@pytest.mark.parametrize("postcode", ["EN5 4BE", "en54be", "NW9 6RR"])
def test_in_the_area_is_no_refusal(postcode):
    assert refusal(postcode, [KENT]) is None


@pytest.mark.parametrize("postcode", ["", "   ", "not a postcode"])
def test_a_postcode_that_cannot_be_checked_is_not_refused_here(postcode):
    # Its own check ("Enter a real postcode") is the person rules' job.
    assert refusal(postcode) is None


def test_a_service_with_no_area_refuses_nobody():
    assert refusal("CT1 1AA", area=[]) is None


def test_outside_with_a_service_that_covers_it_names_it_and_its_phone():
    assert refusal("ct1 1aa", [KENT]) == (
        "CT1 1AA is not in Barnet: Barnet hubs is for people living in Barnet. For where you "
        "live, ask Kent help, phone 01632 960099."
    )


def test_every_covering_service_is_named_and_one_without_a_phone_is_offered_on_the_form():
    assert refusal("ME4 4AA", [KENT, MEDWAY]).endswith(
        "ask Kent help, phone 01632 960099; or Medway help (choose it above)."
    )


def test_a_service_that_does_not_cover_it_is_not_named():
    message = refusal("CF10 1AA", [KENT, MEDWAY])
    assert "Kent help" not in message and "Medway" not in message
    assert message.endswith(
        "Contact adult social care at your own council (the council for CF10 1AA) to ask "
        "for support where you live."
    )


def test_a_service_without_an_area_name_still_reads():
    assert refusal("CT1 1AA", area_name="").startswith(
        "CT1 1AA is not in its area: Barnet hubs is for people living in its area."
    )


@pytest.mark.parametrize(
    "method,details,expected",
    [
        ("email", {"email": "a@b.org"}, {}),
        ("email", {"email": " ", "phone": "0207"}, {"email": "Enter an email address"}),
        ("phone", {"phone": "0207"}, {}),
        ("phone", {"email": "a@b.org"}, {"phone": "Enter a phone number"}),
        ("letter", {"postcode": "EN5 4BE"}, {}),
        ("letter", {"email": "a@b.org"}, {"postcode": "Enter the postcode we should write to"}),
        ("", {"email": "a@b.org"}, {"contact_method": "Choose how you would like us"}),
        ("pigeon", {}, {"contact_method": "Choose how you would like us"}),
    ],
)
def test_the_way_of_contact_needs_its_detail(method, details, expected):
    found = rules.contact_problems(method, details)
    assert set(found) == set(expected)
    for field, start in expected.items():
        assert found[field].startswith(start)


@pytest.mark.parametrize(
    "told_by,email,phone,start",
    [
        ("email", "a@b.org", "020 7946 0100", None),
        ("phone", "", "", None),
        ("letter", "", "", None),
        ("email", "", "020 7946 0100", "They gave no email address"),
        ("email", "a@b.org", " ", "The email asks them to phone the service"),
        ("", "a@b.org", "020", "Choose how the person is told"),
        ("fax", "a@b.org", "020", "Choose how the person is told"),
    ],
)
def test_how_the_person_is_told(told_by, email, phone, start):
    problem = rules.person_told_problem(told_by, email=email, service_phone=phone)
    assert (problem is None) if start is None else problem.startswith(start)


def test_the_email_carries_the_reference_the_checklist_words_and_the_number_only():
    body = rules.returned_email("BEP-000014", ["work_specific", "consent"], "020 7946 0100")
    assert body == (
        "Thank you for asking for support. Before we can go on with your request "
        "(reference BEP-000014), we need more from you:\n\n"
        "- The work asked for is specific, not a generalisation\n"
        "- Consent to share information with the service\n\n"
        "Please phone us on 020 7946 0100 and give your reference. We will go through it "
        "with you and make the changes for you."
    )
