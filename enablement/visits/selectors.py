"""Reads of visits and notes. The episode comes through the access door
(`access.get_episode`); these read inside it. `next_visits` and `prompted_episode_ids` are
for the caseload."""

from datetime import datetime, timedelta

from django.db.models import Count, Exists, F, Min, OuterRef, Q

from enablement.casework.models import OPEN_EPISODE_STATUSES, Episode
from enablement.visits import rules
from enablement.visits.models import CaseNote, NoteCheck, Visit


def next_visits(episode_ids) -> dict[int, datetime]:
    """Each episode's earliest planned visit not yet recorded (one query)."""
    rows = (
        Visit.objects.filter(episode_id__in=list(episode_ids), recorded_at__isnull=True)
        .values("episode_id")
        .annotate(next=Min("planned_for"))
        .order_by()
    )
    return {row["episode_id"]: row["next"] for row in rows}


def prompted_episode_ids(team_id) -> set[int]:
    """The team's open episodes whose missed visits wait for the senior's discussion."""
    return set(
        Episode.objects.filter(
            team_id=team_id,
            status__in=OPEN_EPISODE_STATUSES,
            missed_visits_prompted_at__isnull=False,
        ).values_list("pk", flat=True)
    )


def episode_visits(episode):
    return list(Visit.objects.filter(episode=episode).select_related("planned_by", "recorded_by"))


def missed_counts(episode) -> dict:
    """The missed-visit counts that count now (since the last discussion), in one query."""
    visits = Visit.objects.filter(episode=episode, outcome__in=rules.MISSED_OUTCOMES)
    if episode.missed_visits_discussed_at is not None:
        visits = visits.filter(recorded_at__gt=episode.missed_visits_discussed_at)
    found = visits.aggregate(
        overall=Count("pk"), before_planning=Count("pk", filter=Q(before_planning_meeting=True))
    )
    settings = episode.service_settings
    return {
        "overall": found["overall"],
        "before_planning": found["before_planning"],
        "threshold": settings.missed_visits_threshold,
        "before_planning_threshold": settings.missed_visits_before_planning,
        "since": episode.missed_visits_discussed_at,
    }


def episode_notes(episode):
    """The episode's notes, newest first, each with what corrects it."""
    return (
        CaseNote.objects.filter(episode=episode)
        .select_related("written_by", "corrects")
        .annotate(corrected_by_id=Min("corrections__pk"))
        .annotate(checked=Exists(NoteCheck.objects.filter(note=OuterRef("pk"))))
        .order_by("-written_at", "-id")
    )


def note_sample(team_id, *, now, checker, size: int = rules.NOTE_SAMPLE_SIZE):
    """Up to `size` notes of the team's episodes written in the last 30 days and not yet
    checked, in an order that looks random but stays the same from one visit to the next
    (a hash of the note's id). Corrections are sampled like any note. The checker's own
    notes are left out: nobody checks their own work."""
    since = now - timedelta(days=rules.NOTE_SAMPLE_DAYS)
    return list(
        CaseNote.objects.filter(
            episode__team_id=team_id, written_at__gte=since, checks__isnull=True
        )
        .exclude(written_by=checker)
        .select_related("episode__person", "episode__referral", "written_by")
        .annotate(order=(F("id") * rules.HASH_MULTIPLIER) % rules.HASH_MODULUS)
        .order_by("order", "id")[:size]
    )
