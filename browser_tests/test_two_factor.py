"""A system administrator, who must use two-factor authentication, sets it up with the QR
code page and signs in again with a code from the app. Every page is checked with axe."""

import re
import time
from base64 import b32decode

import pytest
from playwright.sync_api import Page, expect

from browser_tests.conftest import assert_accessible, path_of, sign_in, sign_out


def _app_code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for this key now (or in a later 30-second step)."""
    from django_otp.oath import TOTP

    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


@pytest.mark.browser
def test_set_up_two_factor_then_sign_in_with_a_code(page: Page, settings):
    settings.OTP_REQUIRED_ROLES = ["sysadmin", "provision_manager", "quality_manager"]

    # When the system administrator signs in with their password
    sign_in(page, "sysadmin")

    # Then they are sent to set up two-factor authentication before anything else
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    assert path_of(page) == "/account/two-factor/set-up/"
    qr = page.get_by_role("img", name=re.compile("QR code"))
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0, "the QR code image did not load"
    assert_accessible(page)
    page.goto("/home/administration/")
    assert path_of(page) == "/account/two-factor/set-up/"

    # When they add the key to their app and enter the code it shows
    secret = page.get_by_test_id("secret").inner_text()
    page.get_by_label("Code", exact=True).fill(_app_code(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()

    # Then they see ten recovery codes, once
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor authentication is on")
    expect(page.get_by_test_id("recovery-codes").get_by_role("listitem")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("link", name="I have saved my codes, continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")

    # And the header's "Your account" shows it turned on
    page.get_by_role("banner").get_by_role("link", name="Your account").click()
    expect(page.get_by_test_id("two-factor-status")).to_contain_text("Turned on")
    assert_accessible(page)
    sign_out(page)

    # When they sign in again, the password is not enough
    sign_in(page, "sysadmin")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    assert_accessible(page)

    # A wrong code is explained in an error summary
    page.get_by_label("Code", exact=True).fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: Enter the code"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    assert_accessible(page)

    # and the next code from the app opens their home page (after django-otp's one-second
    # pause that follows a wrong code)
    page.wait_for_timeout(1500)
    page.get_by_label("Code", exact=True).fill(_app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    assert path_of(page) == "/home/administration/"


@pytest.mark.browser
def test_account_pages_are_accessible(page: Page):
    # The pages a person reaches without signing in
    for path, heading in [
        ("/password-reset/", "Reset your password"),
        ("/password-reset/sent/", "Check your email"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)
    page.goto("/sign-in/")
    page.get_by_role("link", name="I have forgotten my password").click()
    assert path_of(page) == "/password-reset/"

    # A system administrator's account pages
    sign_in(page, "sysadmin")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("User accounts")
    assert_accessible(page)
    page.get_by_role("link", name="worker.east", exact=True).click()
    expect(page.get_by_test_id("status")).to_have_text("Active")
    assert_accessible(page)
    page.get_by_role("button", name="Switch off this account").click()
    page.get_by_role("button", name="Switch off account").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why the account is being switched off"
    )
    assert_accessible(page)
    page.get_by_label("Why is this account being switched off?").fill("Left the council")
    page.get_by_role("button", name="Switch off account").click()
    expect(page.get_by_test_id("status")).to_have_text("Switched off")
    expect(page.get_by_role("list").filter(has_text="Left the council")).to_be_visible()
    page.goto("/users/locked/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Locked accounts")
    assert_accessible(page)
    page.goto("/account/password/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    assert_accessible(page)


@pytest.mark.browser
def test_a_locked_account_is_told_what_to_do_and_unlocked_by_the_administrator(
    page: Page, settings
):
    settings.AXES_FAILURE_LIMIT = 2

    # When someone gives a wrong password for the same username twice
    for wrong in ("wrong password one", "wrong password two"):
        sign_in(page, "worker.east", wrong)

    # Then the account is locked, and the page says what to do
    expect(page.get_by_role("heading", level=1)).to_have_text("This account is locked")
    expect(page.get_by_role("main")).to_contain_text("ask your system administrator")
    assert_accessible(page)

    # When the system administrator unlocks it from the list of locked accounts
    sign_in(page, "sysadmin")
    page.goto("/users/locked/")
    row = page.get_by_role("row").filter(has_text="worker.east")
    row.get_by_role("button", name="Unlock").click()
    expect(page.get_by_role("main")).to_contain_text("'worker.east' can sign in again")
    expect(page.get_by_role("main")).to_contain_text("No account is locked")
    sign_out(page)

    # Then the worker signs in with the right password
    sign_in(page, "worker.east")
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
