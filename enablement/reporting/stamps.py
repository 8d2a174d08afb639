"""Dashboard figures stamped with the time they were computed (ADR 0043, amending 0035).

A page asks `stamped_or_live` for its scope's figures: a stamp of exactly that scope,
computed for today and no older than the setting `DASHBOARD_STAMP_MINUTES`, if there is one
that reads back cleanly; otherwise the figures computed from the records now, as before, so
the page is right even if no job ran. The worker stamps the default scope of every active
service (`refresh`) every REFRESH_MINUTES, and a live computation of a default scope stamps
what it computed, so the next viewer of it is served from the stamp too.
"""

import logging
import pickle
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from enablement.catalogue.models import Service
from enablement.core.workdays import ENGLAND_AND_WALES
from enablement.reporting import rules, selectors
from enablement.reporting.forms import default_months
from enablement.reporting.models import StampedFigures

log = logging.getLogger(__name__)

# How often the worker's schedule (migration 0002_refresh_schedule) stamps the default scopes.
REFRESH_MINUTES = 15


@dataclass(frozen=True)
class Figures:
    """A scope's figures and when they were computed: now, or when stamped."""

    figures: list[rules.Figure]
    computed_at: datetime
    stamped: bool


def default_period(today: date) -> tuple[date, date]:
    """The period the dashboard opens on: the last 12 months, this one included."""
    start, end = default_months(today)
    return rules.period_for(date.fromisoformat(start + "-01"), date.fromisoformat(end + "-01"))


def is_default(scope: rules.Scope) -> bool:
    """Whether the scope is what the dashboard opens on, the one the worker keeps stamped."""
    return scope.team_id is None and (scope.start, scope.end) == default_period(scope.today)


def team_names(service) -> dict[int, str]:
    """Every team of the service, as `selectors.teams` gives a user who oversees it."""
    return dict(selectors.service_teams(service).values_list("pk", "name"))


def default_scope(service, *, today: date, suppress: bool) -> rules.Scope:
    start, end = default_period(today)
    return rules.Scope(
        start=start,
        end=end,
        team_id=None,
        suppress=suppress,
        calendar=ENGLAND_AND_WALES,
        today=today,
        team_names=team_names(service),
    )


def _specs(keys=None) -> list[rules.FigureSpec]:
    return [rules.FIGURES[k] for k in keys] if keys else list(rules.FIGURES.values())


def _load(service, scope: rules.Scope, specs) -> dict[str, list]:
    needs = {kind for spec in specs for kind in spec.needs}
    return selectors.facts(service, scope.start, scope.end, needs)


def live(service, scope: rules.Scope, keys=None) -> list[rules.Figure]:
    """The figures computed from the records now (every figure, or those of `keys`)."""
    specs = _specs(keys)
    facts = _load(service, scope, specs)
    return [spec.compute(facts, scope) for spec in specs]


def _key(service, scope: rules.Scope) -> dict:
    return {
        "service": service,
        "team_id": scope.team_id,
        "start": scope.start,
        "end": scope.end,
        "suppress": scope.suppress,
        "as_of": scope.today,
    }


def _read(blob: bytes) -> list[rules.Figure] | None:
    """The stamp's figures, or None if they do not read back as today's figures: a deploy
    may have added, removed or reshaped a figure since it was written."""
    try:
        figures = pickle.loads(bytes(blob))  # noqa: S301 - written by the server only
    except Exception as error:  # anything unpickling can raise: the live figures answer
        log.warning("A stamp of dashboard figures could not be read: %r", error)
        return None
    if not isinstance(figures, list) or not all(isinstance(f, rules.Figure) for f in figures):
        return None
    if [f.key for f in figures] != list(rules.FIGURES):
        return None
    return figures


def save(service, scope: rules.Scope, figures: list[rules.Figure], *, now: datetime) -> None:
    """Stamp every figure of the scope as computed at `now`, replacing an older stamp."""
    StampedFigures.objects.update_or_create(
        **_key(service, scope),
        defaults={"computed_at": now, "figures": pickle.dumps(figures, pickle.HIGHEST_PROTOCOL)},
    )


def stamped_or_live(
    service, scope: rules.Scope, *, now: datetime, max_age: timedelta, keys=None
) -> Figures:
    """The scope's figures from a fresh stamp if there is one, otherwise computed now.

    A stamp counts if it is of exactly this scope (today included) and computed within
    `max_age` of `now`; a zero `max_age` turns stamps off. Only a live computation of every
    figure of a default scope is stamped: the worker keeps those fresh anyway, and a stamp of
    every period and team someone once chose would be written for no second reader."""
    if max_age > timedelta(0):
        stamp = (
            StampedFigures.objects.filter(**_key(service, scope), computed_at__gte=now - max_age)
            .values_list("figures", "computed_at")
            .first()
        )
        figures = _read(stamp[0]) if stamp else None
        if figures is not None:
            if keys:
                by_key = {f.key: f for f in figures}
                figures = [by_key[k] for k in keys]
            return Figures(figures, stamp[1], stamped=True)
    figures = live(service, scope, keys)
    if max_age > timedelta(0) and not keys and is_default(scope):
        save(service, scope, figures, now=now)
    return Figures(figures, now, stamped=False)


def refresh(*, now: datetime) -> dict:
    """Stamp the default scope of every active service, as a manager and as a commissioner
    sees it, and remove the stamps of days gone by. Each service's facts are read once for
    both: only the hiding of small numbers differs."""
    removed, _ = StampedFigures.objects.filter(as_of__lt=timezone.localdate(now)).delete()
    stamped = 0
    for service in Service.objects.filter(active=True).order_by("code"):
        stamped += refresh_service(service, now=now)
    return {"stamped": stamped, "removed": removed}


def refresh_service(service, *, now: datetime, audiences=(False, True)) -> int:
    """Stamp one service's default scope for each audience (suppress or not): the stamps
    written."""
    today, specs, facts = timezone.localdate(now), _specs(), None
    for suppress in audiences:
        scope = default_scope(service, today=today, suppress=suppress)
        facts = facts if facts is not None else _load(service, scope, specs)
        save(service, scope, [spec.compute(facts, scope) for spec in specs], now=now)
    return len(audiences)
