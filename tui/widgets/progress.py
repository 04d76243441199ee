"""A live log of what a step is doing, fed from a worker through
messages (never touched from the worker thread itself)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import RichLog

MARKS = {
    "created": ("+", "green"),
    "updated": ("~", "yellow"),
    "reused": ("=", "cyan"),
    "deleted": ("-", "green"),
    "info": (" ", ""),
    "start": (">", "bold"),
    "done": ("*", "bold green"),
    "failed": ("!", "bold red"),
}


class ProgressLog(RichLog):
    DEFAULT_CSS = """
    ProgressLog {
        height: 1fr;
        min-height: 4;
        border: round $foreground 30%;
        background: $surface;
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, hide_empty: bool = False, **kwargs: object):
        # min_width 1: RichLog renders at 78 columns by default, which cuts
        # lines mid-word in a narrower pane instead of wrapping them.
        super().__init__(wrap=True, markup=False, highlight=False, min_width=1, **kwargs)  # type: ignore[arg-type]
        self.hide_empty = hide_empty  # no empty box until there is something to say
        if hide_empty:
            self.display = False

    def event(self, status: str, message: str) -> None:
        mark, style = MARKS.get(status, (" ", ""))
        self.display = True
        self.write(Text(f"{mark} {message}", style=style))

    def clear(self) -> ProgressLog:
        super().clear()
        if self.hide_empty:
            self.display = False
        return self
