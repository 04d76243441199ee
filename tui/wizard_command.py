"""`apigw-wizard` with no command: the interactive wizard. A module of its
own so the first frame does not wait for the headless commands' imports
(the stack engine and its kinds, about 60 ms)."""

from __future__ import annotations

import argparse
import sys

from awsrules.privatefiles import default_state_dir


def wizard(args: argparse.Namespace) -> int:
    """Bad flags or config exit 2 before the screen is taken over, so the
    message stays readable."""
    from . import config as config_mod

    config = config_mod.Config()
    if args.config or args.target or args.region or args.profile:
        try:
            config = config_mod.load(args.config).with_overrides(
                target=args.target, region=args.region, profile=args.profile
            )
        except config_mod.ConfigError as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr, flush=True)
            return 2
    from .app import WizardApp
    from .state import WizardState

    state_dir = (args.state_dir or default_state_dir()).expanduser().resolve()
    state = WizardState(config, state_dir, args.port, state_dir_named=args.state_dir is not None)
    try:
        WizardApp(state).run()
    except OSError as err:  # no terminal, or a full or read-only disk: one message, never a traceback
        where = f" {err.filename}" if err.filename else ""
        print(
            f"could not use{where} ({err.strerror or err}); run it in a terminal, with a writable home", file=sys.stderr
        )
        return 1
    return 0
