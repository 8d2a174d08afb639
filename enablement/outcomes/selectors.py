"""Reads of outcome scores. The episode comes through the access door first (the worker's
pages: `access.get_episode`; the portal: `plans.selectors.get_portal_episode`); these
functions read only that episode's rows."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q

from enablement.outcomes import charts, rules, wording
from enablement.outcomes.models import Assessment, Instrument, InstrumentItem


def instruments(codes, *, also_ids=()) -> list[Instrument]:
    """The instruments with these codes, in the order given, then any of `also_ids` (an
    instrument scored before the service stopped using it), items prefetched: 2 queries."""
    codes = list(codes)
    found = list(
        Instrument.objects.filter(Q(code__in=codes) | Q(pk__in=list(also_ids))).prefetch_related(
            Prefetch("items", queryset=InstrumentItem.objects.order_by("position"))
        )
    )
    order = {c: n for n, c in enumerate(codes)}
    return sorted(found, key=lambda i: (order.get(i.code, len(order)), i.name))


def episode_scores(episode) -> list[Assessment]:
    return list(
        Assessment.objects.filter(episode=episode)
        .select_related("recorded_by")
        .order_by("completed_on", "pk")
    )


@dataclass
class Series:
    """One instrument's scores on one episode, for a chart and its table."""

    instrument: Instrument
    labels: list[str]
    rows: list[dict] = field(default_factory=list)
    change: rules.Change | None = None
    chart: charts.Chart | None = None
    domains: list[dict] = field(default_factory=list)

    @property
    def as_list(self) -> list["Series"]:
        return [self]

    @property
    def anchor(self) -> str:
        return f"outcome-{self.instrument.code}"


def distance(episode, *, completer: str | None = None) -> list[Series]:
    """Distance travelled on each instrument the service scores (and any scored before a
    settings change), baseline first. With `completer`, only the instruments that ask for
    that view (the portal: the person's own, or the carer's). Three queries."""
    scores = episode_scores(episode)
    codes = list(episode.service_settings.outcome_instruments or [])
    by_id: dict[int, list[Assessment]] = {}
    for s in scores:
        by_id.setdefault(s.instrument_id, []).append(s)
    found = instruments(codes, also_ids=by_id)
    seen, result = set(), []
    for instrument in found:
        if instrument.pk in seen or (completer and instrument.completed_by != completer):
            continue
        seen.add(instrument.pk)
        items = list(instrument.items.all())
        mine = sorted(by_id.get(instrument.pk, []), key=lambda a: a.order)
        baseline = next((a.score for a in mine if a.occasion == rules.BASELINE), None)
        rows = [
            {
                "assessment": a,
                "label": a.occasion_label,
                "score": a.score,
                "total": a.total,
                "from_baseline": (
                    a.score - baseline
                    if a.score is not None and baseline is not None and a.occasion != rules.BASELINE
                    else None
                ),
            }
            for a in mine
        ]
        series = Series(
            instrument=instrument,
            labels=wording.item_labels(instrument, items),
            rows=rows,
            change=rules.change([(a.order, a.score) for a in mine]),
        )
        if mine:
            low, high = instrument.scale(len(items)).score_range
            series.chart = charts.line_chart(
                [(a.occasion_label, a.score) for a in mine],
                low=low,
                high=high,
                title=f"{instrument.name}: score at each occasion",
            )
            series.domains = [
                {
                    "label": label,
                    "answers": [a.answers.get(str(n)) for a in mine],
                }
                for n, label in enumerate(series.labels, start=1)
            ]
        result.append(series)
    return result


def change_by_episode(episodes) -> dict[int, dict[str, rules.Change]]:
    """For the dashboard: each episode's change from baseline to the latest complete score,
    per instrument code, in one query. An episode or instrument without a baseline and a
    later complete score is left out (no score is not a change of nought)."""
    rows = (
        Assessment.objects.filter(episode__in=episodes, score__isnull=False)
        .values_list("episode_id", "instrument__code", "occasion", "number", "score")
        .order_by()
    )
    grouped: dict[tuple[int, str], list] = {}
    for episode_id, code, occasion, number, score in rows:
        grouped.setdefault((episode_id, code), []).append(
            (rules.occasion_order(occasion, number), Decimal(score))
        )
    result: dict[int, dict[str, rules.Change]] = {}
    for (episode_id, code), scores in grouped.items():
        if (found := rules.change(scores)) is not None:
            result.setdefault(episode_id, {})[code] = found
    return result
