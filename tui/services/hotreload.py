"""Hot reload: watch code folders or files and, when one changes, update the
functions deployed from it (UpdateFunctionCode), so the next request runs
the saved code with no redeploy.

Which functions: those whose CodeSha256 is the folder's package as it was
(packaging builds the same zip from the same files, so a function deployed
from a folder has exactly that folder's hash); no tag or ledger needed, and
functions made with the AWS CLI from the same zip are found too. After a
reload they carry the new hash, and are remembered by name as well.

Changes come from watchfiles (the OS's file events, not polling), grouped
for STEP_MS after the last one, so an editor's save (write, rename,
chmod) is one reload. Nothing runs per request: the cloud sees only the
UpdateFunctionCode call, and retires the old code's workers as after any
code update."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import functions
from .functions import list_functions as deployed_functions  # paged (paging.py)
from .errors import WizardError, call
from .packaging import _SKIP_DIRS, PackagingError, build
from .session import Cloud

STEP_MS = 20  # quiet time after a change before the reload: an editor's save is several events
DEBOUNCE_MS = 300  # the longest a burst of changes is grouped


@dataclass
class Watched:
    path: Path
    sha: str = ""  # the package's hash as deployed (and after each reload)
    functions: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Reload:
    path: str
    functions: tuple[str, ...]
    elapsed_ms: float  # from the change being seen to the last update answered
    at: float  # time.time() when done
    error: str = ""

    def sentence(self) -> str:
        if self.error:
            return f"Could not reload {self.path}: {self.error}"
        names = ", ".join(self.functions) or "no function"
        return f"Reloaded {names} from {self.path} in {self.elapsed_ms:.0f} ms"


def _relevant(change: str) -> bool:
    parts = Path(change).parts
    return not change.endswith(".pyc") and not any(p in _SKIP_DIRS for p in parts)


class Reloader:
    def __init__(self, cloud: Cloud, paths: list[str], on_reload: Callable[[Reload], None]):
        self.cloud = cloud
        self.on_reload = on_reload
        self.watched = [Watched(Path(p).resolve()) for p in paths]
        self.stop = threading.Event()

    def scan(self) -> dict[str, list[str]]:
        """Each path -> the functions deployed from it as it is now."""
        deployed = deployed_functions(self.cloud)
        out = {}
        for item in self.watched:
            try:
                item.sha = build(str(item.path)).sha256
            except (PackagingError, OSError) as exc:
                raise WizardError(
                    f"watch {item.path}", "PackagingError", str(exc), "Pass a code folder, .py file or .zip."
                ) from None
            item.functions |= {f["FunctionName"] for f in deployed if f.get("CodeSha256") == item.sha}
            out[str(item.path)] = sorted(item.functions)
        return out

    def run(self, on_ready: Callable[[], None] = lambda: None) -> None:
        """Watch until stop is set (another thread, or Ctrl+C in this one).
        `on_ready` once the OS watches the paths: a save from then on is seen
        (one made between scan() and then is caught up here)."""
        import logging

        import watchfiles

        # Its own "KeyboardInterrupt caught, stopping watch" on Ctrl+C: the caller says it stopped.
        logging.getLogger("watchfiles.main").setLevel(logging.ERROR)
        roots = [str(w.path) for w in self.watched]
        ready = False
        for changes in watchfiles.watch(
            *roots,
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=self.stop,
            raise_interrupt=False,
            yield_on_timeout=True,  # an empty set once a second: the first says the watch is on
            rust_timeout=1000,
        ):
            seen = time.monotonic()
            if not ready:
                ready = True
                for item in self.watched:
                    self.reload(item, seen)  # nothing when unchanged since scan()
                on_ready()
            changed = [Path(p) for _kind, p in changes if _relevant(p)]
            for item in self.watched:
                if any(c == item.path or item.path in c.parents for c in changed):
                    self.reload(item, seen)

    def reload(self, item: Watched, seen: float) -> Reload | None:
        try:
            package = build(str(item.path))
        except (PackagingError, OSError) as exc:  # e.g. the folder emptied mid-save: the next save fixes it
            return self._said(Reload(str(item.path), (), 0.0, time.time(), str(exc)))
        if package.sha256 == item.sha:
            return None  # saved unchanged
        try:
            if not item.functions:  # deployed after the watch began: found by the hash it had
                item.functions = {
                    f["FunctionName"] for f in deployed_functions(self.cloud) if f.get("CodeSha256") == item.sha
                }
            for name in sorted(item.functions):
                functions.wait_updated(self.cloud, name)  # AWS refuses an update while one is in progress
                call(
                    f"update the code of the function {name}",
                    self.cloud.client("lambda").update_function_code,
                    FunctionName=name,
                    ZipFile=package.zip_bytes,
                )
        except WizardError as err:
            return self._said(Reload(str(item.path), tuple(sorted(item.functions)), 0.0, time.time(), err.sentence()))
        item.sha = package.sha256
        done = Reload(str(item.path), tuple(sorted(item.functions)), (time.monotonic() - seen) * 1000, time.time())
        return self._said(done)

    def _said(self, reload: Reload) -> Reload:
        self.on_reload(reload)
        return reload
