"""A live log of what a step is doing, fed from a worker through
messages (never touched from the worker thread itself)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import RichLog

MARKS = {
    "created": ("+", "green"),
    "updated": ("~", "yellow"),
    "reused": ("=", "cyan"),
    "deleted": ("-", "magenta"),
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

    def __init__(self, **kwargs: object):
        super().__init__(wrap=True, markup=False, highlight=False, **kwargs)  # type: ignore[arg-type]

    def event(self, status: str, message: str) -> None:
        mark, style = MARKS.get(status, (" ", ""))
        self.write(Text(f"{mark} {message}", style=style))
