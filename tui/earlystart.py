"""Start the local cloud while the command reads its config and loads boto3.

A deploy from nothing used to load the config (which reads botocore's
Lambda model), import boto3, and only then start the cloud and wait for it:
the two are independent, so the cloud now boots alongside. Whatever goes
wrong here is left for `targets.connect`, which meets the same problem
and says it properly, after it has waited for this thread."""

from __future__ import annotations

import argparse
import threading
from pathlib import Path


def peek_target(config_file: Path | None) -> str | None:
    """The config's target without validating anything (validation is the
    loader's job): None when the file is not a YAML mapping at all."""
    if config_file is None:
        return "local"
    try:
        import yaml

        data = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    except Exception:
        return None  # unreadable or not YAML: the loader reports it
    if not isinstance(data, dict):
        return None
    return "aws" if data.get("target") == "aws" else "local"


class EarlyCloud:
    """A thread that makes sure this user's cloud runs on args.port. Join it
    before connecting; `undo()` stops the cloud again if this run started it
    and then met bad input (a failed command leaves nothing running)."""

    def __init__(self, port: int, state_dir: Path, per_port: bool = True):
        self.port = port
        self.state_dir = state_dir
        self.per_port = per_port  # False: the person named the state dir
        self.started = False
        self.thread = threading.Thread(target=self._run, name="early-local-cloud", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            from localcloud import client

            client.load_credentials()  # before the cloud starts: both must read the same key pair
            if client.health(self.port) is None:
                where = client.state_dir_for(self.port, self.state_dir) if self.per_port else self.state_dir
                client.start_background(self.port, where)
                self.started = True
        except Exception:  # noqa: S110 - connect() reports it, with the next step
            pass

    def join(self) -> None:
        self.thread.join()

    def undo(self) -> None:
        self.join()
        if self.started:
            from localcloud import client

            client.stop(self.port)


def start(args: argparse.Namespace, state_dir: Path) -> EarlyCloud | None:
    """Begin making sure the cloud runs (None for the aws target, or a
    config that is not even YAML: the loader will refuse it)."""
    target = args.target or peek_target(args.config)
    return EarlyCloud(args.port, state_dir, per_port=args.state_dir is None) if target == "local" else None
