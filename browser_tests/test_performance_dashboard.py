"""The performance dashboard in a real browser (issue 13 items 4 and 5): reached from the
managers' home page, each figure a chart (an image with a name) beside its table, axe
clean and no sideways scrolling at 320 px; the commissioner's with small numbers hidden."""

import pytest
from playwright.sync_api import Page, expect

from browser_tests.conftest import assert_accessible, sign_in
from browser_tests.test_seed_paths import WIDEST
from enablement.reporting import rules


@pytest.mark.parametrize("username", ["pm.kers", "commissioner"])
def test_dashboard_charts_render_with_their_tables(page: Page, live_demo, username):
    from enablement.demo.episodes import load_episodes

    load_episodes(now=live_demo)
    sign_in(page, username)
    page.get_by_test_id("performance-link").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance dashboard")
    # Another service, from the form, as a user would choose it.
    page.get_by_label("Service").select_option(label="Kent Enablement and Recovery Service")
    page.get_by_role("button", name="Show the figures").click()
    for spec in rules.FIGURES.values():
        section = page.locator(f'[data-figure="{spec.key}"]')
        chart = section.get_by_role("img")
        expect(chart).to_have_count(1)
        assert chart.get_attribute("aria-label").startswith(spec.title)
        box = chart.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50, f"{spec.key} chart not drawn"
        expect(section.get_by_role("table")).to_be_visible()
        expect(section.get_by_test_id("definition")).not_to_be_empty()
    note = page.get_by_test_id("suppression-note")
    expect(note).to_have_count(1 if username == "commissioner" else 0)
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= 320, f"{scroll} px wide; past the edge: {page.evaluate(WIDEST)}"
