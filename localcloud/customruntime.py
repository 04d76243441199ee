"""Custom runtimes (provided.al2023, provided.al2): the function's own
`bootstrap` is the runtime, and talks to the Lambda Runtime API
(runtimeapi.py, served inside the environment's worker). What the cloud's
side needs to know to start one: which runtimes they are, the Python that
runs the worker around the bootstrap, and the INIT_START line's version."""

from __future__ import annotations

import sys

from .interpreters import Python, find_python

# The custom runtimes in botocore's lambda model (Runtime enum):
# provided (Amazon Linux 1, deprecated), provided.al2, provided.al2023.
CUSTOM_RUNTIMES = frozenset({"provided", "provided.al2", "provided.al2023"})


def is_custom(runtime: str) -> bool:
    return runtime in CUSTOM_RUNTIMES


def worker_python(runtime: str) -> Python:
    """The Python that runs the worker: the runtime's own for a Python
    function; for a custom runtime the cloud's (the worker is only the
    environment's Runtime API, standard library only)."""
    if is_custom(runtime):
        return Python(sys.executable, f"{sys.version_info.major}.{sys.version_info.minor}", True)
    return find_python(runtime)


def runtime_version(runtime: str, python: Python) -> str:
    """INIT_START's "Runtime Version:", e.g. python:3.12.v38 on AWS; here
    the Python found, or the custom runtime's OS (provided:al2023)."""
    if is_custom(runtime):
        return "provided:" + (runtime.partition(".")[2] or "al1")
    return f"python:{python.version} ({python.path})" + ("" if python.matches else f"; {runtime} not found on PATH")
