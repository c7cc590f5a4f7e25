"""Bar charts as plain numbers for an SVG template: drawn on the server, readable without JavaScript.

Pure: no Flask, no database. :func:`bar_chart` places the bars of a series
in a fixed ``viewBox``; the template (``stats/_chart.html``) draws them, with
a title and a description for screen readers and the same numbers in a table.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 600
HEIGHT = 200
#: Room left under the bars for labels, and above for the largest value.
BOTTOM = 24
TOP = 16


@dataclass(frozen=True)
class Bar:
    """One bar: its box in the ``viewBox``, its label and its value."""

    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    show_label: bool


@dataclass(frozen=True)
class Chart:
    """A bar chart: the bars, the largest value and the ``viewBox`` size."""

    bars: list[Bar]
    peak: int
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def baseline(self) -> float:
        """The y of the axis under the bars."""
        return self.height - BOTTOM


def bar_chart(series: list[tuple[str, int]], *, max_labels: int = 12) -> Chart:
    """Place ``series`` (label, value) as bars; at most ``max_labels`` labels are written under them."""
    peak = max((value for _, value in series), default=0)
    if not series:
        return Chart([], 0)
    slot = WIDTH / len(series)
    gap = min(slot * 0.2, 6)
    room = HEIGHT - BOTTOM - TOP
    every = max(1, -(-len(series) // max_labels))
    bars = []
    for i, (label, value) in enumerate(series):
        height = room * value / peak if peak else 0
        bars.append(
            Bar(
                x=round(i * slot + gap / 2, 2),
                y=round(HEIGHT - BOTTOM - height, 2),
                width=round(slot - gap, 2),
                height=round(height, 2),
                label=label,
                value=value,
                show_label=(len(series) - 1 - i) % every == 0,
            )
        )
    return Chart(bars, peak)
