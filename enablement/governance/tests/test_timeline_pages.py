"""A timeline is read a page at a time (issue 14 item 2): the person's, the episode's and the
referral's history show the newest 50 events and an "Older events" link carrying a cursor;
following the links from the first page to the last shows every event once, in order, even
where several share a time; the pages read the same number of queries however long the
timeline; and a cursor that is not one gives the newest page, never an error."""

import datetime as dt
import html
import re
from urllib.parse import urldefrag, urljoin

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enablement.casework.models import Episode
from enablement.governance.models import AccessLogEntry, Event
from enablement.governance.timeline import PAGE_SIZE

OLDER = re.compile(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next">')
NEWEST = re.compile(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="prev">')


def _follow(url, link) -> str:
    """Where a browser goes from `url` by a link's href (a query string and an anchor)."""
    return urldefrag(urljoin(url, html.unescape(link[1])))[0]


@pytest.fixture
def episode(demo_episodes):
    return Episode.objects.select_related("worker__user").order_by("pk").first()


@pytest.fixture
def worker(episode, client_for):
    return client_for(episode.worker.user.username)


def _add(episode, n, *, tie=6, start=0):
    """`n` more events on the episode's person, episode and referral, newer than any the demo
    has, `tie` at a time so that ties fall across the page boundaries."""
    newest = Event.objects.order_by("-occurred_at").first().occurred_at
    Event.objects.bulk_create(
        Event(
            kind="episode.note",
            summary=f"Note {start + i}",
            occurred_at=newest + dt.timedelta(days=1, minutes=(start + i) // tie),
            person=episode.person,
            referral_id=episode.referral_id,
            episode=episode,
        )
        for i in range(n)
    )


def _walk(client, url, context_name):
    """Follows "Older events" from the newest page to the last: the ids on each page."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append([e.pk for e in response.context[context_name]])
        link = OLDER.search(response.content.decode())
        url = _follow(url, link) if link else None
    return pages


@pytest.mark.parametrize(
    ("path", "context_name", "column"),
    [
        ("/people/{person}/", "timeline", "person"),
        ("/episodes/{episode}/", "timeline", "episode"),
        ("/referrals/{referral}/", "history", "referral"),
    ],
)
def test_walking_older_events_shows_every_event_once_in_order(
    episode, worker, path, context_name, column
):
    _add(episode, 120)
    values = {"person": episode.person, "episode": episode, "referral": episode.referral}
    url = path.format(person=episode.person_id, episode=episode.pk, referral=episode.referral_id)
    expected = list(
        Event.objects.filter(**{column: values[column]})
        .order_by("-occurred_at", "-id")
        .values_list("pk", flat=True)
    )
    assert len(expected) > 2 * PAGE_SIZE

    pages = _walk(worker, url, context_name)

    assert [pk for page in pages for pk in page] == expected
    assert [len(page) for page in pages[:-1]] == [PAGE_SIZE] * (len(pages) - 1)
    # The cut between the first two pages falls inside events that share one time.
    cut = Event.objects.in_bulk([pages[0][-1], pages[1][0]])
    assert cut[pages[0][-1]].occurred_at == cut[pages[1][0]].occurred_at


def test_the_first_page_shows_fifty_and_says_there_are_older_ones(episode, worker):
    _add(episode, 120)
    url = f"/people/{episode.person_id}/"
    page = worker.get(url).content.decode()
    timeline = page.split('data-testid="timeline"')[1].split("</ol>")[0]
    assert timeline.count("<li") == PAGE_SIZE
    assert "Note 119" in timeline and "Note 69" not in timeline  # the newest 50
    assert "Older events" in page and "Newest events" not in page

    assert OLDER.search(page)[1].endswith("#timeline")  # back at the timeline's heading
    older_url = _follow(url, OLDER.search(page))
    older = worker.get(older_url).content.decode()
    assert "Note 69" in older and "Note 119" not in older
    assert "Older events" in older and "Newest events" in older
    newest = _follow(older_url, NEWEST.search(older))
    assert newest == url
    assert "Note 119" in worker.get(newest).content.decode()


def test_every_page_of_a_persons_timeline_is_logged_as_a_read(episode, worker):
    _add(episode, 120)
    before = AccessLogEntry.objects.filter(person=episode.person, action="view").count()
    pages = _walk(worker, f"/people/{episode.person_id}/", "timeline")
    after = AccessLogEntry.objects.filter(person=episode.person, action="view").count()
    assert after - before == len(pages) == 3


def _queries(client, url) -> int:
    client.get(url)  # the session's first reads are not the page's
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_pages_read_the_same_number_of_queries_with_10_and_500_events(episode, worker):
    urls = [
        f"/people/{episode.person_id}/",
        f"/episodes/{episode.pk}/",
        f"/referrals/{episode.referral_id}/",
    ]
    _add(episode, 10)
    few = [_queries(worker, url) for url in urls]
    _add(episode, 490, start=10)
    many = [_queries(worker, url) for url in urls]
    assert many == few
    # And an older page as many as the first.
    older = _follow(urls[0], OLDER.search(worker.get(urls[0]).content.decode()))
    assert _queries(worker, older) == many[0]


@pytest.mark.parametrize(
    "cursor",
    [
        "nonsense",
        "1.2.3",
        "--5.10",
        "²³.4",
        "12",
        "1.99999999999999999999",  # an id past a bigint
        "9999999999999999999.1",  # a time past the calendar
        "1e5.1",
        "1.1; DROP TABLE governance_event",
    ],
)
def test_a_cursor_that_is_not_one_gives_the_newest_page_with_a_message(episode, worker, cursor):
    _add(episode, 60)
    for path in (
        f"/people/{episode.person_id}/",
        f"/episodes/{episode.pk}/",
        f"/referrals/{episode.referral_id}/",
    ):
        response = worker.get(path, {"before": cursor})
        assert response.status_code == 200
        page = response.content.decode()
        assert "Note 59" in page  # the newest
        assert "was not recognised, so the newest events are shown" in page


def test_a_made_up_cursor_only_moves_where_the_page_starts(episode, worker):
    _add(episode, 60)
    # Before any event: an empty page that leads back to the newest.
    response = worker.get(f"/people/{episode.person_id}/", {"before": "0.1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "No older events." in page and "Newest events" in page and "Older events" not in page
    # An empty cursor is no cursor.
    response = worker.get(f"/episodes/{episode.pk}/", {"before": ""})
    assert "Note 59" in response.content.decode()
    assert "was not recognised" not in response.content.decode()
