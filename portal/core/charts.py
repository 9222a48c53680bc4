"""Charts drawn on the server as SVG, for any domain: lines over months and horizontal bars.

A chart is an image with a title and a description in words (for screen readers and when
images are off), and every page that shows one shows the same figures as a table, so nothing
depends on JavaScript or on seeing the lines. Each line has a second cue beside its colour (a
dash pattern), and a key in words. `templates/_charts.html` draws a Chart; the KPI trend charts
(portal/kpi_returns/charts.py) and the contracts' spend reports build theirs here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 44

# Colour and dash pattern of each line in turn (GOV.UK blue, orange, green, purple): the dash
# tells them apart without colour.
LINE_STYLES = (
    ("#1d70b8", "", "solid blue line"),
    ("#d4351c", "8 4", "dashed red line"),
    ("#00703c", "2 4", "dotted green line"),
    ("#4c2c92", "12 4 2 4", "dash-dotted purple line"),
)


@dataclass
class Line:
    """One named series of a chart: its runs of points (a gap in the data is a gap in the
    line), a dot for each value with its label, and its colour and dash."""

    name: str
    runs: list[str]
    dots: list[tuple[float, float, str]]
    colour: str
    dash: str
    key: str  # the line as the chart's key describes it ("dashed red line")


@dataclass
class Bar:
    y: float
    width: float
    height: float
    label: str  # what the bar is ("Mentoring")
    value: str  # its figure as words ("£12,000")


@dataclass
class Chart:
    id: str
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    y_ticks: list[tuple[float, str]] = field(default_factory=list)  # (y, label)
    x_labels: list[tuple[float, str]] = field(default_factory=list)  # (x, label)
    lines: list[str] = field(default_factory=list)  # polyline points of the values
    dots: list[tuple[float, float, str]] = field(default_factory=list)  # x, y, label
    target: list[str] = field(default_factory=list)
    median: list[str] = field(default_factory=list)
    band: str = ""  # polygon points of the interquartile range
    series: list[Line] = field(default_factory=list)  # named lines, with a key
    bars: list[Bar] = field(default_factory=list)
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM


def runs(points: Sequence[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    """Consecutive points with values: a gap in the data is a gap in the line."""
    found: list[list[tuple[float, float]]] = [[]]
    for x, y in points:
        if y is None:
            if found[-1]:
                found.append([])
        else:
            found[-1].append((x, y))
    return [run for run in found if run]


def polyline(run: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in run)


@dataclass(frozen=True)
class Axes:
    """Where a value lands on a chart of `count` evenly spaced points from 0 to `top`."""

    count: int
    top: float

    @property
    def step(self) -> float:
        return (WIDTH - LEFT - RIGHT) / max(1, self.count - 1)

    def x(self, index: int) -> float:
        if self.count > 1:
            return LEFT + index * self.step
        return LEFT + (WIDTH - LEFT - RIGHT) / 2

    def y(self, value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / self.top)

    def month_labels(self, months: Sequence[date]) -> list[tuple[float, str]]:
        """At most about eight month labels ("Apr 27"), always the last."""
        every = max(1, -(-len(months) // 8))
        return [
            (self.x(index), f"{month:%b %y}")
            for index, month in enumerate(months)
            if index % every == 0 or index == len(months) - 1
        ]


def month_lines(
    chart_id: str,
    title: str,
    description: str,
    months: Sequence[date],
    series: Sequence[tuple[str, Sequence[float | None]]],
    shown: Callable[[float], str],
    *,
    top: float | None = None,
) -> Chart:
    """Named lines over `months` (one value or None per month each), from 0 to `top` (the
    largest value and a tenth when not given); `shown` writes a value as people read it."""
    values = [value for _name, points in series for value in points if value is not None]
    axes = Axes(len(months), top or max([*values, 1.0]) * 1.1)
    chart = Chart(id=chart_id, title=title, description=description)
    chart.y_ticks = [(axes.y(axes.top * tick / 4), shown(axes.top * tick / 4)) for tick in range(5)]
    chart.x_labels = axes.month_labels(months)
    for number, (name, points) in enumerate(series):
        colour, dash, key = LINE_STYLES[number % len(LINE_STYLES)]
        placed = [(axes.x(i), None if v is None else axes.y(v)) for i, v in enumerate(points)]
        chart.series.append(
            Line(
                name=name,
                runs=[polyline(run) for run in runs(placed)],
                dots=[
                    (axes.x(i), axes.y(v), f"{name}, {month:%B %Y}: {shown(v)}")
                    for i, (month, v) in enumerate(zip(months, points, strict=True))
                    if v is not None
                ],
                colour=colour,
                dash=dash,
                key=key,
            )
        )
    return chart


BAR_HEIGHT, BAR_GAP, BAR_LABEL_WIDTH = 22, 8, 200


def bars(
    chart_id: str,
    title: str,
    description: str,
    items: Sequence[tuple[str, float]],
    shown: Callable[[float], str],
) -> Chart:
    """A horizontal bar for each (label, value), longest for the largest, with the figure at
    its end: the chart grows with the number of bars."""
    height = TOP + len(items) * (BAR_HEIGHT + BAR_GAP) + BOTTOM // 2
    chart = Chart(id=chart_id, title=title, description=description, height=height)
    chart.left = BAR_LABEL_WIDTH
    largest = max([value for _label, value in items if value > 0] or [1.0])
    span = WIDTH - BAR_LABEL_WIDTH - RIGHT - 90  # room for the figure after the bar
    for index, (label, value) in enumerate(items):
        chart.bars.append(
            Bar(
                y=TOP + index * (BAR_HEIGHT + BAR_GAP),
                width=max(0.0, span * value / largest),
                height=BAR_HEIGHT,
                label=label,
                value=shown(value),
            )
        )
    return chart
