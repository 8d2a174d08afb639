"""The pages work without JavaScript: signing in and out are plain form posts."""

import pytest
from playwright.sync_api import Page, expect

from browser_tests.conftest import path_of, sign_in, sign_out


@pytest.mark.browser
def test_worker_signs_in_and_out_without_javascript(page_without_js: Page):
    page = page_without_js
    # Given a browser with JavaScript switched off
    page.goto("/sign-in/")
    assert page.evaluate("document.body.classList.contains('js-enabled')") is False

    # When the worker signs in
    sign_in(page, "worker.east")

    # Then they reach their caseload
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    assert path_of(page) == "/home/caseload/"

    # And signing out still works
    sign_out(page)
