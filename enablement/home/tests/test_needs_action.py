"""Each role's home page starts with "Needs your action" (issue 12 item 5): counts from the
demo, each linked to the page where the work is done, and the words for a quiet day."""

import re

import pytest

from enablement.notifications.models import Notification
from enablement.referrals import services
from enablement.referrals.models import Referral
from enablement.referrals.rules import Status

pytestmark = pytest.mark.django_db


def _needs(html: str) -> dict[str, tuple[int, str | None]]:
    """testid -> (count, link or None), in page order, from the task list(s)."""
    out = {}
    for item in re.finditer(
        r'<li class="govuk-task-list__item[^"]*" data-testid="([a-z-]+)-item">(.*?)</li>',
        html,
        re.S,
    ):
        testid, body = item.groups()
        count = int(re.search(rf'data-testid="{testid}">(\d+)<', body).group(1))
        link = re.search(r'href="([^"]+)"', body)
        out[testid] = (count, link.group(1).replace("&amp;", "&") if link else None)
    return out


def _home(client) -> str:
    response = client.get("/", follow=True)
    assert response.status_code == 200
    return response.content.decode()


def _first_heading_after_h1(html: str) -> str:
    after = html[html.index("</h1>") :]
    return re.search(r"<h2[^>]*>([^<]+)</h2>", after).group(1)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        # Returned referrals and hold questions first: only the referrer can move them on.
        ("referrer", ["needs-returned", "needs-holds", "needs-in-progress"]),
        (
            "admin",
            ["needs-validate-overdue", "needs-validate", "needs-matches", "needs-case-system"],
        ),
        (
            "senior",
            [
                "needs-screening-overdue",
                "needs-screening",
                "needs-holds-answered",
                "needs-waiting",
                "prompt-missed",
                "prompt-reviews",
                "prompt-extensions",
                "prompt-closures",
                "prompt-holds",
                "prompt-notes",
            ],
        ),
        ("worker", ["needs-overdue", "needs-meetings", "needs-plans", "needs-reviews"]),
    ],
)
def test_each_home_page_starts_with_what_needs_action_in_order(demo, client_for, role, expected):
    html = _home(client_for(role))
    assert _first_heading_after_h1(html) == "Needs your action"
    assert list(_needs(html)) == expected
    # Every line with something to do leads to a page the user can open.
    client = client_for(role)
    for testid, (count, link) in _needs(html).items():
        if count:
            assert link, testid
            assert client.get(link).status_code == 200, (testid, link)
        else:
            assert link is None, testid


def test_the_referrer_sees_returned_referrals_and_hold_questions_with_counts(
    demo, client_for, user_for
):
    referrer = user_for("referrer")
    mine = Referral.objects.filter(referrer=referrer) | Referral.objects.filter(
        named_social_worker=referrer
    )
    returned = mine.filter(status=Status.RETURNED).distinct()
    on_hold = mine.filter(status=Status.ON_HOLD).distinct()
    assert returned.count() == 1 and on_hold.count() == 1  # the demo's
    needs = _needs(_home(client_for("referrer")))
    # One of each: straight to the page where it is done.
    assert needs["needs-returned"] == (1, f"/referrals/{returned.get().pk}/resubmit/")
    assert needs["needs-holds"] == (1, f"/referrals/{on_hold.get().pk}/answer/")
    assert needs["needs-in-progress"][0] == 8


def test_the_admin_sees_what_to_validate_overdue_first_and_the_case_system_steps(demo, client_for):
    needs = _needs(_home(client_for("admin")))
    assert needs["needs-validate-overdue"] == (1, "/referrals/?status=submitted&overdue=on")
    assert needs["needs-validate"] == (1, "/referrals/?status=submitted")
    assert needs["needs-matches"] == (0, None)
    count, link = needs["needs-case-system"]
    assert count == 1 and link.endswith("/case-system/")
    # The tracker the link opens shows the one overdue referral, tagged.
    tracker = client_for("admin").get("/referrals/?status=submitted&overdue=on").content.decode()
    assert "Overdue" in tracker


def test_the_senior_sees_screening_holds_answered_waiting_list_and_room(demo, client_for, user_for):
    html = _home(client_for("senior"))
    needs = _needs(html)
    assert needs["needs-screening-overdue"][0] == 1
    assert needs["needs-screening"][0] == 1
    assert needs["needs-holds-answered"] == (0, None)
    assert needs["needs-waiting"] == (3, "/allocation/")
    # The waiting list's line says the team's room today, as the paragraph below does.
    room = re.search(r'data-testid="team-room">(\d+)<', html).group(1)
    assert int(room) > 0 and f"Room for {room}</strong>" in html
    assert 'data-testid="team-prompts"' in html


def test_an_answered_hold_is_counted_and_tagged_wherever_the_senior_sees_it(
    demo, client_for, user_for
):
    held = Referral.objects.get(status=Status.ON_HOLD, team__name="Kent East")
    services.answer_hold(
        referral=held,
        answer="The risk is managed: a carer is present at every visit",
        actor=user_for("referrer"),
        now=demo,
    )
    senior = client_for("senior")
    html = _home(senior)
    # Back for screening, straight to the screening page.
    assert _needs(html)["needs-holds-answered"] == (1, f"/referrals/{held.pk}/screen/")
    queue = html[html.index('data-testid="queue"') :]
    row = queue[queue.index(held.reference) :]
    assert 'data-testid="hold-answered">Hold answered' in row[: row.index("</tr>")]
    tracker = senior.get("/referrals/").content.decode()
    row = tracker[tracker.index(f">{held.reference}<") :]
    assert 'data-testid="hold-answered">Hold answered' in row[: row.index("</tr>")]
    # Referrals never held carry no tag.
    assert tracker.count('data-testid="hold-answered"') == 1


def test_a_quiet_day_says_nothing_needs_action(demo, client_for):
    html = _home(client_for("worker.kps"))
    assert "Nothing needs your action today." in html
    assert all(count == 0 for count, _ in _needs(html).values())


def test_the_inbox_in_the_navigation_shows_the_unread_count(demo, client_for, user_for):
    user = user_for("senior")
    Notification.objects.filter(user=user).delete()
    html = _home(client_for("senior"))
    assert 'data-testid="unread-count"' not in html
    for n in range(3):
        Notification.objects.create(user=user, subject=f"Message {n}", body="Body", created_at=demo)
    html = _home(client_for("senior"))
    nav = html[html.index('class="govuk-service-navigation__list"') :]
    nav = nav[: nav.index("</ul>")]
    assert re.search(r'href="/inbox/"[^>]*>\s*Inbox <span data-testid="unread-count">\(3<', nav)


def test_api_tokens_are_under_your_account_not_the_navigation(demo, client_for):
    for role in ("referrer", "admin", "senior", "worker", "provision_manager", "sysadmin"):
        client = client_for(role)
        html = _home(client)
        nav = html[html.index('class="govuk-service-navigation__list"') :]
        nav = nav[: nav.index("</ul>")]
        assert "API tokens" not in nav and "/account/tokens/" not in nav, role
        assert 'href="/account/"' in html, role
    account = client_for("referrer").get("/account/").content.decode()
    assert 'href="/account/tokens/"' in account
    assert client_for("referrer").get("/account/tokens/").status_code == 200


def _queue_steps(html: str) -> dict[str, tuple[str, str]]:
    """reference -> (next step's words, its link), from the queue on a home page."""
    queue = html[html.index('data-testid="queue"') :]
    queue = queue[: queue.index("</table>")]
    return {
        m.group(3): (m.group(2), m.group(1))
        for m in re.finditer(
            r'<a class="govuk-link" href="([^"]+)" data-testid="next-step">([^<]+)'
            r'<span class="govuk-visually-hidden"> ([A-Z]+-\d+)</span>',
            queue,
        )
    }


def test_each_queue_row_links_straight_to_the_step_its_reader_takes(demo, client_for):
    # The admin validates what was submitted; the page it opens shows the checklist.
    admin = client_for("admin")
    steps = _queue_steps(_home(admin))
    submitted = Referral.objects.filter(status=Status.SUBMITTED, team__name="Kent East")
    assert set(steps) == {r.reference for r in submitted}
    for r in submitted:
        assert steps[r.reference] == ("Validate", f"/referrals/{r.pk}/validate/")
        assert "Validate the referral" in admin.get(steps[r.reference][1]).content.decode()
    # The senior screens what was validated; a referral on hold waits for the social worker,
    # so it has no step of the senior's.
    steps = _queue_steps(_home(client_for("senior")))
    validated = Referral.objects.get(status=Status.VALIDATED, team__name="Kent East")
    held = Referral.objects.get(status=Status.ON_HOLD, team__name="Kent East")
    assert steps[validated.reference] == ("Screen", f"/referrals/{validated.pk}/screen/")
    assert held.reference not in steps


def test_a_long_queue_shows_the_longest_waiting_and_links_the_rest(demo, client_for, monkeypatch):
    """The home page shows the referrals waiting longest and says how many wait in all,
    with a link per status to the rest in the tracker: none is silently left off."""
    from enablement.home import views

    monkeypatch.setattr(views, "HOME_ROWS", 1)
    senior = client_for("senior")
    user = senior.get("/").wsgi_request.user
    from enablement.accounts import access

    waiting = access.visible_referrals(user).filter(
        status__in=(Status.VALIDATED, Status.IN_TRIAGE, Status.ON_HOLD)
    )
    total = waiting.count()
    assert total > 1, "the demo's team has more than one referral waiting"
    html = _home(senior)
    queue = html[html.index('data-testid="queue"') :]
    rows = queue[queue.index("<tbody") : queue.index("</tbody>")]
    oldest = list(waiting.order_by("received_at", "pk")[:1])
    assert rows.count("<tr") == 1
    assert all(r.reference in rows for r in oldest), (rows, [r.reference for r in oldest])
    assert f"Waiting for screening, triage or an answer: {total}" in queue
    assert "the 1 waiting longest shown" in queue
    more = html[html.index('data-testid="queue-more"') :]
    more = more[: more.index("</p>")]
    links = re.findall(r'href="([^"]+)">([^<]+)</a>', more)
    shown_total = sum(int(re.search(r"\((\d+)\)", text).group(1)) for _, text in links)
    assert shown_total == total
    # Each link opens the tracker on that status, every one of them there, oldest first.
    for url, text in links:
        page = senior.get(url.replace("&amp;", "&"))
        assert page.status_code == 200
        status = re.search(r"status=(\w+)", url).group(1)
        expected = waiting.filter(status=status).count()
        assert f"({expected})" in text
        assert page.context["total"].n == expected


def test_a_short_queue_is_shown_whole_with_no_link_to_more(demo, client_for):
    html = _home(client_for("admin"))
    queue = html[html.index('data-testid="queue"') :]
    assert "waiting longest shown" not in queue
    assert 'data-testid="queue-more"' not in html


def test_the_referrers_home_shows_the_newest_and_says_where_the_rest_are(
    demo, client_for, monkeypatch
):
    from enablement.accounts import access
    from enablement.home import views

    monkeypatch.setattr(views, "HOME_ROWS", 1)
    client = client_for("referrer")
    user = client.get("/").wsgi_request.user
    theirs = access.visible_referrals(user)
    assert theirs.count() > 1
    html = _home(client)
    table = html[html.index('data-testid="my-referrals"') :]
    body = table[table.index("<tbody") : table.index("</tbody>")]
    assert body.count("<tr") == 1
    assert theirs.order_by("-received_at", "-pk").first().reference in body
    more = html[html.index('data-testid="more-referrals"') :]
    url = re.search(r'href="([^"]+)"', more).group(1).replace("&amp;", "&")
    assert client.get(url).context["total"].n == theirs.count()
    assert 'data-testid="more-people"' in html  # the referrer has recorded more than one


def test_the_referrers_home_says_nothing_of_more_when_all_are_shown(demo, client_for):
    html = _home(client_for("referrer"))
    assert 'data-testid="more-referrals"' not in html
    assert 'data-testid="more-people"' not in html


def test_a_hub_workers_queue_says_how_many_wait_for_the_hub_assessment(demo, client_for):
    """Barnet's hub (seed 003): the worker's home queue carries its total like the others."""
    from enablement.accounts import access

    client = client_for("worker.bep")
    user = client.get("/").wsgi_request.user
    waiting = access.visible_referrals(user).filter(status=Status.IN_TRIAGE).count()
    html = _home(client)
    queue = html[html.index('data-testid="queue"') :]
    assert f"Waiting for the hub assessment: {waiting}" in queue
