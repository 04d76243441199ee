"""Benchmark of the wizard's responsiveness. Prints figures; asserts nothing.

    python bench/tui_speed.py

- first frame: launch the installed `apigw-wizard` in tmux (80x24) and time
  until the first step is on screen, alternating with a minimal Textual app
  (header, one line, footer) launched the same way (median of 5 each, ratio);
- keys while a step runs: the event loop's lag (a 10 ms timer's lateness)
  while the connect and "Create function" workers run against the real
  local cloud, beside the same with nothing running.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


MINIMAL_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static


class Minimal(App):
    def compose(self):
        yield Header()
        yield Static("Where should the function run?")
        yield Footer()


Minimal().run()
"""


def first_frame_ms(command: list[str]) -> float:
    """Launch `command` in tmux (80x24) and time until the first step's
    words are on screen."""
    name = f"bench-{uuid.uuid4().hex[:6]}"
    started = time.perf_counter()
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24", "env", "TERM=xterm-256color", *command],
        check=True,
    )
    try:
        while time.perf_counter() - started < 10:
            out = subprocess.run(["tmux", "capture-pane", "-p", "-t", name], capture_output=True, text=True).stdout
            if "Where should the function" in out:
                return (time.perf_counter() - started) * 1000
            time.sleep(0.005)
        raise RuntimeError("the first step never appeared")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def first_frames(rounds: int = 5) -> tuple[list[float], list[float]]:
    """The wizard beside a minimal Textual app (header, one line, footer),
    alternating, so both see the same machine."""
    exe = shutil.which("apigw-wizard", path=str(Path(sys.executable).parent)) or "apigw-wizard"
    minimal = Path(tempfile.mkdtemp()) / "minimal_app.py"
    minimal.write_text(MINIMAL_APP)
    wizard, bare = [], []
    for _ in range(rounds):
        state = tempfile.mkdtemp()
        try:
            wizard.append(first_frame_ms([exe, "--state-dir", state, "--port", str(free_port())]))
        finally:
            shutil.rmtree(state, ignore_errors=True)
        bare.append(first_frame_ms([sys.executable, str(minimal)]))
    return wizard, bare


async def loop_lag() -> tuple[list[float], list[float], list[float]]:
    """How late a 10 ms timer fires in the app: idle, then while the
    connect and "Create function" thread workers run (a tick counts when a
    worker ran through it). A key is handled on the same loop, so this is
    the delay a keystroke can see. Step changes (composing the next step on
    the loop, no worker running) are timed on their own."""
    from textual.worker import WorkerState

    from tui.app import WizardApp
    from tui.config import Config
    from tui.state import WizardState

    state = WizardState(Config(), Path(tempfile.mkdtemp()), free_port())
    app = WizardApp(state)
    lags: list[float] = []
    during_workers: list[float] = []
    outside: list[float] = []  # no worker ran: the loop's own work, such as composing the next step
    last = [time.perf_counter()]
    busy = [False]  # a worker ran at some point since the last tick

    def tick() -> None:
        now = time.perf_counter()
        lag = max(0.0, (now - last[0] - 0.010) * 1000)
        lags.append(lag)
        if busy[0] or any(w.state == WorkerState.RUNNING for w in app.workers):
            during_workers.append(lag)
        else:
            outside.append(lag)
        busy[0] = False
        last[0] = now

    def watch() -> None:  # runs often: catches workers that start and end between ticks
        if any(w.state == WorkerState.RUNNING for w in app.workers):
            busy[0] = True

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        last[0] = time.perf_counter()
        app.set_interval(0.010, tick)
        app.set_interval(0.002, watch)
        await pilot.pause(1.0)
        idle = list(lags)
        during_workers.clear()
        outside.clear()
        app.screen.query_one("#continue").focus()
        await pilot.press("enter")  # connect: boto3 import, local cloud start, identity
        while app.screen.name != "function":
            await pilot.pause(0.002)
        await pilot.pause(0.3)
        app.screen.query_one("#create").focus()
        await pilot.press("enter")  # role, policy, function, wait for Active
        while not state.step_done("function"):
            await pilot.pause(0.02)
    subprocess.run([sys.executable, "-m", "tui", "local", "--stop", "--port", str(state.port)], capture_output=True)
    return idle, during_workers, outside


def main() -> int:
    if not shutil.which("tmux"):
        print("tmux is not installed", file=sys.stderr)
        return 2
    frames, bare = first_frames(5)
    idle, busy, outside = asyncio.run(loop_lag())
    wiz, mini = statistics.median(frames), statistics.median(bare)
    print(f"first frame: median {wiz:.0f} ms, max {max(frames):.0f} ms (5 launches in tmux, 80x24)")
    print(f"minimal Textual app, same run: median {mini:.0f} ms; ratio {wiz / mini:.2f}")
    print(f"event-loop lag, idle: median {statistics.median(idle):.1f} ms, max {max(idle):.1f} ms ({len(idle)} ticks)")
    print(
        f"event-loop lag while the connect and 'Create function' workers run: median {statistics.median(busy):.1f} ms, "
        f"p95 {sorted(busy)[int(len(busy) * 0.95)]:.1f} ms, max {max(busy):.1f} ms ({len(busy)} ticks)"
    )
    print(f"longest tick with no worker running (the loop's own work: composing the next step): {max(outside):.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
