"""Run the local cloud as a background process that outlives the command
that started it, so an invoke URL printed by `deploy` keeps answering."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from .client import StartFailed, log_path, probe, request_shutdown

START_TIMEOUT_S = 20.0


def start_background(port: int, state_dir: Path) -> None:
    """Start `apigw-wizard local` detached and wait until it answers."""
    from .retention import LOG_FILE_ENV, LOG_MAX_BYTES

    path = log_path(state_dir)
    try:
        state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if path.exists() and path.stat().st_size > LOG_MAX_BYTES:
            os.replace(path, path.with_name(path.name + ".1"))  # keep one old file
        # 0600: the log names resources and must not be world-readable.
        log = os.fdopen(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab")
    except OSError as exc:
        raise StartFailed(
            f"cannot write the local cloud's log {path} ({exc.strerror}); make the folder writable and free some space"
        ) from None
    try:
        proc = subprocess.Popen(
            # localcloud's own entry, not the wizard's: it answers health as soon
            # as it holds the port and loads moto while serving (__main__.py).
            [sys.executable, "-m", "localcloud", "local", "--port", str(port), "--state-dir", str(state_dir)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # not killed by the terminal's Ctrl+C
            cwd=str(state_dir),
            close_fds=True,
            env={**os.environ, LOG_FILE_ENV: str(path)},  # the cloud rotates it as it grows
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
        time.sleep(0.01)  # a probe of a port nothing holds yet costs ~1 ms
    proc.terminate()
    raise StartFailed(f"the local cloud did not answer on port {port} within {START_TIMEOUT_S:.0f} s")


def stop(port: int, timeout_s: float = 30.0) -> bool:
    """Ask the local cloud on `port` to stop and wait until it has let go
    of the port and saved its state; False if none was running."""
    from .client import Health, health
    from .statelock import SUBDIR, is_free

    found = health(port)
    if not (isinstance(found, Health) and found.owned):
        return False  # none, or another user's: never asked to stop
    request_shutdown(port)  # signed with the owner's key
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and probe(port) is not None:
        time.sleep(0.05)
    # The port closes before the saves; a restart at once found the folder
    # still locked (CI, under load). 30 s: a big state saved on a busy disk.
    # Health names the folder the user gave; the lock is in its local-cloud/.
    state_dir = Path(found.state_dir) / SUBDIR if found.state_dir else None
    while state_dir is not None and time.monotonic() < deadline and not is_free(state_dir):
        time.sleep(0.05)
    return True
