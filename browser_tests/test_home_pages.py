"""Each demo role's home page in a real browser (issue 12 items 5 and 6): the staff pages
start with "Needs your action" with the demo's counts, and every page one link away from a
role's home page or navigation opens, passes axe and does not scroll sideways at 320 px."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from browser_tests.conftest import assert_accessible, sign_in
from browser_tests.test_seed_paths import WIDEST

NARROW = {"width": 320, "height": 800}
# Files, not pages; and the API's own documentation is not one of ours.
NOT_PAGES = re.compile(r"/(export|download)|\.(csv|xlsx|pdf|json)$|/api/|/sign-out/")

NEEDS = {
    "referrer": ("My referrals", ["needs-returned", "needs-holds", "needs-in-progress"]),
    "admin.east": (
        "Validation queue and tracker",
        ["needs-validate-overdue", "needs-validate", "needs-matches", "needs-case-system"],
    ),
    "senior.east": (
        "Screening and allocation",
        ["needs-screening-overdue", "needs-screening", "needs-holds-answered", "needs-waiting"],
    ),
    "worker.east": (
        "My caseload",
        ["needs-overdue", "needs-meetings", "needs-plans", "needs-reviews"],
    ),
}


@pytest.mark.parametrize("username", list(NEEDS))
def test_each_staff_home_page_starts_with_what_needs_action(page: Page, username):
    heading, items = NEEDS[username]
    sign_in(page, username)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    main = page.get_by_role("main")
    first_h2 = main.get_by_role("heading", level=2).first
    expect(first_h2).to_have_text("Needs your action")
    needs = page.get_by_test_id("needs-action")
    for testid in items:
        expect(needs.get_by_test_id(f"{testid}-item")).to_be_visible()
    # Something needs doing on each of these demo homes, and its line is a link that leads
    # to a page where it is done.
    link = needs.locator("a.govuk-task-list__link").first
    expect(link).to_be_visible()
    assert_accessible(page)
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert_accessible(page)


ROLES = (
    "referrer",
    "admin.east",
    "worker.east",
    "senior.east",
    "pm.kers",
    "quality",
    "commissioner",
    "person",
    "carer",
    "sysadmin",
)


def _links(page: Page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "header a[href], main a[href]", "els => els.map((e) => e.href)"
    )
    out = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or NOT_PAGES.search(parts.path):
            continue
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        if url not in out:
            out.append(url)
    return out


@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_home_page_links_to_fits_320_px(page: Page, live_server, live_demo, username):
    # As `make run` loads it: with the enablements in every state, so the worker's, the
    # senior's and the person's homes link to their episodes.
    from enablement.demo.episodes import load_episodes

    load_episodes(now=live_demo)
    page.set_viewport_size(NARROW)
    sign_in(page, username)
    home = urlsplit(page.url).path
    origin = live_server.url.rstrip("/")
    urls = [home, *(u for u in _links(page, origin) if u != home)]
    problems = []
    for url in urls:
        response = page.goto(url)
        assert response.status < 400, f"{username}: {url} answered {response.status}"
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        assert_accessible(page)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > 320:
            problems.append(f"{url}: {scroll} px wide; past the edge: {page.evaluate(WIDEST)}")
    print(f"\n{username}: {len(urls)} pages checked at 320 px")
    assert not problems, f"{username}: pages scroll sideways at 320 px:\n" + "\n".join(problems)
