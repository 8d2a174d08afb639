"""Distance travelled in a real browser (issue 13 item 1): the worker's outcomes page, the
episode page and the person's portal page each show a chart drawn on the server with the
same numbers in a table beside it, pass axe, and do not scroll sideways at 320 px."""

import pytest
from playwright.sync_api import Page, expect

from browser_tests.conftest import assert_accessible, sign_in
from browser_tests.test_seed_paths import WIDEST

NARROW = {"width": 320, "height": 800}


@pytest.fixture
def pat(live_demo):
    """Pat Example's Kent East enablement as `make run` loads it, with its demo scores."""
    from enablement.casework.models import Episode
    from enablement.demo.episodes import load_episodes

    load_episodes(now=live_demo)
    return Episode.objects.get(person__given_name="Pat", service__code="KERS", status="active")


def _check_chart(page: Page, name: str) -> None:
    chart = page.get_by_role("img", name=name).first
    expect(chart).to_be_visible()
    # The table beside this chart: in the same row of the grid.
    row = chart.locator("xpath=ancestor::div[contains(@class, 'govuk-grid-row')][1]")
    table = row.get_by_test_id("outcome-table")
    expect(table).to_be_visible()
    # The chart's description says the numbers the table shows.
    description = chart.evaluate("e => e.querySelector('desc').textContent")
    for row in table.locator("tbody tr").all():
        when = row.locator("th").inner_text().strip()
        score = row.locator("td").nth(1).inner_text().strip().split(" ")[0]
        assert f"{when}: {score}" in description, (when, score, description)


def _fits(page: Page) -> None:
    page.set_viewport_size(NARROW)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width} px wide: {page.evaluate(WIDEST)}"


def test_the_worker_and_the_person_see_the_chart_with_its_table(page: Page, pat):
    sign_in(page, "worker.east")
    page.goto(f"/episodes/{pat.pk}/outcomes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcomes: distance travelled")
    _check_chart(page, "Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS): score")
    assert_accessible(page)
    _fits(page)

    page.goto(f"/episodes/{pat.pk}/")
    expect(page.get_by_role("heading", name="Outcomes: distance travelled")).to_be_visible()
    _check_chart(page, "Recovery domains: the person's rating: score at each occasion")
    assert_accessible(page)
    _fits(page)

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1100, "height": 900})
    sign_in(page, "person")
    page.get_by_test_id("portal-outcomes").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How things are going")
    _check_chart(page, "Recovery domains: the person's rating: score at each occasion")
    assert_accessible(page)
    _fits(page)
