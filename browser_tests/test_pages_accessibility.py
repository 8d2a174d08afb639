"""Axe on the app's main pages, each opened by a role allowed to see it, including the error
states of the forms that refuse bad settings and a full-time equivalent over 1."""

import re

import pytest
from playwright.sync_api import Page, expect

from browser_tests.conftest import assert_accessible, path_of, sign_in


def _person_pk(given_name: str, family_name: str) -> int:
    from enablement.people.models import Person

    return Person.objects.get(given_name=given_name, family_name=family_name).pk


def _error(message: str) -> re.Pattern:
    """What a screen reader reads after a field's label when the field has this error."""
    return re.compile(r"Error:\s+" + re.escape(message))


def _error_summary(page: Page):
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    return summary


@pytest.mark.browser
def test_the_accessibility_check_itself_catches_a_violation(browser):
    # Given a page with an image that has no text alternative (a critical violation)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content('<html lang="en"><body><main><img src="x.png"></main></body></html>')

        # Then the check fails, naming the rule, its impact and the element
        with pytest.raises(AssertionError, match=r"image-alt \(critical\)[\s\S]*at img"):
            assert_accessible(page)
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("username", "path", "heading"),
    [
        ("admin.east", "/people/", "Find a person"),
        ("pm.kers", "/services/", "Services"),
        ("pm.kers", "/services/KERS/", "Kent Enablement and Recovery Service"),
        ("sysadmin", "/services/new/", "Set up a new service"),
        ("senior.east", "/teams/", "Teams"),
        ("worker.east", "/resources/", "Enablement resources"),
    ],
)
def test_page_is_accessible(page: Page, username: str, path: str, heading: str):
    sign_in(page, username)

    page.goto(path)

    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)


@pytest.mark.browser
def test_person_page_is_accessible(page: Page):
    pk = _person_pk("Ada", "Sample")
    sign_in(page, "admin.east")

    page.goto(f"/people/{pk}/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Sample")
    expect(page.get_by_test_id("timeline")).to_contain_text("Person recorded")
    assert_accessible(page)


@pytest.mark.browser
def test_service_settings_refuse_a_review_after_the_end_accessibly(page: Page):
    # Given the KERS provision manager is changing KERS's settings (12 weeks long)
    sign_in(page, "pm.kers")
    page.goto("/services/KERS/")
    page.get_by_role("button", name="Change settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change settings")

    # When they put a review in week 13
    page.get_by_label("Review weeks (optional)").fill("6, 13")
    page.get_by_label("Why are the settings changing?").fill("Add a late review")
    page.get_by_role("button", name="Save as a new version").click()

    # Then the settings are refused, saying why, in the summary and beside the field
    message = "Review in week 13 is after the end of the service length (12 weeks)"
    expect(page).to_have_title(re.compile(r"^Error: Change settings"))
    expect(_error_summary(page).get_by_role("link", name=message)).to_be_visible()
    expect(page.get_by_label("Review weeks (optional)")).to_have_accessible_description(
        _error(message)
    )
    assert path_of(page) == "/services/KERS/change/"
    assert_accessible(page)


@pytest.mark.browser
def test_team_page_and_staff_fte_error_are_accessible(page: Page):
    # Given the Kent East senior opens their team from the list of teams
    sign_in(page, "senior.east")
    page.goto("/teams/")
    page.get_by_role("link", name="Kent East", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kent East")
    expect(page.get_by_role("table", name="Staff")).to_contain_text("Wren Worker")
    assert_accessible(page)

    # When they set a worker's full-time equivalent to 1.5
    page.get_by_role("link", name="Change Wren Worker").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wren Worker")
    page.get_by_label("Full-time equivalent").fill("1.5")
    page.get_by_role("button", name="Save").click()

    # Then it is refused, saying why, in the summary and beside the field
    message = "Full-time equivalent must be 1 or less (1 is full time)"
    expect(page).to_have_title(re.compile(r"^Error: Change Wren Worker"))
    expect(_error_summary(page).get_by_role("link", name=message)).to_be_visible()
    expect(page.get_by_label("Full-time equivalent")).to_have_accessible_description(
        _error(message)
    )
    assert re.fullmatch(r"/staff/\d+/edit/", path_of(page))
    assert_accessible(page)


@pytest.mark.browser
def test_access_log_shows_a_view_of_a_record_accessibly(page: Page):
    # Given the KERS provision manager has looked at a person's record
    pk = _person_pk("Bo", "Specimen")
    sign_in(page, "pm.kers")
    page.goto(f"/people/{pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bo Specimen")

    # When they open the access log
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Access log").click()

    # Then the newest entry is that view
    expect(page.get_by_role("heading", level=1)).to_have_text("Access log")
    newest = page.get_by_role("table", name="Access log entries").locator("tbody tr").first
    expect(newest).to_contain_text("Parker Provision")
    expect(newest).to_contain_text("Bo Specimen")
    expect(newest).to_contain_text("Viewed the record")
    assert_accessible(page)


@pytest.mark.browser
def test_api_token_key_is_shown_once_accessibly(page: Page):
    # Given a worker on their API tokens page
    sign_in(page, "worker.east")
    page.goto("/account/tokens/")
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")

    # When they create a token
    page.get_by_label("What is the token for?").fill("Case system link")
    page.get_by_role("button", name="Create token").click()

    # Then its key is shown, with a warning that it will not be shown again
    expect(page.get_by_role("heading", name="Token created")).to_be_visible()
    expect(page.get_by_text("Copy it now: it will not be shown again")).to_be_visible()
    key = page.get_by_test_id("new-key").inner_text().strip()
    assert len(key) >= 20
    table = page.get_by_role("table", name="Your API tokens")
    expect(table).to_contain_text("Case system link")
    assert_accessible(page)

    # And when they come back to the page, the key is not shown again
    page.goto("/account/tokens/")
    expect(page.get_by_role("table", name="Your API tokens")).to_contain_text("Case system link")
    expect(page.get_by_test_id("new-key")).to_have_count(0)
    assert key not in page.content()


@pytest.mark.browser
def test_access_log_filters_and_refuses_a_bad_number_accessibly(page: Page):
    # Given the KERS provision manager has opened Ada Sample's record
    pk = _person_pk("Ada", "Sample")
    sign_in(page, "pm.kers")
    page.goto(f"/people/{pk}/")

    # When they open the access log and select Ada Sample
    page.goto("/access-log/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Access log")
    page.get_by_test_id("access-log").get_by_role("link", name="Ada Sample").first.click()

    # Then the log shows their own view of her record, with the filter filled in
    expect(page.get_by_label("Person's record number")).to_have_value(str(pk))
    expect(page.get_by_test_id("access-log")).to_contain_text("Viewed the record")
    assert_accessible(page)

    # When they type a number that is not plain digits
    page.get_by_label("Person's record number").fill("²")
    page.get_by_role("button", name="Apply").click()

    # Then it is refused beside the field, and nothing is listed
    message = "Enter the person's record number in digits, like 1234"
    expect(_error_summary(page).get_by_role("link", name=message)).to_be_visible()
    expect(page.get_by_test_id("access-log")).to_contain_text("No entries.")
    assert_accessible(page)
