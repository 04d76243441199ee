"""Run the local cloud as a background process that outlives the command
that started it, so an invoke URL printed by `deploy` keeps answering."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .cloud import HOST, SHUTDOWN_PATH, probe

START_TIMEOUT_S = 20.0


class StartFailed(RuntimeError):
    pass


def log_path(state_dir: Path) -> Path:
    return state_dir / "local-cloud.log"


def start_background(port: int, state_dir: Path) -> None:
    """Start `apigw-wizard local` detached and wait until it answers."""
    state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    # 0600: the log names resources and must not be world-readable.
    log = os.fdopen(os.open(log_path(state_dir), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab")
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tui", "local", "--port", str(port), "--state-dir", str(state_dir)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # not killed by the terminal's Ctrl+C
            cwd=str(state_dir), close_fds=True,
        )
    finally:
        log.close()
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        state = probe(port)
        if state:
            return
        if proc.poll() is not None:
            tail = log_path(state_dir).read_text(errors="replace").strip().splitlines()[-1:] or ["(no output)"]
            raise StartFailed(f"the local cloud exited with code {proc.returncode}: {tail[0]}")
        time.sleep(0.05)
    proc.terminate()
    raise StartFailed(f"the local cloud did not answer on port {port} within {START_TIMEOUT_S:.0f} s")


def stop(port: int, timeout_s: float = 10.0) -> bool:
    """Ask the local cloud on `port` to stop; False if none was running."""
    if not probe(port):
        return False
    request = urllib.request.Request(f"http://{HOST}:{port}{SHUTDOWN_PATH}", method="POST", data=b"")
    try:
        urllib.request.urlopen(request, timeout=2).read()  # noqa: S310 - loopback only
    except OSError:
        pass
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and probe(port) is not None:
        time.sleep(0.05)
    return True

