"""One metric as a row: its name, a chart of the last minutes and the figure
that matters (a total for counters, the newest value for timings).

Chart: Textual's built-in `Sparkline`, not a plotting widget such as
textual-plotext. The Monitor step shows ten metrics beside the step list
in 80x24, one text row each; a plot with axes needs about eight rows to be
legible, so at most two would fit and the rest would scroll away. A
sparkline row says what the console's small charts say (shape and a
figure) at a glance, costs no dependency (plotext and its widget would be
two more packages to pin, for every user, for one screen) and renders
with Textual's own theme colours.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, Sparkline, Static


class MetricRow(Horizontal):
    DEFAULT_CSS = """
    MetricRow {
        height: 1;
    }
    MetricRow > Label {
        width: 16;
        color: $text-muted;
    }
    MetricRow > Sparkline {
        width: 1fr;
        height: 1;
        margin-right: 1;
    }
    MetricRow > .figure {
        width: 12;
        text-align: right;
    }
    """

    def __init__(self, key: str, title: str, unit: str = ""):
        super().__init__(id=f"metric-{key}", classes="metric")
        self.key = key
        self.title = title
        self.unit = unit
        self.values: list[float] = []
        self.figure = ""

    def compose(self) -> ComposeResult:
        yield Label(self.title, markup=False)
        yield Sparkline([], summary_function=max)
        yield Static("-", classes="figure", markup=False)

    def show(self, values: Sequence[float | None], figure: float | None) -> None:
        """The series (None: no datapoint, drawn as 0) and its figure."""
        self.values = [v or 0.0 for v in values]
        self.figure = "-" if figure is None else _format(figure, self.unit)
        self.query_one(Sparkline).data = self.values
        self.query_one(".figure", Static).update(self.figure)


def _format(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"
    return f"{value:,.0f}"
