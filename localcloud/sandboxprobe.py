"""What handlers get on this machine, as the cloud finds out and says it:
which of sandbox.py's protections are on (found once per process by a probe
process that confines itself as a worker does), and one line of plain text
for each that is off, for health and the start banner.

Kept apart from sandbox.py because the worker loads that file by path, under
the function's own interpreter, standard library only: what only the cloud
runs lives here, and sandbox.py imports nothing of ours.

Without user namespaces the worker still forks and Landlocks itself, with a
private directory in the host's /tmp as TMPDIR and HOME (no size cap beyond
RLIMIT_FSIZE, /tmp itself not writable); without Landlock the namespaces still
hide the cloud and other processes but not the file system.

Not protected on any machine: network (handlers reach the cloud and the
internet, as on Lambda); CPU; memory beyond the address-space limit while a
call runs (the call that crosses the memory size fails when it returns); the
read-only venv and Python install are readable in full; with a Python other
than the cloud's, code is compiled in memory at each cold start.
"""

from __future__ import annotations

import json
import sys

from . import sandbox

MISSING_TEXT = {
    "user_namespace": "no user namespace: handlers share the cloud's mount and PID view",
    "pid_namespace": "no PID namespace: handlers can list other processes and signal same-uid ones, and any local process can take a custom runtime's events from its Runtime API",
    "private_tmp": "no private /tmp: handlers write a per-worker dir in the host's /tmp, without a size cap",
    "read_only_root": "no read-only view of the host: handlers can chmod, chown and utime files their user owns",
    "landlock": "no Landlock: handlers can read and write whatever the cloud's user can",
    "landlock_truncate": "Landlock ABI < 3: handlers can truncate files their user may write",
    "landlock_scopes": "Landlock ABI < 6: signals and abstract sockets are not scoped to the sandbox",
    "no_new_privs": "no_new_privs not set: setuid programs could raise a handler's privileges",
    "capabilities_dropped": "capabilities not dropped: a root handler keeps root's capabilities",
    "parent_death_signal": "handlers may outlive a killed worker",
    "cloud_not_dumpable": "the cloud is dumpable: same-uid processes can read its memory and environment",
}

_cache: dict[str, bool] | None = None


def protections() -> dict[str, bool]:
    """Which protections handlers get on this machine (key -> on), found once
    per process by sandboxing a probe process; also protects the cloud."""
    global _cache
    if _cache is None:
        import subprocess

        try:
            out = subprocess.run(
                [sys.executable, "-I", "-S", sandbox.__file__, "--probe"],
                capture_output=True,
                timeout=20,
                stdin=subprocess.DEVNULL,
                cwd="/",
            )
            found = json.loads(out.stdout.decode().strip().splitlines()[-1])
        except (OSError, ValueError, IndexError, subprocess.SubprocessError):
            found = {}
        _cache = {key: bool(found.get(key)) for key in sandbox.PROTECTIONS}
    _cache["cloud_not_dumpable"] = sandbox.protect_cloud()
    return dict(_cache)


def missing_protections() -> list[str]:
    """One line of plain text per protection that is off on this machine."""
    return [MISSING_TEXT[key] for key, on in protections().items() if not on]
