"""One local cloud per state dir, and the state dir's identity.

Two clouds on one folder would each overwrite the other's saves (the last
writer wins), so the first takes an flock on `cloud.lock` for its whole
life; the kernel drops it however the process ends, so a kill -9 never
leaves a stale lock. The id in `cloud-id` is created once and names this
state (not the port it is served on), so ledgers find their resources after
a restart on another port.
"""

from __future__ import annotations

import fcntl
import os
import re
import uuid
from pathlib import Path

from .persist import StateError, set_aside

SUBDIR = "local-cloud"  # the cloud's own folder inside the one the user names
LOCK_FILE = "cloud.lock"
ID_FILE = "cloud-id"
_ID = re.compile(r"^[0-9a-f]{32}$")


class StateLocked(StateError):
    pass


def unwritable(path: Path, exc: OSError) -> StateError:
    return StateError(
        f"cannot write to the local cloud's state folder {path} ({exc.strerror}); "
        "make it writable and free some space, or pass --state-dir with another folder"
    )


def hold(state_dir: Path, port: int) -> int:
    """Take the state dir's lock for this process's life; the fd to keep open."""
    path = state_dir / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise unwritable(state_dir, exc) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
        os.close(fd)
        pid = holder[0] if holder else "unknown"
        where = f" on port {holder[1]}" if len(holder) > 1 else ""
        stop = f"'apigw-wizard local --stop --port {holder[1]}'" if len(holder) > 1 else f"'kill {pid}'"
        raise StateLocked(
            f"another local cloud (pid {pid}{where}) is using the state folder {state_dir}; "
            f"use that one, stop it with {stop}, or pass --state-dir with another folder"
        ) from None
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {port}\n".encode(), 0)
    except OSError as exc:
        os.close(fd)
        raise unwritable(state_dir, exc) from None
    return fd


def is_free(state_dir: Path) -> bool:
    """True once no cloud holds the folder: a stopped cloud closes its port
    before it saves, and a new one started then would find it still held."""
    try:
        fd = os.open(state_dir / LOCK_FILE, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return True  # no lock file: never held
    try:
        # Shared, not exclusive, and let go at once: a start racing this
        # check waits at most this one call.
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # also drops the lock


def cloud_id(state_dir: Path) -> str:
    """This state's stable id, created on first use."""
    path = state_dir / ID_FILE
    if path.exists():
        try:
            text = path.read_text(encoding="utf-8").strip()
        except (OSError, ValueError):
            text = ""
        if _ID.match(text):
            return text
        aside = set_aside(path)
        raise StateError(
            f"the local cloud's id file {path} is damaged; it was moved to {aside.name}: "
            "move it back if it was edited by mistake (ledgers name this id), or start again "
            "for a new id"
        )
    new = uuid.uuid4().hex
    from awsrules.privatefiles import write_private

    try:
        write_private(path, (new + "\n").encode())
    except OSError as exc:
        raise unwritable(state_dir, exc) from None
    return new
