"""A figure's chart as server-side SVG: no JavaScript, no inline style (CSP), and an image
with an accessible name, since the table beside it carries the numbers for every reader."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from enablement.reporting.rules import HIDDEN, Chart

WIDTH, HEIGHT = 520, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 34, 70
# GOV.UK colours with enough contrast against white for graphical objects.
COLOURS = ("#1d70b8", "#f47738", "#00703c", "#4c2c92")


def _number(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value:.0f}%"
    if unit == "£":
        return f"£{value:,.0f}"
    return f"{value:g}"


def svg(chart: Chart, title: str) -> str:
    values = [v for g in chart.groups for v in g.values if v is not None]
    top = max(values, default=0) or 1
    if chart.unit == "%":
        top = max(top, 100)
    if chart.scale_max is not None:
        top = max(top, chart.scale_max)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = max(len(chart.groups), 1)
    group_w = plot_w / n
    series = max(len(chart.series), 1)
    bar_w = max(min(group_w * 0.8 / series, 40), 2)
    name = f"{title}: chart of {chart.description}. The table beside it gives the numbers."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-label="{escape(name)}" focusable="false" class="app-chart" '
        'font-family="Arial, sans-serif" font-size="11">',
        f"<title>{escape(name)}</title>",
    ]
    # Legend, then the axis: the largest value at the top and zero on the baseline.
    # The legend shares the width, so a fourth series stays inside the image.
    step = min(150, (WIDTH - LEFT - RIGHT) / series)
    for i, label in enumerate(chart.series):
        x = LEFT + i * step
        parts.append(
            f'<rect x="{x:.1f}" y="6" width="12" height="12" fill="{COLOURS[i % len(COLOURS)]}"/>'
            f'<text x="{x + 16:.1f}" y="16" fill="#0b0c0c">{escape(label)}</text>'
        )
    base = TOP + plot_h
    parts.append(
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#0b0c0c"/>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{WIDTH - RIGHT}" y2="{TOP}" stroke="#b1b4b6" '
        'stroke-dasharray="3 3"/>'
        f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end" fill="#0b0c0c">'
        f"{escape(_number(top, chart.unit))}</text>"
        f'<text x="{LEFT - 4}" y="{base + 4}" text-anchor="end" fill="#0b0c0c">0</text>'
    )
    for gi, group in enumerate(chart.groups):
        gx = LEFT + gi * group_w + (group_w - bar_w * series) / 2
        for si, (value, text) in enumerate(zip(group.values, group.texts, strict=True)):
            x = gx + si * bar_w
            if value is None:
                if text == HIDDEN:
                    parts.append(
                        f'<text x="{x + bar_w / 2:.1f}" y="{base - 4}" text-anchor="middle" '
                        f'fill="#0b0c0c">{HIDDEN}</text>'
                    )
                continue
            h = plot_h * value / top
            parts.append(
                f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[si % len(COLOURS)]}"/>'
            )
        cx = LEFT + gi * group_w + group_w / 2
        parts.append(
            f'<text x="{cx:.1f}" y="{base + 14}" text-anchor="end" fill="#0b0c0c" '
            f'transform="rotate(-40 {cx:.1f} {base + 14})">{escape(group.label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
