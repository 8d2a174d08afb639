"""Reads for the return and for the dashboard, scoped through the access door."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from enablement.accounts import access
from enablement.casework.models import Episode, PlanningMeeting
from enablement.closures.models import Closure, ClosureStatus
from enablement.core.replica import reporting_reads
from enablement.referrals.models import Referral
from enablement.returns.rules import ReferralFacts, accommodation_group
from enablement.reviews.models import Review


def _day(moment):
    return timezone.localdate(moment) if moment else None


@reporting_reads()
def referral_facts(service, *, start: date, end: date) -> list[ReferralFacts]:
    """The facts of every referral to the service that may have an event open during the
    period (the rule decides exactly). The caller has checked the user may make the
    service's return (`access.return_services`)."""
    referrals = (
        Referral.objects.filter(service=service, first_submitted_at__date__lte=end)
        .filter(
            Q(decided_at__isnull=True)
            | Q(decided_at__date__gte=start)
            | Q(episode__closed_at__isnull=True, episode__isnull=False)
            | Q(episode__closed_at__date__gte=start)
        )
        .select_related("person", "episode")
        .order_by("first_submitted_at", "pk")
    )
    referrals = list(referrals)
    episode_ids = [r.episode.pk for r in referrals if _episode(r) is not None]
    sequels = dict(
        Closure.objects.filter(episode_id__in=episode_ids, status=ClosureStatus.AGREED)
        .order_by("decided_at")
        .values_list("episode_id", "sequel")
    )
    reviews: dict[int, list[date]] = {}
    for episode_id, held_on in Review.objects.filter(
        episode_id__in=episode_ids, held_on__isnull=False
    ).values_list("episode_id", "held_on"):
        reviews.setdefault(episode_id, []).append(held_on)
    facts = []
    for r in referrals:
        episode = _episode(r)
        person = r.person
        facts.append(
            ReferralFacts(
                person_id=person.pk,
                nhs_number=person.nhs_number or "",
                case_system_id=person.case_system_id or "",
                date_of_birth=person.date_of_birth,
                diagnosis=person.primary_diagnosis or "",
                source=r.source,
                status=r.status,
                requested_on=_day(r.first_submitted_at),
                validated_on=_day(r.validated_at),
                decided_on=_day(r.decided_at),
                started_on=episode.started_on if episode else None,
                closed_on=_day(episode.closed_at) if episode else None,
                sequel=sequels.get(episode.pk, "") if episode else "",
                closure_reason=episode.closure_reason if episode else "",
                reviews=tuple(reviews.get(episode.pk, ())) if episode else (),
            )
        )
    return facts


def _episode(referral):
    try:
        return referral.episode
    except Episode.DoesNotExist:
        return None


@dataclass(frozen=True)
class StatusChange:
    """One enablement's employment and accommodation at the start and at closure (codes;
    "" where not recorded), for the dashboard."""

    episode_id: int
    service_id: int
    closed_on: date | None
    employment_start: str
    employment_closure: str
    accommodation_start: str
    accommodation_closure: str

    @property
    def accommodation_group_start(self) -> str:
        return accommodation_group(self.accommodation_start) if self.accommodation_start else ""

    @property
    def accommodation_group_closure(self) -> str:
        return accommodation_group(self.accommodation_closure) if self.accommodation_closure else ""


@reporting_reads()
def status_changes(user, *, service=None, start: date, end: date) -> list[StatusChange]:
    """Employment and accommodation at the start (the planning meeting) and at closure, per
    enablement the user may see in full, for those closed in the period. No names: the
    dashboard counts them."""
    episodes = Episode.objects.filter(access.episode_filter(user)).filter(
        closed_at__date__gte=start, closed_at__date__lte=end
    )
    if service is not None:
        episodes = episodes.filter(service=service)
    rows = list(episodes.values_list("pk", "service_id", "closed_at"))
    ids = [pk for pk, _, _ in rows]
    at_start = {
        m["episode_id"]: m
        for m in PlanningMeeting.objects.filter(episode_id__in=ids).values(
            "episode_id", "employment_status", "accommodation_status"
        )
    }
    at_close = {
        c["episode_id"]: c
        for c in Closure.objects.filter(episode_id__in=ids, status=ClosureStatus.AGREED).values(
            "episode_id", "employment_status", "accommodation_status"
        )
    }
    out = []
    for pk, service_id, closed_at in rows:
        s, c = at_start.get(pk, {}), at_close.get(pk, {})
        out.append(
            StatusChange(
                episode_id=pk,
                service_id=service_id,
                closed_on=_day(closed_at),
                employment_start=s.get("employment_status", ""),
                employment_closure=c.get("employment_status", ""),
                accommodation_start=s.get("accommodation_status", ""),
                accommodation_closure=c.get("accommodation_status", ""),
            )
        )
    return out
