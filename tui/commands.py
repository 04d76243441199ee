"""The headless commands: deploy, test, destroy, local. Progress goes to
stderr, results to stdout, errors to stderr as one clear sentence."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import Any

from . import config as config_mod
from .stack.engine import Deployer, Event
from .stack.scope import open_ledger
from .services.errors import WizardError
from .stack.ledger import LedgerError, default_state_dir

_MARKS = {"created": "+", "updated": "~", "reused": "=", "deleted": "-", "info": " ", "start": ">", "done": "*"}


class _Exit(Exception):
    def __init__(self, code: int):
        self.code = code


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _progress(event: Event) -> None:
    if event.status != "start":
        _err(f"  {_MARKS.get(event.status, ' ')} {event.message}")


def _load(args: argparse.Namespace) -> config_mod.Config:
    try:
        config = config_mod.load(args.config)
        return config.with_overrides(target=args.target, region=args.region, profile=args.profile)
    except config_mod.ConfigError as exc:
        for problem in exc.problems:
            _err(problem)
        raise _Exit(2) from None


def _state_dir(args: argparse.Namespace) -> Path:
    return (args.state_dir or default_state_dir()).expanduser().resolve()


def _guard(func: Any) -> Any:
    """Map every failure to its exit code with one message, no traceback."""

    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except _Exit as stop:
            return stop.code
        except WizardError as err:
            _err(err.sentence())
            return 1
        except LedgerError as err:
            _err(str(err))
            return 1
        except OSError as err:  # a full or read-only disk: say which file, never a traceback
            where = f" {err.filename}" if err.filename else ""
            _err(
                f"could not use{where} ({err.strerror or err}); free some space or make it writable, "
                "then run the command again"
            )
            return 1

    return run


def _connect(args: argparse.Namespace, config: config_mod.Config) -> Any:
    from .targets import connect, started_note

    early = getattr(args, "early_cloud", None)
    if early is not None:
        early.join()  # the cloud it started (or why it could not) is connect's to see
        if early.started and config.target == "local":
            _err(started_note(args.port))
    conn = connect(config, _state_dir(args), args.port, per_port=args.state_dir is None)
    for note in conn.notes:
        _err(note)
    return conn


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        _err(f"{question} Pass --yes to confirm when not running interactively.")
        raise _Exit(2)
    answer = input(f"{question} [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        _err("Nothing was changed.")
        raise _Exit(1)


@_guard
def deploy(args: argparse.Namespace) -> int:
    from .earlystart import start

    args.early_cloud = early = start(args, _state_dir(args))
    try:
        config = _load(args)
    except _Exit:
        if early is not None:
            early.undo()
        raise
    conn = _connect(args, config)
    ident = conn.cloud.identity()
    _err(
        f"Deploying {config.function.name} + {config.api.name} to {conn.cloud.target.describe()}, "
        f"account {ident.account}"
    )
    if config.target == "aws":
        _confirm(f"This creates real AWS resources in account {ident.account} ({config.region}).", args.yes)
    ledger = open_ledger(conn.cloud, config, conn.state_dir, lock=True, on_wait=_err)
    result = Deployer(conn.cloud, config, ledger, _progress, conn.url_for).run()
    if args.json:
        print(json.dumps(result.as_json(), indent=2))
        return 0
    print(f"Function    {result.function_arn}")
    print(f"Role        {result.role_arn}")
    print(f"API         {result.api_id} ({result.api_endpoint})")
    print(f"Routes      {', '.join(result.routes)}")
    print(f"Stage       {result.stage}{' (auto-deploy)' if config.api.auto_deploy else ''}")
    print(f"Invoke URL  {result.invoke_url}")
    print(f"Try it      {_try_it(config, result)}")
    if result.function_alias_arn or result.function_version:
        print(f"Version     {result.function_version or '$LATEST'}  {result.function_alias_arn}".rstrip())
    if result.function_url:
        print(f"Function URL {result.function_url_local or result.function_url}")
    if result.access_log_group:
        print(f"Access logs aws logs tail {result.access_log_group}")
    if result.api_key_id:  # the id only: the value is a secret (`apigw-wizard test` sends it)
        print(f"API key     {result.api_key_id} (send x-api-key; apigw-wizard test does)")
    return 0


def _deployed_url(conn: Any, config: config_mod.Config, ledger: Any) -> str:
    from .services import http_api

    if config.api.type == "rest":
        from .services import rest_api

        found = ledger.find("AWS::ApiGateway::RestApi")
        rest = rest_api.get_rest_api(conn.cloud, found.id) if found else None
        api = {"ApiId": rest["id"], "ApiEndpoint": rest_api.endpoint(conn.cloud.region, rest["id"])} if rest else None
    else:
        recorded = ledger.find("AWS::ApiGatewayV2::Api")
        api = http_api.get_api(conn.cloud, recorded.id) if recorded else None
    if api is None:
        raise WizardError(
            "find the deployed API",
            "NotDeployed",
            f"nothing is deployed for {config.function.name} + {config.api.name} on this target",
            "Run 'apigw-wizard deploy' with the same --config and --target first.",
        )
    return conn.url_for(api.get("ApiEndpoint", ""), api["ApiId"], config.api.stage)


def _body(data: str | None) -> bytes:
    if data is None:
        return b""
    if data.startswith("@"):
        try:
            return Path(data[1:]).read_bytes()
        except OSError as exc:
            _err(f"--data: cannot read {data[1:]} ({exc.strerror}); pass an existing file after @")
            raise _Exit(2) from None
    return data.encode()


def _headers(raw: list[str]) -> tuple[tuple[str, str], ...]:
    out = []
    for item in raw:
        name, sep, value = item.partition(":")
        if not sep or not name.strip():
            _err(f"--header: {item!r} is not a header; allowed: 'Name: value'")
            raise _Exit(2)
        out.append((name.strip(), value.strip()))
    return tuple(out)


def _try_it(config: config_mod.Config, result: Any) -> str:
    """The command that tries the API as its type is tried: a WebSocket
    client for a WebSocket API; the key-sending `test` where curl alone
    would get 403 Forbidden."""
    if config.api.type == "websocket":
        message = '{"action": "sendmessage", "data": "hi"}'
        return f"python -m websockets {result.invoke_url}   then type {message}"
    if config.api.api_key:
        where = f" --config {shlex.quote(str(config.source))}" if config.source else ""
        return f"apigw-wizard test{where}   (sends the API key; curl without x-api-key gets 403 Forbidden)"
    return f"curl -i {result.test_url}"


@_guard
def test(args: argparse.Namespace) -> int:
    from . import fields
    from .services.tester import TestRequest, send

    config = _load(args)
    if config.api.type == "websocket":
        return _test_websocket(args, config)
    try:
        method = fields.test_method(args.method or config.test.method)
        path = fields.test_path(args.path or config.test.path)
    except fields.FieldError as exc:
        _err(f"--method/--path: {exc}")
        return 2
    headers, body = _headers(args.header), _body(args.data)
    conn = _connect(args, config)
    ledger = open_ledger(conn.cloud, config, conn.state_dir)
    url = _deployed_url(conn, config, ledger).rstrip("/") + path
    if config.api.type == "rest" and config.api.api_key:
        from .services.apikey import header

        headers = (*headers, header(conn.cloud, ledger))  # the value is a secret: sent, never printed
    if args.token or args.sign:
        from .services import testauth

        if args.token:
            headers = (*headers, testauth.bearer(conn.cloud, ledger, config.api.authorizer))
        if args.sign:
            headers = testauth.sign(conn.cloud, method, url, headers, body)
    reply = send(TestRequest(method, url, headers, body))
    if args.json:
        print(json.dumps(reply.as_json(), indent=2))
    else:
        _err(f"{method} {url}")
        print(f"{reply.status} {reply.reason}  ({reply.elapsed_ms:.0f} ms)")
        print(reply.text)
    return 0 if reply.status < 400 else 1


def _test_websocket(args: argparse.Namespace, config: config_mod.Config) -> int:
    """Connect to the stage, send the test message (or --data), print the frames."""
    from .services import ws_tester

    if args.method or args.path:
        _err("--method and --path are for HTTP and REST APIs; a WebSocket test sends one message (-d to choose it).")
    conn = _connect(args, config)
    url = ws_tester.websocket_url(_deployed_url(conn, config, open_ledger(conn.cloud, config, conn.state_dir)))
    message = _body(args.data).decode("utf-8", "replace") if args.data else ws_tester.TEST_MESSAGE
    try:
        reply = ws_tester.exchange(url, message)
    except OSError as exc:  # TimeoutError too: nothing answered the upgrade
        _err(f"Could not connect to {url} ({exc}); is the API deployed and the target running? Deploy, then retry.")
        return 1
    if args.json:
        print(json.dumps(reply.as_json(), indent=2))
    else:
        _err(f"WebSocket {url}")
        print("\n".join(reply.lines()))
    return 0 if reply.connected else 1


@_guard
def destroy(args: argparse.Namespace) -> int:
    from .stack.destroy import describe, destroy as run_destroy, plan

    config = _load(args)
    conn = _connect(args, config)
    ledger = open_ledger(conn.cloud, config, conn.state_dir, lock=True, on_wait=_err)
    doomed = plan(ledger)
    if not doomed:
        print(
            f"Nothing to delete: the ledger for {config.function.name} + {config.api.name} "
            f"on {conn.cloud.target.describe()} is empty."
        )
        return 0
    if not args.yes:  # the list goes with the question; with --yes the progress lines are the list
        _err("This deletes: " + "; ".join(describe(r) for r in doomed))
    _confirm(f"Delete these {len(doomed)} resources?", args.yes)
    deleted = run_destroy(conn.cloud, ledger, _progress)
    # Each deletion was printed as it happened (stderr); the result is the count.
    print(f"Deleted {len(deleted)} resources for {config.function.name} + {config.api.name}.")
    return 0


@_guard
def local(args: argparse.Namespace) -> int:
    from localcloud import client

    if args.env:
        return _print_env(args)
    if args.watch and not args.stop:
        from .watch_command import watch

        return watch(args, _state_dir(args))
    if args.stop:
        stopped = client.stop(args.port)
        print(
            f"Stopped the local cloud on port {args.port}."
            if stopped
            else f"No local cloud of yours was running on port {args.port}."
        )
        return 0
    why = client.cannot_start(args.port)
    if why:
        _err(why)
        return 1
    state_dir = _state_dir(args)
    if args.state_dir is None:  # one folder per port, as for a cloud the wizard or deploy starts
        state_dir = client.state_dir_for(args.port, state_dir)
    try:
        cloud = client.serve(args.port, state_dir, accept_any_credentials=args.accept_any_credentials)
    except client.CannotServe as exc:
        _err(str(exc))
        return 1
    print(f"Local cloud listening on {cloud.endpoint} (state in {cloud.state_dir}); Ctrl+C to stop", flush=True)
    print(
        f'  AWS API calls:  eval "$(apigw-wizard local --env --port {cloud.port})", then aws/boto3/terraform',
        flush=True,
    )
    print(f"  Invoke URLs:    {cloud.endpoint}/_aws/execute-api/<api-id>/<path>", flush=True)
    print(f"              or  http://<api-id>.execute-api.localhost:{cloud.port}/<path>", flush=True)
    if args.accept_any_credentials:
        print(
            "  WARNING: --accept-any-credentials: AWS API calls are not checked for this user's key; "
            "anyone who can reach the port can use it.",
            flush=True,
        )
    for missing in cloud.edge.protections_off:
        print(f"  Sandbox protection off: {missing}", flush=True)
    cloud.serve_forever()  # uvicorn stops cleanly on Ctrl+C and SIGTERM
    print("Local cloud stopped.", flush=True)
    return 0


def _print_env(args: argparse.Namespace) -> int:
    """export lines that point the AWS CLI, SDKs and Terraform at the local
    cloud with this user's key pair (made on first use)."""
    import os
    import shlex

    from awsrules.localendpoint import HOST
    from localcloud.client import OwnerError, load_credentials

    try:
        creds = load_credentials()
    except OwnerError as exc:
        _err(str(exc))
        return 1
    assert creds is not None
    region = args.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    # A profile or session token left in the shell would mix with these keys.
    print("unset AWS_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN")
    for name, value in creds.env(f"http://{HOST}:{args.port}", region).items():
        print(f"export {name}={shlex.quote(value)}")
    return 0
