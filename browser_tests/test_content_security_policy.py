"""The Content-Security-Policy in a real browser: on the main pages of each role Chromium
reports no violation (it would refuse an inline script, style or handler and say so), and
GOV.UK Frontend's JavaScript, now loaded from a file, still starts its components."""

import re

import pytest
from playwright.sync_api import Page, expect

from browser_tests.conftest import sign_in
from enablement.demo.loader import DEMO_PASSWORD

# Registered before any page script runs; it records what the browser refused.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || "?"}:${e.lineNumber}`);
});
"""


def _watch(page: Page) -> list[str]:
    """Console messages about the policy, and violations reported by the page itself."""
    seen: list[str] = []
    page.on(
        "console",
        lambda m: (
            seen.append(m.text)
            if re.search(r"Content.Security.Policy|Permissions.Policy", m.text, re.IGNORECASE)
            else None
        ),
    )
    page.add_init_script(LISTEN)
    return seen


def _assert_no_violation(page: Page, seen: list[str]) -> None:
    reported = page.evaluate("window.__cspViolations")
    assert not seen and not reported, f"{page.url}: {seen + reported}"


def _assert_govuk_frontend_started(page: Page) -> None:
    assert page.evaluate("document.body.classList.contains('js-enabled')")
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    # Each component marks its root once initAll() has started it.
    expect(page.locator("[data-module='govuk-skip-link']")).to_have_attribute(
        "data-govuk-skip-link-init", ""
    )


def _pks():
    from enablement.people.models import Person
    from enablement.referrals.models import Referral

    person = Person.objects.get(given_name="Ada", family_name="Sample")
    referral = Referral.objects.filter(person=person).order_by("pk").first()
    return person.pk, referral.pk


PAGES = {
    "admin.east": [
        "/home/validation/",
        "/referrals/",
        "/people/",
        "/people/{person}/",
        "/referrals/{ref}/",
    ],
    "senior.east": ["/home/screening/", "/allocation/", "/allocation/caseloads/", "/inbox/"],
    "pm.kers": ["/home/dashboard/", "/allocation/forecast/", "/services/KERS/"],
    "worker.east": ["/home/caseload/", "/resources/"],
    "person": ["/home/my-record/"],
    "sysadmin": ["/home/administration/", "/services/new/"],
}


@pytest.mark.browser
def test_public_pages_break_no_rule_and_start_govuk_frontend(page: Page):
    seen = _watch(page)
    for path in ("/sign-in/", "/self-referral/"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        _assert_govuk_frontend_started(page)
        _assert_no_violation(page, seen)


@pytest.mark.browser
def test_the_error_summary_and_password_reveal_still_work(page: Page):
    # Both are GOV.UK Frontend components that run only with its JavaScript.
    seen = _watch(page)
    sign_in(page, "admin.east", DEMO_PASSWORD.upper())
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_have_attribute("data-govuk-error-summary-init", "")
    expect(summary).to_be_focused()
    password = page.get_by_label("Password", exact=True)
    page.get_by_role("button", name="Show password").click()
    expect(password).to_have_attribute("type", "text")
    _assert_no_violation(page, seen)


@pytest.mark.browser
@pytest.mark.parametrize("username", list(PAGES))
def test_main_pages_break_no_rule_and_start_govuk_frontend(page: Page, username: str):
    person, ref = _pks()
    seen = _watch(page)
    sign_in(page, username)
    for path in PAGES[username]:
        response = page.goto(path.format(person=person, ref=ref))
        assert response.status == 200, path
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        _assert_govuk_frontend_started(page)
        _assert_no_violation(page, seen)


@pytest.mark.browser
def test_the_service_navigation_menu_still_opens_on_a_phone(browser, live_server, live_demo):
    # The Menu toggle exists only once GOV.UK Frontend's JavaScript has run.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740})
    try:
        page = context.new_page()
        seen = _watch(page)
        sign_in(page, "admin.east")
        menu = page.get_by_role("button", name="Menu")
        expect(menu).to_be_visible()
        expect(menu).to_have_attribute("aria-expanded", "false")
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        _assert_no_violation(page, seen)
    finally:
        context.close()


@pytest.mark.browser
def test_the_forecast_chart_keeps_its_size_without_a_style_attribute(page: Page):
    seen = _watch(page)
    sign_in(page, "pm.kers")
    page.goto("/allocation/forecast/")
    chart = page.get_by_role("img", name=re.compile(r"^Bar chart of the expected"))
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    natural = float(chart.get_attribute("width"))
    assert 0 < box["width"] <= natural + 0.5
    _assert_no_violation(page, seen)


@pytest.mark.browser
def test_the_api_documentation_page_breaks_no_rule(page: Page):
    seen = _watch(page)
    sign_in(page, "admin.east")
    page.goto("/api/v1/docs")
    expect(page.get_by_text("Enablement API").first).to_be_visible()
    _assert_no_violation(page, seen)


@pytest.mark.browser
def test_an_inline_script_would_be_refused(page: Page):
    # The check itself can fail: a script written into the page is blocked and reported.
    seen = _watch(page)
    page.goto("/sign-in/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.append(s); }"
    )
    assert page.evaluate("window.__ran === undefined")
    with pytest.raises(AssertionError, match="script-src"):
        _assert_no_violation(page, seen)
