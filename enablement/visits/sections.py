"""This app's part of the episode page (see casework.sections): the next planned visit, the
last five visits, the missed-visit counts against the guide (with the prompt), and the last
three notes. A fixed number of queries whatever the episode holds."""

from enablement.accounts import access
from enablement.visits import selectors
from enablement.visits.models import CaseNote, Visit


def episode_section(user, episode, *, today) -> dict | None:
    next_visit = (
        Visit.objects.filter(episode=episode, recorded_at__isnull=True)
        .order_by("planned_for", "id")
        .first()
    )
    last_visits = list(
        Visit.objects.filter(episode=episode, recorded_at__isnull=False).order_by(
            "-happened_on", "-recorded_at", "-id"
        )[:5]
    )
    notes = list(
        CaseNote.objects.filter(episode=episode)
        .select_related("written_by")
        .order_by("-written_at", "-id")[:3]
    )
    return {
        "episode": episode,
        "next_visit": next_visit,
        "last_visits": last_visits,
        "notes": notes,
        "counts": selectors.missed_counts(episode),
        "may_record": episode.is_open and access.may_act_on_episode(user, episode, "record_visit"),
        "may_discuss": access.may_act_on_episode(user, episode, "discuss_missed_visits"),
        "today": today,
    }
