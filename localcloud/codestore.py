"""Each function version's code on disk: extracted once from its zip under
<state>/code/<folder>, compiled once by the cloud into its own __pycache__,
then made read-only (0444 files, 0555 folders and executables). Workers never write bytecode
(worker.py), so no cache is shared writable between functions, and nothing
that runs the code can change it."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import threading
import zipfile
from pathlib import Path
from typing import Callable

from .functioninfo import FunctionInfo
from .retention import folder_name


class CodeStore:
    def __init__(self, root: Path):
        self.root = root
        self._extract_guard = threading.Lock()
        self._extracting: dict[str, threading.Lock] = {}

    def task_root(self, info: FunctionInfo, load: Callable[[FunctionInfo], bytes]) -> Path:
        """The code, extracted once per version (atomically). Concurrent
        cold starts of one version wait for a single extraction; `load`
        gives the zip, and is called only when the folder is missing."""
        name = folder_name(info.code_sha)  # the pruner (retention.py) finds it by the same name
        root = self.root / name
        if root.exists():
            return root
        with self._extract_guard:
            lock = self._extracting.setdefault(name, threading.Lock())
        with lock:
            if not root.exists():
                extract(load(info), root)
        return root


def extract(data: bytes, root: Path) -> None:
    """Extract, compile to bytecode once (workers never write it), then
    make it all read-only on disk, so nothing that runs it can change it."""
    import compileall

    from awsrules.zipsafety import safe_names

    root.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{root.name}.", suffix=".tmp", dir=root.parent))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            safe_names(archive)  # refuses entries that escape the folder
            archive.extractall(tmp)
            executable = _executables(archive)
        compileall.compile_dir(str(tmp), quiet=2, ddir=str(root), workers=1)
        for folder, _dirs, files in os.walk(tmp, topdown=False):
            for name in files:
                path = os.path.join(folder, name)
                mode = 0o555 if os.path.relpath(path, tmp) in executable else 0o444
                os.chmod(path, mode, follow_symlinks=False)
            os.chmod(folder, 0o555)
        tmp.rename(root)
    finally:
        if tmp.exists():
            for folder, _dirs, _files in os.walk(tmp):
                os.chmod(folder, 0o700)  # so that it can be removed
            shutil.rmtree(tmp, ignore_errors=True)


def _executables(archive: zipfile.ZipFile) -> set[str]:
    """Entries the zip marks executable (unix mode bits in external_attr),
    as Lambda keeps them: a custom runtime's bootstrap must be executable."""
    return {
        os.path.normpath(entry.filename)
        for entry in archive.infolist()
        if not entry.is_dir() and (entry.external_attr >> 16) & 0o111
    }
