"""A live log of what a step is doing, fed from a worker through
messages (never touched from the worker thread itself).

A scrolling Static of styled Content lines rather than a RichLog: a step
logs tens of lines, Static wraps them to the pane's width, and RichLog's
imports (rich.pretty, attrs: about 20 ms) stay off the first frame."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

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
MAX_LINES = 500  # a long session's log stays cheap to re-render


class ProgressLog(VerticalScroll, can_focus=False):
    DEFAULT_CSS = """
    ProgressLog {
        height: 1fr;
        min-height: 4;
        border: round $foreground 30%;
        background: $surface;
        scrollbar-size-vertical: 1;
    }
    ProgressLog > Static {
        width: 1fr;
    }
    """

    def __init__(self, hide_empty: bool = False, **kwargs: object):
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.entries: list[Content] = []
        self.hide_empty = hide_empty  # no empty box until there is something to say
        if hide_empty:
            self.display = False

    def compose(self) -> ComposeResult:
        yield Static(Content(""))

    def on_mount(self) -> None:
        self._show()  # events that came before the log was mounted

    @property
    def text(self) -> str:
        """The log as plain text, a line per event."""
        return "\n".join(entry.plain for entry in self.entries)

    def event(self, status: str, message: str) -> None:
        mark, style = MARKS.get(status, (" ", ""))
        self.display = True
        # Messages hold AWS text and paths: Content, never markup.
        self.entries.append(Content.styled(f"{mark} {message}", style) if style else Content(f"{mark} {message}"))
        del self.entries[:-MAX_LINES]
        self._show()

    def clear(self) -> ProgressLog:
        self.entries.clear()
        self._show()
        if self.hide_empty:
            self.display = False
        return self

    def _show(self) -> None:
        if not self.is_mounted:
            return
        self.query_one(Static).update(Content("\n").join(self.entries))
        self.call_after_refresh(self.scroll_end, animate=False)
