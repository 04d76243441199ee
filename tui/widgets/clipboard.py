"""Copying honestly. Textual copies with OSC 52, which only the terminal
can carry out; inside tmux the sequence reaches the outer terminal only
when tmux's set-clipboard is "on". Its default, "external", ignores
"attempts by applications to set tmux buffers" (tmux(1), set-clipboard),
so the copy silently does nothing: say so, and say how to fix it."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

from textual.app import App


def tmux_blocks_copy() -> str | None:
    """tmux's set-clipboard value when it keeps OSC 52 from the app, else None."""
    if not os.environ.get("TMUX"):
        return None
    tmux = shutil.which("tmux")
    if tmux is None:
        return None  # cannot ask: do not claim a failure we cannot see
    try:
        # TMUX names the server this app runs under; show-options asks it.
        done = subprocess.run(
            [tmux, "show-options", "-gv", "set-clipboard"], capture_output=True, text=True, timeout=3, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = done.stdout.strip()
    return value if done.returncode == 0 and value != "on" else None


def copy_and_say(app: App[Any], text: str, what: str) -> None:
    """Copy `text`, then tell the person whether it can have worked. The
    tmux question is a subprocess: it runs in a thread, off the event loop."""
    app.copy_to_clipboard(text)

    def check() -> None:
        blocked = tmux_blocks_copy()
        if blocked is None:
            app.call_from_thread(app.notify, f"{what} copied (OSC 52: your terminal must allow it)", markup=False)
            return
        app.call_from_thread(
            app.notify,
            f"{what} NOT copied: tmux's set-clipboard is {blocked}, which keeps OSC 52 from apps. "
            "Run: tmux set -g set-clipboard on (then copy again), or select the text with Shift+drag.",
            severity="warning",
            timeout=12,
            markup=False,
        )

    app.run_worker(check, thread=True, group="clipboard", exit_on_error=False)
