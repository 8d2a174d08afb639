"""Recording a person: the checks on NHS number, postcode and date of birth show in the error
summary and beside each field, nothing is saved until they pass, then the person's page
shows the new record."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from browser_tests.conftest import assert_accessible, path_of, sign_in

NHS_WRONG_CHECK_DIGIT = "943 476 5918"
NHS_VALID = "943 476 5919"  # the NHS's own example number; the demo only uses 999 numbers

NHS_MESSAGE = "Enter a valid NHS number – the check digit does not match. Check it and try again"
POSTCODE_MESSAGE = "Enter a real postcode, like ME14 1XQ"
DOB_MESSAGE = "Date of birth must be in the past"


def _person_count() -> int:
    from enablement.people.models import Person

    return Person.objects.count()


def _error(message: str) -> re.Pattern:
    """What a screen reader reads after a field's label when the field has this error."""
    return re.compile(r"Error:\s+" + re.escape(message))


def _fill_date_of_birth(page: Page, day: int, month: int, year: int) -> None:
    date_of_birth = page.get_by_role("group", name="Date of birth")
    date_of_birth.get_by_label("Day", exact=True).fill(str(day))
    date_of_birth.get_by_label("Month", exact=True).fill(str(month))
    date_of_birth.get_by_label("Year", exact=True).fill(str(year))


@pytest.mark.browser
def test_record_a_person_refuses_bad_details_then_saves_good_ones(page: Page, live_demo):
    next_june = dt.date(live_demo.year + 1, 6, 1)  # in the future in any time zone
    people_before = _person_count()

    # Given the service admin is on "Record a person"
    sign_in(page, "admin.east")
    page.goto("/people/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a person")

    # When they enter a wrong NHS check digit, half a postcode and a birthday next year
    page.get_by_label("First name", exact=True).fill("Ada")
    page.get_by_label("Last name", exact=True).fill("Lovelace")
    _fill_date_of_birth(page, next_june.day, next_june.month, next_june.year)
    page.get_by_label("NHS number (optional)").fill(NHS_WRONG_CHECK_DIGIT)
    page.get_by_label("Postcode (optional)").fill("ME14")
    page.get_by_role("group", name="Primary diagnosis category").get_by_label(
        "Mental health"
    ).check()
    page.get_by_role("button", name="Save").click()

    # Then the page says what is wrong, in the error summary with links to the fields
    expect(page).to_have_title(re.compile(r"^Error: Record a person"))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link", name=NHS_MESSAGE)).to_have_attribute(
        "href", "#id_nhs_number"
    )
    expect(summary.get_by_role("link", name=POSTCODE_MESSAGE)).to_have_attribute(
        "href", "#id_postcode"
    )
    expect(summary.get_by_role("link", name=DOB_MESSAGE)).to_have_attribute(
        "href", "#id_date_of_birth_0"
    )
    expect(summary.get_by_role("listitem")).to_have_count(3)

    # and beside each field, as part of what a screen reader reads for that field
    form = page.locator("form").filter(has=page.get_by_role("button", name="Save"))
    nhs = form.get_by_label("NHS number (optional)")
    expect(nhs).to_have_accessible_description(_error(NHS_MESSAGE))
    expect(nhs).to_have_attribute("aria-invalid", "true")
    postcode = form.get_by_label("Postcode (optional)")
    expect(postcode).to_have_accessible_description(_error(POSTCODE_MESSAGE))
    expect(postcode).to_have_attribute("aria-invalid", "true")
    date_of_birth = form.get_by_role("group", name="Date of birth")
    expect(date_of_birth).to_have_accessible_description(_error(DOB_MESSAGE))
    expect(form.locator(".govuk-error-message")).to_have_count(3)

    # and what they typed is kept, and nothing was saved
    expect(page.get_by_label("First name", exact=True)).to_have_value("Ada")
    expect(nhs).to_have_value(NHS_WRONG_CHECK_DIGIT)
    assert _person_count() == people_before
    assert_accessible(page)

    # When they correct the three details and save again
    nhs.fill(NHS_VALID)
    postcode.fill("ME14 1XQ")
    _fill_date_of_birth(page, 27, 3, 1985)
    page.get_by_role("button", name="Save").click()

    # Then they are on the new person's page, whose timeline records the new record
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Lovelace")
    assert re.fullmatch(r"/people/\d+/", path_of(page))
    expect(page.get_by_role("alert")).to_contain_text("Ada Lovelace recorded")
    expect(page.get_by_test_id("timeline")).to_contain_text("Person recorded")
    expect(page.locator(".govuk-summary-list")).to_contain_text("943 476 5919")
    expect(page.locator(".govuk-summary-list")).to_contain_text("27 March 1985")
    expect(page.locator(".govuk-summary-list")).to_contain_text("ME14 1XQ")
    assert _person_count() == people_before + 1
    assert_accessible(page)
