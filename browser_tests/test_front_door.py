"""The front door in a real browser: a referrer's referral is returned by the service admin,
corrected, validated and accepted at screening, with each step in the referrer's inbox and
axe checking every page on the way; and the on-hold pages of the demo referrals."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from browser_tests import sections
from browser_tests.conftest import assert_accessible, sign_in, sign_out
from browser_tests.test_seed_paths import Walk

RISK_AREAS = (
    "Risk to others",
    "Risk to self",
    "Substance misuse",
    "Risk from others",
    "Other risks, including environment",
)
WORK_FIRST = (
    "Plan and cook two hot meals a week and take the bus alone to the Tuesday allotment "
    "group by week 10"
)
WORK_CORRECTED = (
    "Plan, shop for and cook two hot meals a week, and take the 8 bus alone to the "
    "Tuesday allotment group, by week 10"
)
RETURN_REASONS = (
    "The work asked for is specific, not a generalisation",
    "Consent to share information with the service",
)
FACTORS = "Which of the factors that indicate the referral is appropriate do you confirm?"
RETURN_NOTE = "Please say which bus and what she will buy; and check consent again with her."


def _reference_of(family_name: str) -> str:
    from enablement.referrals.models import Referral

    return Referral.objects.get(person__family_name=family_name).reference


def _sign_in_as(page: Page, username: str, home_heading: str) -> None:
    sign_in(page, username)
    expect(page.get_by_role("heading", level=1)).to_have_text(home_heading)


def _open_referral(page: Page, reference: str) -> None:
    """Follow the referral's link on the page (a home page's queue or table)."""
    page.get_by_role("main").get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {reference}")


def _status(page: Page):
    return page.get_by_test_id("status")


def _fill_date(page: Page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day", exact=True).fill(str(day.day))
    group.get_by_label("Month", exact=True).fill(str(day.month))
    group.get_by_label("Year", exact=True).fill(str(day.year))


@pytest.mark.browser
def test_a_referral_is_returned_corrected_validated_and_accepted(page: Page, live_demo):
    from enablement.people.models import Person

    ada = Person.objects.get(given_name="Ada", family_name="Sample")
    a_week_ago = timezone.localdate(live_demo) - dt.timedelta(days=7)

    # Given the referrer is on the page of Ada Sample, whom they recorded
    _sign_in_as(page, "referrer", "My referrals")
    page.goto(f"/people/{ada.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Sample")

    # When they start a referral and continue without choosing the service
    page.get_by_role("button", name="Refer Ada to a service").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer Ada Sample")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    # Then the error summary takes focus and links to the question to answer
    expect(page).to_have_title(re.compile(r"^Error: Refer Ada Sample"))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", level=2)).to_have_text("There is a problem")
    expect(
        summary.get_by_role("link", name="Select the service you are referring them to")
    ).to_be_visible()
    expect(summary).to_be_focused()
    assert_accessible(page)

    # When they write the referral in sections, risks assessed a week ago, and send it
    walk = Walk(page, "The referral returned, corrected and accepted")
    sections.refer_in_full(
        walk,
        "Kent Enablement and Recovery Service",
        "Kent East",
        "Community mental-health social work team",
        a_week_ago,
        work_asked=WORK_FIRST,
        outcomes="Cooks and travels alone by week 10",
    )

    # Then they are on the new referral's page, submitted
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Referral KERS-\d{6}$"))
    reference = heading.inner_text().removeprefix("Referral ")
    expect(_status(page)).to_have_text("Submitted")
    expect(page.get_by_role("alert")).to_contain_text(f"Referral {reference} submitted")
    risks = page.get_by_role("table", name="Risk information")
    expect(risks.get_by_role("row")).to_have_count(1 + len(RISK_AREAS))
    expect(risks.get_by_role("cell", name="None known", exact=True)).to_have_count(len(RISK_AREAS))
    sign_out(page)

    # When the service admin opens it from their validation queue and returns it,
    # ticking two checklist reasons and adding a note
    _sign_in_as(page, "admin.east", "Validation queue and tracker")
    _open_referral(page, reference)
    page.get_by_role("button", name="Return to the referrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Return the referral")
    reasons = page.get_by_role("group", name="What is missing or wrong")
    for reason in RETURN_REASONS:
        reasons.get_by_label(reason, exact=True).check()
    page.get_by_label("Note for the referrer (optional)").fill(RETURN_NOTE)
    assert_accessible(page)
    page.get_by_role("button", name="Return to the referrer").click()

    # Then it is returned to the referrer
    expect(_status(page)).to_have_text("Returned to the referrer")
    sign_out(page)

    # When the referrer opens it from "My referrals"
    _sign_in_as(page, "referrer", "My referrals")
    _open_referral(page, reference)

    # Then they see it was returned, with both reasons and the note
    expect(_status(page)).to_have_text("Returned to the referrer")
    returns = page.locator(".govuk-inset-text").filter(has_text="Returned")
    expect(returns.get_by_role("listitem")).to_have_text(list(RETURN_REASONS))
    expect(returns).to_contain_text(RETURN_NOTE)

    # When they correct it, the reasons listed at the top of the form, and resubmit
    page.get_by_role("button", name="Correct and resubmit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Correct referral {reference}")
    expect(page.get_by_test_id("return-reasons").get_by_role("listitem")).to_have_text(
        list(RETURN_REASONS)
    )
    work = page.get_by_label("The enablement work asked for", exact=True)
    expect(work).to_have_value(WORK_FIRST)
    expect(page.get_by_label("Refer to", exact=True)).to_have_value(re.compile(r"^team:\d+$"))
    work.fill(WORK_CORRECTED)
    assert_accessible(page)
    page.get_by_role("button", name="Resubmit referral").click()

    # Then it is submitted again, with the corrected work
    expect(_status(page)).to_have_text("Submitted")
    expect(page.get_by_role("alert")).to_contain_text(f"Referral {reference} resubmitted")
    expect(page.get_by_role("main")).to_contain_text(WORK_CORRECTED)
    sign_out(page)

    # When the service admin validates it, having asked for the person to be opened to the
    # locality team on the case system today (seed 000 process overview)
    _sign_in_as(page, "admin.east", "Validation queue and tracker")
    _open_referral(page, reference)
    page.get_by_role("button", name="Validate", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Validate the referral")
    _fill_date(
        page,
        "Date you asked for them to be opened (if they are not already open)",
        timezone.localdate(),
    )
    assert_accessible(page)
    page.get_by_role("button", name="Validate", exact=True).click()
    expect(page.get_by_test_id("case-system")).to_contain_text("not yet confirmed")

    # Then it waits for screening
    expect(_status(page)).to_have_text("Waiting for screening")
    expect(page.get_by_role("alert")).to_contain_text(f"Referral {reference} validated")
    sign_out(page)

    # When the senior screens it: desktop check done, every factor confirmed, accepted
    _sign_in_as(page, "senior.east", "Screening and allocation")
    _open_referral(page, reference)
    page.get_by_role("button", name="Screen", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Screen the referral")
    expect(page.get_by_test_id("eligibility-assessment")).to_contain_text("Face to face, on")
    page.get_by_label(
        "Desktop check done: the referral is fully and correctly completed", exact=True
    ).check()
    # and confirms each of the six factors that indicate a referral is appropriate (seed 000 §5)
    factors = page.get_by_role("group", name=FACTORS).get_by_role("checkbox")
    expect(factors).to_have_count(6)
    for i in range(6):
        factors.nth(i).check()
    page.get_by_role("group", name="Decision").get_by_label("Accept", exact=True).check()
    assert_accessible(page)
    page.get_by_role("button", name="Save", exact=True).click()

    # Then it is accepted, and the referral's page says so
    expect(_status(page)).to_have_text("Accepted")
    expect(page.get_by_role("alert")).to_contain_text(f"Referral {reference} screened")
    assert_accessible(page)
    sign_out(page)

    # When the referrer opens their inbox (there is no link to it: see the report)
    _sign_in_as(page, "referrer", "My referrals")
    page.goto("/inbox/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")

    # Then a message for each step is there, newest first, each linking to the referral
    messages = (
        page.get_by_test_id("inbox").get_by_role("heading", level=2).filter(has_text=reference)
    )
    expect(messages).to_have_text(
        [
            re.compile(rf"\b{reference}\b.*\baccepted\b"),
            re.compile(rf"\b{reference}\b.*\breturned\b"),
            re.compile(rf"\b{reference}\b.*\breceived\b"),
        ]
    )
    assert_accessible(page)
    messages.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {reference}")


@pytest.mark.browser
def test_the_referral_tracker_is_accessible(page: Page):
    # Given the service admin
    _sign_in_as(page, "admin.east", "Validation queue and tracker")

    # When they open the referral tracker
    page.goto("/referrals/")

    # Then it lists the demo referrals and is accessible
    expect(page.get_by_role("heading", level=1)).to_have_text("Referral tracker")
    tracker = page.get_by_test_id("tracker")
    expect(tracker.get_by_role("link", name=_reference_of("Specimen"), exact=True)).to_be_visible()
    assert_accessible(page)


@pytest.mark.browser
def test_the_referrer_answers_a_hold_on_accessible_pages(page: Page):
    reference = _reference_of("Placeholder")

    # Given the referrer, whose demo referral for Cy Placeholder is on hold
    _sign_in_as(page, "referrer", "My referrals")

    # When they open it
    _open_referral(page, reference)

    # Then it says it waits for them, with the concern, on an accessible page
    expect(_status(page)).to_have_text("On hold: waiting for the named social worker")
    expect(page.get_by_test_id("hold-until")).to_be_visible()
    assert_accessible(page)

    # When they go to answer it and send an empty answer
    page.get_by_role("button", name="Answer the risk concern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Answer the risk concern")
    expect(page.get_by_test_id("hold-concern")).to_contain_text("eviction proceedings")
    expect(page.get_by_test_id("hold-deadline")).to_contain_text("runs until the end of")
    assert_accessible(page)
    page.get_by_role("button", name="Send answer").click()

    # Then the error summary says what to do, and the page is still accessible
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter your answer to the concern")).to_be_visible()
    expect(page.get_by_label("Your answer", exact=True)).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


@pytest.mark.browser
def test_the_senior_puts_a_referral_on_hold_on_accessible_pages(page: Page):
    reference = _reference_of("Specimen")

    # Given the senior, with the demo referral for Bo Specimen waiting for screening
    _sign_in_as(page, "senior.east", "Screening and allocation")
    _open_referral(page, reference)
    expect(_status(page)).to_have_text("Waiting for screening")

    # When they open the screening page, choose the hold and send it without the concern
    page.get_by_role("button", name="Screen", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Screen the referral")
    assert_accessible(page)
    page.get_by_role("group", name="Decision").get_by_label(
        "Put on hold: ask the named social worker about a complex risk", exact=True
    ).check()
    page.get_by_role("button", name="Save", exact=True).click()

    # Then the error summary says what to do, and the page is still accessible
    summary = page.locator(".govuk-error-summary")
    expect(
        summary.get_by_role("link", name="Describe the risk concern for the social worker")
    ).to_be_visible()
    assert_accessible(page)

    # When they describe the concern and put it on hold
    page.get_by_label("The risk concern, for the named social worker", exact=True).fill(
        "Mentions a new partner who controls money: is it safe to visit at home?"
    )
    page.get_by_role("button", name="Save", exact=True).click()

    # Then it waits for the named social worker
    expect(_status(page)).to_have_text("On hold: waiting for the named social worker")
    assert_accessible(page)
