"""Each demo role signs in through the form, lands on its own home page and signs out."""

import re

import pytest
from playwright.sync_api import Page, expect

from browser_tests.conftest import assert_accessible, path_of, sign_in, sign_out
from enablement.demo.loader import DEMO_PASSWORD

# (username, home path, the home page's h1), as README.md's "Demo sign-ins" table lists them.
HOMES = [
    ("referrer", "/home/my-referrals/", "My referrals"),
    ("admin.east", "/home/validation/", "Validation queue and tracker"),
    ("worker.east", "/home/caseload/", "My caseload"),
    ("senior.east", "/home/screening/", "Screening and allocation"),
    ("pm.kers", "/home/dashboard/", "Dashboard"),
    ("quality", "/home/dashboard/", "Dashboard"),
    ("commissioner", "/home/dashboard/", "Dashboard"),
    ("person", "/home/my-record/", "My record"),
    ("carer", "/home/my-record/", "The person I care for"),
    ("sysadmin", "/home/administration/", "Administration"),
]


@pytest.mark.browser
def test_sign_in_page_is_accessible(page: Page):
    page.goto("/sign-in/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Enablement")
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.parametrize(("username", "home", "heading"), HOMES, ids=[h[0] for h in HOMES])
def test_each_role_lands_on_its_home_page_and_signs_out(
    page: Page, username: str, home: str, heading: str
):
    # When they sign in with the demo password
    sign_in(page, username)

    # Then they land on their own home page, which is accessible
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert path_of(page) == home
    assert_accessible(page)

    # And the header's button signs them out, back to the sign-in page
    sign_out(page)


@pytest.mark.browser
def test_wrong_password_shows_an_accessible_error_summary(page: Page):
    # When someone signs in with the right password in the wrong case
    sign_in(page, "worker.east", password=DEMO_PASSWORD.upper())

    # Then they stay on the sign-in page, told what went wrong in a GOV.UK error summary
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    assert path_of(page) == "/sign-in/"
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", level=2)).to_have_text("There is a problem")
    expect(summary.get_by_role("alert")).to_contain_text(
        "Enter a correct username and password. Both are case-sensitive."
    )
    # which takes focus, so a screen reader announces it first
    expect(summary).to_have_attribute("tabindex", "-1")
    expect(summary).to_be_focused()
    assert_accessible(page)

    # And they are not signed in
    page.goto("/")
    assert path_of(page) == "/sign-in/"
