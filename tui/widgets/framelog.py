"""The WebSocket test panel's log: frames both ways (→ sent, ← received),
with the time since Connect and a reply's round trip, and the connection's
events (open, close code and reason, a refused handshake's status). Lines
are rich Text: a frame's text is never parsed as markup."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import RichLog

MARKS = {
    "connecting": ("…", "dim"),
    "open": ("⇄", "green"),
    "sent": ("→", "cyan"),
    "received": ("←", "magenta"),
    "closed": ("✕", "yellow"),
    "refused": ("✕", "red"),
    "error": ("✕", "red"),
}


def frame_line(frame: Any) -> Text:
    """One services.wsclient.Frame as a log line."""
    mark, style = MARKS.get(frame.kind, ("·", ""))
    line = Text.assemble((f"{mark} ", f"bold {style}"), (f"{frame.elapsed_ms:7.0f} ms ", "dim"))
    if frame.round_trip_ms is not None:
        line.append(f"(round trip {frame.round_trip_ms:.0f} ms) ", style="dim")
    line.append(frame.text, style=style if frame.kind not in ("sent", "received") else "")
    return line


class FrameLog(RichLog):
    DEFAULT_CSS = """
    FrameLog { height: 1fr; }
    """

    def __init__(self, **kwargs: Any):
        super().__init__(markup=False, highlight=False, wrap=True, **kwargs)
        self.lines_written: list[str] = []  # plain text of each line, for tests and copying

    def frame(self, frame: Any) -> None:
        line = frame_line(frame)
        self.lines_written.append(line.plain)
        self.write(line)
