"""A provision manager finds the subject-access export and the legal hold from a person's
page, downloads the readable copy, and places and lifts a hold, with axe on each page."""

import re

import pytest
from playwright.sync_api import Page, expect

from browser_tests.conftest import assert_accessible, sign_in


def _pk(family_name: str) -> int:
    from enablement.people.models import Person

    return Person.objects.get(family_name=family_name).pk


@pytest.mark.browser
def test_the_export_page_is_reached_from_the_person_and_downloads_the_pdf(page: Page):
    pk = _pk("Placeholder")
    sign_in(page, "pm.kers")
    page.goto(f"/people/{pk}/")

    page.get_by_role("link", name="Subject access export").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Subject access export")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_test_id("export-pdf").click()
    assert re.fullmatch(
        rf"subject-access-person-{pk}-\d{{4}}-\d\d-\d\d\.pdf", download.value.suggested_filename
    )
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"


@pytest.mark.browser
def test_a_legal_hold_is_placed_and_lifted_accessibly(page: Page):
    pk = _pk("Placeholder")
    sign_in(page, "pm.kers")
    page.goto(f"/people/{pk}/")
    page.get_by_role("link", name="Legal hold").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Legal hold")
    expect(page.get_by_test_id("retention")).to_contain_text("still open")
    assert_accessible(page)

    # A hold without a reason is refused, beside the field
    page.get_by_role("button", name="Place legal hold").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why the record must be kept"
    )
    assert_accessible(page)

    page.get_by_label("Why must the record be kept?").fill("Complaint, ref C-42")
    page.get_by_role("button", name="Place legal hold").click()
    expect(page.get_by_role("alert")).to_contain_text("Legal hold placed")
    expect(page.get_by_test_id("hold")).to_contain_text("Complaint, ref C-42")
    assert_accessible(page)

    page.get_by_label("Why is the hold no longer needed?").fill("Complaint closed")
    page.get_by_role("button", name="Lift this hold").click()
    expect(page.get_by_role("alert")).to_contain_text("Legal hold lifted")
    expect(page.get_by_test_id("hold")).to_contain_text("Lifted on")
    assert_accessible(page)
