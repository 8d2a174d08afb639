"""The forecast's facts, read from the database: the last 12 weeks of acceptances and closed
episodes, and today's staff, caseloads, leave and waiting list. The model itself is the pure
`forecast` module."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from enablement.allocation import forecast as model
from enablement.allocation import selectors
from enablement.casework.models import OPEN_EPISODE_STATUSES, Episode, EpisodeStatus
from enablement.catalogue.models import LeavePeriod, Service
from enablement.catalogue.rules import caseload_capacity
from enablement.referrals.rules import Status

HISTORY_WEEKS = 12
# How many simulated futures: 200 for a list of ordinary length, fewer for a very long one
# (each future plays every referral on the list through), never under 20. A long list's
# wait depends little on chance, so fewer futures lose little, and the page stays quick.
FUTURES = 200
MIN_FUTURES = 20
STARTS_BUDGET = 60_000


def futures_for(waiting: int, arrivals_per_week: float, horizon_weeks: int = 12) -> int:
    starts = waiting + arrivals_per_week * horizon_weeks + 1
    return max(MIN_FUTURES, min(FUTURES, int(STARTS_BUDGET // starts)))


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


@dataclass(frozen=True)
class History:
    received: int
    accepted: int
    closed_lengths_weeks: tuple[float, ...]

    @property
    def arrivals_per_week(self) -> float:
        return self.accepted / HISTORY_WEEKS


def history(service: Service, *, today: date) -> History:
    since = _start_of(today - timedelta(weeks=HISTORY_WEEKS))
    until = _start_of(today)
    # Acceptances onto this service's waiting lists: those it screened itself and those a
    # front door screened and handed on (seed 001 §10), which have no screening here. A
    # front door's own referrals end routed on, never accepted, so they are not counted.
    accepted = service.referrals.filter(
        status__in=[Status.ACCEPTED, Status.ALLOCATED],
        decided_at__gte=since,
        decided_at__lt=until,
    ).count()
    closed = Episode.objects.filter(
        service=service, status=EpisodeStatus.CLOSED, closed_at__gte=since, closed_at__lt=until
    ).values_list("allocated_at", "closed_at")
    lengths = tuple((end - start).total_seconds() / 86400 / 7 for start, end in closed)
    received = service.referrals.filter(
        first_submitted_at__gte=since, first_submitted_at__lt=until
    ).count()
    return History(received=received, accepted=accepted, closed_lengths_weeks=lengths)


def inputs_for(
    service: Service, *, today: date, past: History, replications: int | None = None
) -> model.ForecastInputs:
    teams = service.teams.filter(active=True)
    staff = list(selectors.caseload_workers(teams))
    per_fte = service.current_settings.caseload_per_fte
    ages: dict[int, list[float]] = {m.pk: [] for m in staff}
    for worker_id, allocated_at in Episode.objects.filter(
        worker__in=staff, status__in=OPEN_EPISODE_STATUSES
    ).values_list("worker_id", "allocated_at"):
        ages[worker_id].append(max((today - timezone.localdate(allocated_at)).days, 0))
    leave: dict[int, list[tuple[float, float]]] = {m.pk: [] for m in staff}
    for lp in LeavePeriod.objects.filter(staff__in=staff, end__gte=today):
        start = max((lp.start - today).days, 0)
        leave[lp.staff_id].append((float(start), float((lp.end - today).days + 1)))
    waiting = service.referrals.filter(status=Status.ACCEPTED).count()
    return model.ForecastInputs(
        workers=tuple(
            model.Worker(
                capacity=caseload_capacity(per_fte, m.fte),
                open_episodes=tuple(float(a) for a in ages[m.pk]),
                leave=tuple(sorted(leave[m.pk])),
            )
            for m in staff
        ),
        waiting=waiting,
        arrivals_per_week=past.arrivals_per_week,
        episode_weeks=past.closed_lengths_weeks,
        default_episode_weeks=float(service.current_settings.length_weeks),
        replications=replications or futures_for(waiting, past.arrivals_per_week),
    )


def places_for(service: Service, fte_change: Decimal) -> int:
    """A change in FTE as caseload places, rounded as a worker's caseload is."""
    places = caseload_capacity(service.current_settings.caseload_per_fte, abs(fte_change))
    return places if fte_change >= 0 else -places


@dataclass(frozen=True)
class Outlook:
    service: Service
    history: History
    inputs: model.ForecastInputs
    now: model.Forecast
    what_if: model.Forecast | None
    fte_change: Decimal | None
    places_change: int

    @property
    def fte_size(self) -> str:
        """The size of the change for a sentence: 1, 0.6 or 10, never -0.60."""
        return f"{abs(self.fte_change or 0):.2f}".rstrip("0").rstrip(".")


def outlook(service: Service, *, today: date, fte_change: Decimal | None = None) -> Outlook:
    past = history(service, today=today)
    inputs = inputs_for(service, today=today, past=past)
    places = places_for(service, fte_change) if fte_change else 0
    what_if = None
    if fte_change:
        what_if = model.forecast(model.with_extra_fte(inputs, places=places))
    return Outlook(
        service=service,
        history=past,
        inputs=inputs,
        now=model.forecast(inputs),
        what_if=what_if,
        fte_change=fte_change,
        places_change=places,
    )
