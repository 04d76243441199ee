"""`apigw-wizard local --watch PATH...`: hot reload (services/hotreload.py)
for the local cloud on --port, started in the background if none is
running, as deploy starts it. Runs in the foreground until Ctrl+C; the
cloud keeps running after it."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .config import Config


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def watch(args: argparse.Namespace, state_dir: Path) -> int:
    from .services.hotreload import Reload, Reloader
    from .targets import connect

    paths = []
    for raw in args.watch:
        path = Path(raw).expanduser().resolve()
        if not path.is_dir() and path.suffix not in (".py", ".zip") or not path.exists():
            _err(
                f"--watch: {raw!r} is not a code folder, .py file or .zip ({path} "
                f"{'does not exist' if not path.exists() else 'is another kind of file'}); "
                "allowed: the function.code of a deployed function"
            )
            return 2
        paths.append(str(path))
    conn = connect(Config(), state_dir, args.port, per_port=args.state_dir is None)
    for note in conn.notes:
        _err(note)

    def said(reload: Reload) -> None:
        print(f"{time.strftime('%H:%M:%S')} {reload.sentence()}", flush=True)

    reloader = Reloader(conn.cloud, paths, said)
    for watched, names in reloader.scan().items():
        if names:
            print(f"Watching {watched}: {', '.join(names)}", flush=True)
        else:
            print(
                f"Watching {watched}: no function has this code yet; once deployed from it "
                "(apigw-wizard deploy), its next change reloads it",
                flush=True,
            )
    reloader.run(
        lambda: print("Save a file to reload; Ctrl+C to stop watching (the local cloud keeps running).", flush=True)
    )  # returns on Ctrl+C
    print("Stopped watching.", flush=True)
    return 0
