"""Which Python runs a function: the runtime's own version if a matching
`pythonX.Y` is on PATH, else the interpreter running the local cloud. The
answer is cached, and pyenv-style shims are resolved to the real binary
once, so a cold start does not pay for a shell script."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Python:
    path: str
    version: str
    matches: bool  # True when it is the version the runtime names


@lru_cache(maxsize=None)
def find_python(runtime: str) -> Python:
    wanted = runtime.removeprefix("python")
    current = f"{sys.version_info.major}.{sys.version_info.minor}"
    if wanted == current:
        return Python(sys.executable, current, True)
    candidate = shutil.which(f"python{wanted}")
    if candidate:
        try:
            probe = subprocess.run(
                [
                    candidate,
                    "-I",
                    "-S",
                    "-c",
                    "import sys; print(sys.executable); print('%d.%d' % sys.version_info[:2])",
                ],
                capture_output=True,
                text=True,
                timeout=15,
            )
            real, version = probe.stdout.split()
            if probe.returncode == 0 and version == wanted:
                return Python(real, version, True)
        except (OSError, ValueError, subprocess.SubprocessError):
            pass
    return Python(sys.executable, current, False)
