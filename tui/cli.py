"""Argument parsing and dispatch; the work is in commands.py (headless) and
app.py (the wizard). Exit codes: 0 success, 1 AWS/runtime failure, 2 bad
input."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from . import __version__
from .stack.render import FORMATS as EXPORT_FORMATS
from awsrules.localendpoint import DEFAULT_PORT

DEFAULT_WEB_PORT = 4590  # apigw-wizard serve's browser port


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


def _command(sub: Any, name: str, summary: str, examples: str, notes: str = "") -> argparse.ArgumentParser:
    """A subcommand whose --help opens with one line saying what it does
    and ends with examples, laid out as written."""
    return sub.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        epilog="examples:\n"
        + "\n".join(f"  {line}" for line in examples.strip().splitlines())
        + (f"\n\n{notes.strip()}" if notes else ""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


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
        epilog=(
            "examples:\n"
            "  apigw-wizard                                   # the wizard, in this terminal\n"
            "  apigw-wizard serve                             # the wizard, in a browser tab\n"
            "  apigw-wizard deploy --yes && apigw-wizard test # headless\n"
            "run 'apigw-wizard COMMAND --help' for each command's options and examples"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _common(parser)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    deploy = _command(
        sub,
        "deploy",
        "create (or update) everything headlessly and print the result",
        """
apigw-wizard deploy --yes                          # the tutorial's stack on the local cloud
apigw-wizard deploy --config app.yaml --target aws --region eu-west-1 --json
""",
    )
    _common(deploy)
    deploy.add_argument("--yes", action="store_true", help="do not ask before creating billable AWS resources")
    deploy.add_argument("--json", action="store_true", help="print one JSON object")

    test = _command(
        sub,
        "test",
        "send the config's test request to the deployed API",
        """
apigw-wizard test
apigw-wizard test --method POST --path /my-function -H 'Content-Type: application/json' -d '{"a": 1}'
apigw-wizard test --token      # api.authorizer: a local-cognito JWT or the sample Lambda authorizer
apigw-wizard test --sign       # api.authorizer is type iam
""",
    )
    _common(test)
    test.add_argument("--method", help="HTTP method (default: test.method)")
    test.add_argument("--path", help="path after the invoke URL (default: test.path)")
    test.add_argument(
        "-H", "--header", action="append", default=[], metavar="'NAME: VALUE'", help="request header, repeatable"
    )
    test.add_argument("-d", "--data", help="request body (@FILE reads a file)")
    test.add_argument("--json", action="store_true", help="print status, headers, body, elapsed_ms as JSON")
    test.add_argument(
        "--token",
        action="store_true",
        help="send a token: the local-cognito test user's, or the sample Lambda authorizer's",
    )
    test.add_argument("--sign", action="store_true", help="sign the request (SigV4, execute-api) for IAM routes")

    destroy = _command(
        sub,
        "destroy",
        "delete everything the ledger holds for this config",
        """
apigw-wizard destroy                               # lists what it deletes and asks first
apigw-wizard destroy --config app.yaml --target aws --yes
""",
    )
    _common(destroy)
    destroy.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    export = _command(
        sub,
        "export",
        "write the stack as a CloudFormation or SAM template, or an AWS CLI script",
        """
apigw-wizard export --format sam --out template.yaml
apigw-wizard export --config app.yaml --format cli > create-stack.sh
""",
    )
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

    local = _command(
        sub,
        "local",
        "run the local cloud in the foreground (Ctrl+C to stop)",
        """
apigw-wizard local --port 4580                     # Ctrl+C to stop
eval "$(apigw-wizard local --env)"; aws lambda list-functions
apigw-wizard local --stop                          # stop the one deploy or the wizard started
apigw-wizard local --watch src/                    # save a file in src/: its functions run it at once
""",
    )
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
        "--watch",
        nargs="+",
        metavar="PATH",
        help="code folders or files: when one changes, the functions deployed from it are updated "
        "(hot reload); joins the cloud already running on --port, or starts one",
    )
    local.add_argument(
        "--accept-any-credentials",
        action="store_true",
        help="accept AWS API calls signed with any key, or unsigned (for tools that insist on "
        "dummy keys); every other check stays on",
    )
    _serve_parser(sub)
    return parser


def _serve_parser(sub: Any) -> None:
    serve = _command(
        sub,
        "serve",
        "serve the wizard in a browser tab on this machine (needs the serve extra)",
        f"""
apigw-wizard serve                                 # open the printed URL; Ctrl+C to stop
apigw-wizard serve --web-port 8080 --port 4600 --state-dir /tmp/wizard-state
ssh -L {DEFAULT_WEB_PORT}:127.0.0.1:{DEFAULT_WEB_PORT} HOST                 # on a laptop, then open the URL there
""",
        """
--web-port is the browser's port; --port stays the local cloud's. Each tab runs its own
wizard with these flags. The URL carries a token made for this run: anyone with it can
use your local cloud's keys and AWS credentials, so it listens on loopback only unless
--allow-remote is given.
""",
    )
    _common(serve)
    serve.add_argument(
        "--web-port",
        type=_port,
        default=DEFAULT_WEB_PORT,
        metavar="N",
        help=f"port the browser connects to (default {DEFAULT_WEB_PORT}); not the cloud's --port",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, loopback)")
    serve.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host that is not loopback (plain HTTP: only on a network you trust)",
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "export":  # needs no cloud, so none of commands' imports
        from .export_command import export

        return export(args)
    if args.command == "serve":  # a web server; none of the headless commands' imports
        from .serve_command import serve

        return serve(args)
    if args.command is None:  # the wizard: none of the headless commands' imports before its first frame
        from .wizard_command import wizard

        return wizard(args)
    from . import commands

    try:
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
