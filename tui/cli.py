"""Argument parsing and dispatch; the work is in commands.py (headless) and
app.py (the wizard). Exit codes: 0 success, 1 AWS/runtime failure, 2 bad
input."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .stack.render import FORMATS as EXPORT_FORMATS
from awsrules.localendpoint import DEFAULT_PORT


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One clear line and exit 2, as for every other bad input.
        self.exit(2, f"{self.prog}: {message}; see '{self.prog} --help'\n")


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number; allowed: 1 to 65535") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is out of range; allowed: 1 to 65535")
    return value


def _common(parser: argparse.ArgumentParser, config_required: bool = False) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        required=config_required,
        metavar="FILE",
        help="YAML config (see sample_config.yaml); defaults to the tutorial's choices",
    )
    parser.add_argument("--target", choices=("local", "aws"), help="local cloud (default) or AWS")
    parser.add_argument("--profile", help="AWS profile (aws target)")
    parser.add_argument("--region", help="AWS region, e.g. us-east-1")
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"local cloud port (default {DEFAULT_PORT})")
    parser.add_argument(
        "--state-dir",
        type=Path,
        metavar="DIR",
        help="where ledgers and local cloud state live (default: $XDG_DATA_HOME/apigw-wizard)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="apigw-wizard",
        description=(
            "Create a Lambda function behind an HTTP API, as the AWS console tutorial does, "
            "on a Docker-free local cloud (default) or on AWS."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _common(parser)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    deploy = sub.add_parser("deploy", help="create (or update) everything headlessly and print the result")
    _common(deploy)
    deploy.add_argument("--yes", action="store_true", help="do not ask before creating billable AWS resources")
    deploy.add_argument("--json", action="store_true", help="print one JSON object")

    test = sub.add_parser("test", help="send the config's test request to the deployed API")
    _common(test)
    test.add_argument("--method", help="HTTP method (default: test.method)")
    test.add_argument("--path", help="path after the invoke URL (default: test.path)")
    test.add_argument(
        "-H", "--header", action="append", default=[], metavar="'NAME: VALUE'", help="request header, repeatable"
    )
    test.add_argument("-d", "--data", help="request body (@FILE reads a file)")
    test.add_argument("--json", action="store_true", help="print status, headers, body, elapsed_ms as JSON")

    destroy = sub.add_parser("destroy", help="delete everything the ledger holds for this config")
    _common(destroy)
    destroy.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    export = sub.add_parser("export", help="write the stack as a CloudFormation or SAM template, or an AWS CLI script")
    export.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="YAML config (see sample_config.yaml); defaults to the tutorial's choices",
    )
    export.add_argument(
        "--format",
        required=True,
        choices=EXPORT_FORMATS,
        help="cloudformation (a template), sam (a SAM template) or cli (a bash script)",
    )
    export.add_argument("--out", type=Path, metavar="FILE", help="write it to FILE instead of stdout")

    local = sub.add_parser("local", help="run the local cloud in the foreground")
    local.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    local.add_argument("--state-dir", type=Path, metavar="DIR", help="where its state lives")
    local.add_argument("--stop", action="store_true", help="stop the local cloud running on --port")
    local.add_argument(
        "--env",
        action="store_true",
        help="print export lines (endpoint, key pair, region) for the AWS CLI, SDKs and Terraform: "
        'eval "$(apigw-wizard local --env)"',
    )
    local.add_argument("--region", default=None, help="region for --env (default $AWS_REGION or us-east-1)")
    local.add_argument(
        "--accept-any-credentials",
        action="store_true",
        help="accept AWS API calls signed with any key, or unsigned (for tools that insist on "
        "dummy keys); every other check stays on",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "export":  # needs no cloud, so none of commands' imports
        from .export_command import export

        return export(args)
    from . import commands

    try:
        if args.command is None:
            return commands.wizard(args)
        return int(getattr(commands, args.command)(args))
    except KeyboardInterrupt:
        print("Interrupted. Run the same command again to resume; 'destroy' removes what was created.", file=sys.stderr)
        return 130


# One-shot commands end here: everything they write is written and closed
# (ledgers are fsynced as they change), so the interpreter's teardown, about
# 120 ms of freeing boto3's objects, is skipped. Not for the wizard (Textual
# restores the terminal at exit) nor the foreground local cloud.
_ONE_SHOT = frozenset({"deploy", "test", "destroy", "export"})


def run() -> None:
    """The console script's entry point."""
    argv = sys.argv[1:]
    code = main(argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    if command in _ONE_SHOT:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    raise SystemExit(code)


if __name__ == "__main__":
    run()
