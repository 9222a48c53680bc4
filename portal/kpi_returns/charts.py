"""Trend charts drawn on the server as SVG (portal/core/charts.py): a KPI's values month by
month against its target, with the lot's median and interquartile range behind them where shown.

A chart is an image with a title and a description in words (for screen readers and when
images are off), and every page that shows one shows the same figures as a table, so nothing
depends on JavaScript or on seeing the lines. Colours come with a second cue: the target is
dashed, the median dotted.
"""

from __future__ import annotations

from portal.core.charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, Chart, polyline, runs
from portal.kpi_returns import months, ratings
from portal.kpi_returns.models import PERCENTAGE, YES_NO
from portal.kpi_returns.reports import Trend


def trend_chart(trend: Trend, chart_id: str, *, who: str, show_values: bool = True) -> Chart:
    """The chart of `trend`: `who` names whose values they are ("Bright Futures", "Your")."""
    points = trend.points
    values = [point.value for point in points if show_values and point.value is not None]
    targets = [point.target for point in points if point.target is not None]
    uppers = [point.spread.upper for point in points if point.spread]
    if trend.unit in (PERCENTAGE,):
        top_value = 100.0
    elif trend.unit == YES_NO:
        top_value = 1.0
    else:
        top_value = max([*values, *targets, *uppers, 1.0]) * 1.1
    plot_height = HEIGHT - TOP - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT
    step = plot_width / max(1, len(points) - 1)

    def x(index: int) -> float:
        return LEFT + index * step if len(points) > 1 else LEFT + plot_width / 2

    def y(value: float) -> float:
        return TOP + plot_height * (1 - value / top_value)

    chart = Chart(
        id=chart_id,
        title=f"{trend.name}: {who} {'values' if show_values else 'lot figures'} by month",
        description=describe(trend, who=who, show_values=show_values),
    )
    for tick in range(5):
        value = top_value * tick / 4
        label = trend.format(value) if trend.unit != YES_NO else ("Yes" if tick == 4 else "")
        if trend.unit not in (PERCENTAGE, YES_NO):
            label = f"{value:,.0f}" if top_value >= 8 else f"{value:,.1f}"
        chart.y_ticks.append((y(value), label))
    every = max(1, -(-len(points) // 8))
    for index, point in enumerate(points):
        if index % every == 0 or index == len(points) - 1:
            chart.x_labels.append((x(index), f"{point.month:%b %y}"))
    if show_values:
        plotted = [(x(i), None if p.value is None else y(p.value)) for i, p in enumerate(points)]
        chart.lines = [polyline(run) for run in runs(plotted)]
        chart.dots = [
            (x(i), y(p.value), f"{months.month_name(p.month)}: {trend.format(p.value)}")
            for i, p in enumerate(points)
            if p.value is not None
        ]
    chart.target = [
        polyline(run)
        for run in runs(
            [(x(i), y(p.target) if p.target is not None else None) for i, p in enumerate(points)]
        )
    ]
    chart.median = [
        polyline(run)
        for run in runs(
            [(x(i), y(p.spread.median) if p.spread else None) for i, p in enumerate(points)]
        )
    ]
    spread_points = [(x(i), p.spread) for i, p in enumerate(points) if p.spread]
    if len(spread_points) > 1:
        upper = [f"{px:.1f},{y(s.upper):.1f}" for px, s in spread_points]
        lower = [f"{px:.1f},{y(s.lower):.1f}" for px, s in reversed(spread_points)]
        chart.band = " ".join(upper + lower)
    return chart


def describe(trend: Trend, *, who: str, show_values: bool = True) -> str:
    """The chart in words: the period, the target, the latest value and rating, the spread."""
    points = trend.points
    parts = [
        f"{trend.name} each month from {months.month_name(points[0].month)} "
        f"to {months.month_name(points[-1].month)}."
    ]
    targets = {point.target for point in points if point.target is not None}
    if len(targets) == 1:
        parts.append(f"Target: {trend.format(targets.pop())}.")
    elif targets:
        parts.append("The target changed during the period.")
    if show_values:
        latest = trend.latest
        if latest is None:
            parts.append(f"{who} returns give no value in this period.")
        else:
            rated = f", rated {ratings.label(latest.rating).lower()}" if latest.rating else ""
            parts.append(
                f"Latest value: {trend.format(latest.value)} in "
                f"{months.month_name(latest.month)}{rated}."
            )
            given = sum(1 for point in points if point.value is not None)
            parts.append(f"Values for {given} of {len(points)} months.")
    spreads = [(point.month, point.spread) for point in points if point.spread]
    if spreads:
        month, spread = spreads[-1]
        parts.append(
            f"Median of providers on the lot in {months.month_name(month)}: "
            f"{trend.format(spread.median)} (middle half from "
            f"{trend.format(spread.lower)} to {trend.format(spread.upper)})."
        )
    return " ".join(parts)
