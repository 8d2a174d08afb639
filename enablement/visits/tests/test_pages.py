import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from enablement.casework.models import Episode
from enablement.catalogue.models import Service
from enablement.governance.models import Event
from enablement.notifications.models import Notification
from enablement.visits import sections, selectors, services
from enablement.visits.models import CaseNote, NoteCheck, Visit


def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_worker_plans_records_and_sees_hours_against_the_guide(started, client_for, monday):
    # Under STR's settings: up to 3 hours a week.
    str_settings = Service.objects.get(code="STR").current_settings
    Episode.objects.filter(pk=started.pk).update(service_settings=str_settings)
    client = client_for("worker")
    url = f"/episodes/{started.pk}/visits/"
    bad = client.post(url, {"kind": "visit", **_date("day", dt.date(2026, 3, 10)), "at": "25:00"})
    assert bad.status_code == 200
    assert "<title>Error:" in bad.content.decode()
    assert "Enter a time like 09:30 or 14:00" in bad.content.decode()
    made = client.post(url, {"kind": "visit", **_date("day", dt.date(2026, 3, 10)), "at": "14:30"})
    assert made.status_code == 302
    visit = Visit.objects.get(episode=started)
    assert timezone.localtime(visit.planned_for).hour == 14
    record = f"/episodes/{started.pk}/visits/{visit.pk}/record/"
    assert client.get(record).status_code == 200
    missing = client.post(
        record, {"outcome": "attended", **_date("happened_on", dt.date(2026, 3, 9))}
    )
    assert "Enter the hours spent with the person" in missing.content.decode()
    done = client.post(
        record,
        {"outcome": "attended", **_date("happened_on", dt.date(2026, 3, 3)), "hours": "2.5"},
    )
    assert done.status_code == 302
    # A visit that happened without being planned, in the same first week.
    new = client.post(
        f"/episodes/{started.pk}/visits/record/",
        {
            "kind": "phone",
            "outcome": "attended",
            **_date("happened_on", dt.date(2026, 3, 5)),
            "hours": "1",
        },
    )
    assert new.status_code == 302
    assert Visit.objects.filter(episode=started, recorded_at__isnull=False).count() == 2
    page = client.get(url).content.decode()
    assert "Week 1" in page and "Week 2" in page
    assert "Over the guide" in page  # 3.5 hours in week 1 against 3
    assert "up to 3 hours a week" in page
    # A recorded visit cannot be recorded again.
    again = client.get(record)
    assert again.status_code == 302


def test_ended_early_for_safety_needs_a_note_on_the_page(started, client_for, monday):
    client = client_for("worker")
    response = client.post(
        f"/episodes/{started.pk}/visits/record/",
        {
            "kind": "visit",
            "outcome": "ended_unsafe",
            **_date("happened_on", dt.date(2026, 3, 9)),
            "hours": "0.5",
        },
    )
    assert "Say what happened: why you felt unsafe" in response.content.decode()


def test_notes_corrected_never_edited_and_paged(started, client_for, user_for, monday):
    client = client_for("worker")
    url = f"/episodes/{started.pk}/notes/"
    assert client.post(url, {"kind": "contact", "text": "Phoned Ann: fine"}).status_code == 302
    note = CaseNote.objects.get(episode=started)
    correct = f"/episodes/{started.pk}/notes/{note.pk}/correct/"
    assert "Phoned Ann: fine" in client.get(correct).content.decode()
    assert client.post(correct, {"text": "Phoned Ann's sister: fine"}).status_code == 302
    original, correction = CaseNote.objects.get(pk=note.pk), CaseNote.objects.latest("pk")
    assert original.text == "Phoned Ann: fine"
    assert correction.corrects == original
    page = client.get(url).content.decode()
    assert "Corrected by a later note" in page
    assert f'href="#note-{correction.pk}"' in page
    # The original cannot be corrected twice; the later one can.
    assert "already been corrected" in client.post(correct, {"text": "x"}).content.decode()
    worker = user_for("worker")
    for i in range(28):
        services.write_note(
            episode=started, kind="informal", text=f"n{i}", actor=worker, now=monday
        )
    first = client.get(url).content.decode()
    assert first.count('data-testid="note"') == 25
    assert "Page 1 of 2" in first
    assert client.get(url + "?page=2").content.decode().count('data-testid="note"') == 5


def test_escalation_tells_the_senior(started, client_for, user_for, monday):
    response = client_for("worker").post(
        f"/episodes/{started.pk}/notes/",
        {"kind": "escalation", "text": "Three calls to the social worker unanswered"},
    )
    assert response.status_code == 302
    senior = user_for("senior")
    assert Notification.objects.filter(user=senior, subject__contains="not engaging").exists()
    assert Event.objects.filter(kind="episode.escalated", episode=started).exists()
    # The escalation is the worker's: a senior is not offered it.
    page = client_for("senior").get(f"/episodes/{started.pk}/notes/").content.decode()
    assert 'value="escalation"' not in page


def test_senior_samples_and_checks_notes(started, client_for, user_for, monday):
    worker = user_for("worker")
    old = services.write_note(
        episode=started,
        kind="contact",
        text="Long ago",
        actor=worker,
        now=monday - dt.timedelta(days=31),
    )
    for i in range(12):
        services.write_note(episode=started, kind="contact", text=f"n{i}", actor=worker, now=monday)
    own = services.write_note(
        episode=started,
        kind="contact",
        text="The senior's own",
        actor=user_for("senior"),
        now=monday,
    )
    senior = client_for("senior")
    page = senior.get("/episodes/notes/sample/").content.decode()
    assert page.count("Check<span") == 10
    assert f"/notes/{old.pk}/check/" not in page
    # Nobody checks their own notes: a sample as big as the team's notes leaves out only those.
    whole = selectors.note_sample(started.team_id, now=monday, checker=user_for("senior"), size=50)
    assert own not in whole and len(whole) == 12
    assert f"/notes/{own.pk}/check/" not in page
    links = re.findall(r"/notes/(\d+)/check/", page)
    again = senior.get("/episodes/notes/sample/").content.decode()
    assert re.findall(r"/notes/(\d+)/check/", again) == links  # stable
    assert links != sorted(links, key=int)  # not simply the newest or the oldest
    first = CaseNote.objects.get(pk=int(links[0]))
    check_url = f"/episodes/{started.pk}/notes/{first.pk}/check/"
    bad = senior.post(check_url, {"meets_standard": "no", "comment": ""})
    assert "Say what the note needs" in bad.content.decode()
    assert senior.post(check_url, {"meets_standard": "yes", "comment": "Clear"}).status_code == 302
    assert NoteCheck.objects.get(note=first).meets_standard is True
    assert Event.objects.filter(kind="note.checked").exists()
    assert f"/notes/{first.pk}/check/" not in senior.get("/episodes/notes/sample/").content.decode()
    # Workers do not check notes.
    assert client_for("worker").get("/episodes/notes/sample/").status_code == 403
    assert client_for("worker").get(check_url).status_code == 403


def test_senior_discusses_missed_visits_on_the_page(started, client_for, user_for, monday):
    worker = user_for("worker")
    for _ in range(3):
        services.record_visit(
            episode=started,
            outcome="not_engaged",
            happened_on=dt.date(2026, 3, 6),
            hours=None,
            actor=worker,
            now=monday,
        )
    episode_page = client_for("senior").get(f"/episodes/{started.pk}/").content.decode()
    assert "Missed visits to discuss" in episode_page
    assert "Record the discussion" in episode_page
    url = f"/episodes/{started.pk}/missed-visits/discuss/"
    assert "Select whether" in client_for("senior").post(url, {"note": "x"}).content.decode()
    done = client_for("senior").post(url, {"decision": "continue", "note": "Agreed to go on"})
    assert done.status_code == 302
    assert Episode.objects.get(pk=started.pk).missed_visits_prompted_at is None
    assert client_for("worker").get(url).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/episodes/{pk}/visits/",
        "/episodes/{pk}/visits/record/",
        "/episodes/{pk}/visits/{visit}/record/",
        "/episodes/{pk}/notes/",
        "/episodes/{pk}/notes/{note}/correct/",
        "/episodes/{pk}/missed-visits/discuss/",
    ],
)
def test_another_teams_worker_gets_404(path, started, client_for, user_for, monday):
    worker = user_for("worker")
    visit = services.plan_visit(
        episode=started, kind="visit", planned_for=monday, actor=worker, now=monday
    )
    note = services.write_note(episode=started, kind="contact", text="x", actor=worker, now=monday)
    url = path.format(pk=started.pk, visit=visit.pk, note=note.pk)
    assert client_for("worker.west").get(url).status_code == 404
    assert client_for("worker.west").post(url, {}).status_code == 404


def _fill(episode, worker, now, n):
    for i in range(n):
        services.plan_visit(
            episode=episode,
            kind="visit",
            planned_for=now + dt.timedelta(days=i + 1),
            actor=worker,
            now=now,
        )
        services.record_visit(
            episode=episode,
            outcome="attended",
            happened_on=dt.date(2026, 3, 3),
            hours=Decimal(1),
            actor=worker,
            now=now,
        )
        services.write_note(episode=episode, kind="contact", text=f"n{i}", actor=worker, now=now)


@pytest.mark.parametrize("n", [3, 30])
def test_episode_section_runs_a_fixed_number_of_queries(
    n, started, user_for, monday, django_assert_max_num_queries
):
    worker = user_for("worker")
    _fill(started, worker, monday, n)
    episode = Episode.objects.select_related(
        "referral", "person", "service", "service_settings", "team"
    ).get(pk=started.pk)
    worker = type(worker).objects.select_related("staff").get(pk=worker.pk)
    with django_assert_max_num_queries(6):
        section = sections.episode_section(worker, episode, today=dt.date(2026, 3, 9))
    assert len(section["last_visits"]) == min(n, 5)
    assert len(section["notes"]) == 3
    assert section["next_visit"] is not None


def test_episode_page_shows_the_section(started, client_for, user_for, monday):
    worker = user_for("worker")
    _fill(started, worker, monday, 2)
    page = client_for("worker").get(f"/episodes/{started.pk}/").content.decode()
    assert "Visits and notes" in page
    assert "Next planned visit" in page
    assert "Plan or record visits" in page


def test_the_worker_is_told_when_a_miss_prompts_the_senior(started, client_for, monday):
    client = client_for("worker")
    body = {"kind": "visit", "outcome": "not_engaged", **_date("happened_on", monday.date())}
    url = f"/episodes/{started.pk}/visits/record/"
    for _ in range(2):
        page = client.post(url, body, follow=True).content.decode()
        assert "The senior has been asked" not in page
    page = client.post(url, body, follow=True).content.decode()
    assert "The senior has been asked to discuss the missed visits with you" in page
    assert "Missed visits to discuss" in page
    page = client.post(url, body, follow=True).content.decode()
    assert "The senior has been asked" not in page  # once, not on every later miss


def test_a_senior_posting_an_escalation_is_refused_in_plain_words(started, client_for, monday):
    response = client_for("senior").post(
        f"/episodes/{started.pk}/notes/", {"kind": "escalation", "text": "x"}
    )
    assert response.status_code == 200
    assert "Select the kind of note" in response.content.decode()
    assert "escalation is not one of" not in response.content.decode()
