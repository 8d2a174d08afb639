"""My caseload, the senior's team view and the episode page: what each role sees, the next
thing due, the prompts, and query counts that do not grow with the episodes, visits or
notes."""

import datetime as dt
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enablement.casework.models import Episode, EpisodeStatus
from enablement.catalogue.models import Team
from enablement.demo.episodes import add_note, add_visits, new_person, open_episode, start
from enablement.visits.models import VisitOutcome


@pytest.fixture
def monday(demo_episodes):
    # The moment the demo was loaded: its dates are relative to it.
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0)), tick=False):
        yield demo_episodes


def _rows(response):
    html = response.content.decode()
    table = html[html.index('data-testid="daily-rows"') :]
    return table[: table.index("</table>")]


def _names_in_order(response, names):
    body = _rows(response)
    found = [(body.index(n), n) for n in names if n in body]
    return [n for _, n in sorted(found)]


def test_caseload_lists_the_workers_open_episodes_with_the_next_thing_due(monday, client_for):
    response = client_for("worker").get("/episodes/mine/")
    assert response.status_code == 200
    body = _rows(response)
    # Open episodes of every state; the closed one is not listed.
    for name in ("Ames Newcomer", "Bea Drafted", "Pat Example", "Cal Overdue", "Dot Paused"):
        assert name in body
    assert "Eve Extended" in body and "Fen Closing" in body and "Hap Missed" in body
    assert "Gil Finished" not in body
    # Other workers' and other teams' episodes are not on this caseload.
    assert "Ivo Routine" not in body and "Lev Network" not in body
    assert "Hold the planning meeting" in body
    assert "Agree and sign the plan" in body  # Bea: meeting held, plan still a draft
    assert "Decide the extension" in body
    assert "Agree the closure" in body
    assert "social worker" in body  # Dot's hold


def test_overdue_first_then_by_due_date(monday, client_for):
    response = client_for("worker").get("/episodes/mine/")
    body = _rows(response)
    # Cal's mid-point review was due 8 days ago: overdue, first, with a red tag.
    first_row = body[body.index("<tbody") :]
    first_row = first_row[: first_row.index("</tr>")]
    assert "Cal Overdue" in first_row and "Overdue</strong>" in first_row
    assert body.count("govuk-tag--red") == 1
    # Due now (the planning meeting, undated) before a visit in two days, before an end.
    order = _names_in_order(response, ["Cal Overdue", "Ames Newcomer", "Pat Example"])
    assert order == ["Cal Overdue", "Ames Newcomer", "Pat Example"]


def test_a_visit_left_unrecorded_becomes_overdue_when_time_passes(monday, client_for):
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 3, 10, 10, 0)), tick=False):
        response = client_for("worker").get("/episodes/mine/")
    body = _rows(response)
    pat = body[body.index("Pat Example") :]
    pat = pat[: pat.index("</tr>")]
    assert "Visit" in pat and "Overdue" in pat


def test_worker_sees_only_their_own_caseload(monday, client_for):
    body = _rows(client_for("worker.east2").get("/episodes/mine/"))
    assert "Pat Example" not in body and "Cal Overdue" not in body


@pytest.mark.parametrize("role", ["senior", "provision_manager", "quality_manager"])
def test_caseload_is_for_workers_only(monday, client_for, role):
    assert client_for(role).get("/episodes/mine/").status_code == 403


def test_team_view_is_refused_to_workers(monday, client_for):
    assert client_for("worker").get("/episodes/team/").status_code in (403, 404)


def test_team_view_lists_the_team_with_workers_and_prompts(monday, client_for):
    response = client_for("senior").get("/episodes/team/")
    assert response.status_code == 200
    html = response.content.decode()
    body = _rows(response)
    assert "Wren Worker" in body and "Cal Overdue" in body and "Pat Example" in body
    assert "Gil Finished" not in body
    assert 'data-testid="prompt-missed">1<' in html  # Hap: prompted, not yet discussed
    assert 'data-testid="prompt-reviews">1<' in html  # Cal
    assert 'data-testid="prompt-extensions">1<' in html  # Eve
    assert 'data-testid="prompt-closures">1<' in html  # Fen
    assert 'data-testid="prompt-holds">1<' in html  # Dot
    assert 'href="/episodes/notes/sample/"' in html


def test_team_view_pages_the_team_overdue_first_and_logs_only_the_page_shown(
    monday, client_for, monkeypatch
):
    """A national team has hundreds of open enablements: the view orders them all by what
    is due but shows, reads in full and logs as shown one page at a time."""
    from enablement.casework import daily_selectors
    from enablement.governance.models import AccessLogEntry

    monkeypatch.setattr(daily_selectors, "TEAM_PAGE", 4)
    client = client_for("senior")
    senior = client.get("/").wsgi_request.user
    open_count = Episode.objects.filter(
        team__name="Kent East",
        service__code="KERS",
        status__in=daily_selectors.OPEN_EPISODE_STATUSES,
    ).count()
    assert open_count > 8  # three pages at least
    before = AccessLogEntry.objects.filter(user=senior).count()
    first = client.get("/episodes/team/")
    first_rows = _rows(first)
    assert first_rows.count('class="govuk-table__row"') - 1 == 4  # four rows and the header
    assert f"{open_count} open (1 to 4 shown, overdue first)" in first_rows
    # The overdue review is first, on the first page.
    assert "Cal Overdue" in first_rows[first_rows.index("<tbody") :].split("</tr>")[0]
    html = first.content.decode()
    assert 'aria-label="Pages of the team\'s enablements"' in html and "page=2" in html
    assert AccessLogEntry.objects.filter(user=senior).count() - before == 4
    # Every open enablement is on exactly one page.
    seen = []
    for number in range(1, (open_count + 3) // 4 + 1):
        body = _rows(client.get(f"/episodes/team/?page={number}"))
        seen += [part.split('">')[0] for part in body.split('href="/episodes/')[1:]]
    assert len(seen) == open_count == len(set(seen))
    # A page past the last shows the last, not an error.
    assert client.get("/episodes/team/?page=999").status_code == 200


def test_discussed_missed_visits_are_no_longer_a_prompt(monday, client_for):
    hap = Episode.objects.get(person__family_name="Missed")
    Episode.objects.filter(pk=hap.pk).update(
        missed_visits_discussed_at=hap.missed_visits_prompted_at + timedelta(hours=2)
    )
    html = client_for("senior").get("/episodes/team/").content.decode()
    assert 'data-testid="prompt-missed">0<' in html


def test_senior_of_another_team_sees_nothing_of_this_team(monday, client_for):
    client = client_for("senior.west")
    body = _rows(client.get("/episodes/team/"))
    assert "Pat Example" not in body and "Cal Overdue" not in body
    east = Team.objects.get(service__code="KERS", name="Kent East")
    assert client.get(f"/episodes/team/?team={east.pk}").status_code == 404
    assert client.get("/episodes/team/?team=nonsense").status_code == 404


def test_provision_manager_chooses_among_the_teams_they_oversee(monday, client_for):
    client = client_for("provision_manager")
    east = Team.objects.get(service__code="KERS", name="Kent East")
    west = Team.objects.get(service__code="KERS", name="Kent West")
    first = client.get("/episodes/team/").content.decode()
    assert 'name="team"' in first  # the chooser: pm.kers oversees both KERS teams
    east_page = client.get(f"/episodes/team/?team={east.pk}")
    assert "Cal Overdue" in _rows(east_page)
    assert "Cal Overdue" not in _rows(client.get(f"/episodes/team/?team={west.pk}"))
    autism = Team.objects.get(service__code="KPS")
    assert client.get(f"/episodes/team/?team={autism.pk}").status_code == 404


def test_other_services_have_their_own_team_view(monday, client_for):
    body = _rows(client_for("senior.kps").get("/episodes/team/"))
    assert "Ivo Routine" in body and "Pat Example" not in body
    assert "Kip Hours" in _rows(client_for("senior.str").get("/episodes/team/"))
    assert "Lev Network" in _rows(client_for("senior.ben").get("/episodes/team/"))


# --- Query counts ----------------------------------------------------------------------


def _grow(team_ref: str, worker: str, senior: str, *, episodes: int, now):
    """Adds `episodes` active episodes for the worker, each with 10 visits and 10 notes."""
    from django.contrib.auth import get_user_model

    from enablement.demo.loader import _team

    users = get_user_model().objects
    team = _team(team_ref)
    w, s, r = (users.get(username=u) for u in (worker, senior, "referrer"))
    made = []
    for i in range(episodes):
        person = new_person("Load", f"Test{i}", team, number=900 + i, now=now)
        episode = open_episode(
            person, team, w.staff, allocated_at=now - timedelta(days=30), senior=s, referrer=r
        )
        start(episode, on=(now - timedelta(days=20)).date(), by=w)
        days = [(now.date() - timedelta(days=19 - 2 * k), VisitOutcome.ATTENDED) for k in range(9)]
        add_visits(episode, by=w, days=[*days, (now.date() + timedelta(days=1), "")])
        for k in range(10):
            add_note(episode, at=now - timedelta(days=10 - k), by=w, text=f"Note {k}")
        made.append(episode)
    return made


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_caseload_and_team_view_queries_do_not_grow(
    monday, client_for, django_assert_max_num_queries
):
    worker, senior = client_for("worker"), client_for("senior")
    # Warm the session and caches once.
    worker.get("/episodes/mine/")
    senior.get("/episodes/team/")
    small_caseload = _count(worker, "/episodes/mine/")
    small_team = _count(senior, "/episodes/team/")
    _grow("KERS/Kent East", "worker.east", "senior.east", episodes=20, now=monday)
    assert Episode.objects.filter(worker__user__username="worker.east").count() > 25
    with django_assert_max_num_queries(small_caseload):
        worker.get("/episodes/mine/")
    with django_assert_max_num_queries(small_team):
        senior.get("/episodes/team/")
    assert _count(worker, "/episodes/mine/") == small_caseload
    assert _count(senior, "/episodes/team/") == small_team
    assert small_caseload <= 20 and small_team <= 21  # the team view reads its page in full


def test_episode_page_queries_do_not_grow_with_visits_and_notes(monday, client_for):
    client = client_for("worker")
    small = Episode.objects.get(person__family_name="Newcomer")  # just allocated
    (large,) = _grow("KERS/Kent East", "worker.east", "senior.east", episodes=1, now=monday)
    client.get(f"/episodes/{small.pk}/")
    assert _count(client, f"/episodes/{small.pk}/") == _count(client, f"/episodes/{large.pk}/")


def test_closed_episodes_are_not_on_any_daily_list(monday, client_for):
    assert Episode.objects.filter(status=EpisodeStatus.CLOSED).exists()
    for role, path in (("worker", "/episodes/mine/"), ("senior", "/episodes/team/")):
        assert "Gil Finished" not in _rows(client_for(role).get(path))


# --- Home pages and navigation ---------------------------------------------------------


def test_worker_home_starts_with_what_needs_their_action(monday, client_for):
    html = client_for("worker").get("/home/caseload/").content.decode()
    needs = html[html.index("Needs your action") :]
    assert html.index("Needs your action") < html.index("Allocated to you")
    assert 'data-testid="needs-overdue">1<' in needs  # Cal's review
    # Ames (just allocated) and those of the allocation story allocated to this worker.
    from enablement.casework.models import PlanningMeeting

    planning = Episode.objects.filter(
        worker__user__username="worker.east", status=EpisodeStatus.PLANNING
    ).exclude(pk__in=PlanningMeeting.objects.values("episode"))
    assert planning.filter(person__family_name="Newcomer").exists()
    assert f'data-testid="needs-meetings">{planning.count()}<' in needs
    assert 'data-testid="needs-plans">1<' in needs  # Bea: meeting held, plan a draft
    assert 'data-testid="needs-reviews">0<' in needs
    assert 'href="/episodes/mine/"' in needs
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 3, 9, 10, 0)), tick=False):
        html = client_for("worker").get("/home/caseload/").content.decode()
    # Within 7 days of 9 March: Dot's mid-point review (started 26 January: 9 March) and
    # Pat's (started 31 January: 14 March); Cal's is overdue and counted as such.
    assert 'data-testid="needs-reviews">2<' in html


def test_senior_home_shows_the_team_prompts_and_links_the_team_view(monday, client_for):
    html = client_for("senior").get("/home/screening/").content.decode()
    prompts = html[html.index('data-testid="team-prompts"') :]
    assert 'data-testid="prompt-reviews">1<' in prompts
    assert 'data-testid="prompt-closures">1<' in prompts
    assert 'href="/episodes/team/"' in html


def test_navigation_offers_the_daily_views_to_their_roles(monday, client_for):
    worker = client_for("worker").get("/home/caseload/").content.decode()
    assert 'href="/episodes/mine/"' in worker and 'href="/episodes/team/"' not in worker
    senior = client_for("senior").get("/home/screening/").content.decode()
    assert "Team enablements" in senior and 'href="/episodes/mine/"' not in senior
