"""Screening in one flow (issue 12 item 3), in a real browser with axe on every page and no
page scrolling sideways at 320 px: the Kent East senior screens the demo KERS referral for
Bo Specimen on one page and puts it on hold, keeping the risk screening tool's answers; the
referrer answers the hold; the senior comes back to find the answers filled in, and accepts."""

import re

import pytest
from playwright.sync_api import Page, expect

from browser_tests.conftest import assert_accessible, sign_in, sign_out

DESKTOP_CHECK = "Desktop check done: the referral is fully and correctly completed"
TOOL = "Risk screening tool: complex-case features present"
FACTORS = "Which of the factors that indicate the referral is appropriate do you confirm?"
HOLD = "Put on hold: ask the named social worker about a complex risk"
CONCERN = "The risk concern, for the named social worker"
CONCERN_TEXT = "A new partner controls her money: is it safe to visit at home?"
ANSWER_TEXT = "Visit on Tuesdays and Thursdays, when he is at work"
NOTES = "Police called twice this month"
NARROW = {"width": 320, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
# Codes a page would show instead of their words.
RAW_CODES = re.compile(
    r"\b(needs_judgement|not_eligible|not_ready|on_hold|domestic_abuse)\b|accept;"
)


def _reference_of(family_name: str) -> str:
    from enablement.referrals.models import Referral

    return Referral.objects.get(person__family_name=family_name).reference


def _check(page: Page) -> None:
    """Axe finds nothing serious, no code shows instead of words, and at 320 px wide the
    page does not scroll sideways."""
    assert_accessible(page)
    main = page.get_by_role("main").inner_text()
    assert not RAW_CODES.search(main), f"{page.url} shows a code: {RAW_CODES.findall(main)}"
    page.set_viewport_size(NARROW)
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    page.set_viewport_size(DESKTOP)
    assert scroll <= client, f"{page.url} scrolls sideways at 320 px: {scroll} > {client}"


def _heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _open(page: Page, reference: str) -> None:
    page.get_by_role("main").get_by_role("link", name=reference, exact=True).first.click()
    _heading(page, f"Referral {reference}")
    _check(page)


@pytest.mark.browser
def test_a_hold_keeps_the_screening_answers_until_the_senior_accepts(page: Page):
    page.set_viewport_size(DESKTOP)
    reference = _reference_of("Specimen")

    # Given the Kent East senior, with the demo referral for Bo Specimen to screen
    sign_in(page, "senior.east")
    _heading(page, "Screening and allocation")
    _check(page)
    _open(page, reference)
    expect(page.get_by_test_id("status")).to_have_text("Waiting for screening")

    # When they open the one screening page
    page.get_by_role("button", name="Screen", exact=True).click()
    _heading(page, "Screen the referral")
    # Then the referral's key facts stand beside the form
    facts = page.get_by_test_id("key-facts")
    expect(facts).to_contain_text("Bo Specimen")
    expect(facts).to_contain_text("Risk to others")
    facts_box, form_box = facts.bounding_box(), page.locator("form").last.bounding_box()
    assert facts_box["x"] + facts_box["width"] <= form_box["x"], "the facts are not beside"
    # and eligibility names what needs judgement, each factor asked by its words
    expect(page.get_by_test_id("eligibility-reading")).to_contain_text("On what the referral says")
    # and the hold's fields show only once the hold is chosen
    hold_fields = page.get_by_test_id("hold-fields")
    expect(hold_fields).to_be_hidden()
    _check(page)

    # When they answer the tool, confirm two factors, choose the hold and send it empty
    page.get_by_label(DESKTOP_CHECK, exact=True).check()
    tool = page.get_by_role("group", name=TOOL)
    tool.get_by_label("Violence", exact=True).check()
    tool.get_by_label("Concerns around a domestic abuse situation", exact=True).check()
    page.get_by_label("Notes on risk (optional)", exact=True).fill(NOTES)
    factors = page.get_by_role("group", name=FACTORS).get_by_role("checkbox")
    factors.nth(0).check()
    factors.nth(1).check()
    page.get_by_role("group", name="Decision").get_by_label(HOLD, exact=True).check()
    expect(hold_fields).to_be_visible()
    # The hold states its deadline, in words.
    expect(page.get_by_test_id("hold-deadline")).to_have_text(
        re.compile(r"has until the end of \w+day \d{1,2} \w+ \d{4} to answer")
    )
    page.get_by_role("button", name="Save", exact=True).click()

    # Then the page says what is missing, keeping every answer
    summary = page.locator(".govuk-error-summary")
    expect(
        summary.get_by_role("link", name="Describe the risk concern for the social worker")
    ).to_be_visible()
    expect(page.get_by_label("Notes on risk (optional)", exact=True)).to_have_value(NOTES)
    expect(page.get_by_label(DESKTOP_CHECK, exact=True)).to_be_checked()
    _check(page)

    # When they write the concern and save
    page.get_by_label(CONCERN, exact=True).fill(CONCERN_TEXT)
    page.get_by_role("button", name="Save", exact=True).click()

    # Then it is on hold until a date in words, and the referral keeps the tool's answers
    _heading(page, f"Referral {reference}")
    expect(page.get_by_test_id("status")).to_have_text(
        "On hold: waiting for the named social worker"
    )
    expect(page.get_by_role("alert")).to_contain_text("has until the end of")
    expect(page.get_by_test_id("hold-until")).to_have_text(re.compile(r"\w+day \d{1,2} \w+ \d{4}"))
    screening = page.get_by_test_id("screening").first
    expect(screening).to_contain_text("Put on hold")
    expect(screening).to_contain_text("Violence")
    expect(screening).to_contain_text("Concerns around a domestic abuse situation")
    expect(screening).to_contain_text(NOTES)
    _check(page)
    sign_out(page)

    # When the referrer, the named social worker, answers the hold
    sign_in(page, "referrer")
    _heading(page, "My referrals")
    _open(page, reference)
    page.get_by_role("button", name="Answer the risk concern").click()
    _heading(page, "Answer the risk concern")
    expect(page.get_by_test_id("hold-deadline")).to_have_text(
        re.compile(r"runs until the end of \w+day \d{1,2} \w+ \d{4}: answer by then")
    )
    expect(page.get_by_test_id("hold-concern")).to_contain_text(CONCERN_TEXT)
    _check(page)
    page.get_by_label("Your answer", exact=True).fill(ANSWER_TEXT)
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_test_id("status")).to_have_text("Waiting for screening")
    _check(page)
    sign_out(page)

    # When the senior comes back to screen it
    sign_in(page, "senior.east")
    _heading(page, "Screening and allocation")
    _open(page, reference)
    page.get_by_role("button", name="Screen", exact=True).click()
    _heading(page, "Screen the referral")

    # Then the answer is there, and every answer they gave with the hold is filled in
    expect(page.get_by_test_id("hold-answered")).to_contain_text(ANSWER_TEXT)
    expect(page.get_by_test_id("kept-answers")).to_be_visible()
    expect(page.get_by_label(DESKTOP_CHECK, exact=True)).to_be_checked()
    expect(tool.get_by_label("Violence", exact=True)).to_be_checked()
    expect(
        tool.get_by_label("Concerns around a domestic abuse situation", exact=True)
    ).to_be_checked()
    expect(tool.get_by_label("Substance misuse or dual diagnosis", exact=True)).not_to_be_checked()
    expect(page.get_by_label("Notes on risk (optional)", exact=True)).to_have_value(NOTES)
    expect(factors.nth(0)).to_be_checked()
    expect(factors.nth(1)).to_be_checked()
    expect(
        page.get_by_role("group", name="Decision").get_by_role("radio", checked=True)
    ).to_have_count(0)
    _check(page)

    # When they confirm the remaining factors and accept
    for i in range(factors.count()):
        factors.nth(i).check()
    page.get_by_role("group", name="Decision").get_by_label("Accept", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()

    # Then it is accepted, and the referral shows both screenings in words
    _heading(page, f"Referral {reference}")
    expect(page.get_by_test_id("status")).to_have_text("Accepted")
    screenings = page.get_by_test_id("screening")
    expect(screenings).to_have_count(2)
    expect(screenings.first).to_contain_text("Accept. Eligibility: eligible.")
    expect(screenings.last).to_contain_text("Put on hold")
    _check(page)
