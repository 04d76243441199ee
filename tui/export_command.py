"""`apigw-wizard export`: the configured stack as a CloudFormation template,
a SAM template or a bash script of AWS CLI calls, on stdout or in --out.
Nothing is deployed and no cloud is contacted."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import config as config_mod
from .stack.render import render


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def export(args: argparse.Namespace) -> int:
    try:
        config = config_mod.load(args.config)
    except config_mod.ConfigError as exc:
        for problem in exc.problems:
            _err(problem)
        return 2
    out: Path | None = args.out
    text = render(config, args.format, out.resolve() if out else None)
    if out is None:
        sys.stdout.write(text)
        return 0
    try:
        write(out, text)
    except OSError as exc:
        _err(f"--out {out}: cannot write it ({exc.strerror or exc}); pass --out with a file in a writable folder")
        return 2
    _err(f"Wrote the {args.format} export to {out}")
    return 0


def write(path: Path, text: str) -> None:
    """Whole or not at all: a temporary file beside it, renamed over it.
    Created 0666 less the umask, as any new file (0644 for most users)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
