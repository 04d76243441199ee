"""`python -m localcloud local --port N --state-dir DIR`: the background
cloud a command starts (daemon.py). It does what `apigw-wizard local`
does, without loading the wizard (~0.15 s), and answers health as soon as
it holds the port, loading moto and the saved state while it serves, so
the command that started it goes on with its own start-up meanwhile."""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

# No automatic collections while moto loads: they found nearly nothing to
# free and cost ~10 % of the start's CPU. Back on once the cloud is warm
# (cloud.py), with everything loaded kept out of later collections.
gc.disable()


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m localcloud")
    parser.add_argument("command", choices=["local"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    from . import client

    why = client.cannot_start(args.port)
    if why:
        _say(why)
        return 1
    from .cloud import LocalCloud, PortInUse
    from .persist import StateError

    try:
        cloud = LocalCloud(args.port, args.state_dir.expanduser().resolve(), quiet=False)
        cloud.take_port()
    except PortInUse as exc:
        _say(f"{exc}; pass --port with a free port.")
        return 1
    except StateError as exc:  # locked by another cloud, or not writable
        _say(str(exc))
        return 1
    except OSError as exc:
        _say(
            f"could not use {exc.filename or 'the state folder'} ({exc.strerror or exc}); free some space or "
            "make it writable, then run the command again"
        )
        return 1
    print(f"Local cloud listening on {cloud.endpoint} (state in {cloud.state_dir}); Ctrl+C to stop", flush=True)
    print(
        f'  AWS API calls:  eval "$(apigw-wizard local --env --port {cloud.port})", then aws/boto3/terraform',
        flush=True,
    )
    print(f"  Invoke URLs:    {cloud.endpoint}/_aws/execute-api/<api-id>/<path>", flush=True)
    print(f"              or  http://<api-id>.execute-api.localhost:{cloud.port}/<path>", flush=True)
    cloud.serve_forever(early=True)
    print("Local cloud stopped.", flush=True)
    return 1 if cloud.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
