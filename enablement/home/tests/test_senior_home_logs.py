"""The senior's home shows the team's enablements as numbers (issue 14 counts them in SQL):
the people behind those numbers are not logged as shown, only those the page names."""

from enablement.casework.models import OPEN_EPISODE_STATUSES, Episode
from enablement.governance.models import AccessLogEntry


def test_the_senior_home_logs_only_the_people_it_names(client_for, user_for):
    senior = user_for("senior")
    team = senior.staff.team
    counted_only = set(
        Episode.objects.filter(team=team, status__in=OPEN_EPISODE_STATUSES).values_list(
            "person_id", flat=True
        )
    )
    response = client_for("senior").get("/home/screening/")
    assert response.status_code == 200
    named = {r.person_id for r, _clock, _step in response.context["queue"]}
    logged = set(
        AccessLogEntry.objects.filter(user=senior, path="/home/screening/")
        .exclude(person=None)
        .values_list("person_id", flat=True)
    )
    assert counted_only - named, "the demo's team has enablements the queue does not name"
    assert logged == named - {None}
    # The prompts still count them.
    assert response.context["team_needs"] is not None
