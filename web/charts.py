"""Bar charts drawn on the server: the geometry of an SVG chart (bars, axes, nice round ticks),
which templates/_macros/charts.html turns into an accessible <svg> with the same numbers in a
<table> beneath it. No chart library, no script: the browser only draws what it is sent.

Across, positions are percentages of the chart's width; down, they are pixels: the chart fills
any width at a fixed height and its labels keep their size on a phone and on a wide screen (a
viewBox would scale the text with the picture). The y axis labels sit in the SVG's left padding
(CSS, by the `pad` class). Colours come through classes, so dark mode and the CSP hold.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from newsroom.zones import abbreviation

HEIGHT = 240
TOP = 12
BOTTOM = 42  # room for two lines of tick labels under the axis
GAP = 0.2  # the share of each bar's slot left empty between bars


@dataclass(frozen=True)
class Point:
    """One bar's data: its full label (the table's row, the bar's tooltip), its value, and the
    lines of its tick label under the axis, if it has a tick."""

    label: str
    value: int
    tick: tuple[str, ...] = ()
    minor: bool = False


@dataclass(frozen=True)
class Bar:
    x: float  # per cent of the plot's width
    y: float  # pixels from the top
    width: float  # per cent
    height: float  # pixels
    value: int
    label: str


@dataclass(frozen=True)
class Tick:
    at: float  # per cent across (x ticks) or pixels down (y ticks)
    lines: tuple[str, ...]
    minor: bool = False  # left out where the chart is narrow (a phone)


@dataclass(frozen=True)
class BarChart:
    ident: str
    title: str
    description: str
    heading: str  # what the table's first column holds ("Day", "Hour (ICT)")
    points: tuple[Point, ...]
    bars: tuple[Bar, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    total: int
    height: int = HEIGHT

    @property
    def empty(self) -> bool:
        return self.total == 0

    @property
    def baseline(self) -> float:
        return self.height - BOTTOM

    @property
    def pad(self) -> str:
        """How much room the y axis labels need on the left: s, m or l (a CSS class)."""
        longest = len(self.y_ticks[-1].lines[0]) if self.y_ticks else 1
        return "s" if longest <= 3 else "m" if longest <= 5 else "l"


def thousands(number: int) -> str:
    """12345 -> '12,345'."""
    return f"{number:,}"


def nice_step(raw: float) -> int:
    """The smallest round step (1, 2, 2.5, 5 times a power of ten; whole numbers) >= raw."""
    if raw <= 1:
        return 1
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        step = multiple * power
        if step >= raw and step == int(step):
            return int(step)
    return int(10 * power)  # pragma: no cover (10 * power is always >= raw)


def nice_ticks(peak: int, count: int = 4) -> list[int]:
    """Round values from 0 to at least `peak`, about `count` steps apart: 0, 250, 500, 750."""
    step = nice_step(max(peak, 1) / count)
    top = max(step, math.ceil(peak / step) * step)
    return list(range(0, top + 1, step))


def bar_chart(
    points: Sequence[Point], *, ident: str, title: str, description: str, heading: str
) -> BarChart:
    """Lay out a bar chart of `points` left to right, the y axis scaled to nice round ticks."""
    points = tuple(points)
    total = sum(p.value for p in points)
    peak = max((p.value for p in points), default=0)
    if points and total:
        busiest = next(p for p in points if p.value == peak)
        description = (
            f"{description} {thousands(total)} views in all; "
            f"the busiest, {busiest.label}, with {thousands(peak)}."
        )
    ticks = nice_ticks(peak)
    baseline = HEIGHT - BOTTOM
    scale = (baseline - TOP) / ticks[-1]
    slot = 100 / max(len(points), 1)
    bars = []
    x_ticks = []
    for i, point in enumerate(points):
        height = point.value * scale
        x = i * slot + slot * GAP / 2
        bars.append(
            Bar(
                x=round(x, 3),
                y=round(baseline - height, 2),
                width=round(slot * (1 - GAP), 3),
                height=round(height, 2),
                value=point.value,
                label=point.label,
            )
        )
        if point.tick:
            x_ticks.append(Tick(round((i + 0.5) * slot, 3), point.tick, point.minor))
    y_ticks = tuple(Tick(round(baseline - v * scale, 2), (thousands(v),)) for v in ticks)
    return BarChart(
        ident=ident,
        title=title,
        description=description,
        heading=heading,
        points=points,
        bars=tuple(bars),
        y_ticks=y_ticks,
        x_ticks=tuple(x_ticks),
        total=total,
    )


# --- time series: days and hours on the reader's clock --------------------------------------


def day_label(day: date) -> str:
    """'Sat 5 Dec 2026'."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def daily_points(days: Sequence[tuple[date, int]]) -> list[Point]:
    """A bar per day, ticks counted back from the last day: every day for a week, weekly for a
    month, fortnightly beyond."""
    every = 1 if len(days) <= 10 else 7 if len(days) <= 40 else 14
    last = len(days) - 1
    points = []
    for i, (day, views) in enumerate(days):
        tick: tuple[str, ...] = ()
        if (last - i) % every == 0:
            tick = (f"{day:%a}", f"{day.day} {day:%b}") if every == 1 else (f"{day.day} {day:%b}",)
        points.append(Point(day_label(day), views, tick))
    return points


def hourly_points(hours: Sequence[tuple[datetime, int]], zone: ZoneInfo) -> list[Point]:
    """A bar per hour on the zone's clock, a tick every six hours (twelve on a phone); the date
    under the first tick and under each midnight."""
    points = []
    dated = False
    for at, views in hours:
        there = at.astimezone(zone)
        clock = f"{there:%H:%M}"
        tick: tuple[str, ...] = ()
        if there.hour % 6 == 0:
            tick = (clock,)
            if there.hour == 0 or not dated:
                tick = (clock, f"{there.day} {there:%b}")
                dated = True
        label = f"{day_label(there.date())}, {clock} {abbreviation(there)}"
        points.append(Point(label, views, tick, minor=there.hour % 12 != 0 and len(tick) == 1))
    return points
