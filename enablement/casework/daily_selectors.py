"""Reads for the daily views: the worker's caseload and the senior's team view.

Each list is one query over the open episodes, with what the next thing due needs
annotated from the stored columns (the planning meeting, a signed plan, the earliest planned
visit not recorded, an extension waiting, a closure proposed, an open hold's expiry), so the
number of queries never grows with the number of episodes, visits or notes. The rule that
picks the next thing due is `daily_rules.next_due`.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, Min, OuterRef, Subquery
from django.utils import timezone

from enablement.accounts import access
from enablement.casework import daily_rules
from enablement.casework.models import (
    OPEN_EPISODE_STATUSES,
    Episode,
    EpisodeHold,
    EpisodeStatus,
    PlanningMeeting,
)
from enablement.closures.models import Closure, ClosureStatus
from enablement.governance import reads
from enablement.plans.models import Plan, PlanStatus
from enablement.reviews.models import Extension, ExtensionStatus
from enablement.visits.models import CaseNote, NoteCheck, Visit

# Notes written this recently and not yet checked are offered to the senior to sample.
NOTES_TO_SAMPLE_DAYS = 28
WAITING_EXTENSION = (ExtensionStatus.REQUESTED, ExtensionStatus.DISCUSSED)


@dataclass(frozen=True)
class Row:
    episode: Episode
    due: daily_rules.Due | None

    @property
    def missed_visits_to_discuss(self) -> bool:
        e = self.episode
        return e.missed_visits_prompted_at is not None and (
            e.missed_visits_discussed_at is None
            or e.missed_visits_discussed_at < e.missed_visits_prompted_at
        )


def _annotated(queryset):
    episode = OuterRef("pk")
    return (
        queryset.filter(status__in=OPEN_EPISODE_STATUSES)
        .select_related("referral", "person", "service", "team", "worker__user")
        .annotate(
            has_meeting=Exists(PlanningMeeting.objects.filter(episode=episode)),
            has_signed_plan=Exists(Plan.objects.filter(episode=episode, status=PlanStatus.SIGNED)),
            next_visit_at=Subquery(
                Visit.objects.filter(episode=episode, outcome="")
                .values("episode")
                .annotate(first=Min("planned_for"))
                .values("first")[:1]
            ),
            extension_waiting=Exists(
                Extension.objects.filter(episode=episode, status__in=WAITING_EXTENSION)
            ),
            closure_proposed=Exists(
                Closure.objects.filter(episode=episode, status=ClosureStatus.PROPOSED)
            ),
            hold_expires_on=Subquery(
                EpisodeHold.objects.filter(
                    episode=episode, answered_at__isnull=True, expired_at__isnull=True
                ).values("expires_on")[:1]
            ),
        )
    )


def facts_of(episode: Episode) -> daily_rules.EpisodeFacts:
    """The rule's facts from an annotated episode row."""
    visit = episode.next_visit_at
    return daily_rules.EpisodeFacts(
        status=episode.status,
        has_meeting=episode.has_meeting,
        has_signed_plan=episode.has_signed_plan,
        next_visit=timezone.localdate(visit) if visit else None,
        next_review_due=episode.next_review_due,
        extension_waiting=episode.extension_waiting,
        planned_end=episode.planned_end,
        hold_expires_on=episode.hold_expires_on,
    )


def _rows(queryset, today: date) -> list[Row]:
    episodes = list(_annotated(queryset))
    reads.shown_referrals(e.referral for e in episodes)
    rows = [Row(e, daily_rules.next_due(facts_of(e), today)) for e in episodes]
    rows.sort(key=lambda r: (*daily_rules.sort_key(r.due, today), r.episode.pk))
    return rows


def caseload(user, today: date) -> list[Row]:
    """The open episodes allocated to this user, the next thing due on each, overdue first.
    Only the user's own: a worker's caseload is theirs, whatever else they may see."""
    staff = getattr(user, "staff", None)
    if staff is None:
        return []
    return _rows(Episode.objects.filter(access.episode_filter(user), worker=staff), today)


def team_rows(user, team, today: date) -> list[Row]:
    """The team's open episodes the user may see, overdue first."""
    return _rows(Episode.objects.filter(access.episode_filter(user), team=team), today)


@dataclass(frozen=True)
class Prompts:
    missed_visits: int
    overdue_reviews: int
    extensions_waiting: int
    closures_to_agree: int
    open_holds: int
    notes_to_sample: int

    @property
    def total(self) -> int:
        return (
            self.missed_visits
            + self.overdue_reviews
            + self.extensions_waiting
            + self.closures_to_agree
            + self.open_holds
        )


def prompts(rows: list[Row], team, today: date, *, now) -> Prompts:
    """The senior's prompts for the team, counted from its open episodes (already read) and
    one count of notes not yet checked."""
    since = now - timedelta(days=NOTES_TO_SAMPLE_DAYS)
    notes = (
        CaseNote.objects.filter(
            episode__team=team,
            episode__status__in=OPEN_EPISODE_STATUSES,
            written_at__gte=since,
        )
        .exclude(Exists(NoteCheck.objects.filter(note=OuterRef("pk"))))
        .count()
        if team is not None
        else 0
    )
    return Prompts(
        missed_visits=sum(r.missed_visits_to_discuss for r in rows),
        overdue_reviews=sum(
            1
            for r in rows
            if r.episode.next_review_due is not None and r.episode.next_review_due < today
        ),
        extensions_waiting=sum(r.episode.extension_waiting for r in rows),
        closures_to_agree=sum(r.episode.closure_proposed for r in rows),
        open_holds=sum(r.episode.hold_expires_on is not None for r in rows),
        notes_to_sample=notes,
    )


@dataclass(frozen=True)
class WorkerCounts:
    overdue: int
    meetings_to_hold: int
    plans_to_sign: int
    reviews_this_week: int


def worker_counts(rows: list[Row], today: date) -> WorkerCounts:
    """ "Needs your action" on the worker's home page, from their caseload rows."""
    week_end = today + timedelta(days=7)
    facts = [(r, facts_of(r.episode)) for r in rows]
    return WorkerCounts(
        overdue=sum(1 for r in rows if r.due is not None and r.due.overdue),
        meetings_to_hold=sum(
            1
            for _, f in facts
            if not f.has_meeting and f.status in (EpisodeStatus.PLANNING, EpisodeStatus.ON_HOLD)
        ),
        plans_to_sign=sum(
            1
            for _, f in facts
            if not f.has_signed_plan and (f.has_meeting or f.status == EpisodeStatus.ACTIVE)
        ),
        reviews_this_week=sum(
            1
            for _, f in facts
            if f.next_review_due is not None and today <= f.next_review_due < week_end
        ),
    )
