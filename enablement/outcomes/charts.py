"""Distance travelled as a chart drawn on the server: pure geometry for an SVG line chart,
rendered by `templates/outcomes/_chart.html`. No JavaScript, nothing from outside, and the
table beside it carries the same numbers for anyone who cannot see the chart."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WIDTH, HEIGHT = 420, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 44


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: Decimal
    anchor: str = "middle"


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class XLabel:
    x: float
    label: str
    anchor: str = "middle"  # the first and last keep inside the chart: "start", "end"


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    points: tuple[Point, ...]
    ticks: tuple[Tick, ...]
    x_labels: tuple[XLabel, ...]
    title: str
    description: str

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def _plain(value: Decimal) -> str:
    """28.00 -> "28", 19.25 -> "19.25": as the table shows it."""
    text = f"{value.normalize():f}"
    return text


def tick_values(low: Decimal, high: Decimal, count: int = 5) -> list[Decimal]:
    step = (high - low) / (count - 1)
    return [(low + step * i).quantize(Decimal("0.1"), ROUND_HALF_UP) for i in range(count)]


def line_chart(
    series: list[tuple[str, Decimal | None]], *, low: Decimal, high: Decimal, title: str
) -> Chart:
    """A line through the complete scores in order of occasion; an occasion with no score
    (an item missing) keeps its place on the axis with no point, so a gap shows as a gap."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    span = (high - low) or Decimal(1)
    n = len(series)

    def x_at(i: int) -> float:
        return LEFT + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def y_at(v: Decimal) -> float:
        return TOP + float((high - v) / span) * plot_h

    def anchor(i: int) -> str:
        if n == 1:
            return "middle"
        return "start" if i == 0 else "end" if i == n - 1 else "middle"

    points = tuple(
        # The value over the first and last points kept inside the chart, like their labels.
        Point(x=x_at(i), y=y_at(v), label=label, value=v, anchor=anchor(i))
        for i, (label, v) in enumerate(series)
        if v is not None
    )
    ticks = tuple(Tick(y=y_at(t), label=_plain(t)) for t in tick_values(low, high))

    x_labels = tuple(
        XLabel(x=x_at(i), label=label, anchor=anchor(i)) for i, (label, _) in enumerate(series)
    )
    said = "; ".join(
        f"{label}: {_plain(v) if v is not None else 'no score'}" for label, v in series
    )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        points=points,
        ticks=ticks,
        x_labels=x_labels,
        title=title,
        description=f"Scores from {_plain(low)} to {_plain(high)}. {said}.",
    )
