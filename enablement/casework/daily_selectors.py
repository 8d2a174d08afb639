"""Reads for the daily views: the worker's caseload and the senior's team view.

Each list is one query over the open episodes, with what the next thing due needs
annotated from the stored columns (the planning meeting, a signed plan, the earliest planned
visit not recorded, an extension waiting, a closure proposed, an open hold's expiry), so the
number of queries never grows with the number of episodes, visits or notes. The rule that
picks the next thing due is `daily_rules.next_due`.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, F, Min, OuterRef, Q, Subquery
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


# The team view's page: a team's open enablements are ordered by what is due (a rule in
# Python over six facts), so all are read for the order, but only a page's are read in
# full, shown and logged as shown.
TEAM_PAGE = 50
_DETAILS = ("referral", "person", "service", "team", "worker__user")


def _annotated(queryset, *, details: bool = True):
    episode = OuterRef("pk")
    if details:
        queryset = queryset.select_related(*_DETAILS)
    return queryset.filter(status__in=OPEN_EPISODE_STATUSES).annotate(
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


def _rows(queryset, today: date, *, details: bool = True) -> list[Row]:
    episodes = list(_annotated(queryset, details=details))
    if details:
        reads.shown_referrals(e.referral for e in episodes)
    rows = [Row(e, daily_rules.next_due(facts_of(e), today)) for e in episodes]
    rows.sort(key=lambda r: (*daily_rules.sort_key(r.due, today), r.episode.pk))
    return rows


def with_details(rows: list[Row]) -> list[Row]:
    """A page of `team_rows` with each episode's person, referral, service and worker read
    (one query) and the referrals logged as shown: only the page's, not the team's."""
    full = Episode.objects.select_related(*_DETAILS).in_bulk([r.episode.pk for r in rows])
    shown = [Row(full[r.episode.pk], r.due) for r in rows if r.episode.pk in full]
    reads.shown_referrals(r.episode.referral for r in shown)
    return shown


def caseload(user, today: date) -> list[Row]:
    """The open episodes allocated to this user, the next thing due on each, overdue first.
    Only the user's own: a worker's caseload is theirs, whatever else they may see."""
    staff = getattr(user, "staff", None)
    if staff is None:
        return []
    return _rows(Episode.objects.filter(access.episode_filter(user), worker=staff), today)


def team_rows(user, team, today: date) -> list[Row]:
    """The team's open episodes the user may see, overdue first: the episodes' own columns
    and the facts the order needs, nothing else and nothing logged (`with_details` does
    that for the page shown)."""
    return _rows(
        Episode.objects.filter(access.episode_filter(user), team=team), today, details=False
    )


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


def prompts(user, team, today: date, *, now) -> Prompts:
    """The senior's prompts for the team's open episodes the user may see: counts in the
    database, so the home page neither reads every open episode of a team nor logs as
    shown the people behind them (it shows numbers, not names). The team view counts the
    same way, so the two pages always agree."""
    if team is None:
        return Prompts(0, 0, 0, 0, 0, 0)
    episodes = Episode.objects.filter(
        access.episode_filter(user), team=team, status__in=OPEN_EPISODE_STATUSES
    )
    counted = episodes.aggregate(
        missed=Count(
            "pk",
            filter=Q(missed_visits_prompted_at__isnull=False)
            & (
                Q(missed_visits_discussed_at__isnull=True)
                | Q(missed_visits_discussed_at__lt=F("missed_visits_prompted_at"))
            ),
        ),
        reviews=Count("pk", filter=Q(next_review_due__lt=today)),
    )
    ids = episodes.values("pk")
    since = now - timedelta(days=NOTES_TO_SAMPLE_DAYS)
    notes = (
        CaseNote.objects.filter(episode__in=ids, written_at__gte=since)
        .exclude(Exists(NoteCheck.objects.filter(note=OuterRef("pk"))))
        .count()
    )
    return Prompts(
        missed_visits=counted["missed"],
        overdue_reviews=counted["reviews"],
        extensions_waiting=Extension.objects.filter(episode__in=ids, status__in=WAITING_EXTENSION)
        .values("episode")
        .distinct()
        .count(),
        closures_to_agree=Closure.objects.filter(episode__in=ids, status=ClosureStatus.PROPOSED)
        .values("episode")
        .distinct()
        .count(),
        open_holds=EpisodeHold.objects.filter(
            episode__in=ids, answered_at__isnull=True, expired_at__isnull=True
        )
        .values("episode")
        .distinct()
        .count(),
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
