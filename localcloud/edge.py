"""The local cloud's single endpoint (like LocalStack's edge port), as an
ASGI app: execute-api requests go to the gateway, Lambda function URLs to
lambdaurl/, Lambda Invoke to the runtime, the API Gateway and Lambda calls
moto gets wrong to the control plane, and every other AWS API call to moto."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import sys
import time
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, unquote

from . import gate, invoke_api, rolecreds
from .apigatewayv2 import events
from .apigateway.gateway import RestGateway
from .apigatewayv2.accesslog import AccessLogs
from .apigatewayv2.iamauth import IamAuth
from .asgi import MAX_CONTROL_BYTES, Disconnected, Replay, TooLarge, clock, printable, read_body, respond
from .client import HEALTH_PATH, INVOCATIONS_PATH, SERVICE_NAME, SHUTDOWN_PATH
from .controlplane import ControlPlane
from .apigatewayv2.deployments import Deployments
from .apigatewayv2.errors import gateway_error
from .apigatewayv2.gateway import MAX_REQUEST_BYTES, Gateway
from .inspection import RecentRequests
from .lambda_replies import LambdaReplies
from .lambdaurl import service as lambdaurl
from .logsink import LogSink
from .metrics import MetricRecorder
from .metricsmoto import install as install_metrics
from .moto_bridge import Moto, WsgiReply
from .awserrors import error_reply
from .operations import classify, is_read
from .persist import SaveFailed, Store
from .retention import trim_logs
from .snapshots import ControlSaver
from .statelock import cloud_id
from .runtime import Runtime
from .sigv4 import SignatureError
from .websocket import WebSockets

ADMIN_PREFIX = "/_apigw-wizard/"
MOTO_API_PREFIX = "/moto-api"
EXECUTE_API_PREFIX = "/_aws/execute-api/"
_HOST_FORM = re.compile(r"^([a-z0-9]+)\.execute-api\.localhost(?::\d+)?$")
_INVOKE = re.compile(r"^/2015-03-31/functions/([^/]+)/invocations$")
# Paths whose calls controlplane.py may answer itself (what moto gets wrong).
_CONTROLLED = ("/v2/", "/restapis", "/usageplans", "/2015-03-31/functions/", "/2021-10-31/functions/")


class Edge:
    def __init__(self, state_dir: Path, port: int, request_log: Callable[[str], None] = lambda _l: None):
        self.port = port
        self.state_dir = state_dir
        self.gate = gate.Gate.for_owner(port)  # before moto loads: it turns moto's global CORS off
        self.protections_off: list[str] = []  # sandbox mechanisms this kernel lacks, for health
        self.log = request_log
        self.moto = Moto()
        self.store = Store(state_dir)
        self.cloud_id = cloud_id(state_dir)
        extra, good = self.store.load() or ({}, b"")
        self.deployments: Deployments = extra.get("deployments") or Deployments()
        self.control = ControlPlane(self.moto, self.deployments, port)
        self.control.managed = extra.get("managed", set())
        self._local_endpoints()
        self.sink = LogSink(self.moto)
        damaged_logs = self.store.load_logs()
        if damaged_logs:
            print(f"local cloud: {damaged_logs}", file=sys.stderr, flush=True)

        def restored(saved: dict[str, Any]) -> None:
            # A failed save put the backends back; ours follow in place, since
            # the gateway and control plane hold these very objects.
            self.deployments.__dict__.update((saved.get("deployments") or Deployments()).__dict__)
            self.control.managed = saved.get("managed", set())
            self._local_endpoints()
            self.moto.bump()

        self.saver = ControlSaver(
            self.store,
            self.moto.lock,
            lambda: {"deployments": self.deployments, "managed": self.control.managed},
            restored,
            lambda line: print(line, file=sys.stderr, flush=True),
        )
        self.saver.good = good
        self.runtime = Runtime(state_dir, f"http://127.0.0.1:{port}", self.sink)
        self.runtime.code_loader = self._code
        self.lambdas = LambdaReplies(self.moto, self.runtime.task_root)  # Lambda's lifecycle and fields
        self.access_logs = AccessLogs(self.sink)  # stages' AccessLogSettings (apigatewayv2/accesslog.py)
        self.metrics = MetricRecorder()  # CloudWatch's AWS/ApiGateway and AWS/Lambda figures (metrics.py)
        self.runtime.metrics = self.metrics
        self.roles = rolecreds.RoleSessions(self.gate.keys)
        self.runtime.role_credentials = self._role_credentials
        iam = IamAuth(self.gate.keys, self.gate.owner_key, self.roles, self.moto)  # AWS_IAM routes
        self.gateway = Gateway(self.moto, self.runtime, self.deployments, port, iam)
        self.rest = RestGateway(self.moto, self.gateway.views, self.runtime, port, self.metrics)  # REST APIs
        self.function_urls = lambdaurl.FunctionUrls.of(self)  # after the roles, gate and runtime it uses
        self.shutdown: Callable[[], None] = lambda: None
        self.logs_dirty = False
        self.last_request = 0.0
        self.recent = RecentRequests()  # for the test screen (inspection.py)
        self.websockets = WebSockets(self)  # WebSocket APIs' connections and @connections (websocket/)

    def _local_endpoints(self) -> None:
        """API endpoints point at this port (it may differ after a restart)."""
        from moto.apigatewayv2.models import apigatewayv2_backends

        for account in apigatewayv2_backends.values():
            for backend in account.values():
                for api in backend.apis.values():
                    api.api_endpoint = self.control.local_endpoint(api.api_id, api.protocol_type == "WEBSOCKET")

    def _code(self, info: Any) -> bytes:
        with self.moto.lock:
            fn = self.moto.find_function(info.region, info.arn)  # a version's ARN is qualified: its own code
            if fn is None:
                raise FileNotFoundError(f"function {info.name} no longer exists")
            return bytes(fn.code_bytes)

    def save(self) -> None:
        """Persist the control plane now (at shutdown); a failure is logged."""
        self.saver.save_now()

    def save_logs(self, flush: bool = True) -> None:
        """Store, trim and persist logs. Taking from the sink belongs to the
        event loop thread: from another thread pass flush=False, having
        called sink.take() there. Raises OSError if the file cannot be written."""
        if flush:
            self.sink.take()
        self.sink.store()
        with self.moto.lock:
            trim_logs(self.moto)
            records = self.store.logs_records()
        self.store.write_logs(records)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.websockets.serve(scope, receive, send) if scope["type"] == "websocket" else None
        started = time.perf_counter()
        method, path = scope["method"], scope["path"]
        # uvicorn hands names over lowercased already. x-moto-* would let a
        # caller pick moto's account or options: never passed on.
        # moto reads "_" and "-" alike in header names, so both spellings go.
        headers = [
            (k.decode("latin-1"), v.decode("utf-8", "replace"))
            for k, v in scope["headers"]
            if not k.replace(b"_", b"-").startswith(b"x-moto-")
        ]
        head = dict(headers)
        hosts = [v for k, v in headers if k == "host"]
        host = hosts[0] if len(hosts) == 1 else ""  # none, or two to choose from: refused
        kind = "aws"
        why = ""  # API Gateway's own reason for an error answer, for the request log
        try:
            target = data_plane_target(host, path) if self.gate.host_allowed(host) else None
            if not self.gate.host_allowed(host):
                kind, why = "refused", f"Host {host!r} is not one of this cloud's names (DNS rebinding?)"
                status = await _answer(send, gate.forbidden("Forbidden"))
            elif target is not None:
                kind = "execute-api"
                manage = self.websockets.management
                serve = manage.serve if manage.owns(*target) else self._execute_api
                status, why = await serve(scope, receive, send, *target, headers)
            elif (url := lambdaurl.target(host, lambdaurl.raw_path(scope))) is not None:
                kind = "lambda-url"  # public as on AWS: the URL's AuthType and policy decide (lambdaurl/)
                status, why = await lambdaurl.serve(self, scope, receive, send, url, headers)
            elif (foreign := self.gate.foreign_origin(headers)) is not None:
                kind, why = "refused", f"a page on {foreign!r} may not use this cloud's AWS or admin APIs"
                status = await _answer(send, gate.forbidden("Forbidden"))
            elif path.startswith(MOTO_API_PREFIX):
                kind, why = "refused", "moto's own API is not served"
                status = await _answer(
                    send, gate.Answer(404, [("content-type", "application/json")], b'{"message":"Not Found"}')
                )
            else:
                kind, status, why = await self._signed(scope, receive, send, headers, head)
        except TooLarge:
            status, too_large = 413, gateway_error(413)  # the body outgrew its quota while it was read
            await respond(send, status, too_large.headers, too_large.body)
        except Disconnected:
            status = 499
        except Exception as exc:  # noqa: BLE001 - a bug must cost one request, never the cloud
            status = 500
            import traceback

            self.log("".join(traceback.format_exception(exc)).rstrip())
            body = (
                b'{"message":"Internal Server Error"}'
                if kind in ("execute-api", "lambda-url")
                else json.dumps({"message": f"local cloud error: {type(exc).__name__}: {exc}"}).encode()
            )
            with contextlib.suppress(Exception):
                await respond(
                    send, 500, [("content-type", "application/json"), ("x-amzn-errortype", "InternalFailure")], body
                )
        self.log_request(method, path, status, started, kind, why)

    async def _signed(
        self, scope: dict[str, Any], receive: Any, send: Any, headers: list[tuple[str, str]], head: dict[str, str]
    ) -> tuple[str, int, str]:
        """AWS API calls and admin paths: (kind, status, why) once the
        signature is checked; health answers everyone, with its details
        and ownership proof for the owner."""
        method, path = scope["method"], scope["path"]
        body = await read_body(receive, MAX_CONTROL_BYTES)
        raw_path = (scope.get("raw_path") or path.encode()).decode("latin-1")
        query = scope["query_string"].decode("latin-1")
        admin = path.startswith(ADMIN_PREFIX)
        if path == HEALTH_PATH:
            return "health", await self._health(send, method, raw_path, query, headers, body), ""
        try:
            signed = self.gate.check(method, raw_path, query, headers, body, owner_only=admin)
            if signed.access_key and signed.access_key != self.gate.owner_key:
                rolecreds.authorize(self.roles, self.moto, signed, method, path, query, headers, body)
        except SignatureError as err:
            protocol = gate.protocol_of(head, query, body, gate.signed_service(head))
            status = await _answer(send, gate.error_answer(err.code, protocol, err.detail, err.access_key))
            if err.code == "DENIED":
                return "refused", status, f"a handler's role does not allow it: {err.detail}"
            return (
                "refused",
                status,
                (
                    f"not signed with this cloud's key ({err.detail}); for other tools run: "
                    f'eval "$(apigw-wizard local --env --port {self.port})"'
                ),
            )
        replay = Replay(body, receive)
        if path.startswith(INVOCATIONS_PATH) and method == "GET":
            return "inspect", await self.recent.answer(send, path[len(INVOCATIONS_PATH) :]), ""
        if path == SHUTDOWN_PATH and method == "POST":
            await respond(send, 202, [], b"")
            self.shutdown()
            return "admin", 202, ""
        if admin:
            await respond(send, 404, [("content-type", "application/json")], b'{"message":"Not Found"}')
            return "admin", 404, ""
        invoke = _INVOKE.match(path)
        if invoke and method == "POST":
            return "lambda:Invoke", await self._invoke(scope, replay, send, unquote(invoke.group(1)), headers), ""
        return "aws", await self._aws(scope, replay, send, headers), ""

    def _role_credentials(self, info: Any) -> tuple[str, str, str]:
        """For the runtime: the session key of the function's execution role."""
        session = self.roles.issue(info.arn, info.name, info.role)
        return session.access_key, session.secret, session.token

    async def _health(
        self, send: Any, method: str, raw_path: str, query: str, headers: list[tuple[str, str]], body: bytes
    ) -> int:
        """Anyone learns that this is a local cloud and gets the proof for
        its nonce (only the owner's cloud can make it); the owner, signing
        the request, also gets the details."""
        nonce = parse_qs(query).get("nonce", [""])[0][:128]
        answer: dict[str, Any] = {"service": SERVICE_NAME}
        if nonce:
            answer["proof"] = self.gate.proof(nonce)
        with contextlib.suppress(SignatureError):
            self.gate.check(method, raw_path, query, headers, body, owner_only=True)
            answer.update(self.health_details())
        await respond(send, 200, [("content-type", "application/json")], json.dumps(answer).encode())
        return 200

    def health_details(self) -> dict[str, Any]:
        """For the owner: where the state lives (every client keeps its
        ledger beside the resources it records, whichever --state-dir it
        was given) and which protections are off."""
        return {
            "port": self.port,
            "state_dir": str(self.state_dir.parent),
            "cloud_id": self.cloud_id,
            "protections_off": list(self.protections_off),
        }

    def log_request(self, method: str, path: str, status: int, started: float, kind: str, why: str = "") -> None:
        """One line per request; `why` is API Gateway's reason for an error
        it answered itself. Control characters in what a client sent are
        escaped: a path must not forge a log line or drive the terminal."""
        self.last_request = time.monotonic()
        self.log(
            f"{clock()} {method} {printable(path)} -> {status} "
            f"({(time.perf_counter() - started) * 1000:.1f} ms) [{kind}]" + (f" {printable(why)}" if why else "")
        )

    # -- execute-api -------------------------------------------------------
    async def _execute_api(
        self, scope: dict[str, Any], receive: Any, send: Any, api_id: str, path: str, headers: list[tuple[str, str]]
    ) -> tuple[int, str]:
        length = next((v for k, v in headers if k == "content-length"), "0")
        if length.isdigit() and int(length) > MAX_REQUEST_BYTES:
            raise TooLarge
        body = await read_body(receive, MAX_REQUEST_BYTES)
        client = scope.get("client") or ("127.0.0.1", 0)
        request = events.HttpRequest(
            scope["method"],
            path,
            scope["query_string"].decode("latin-1"),
            headers,
            body,
            client[0],
            f"HTTP/{scope.get('http_version', '1.1')}",
            (scope.get("raw_path") or scope["path"].encode()).decode("latin-1"),
        )
        response, why = await self.execute_api(api_id, request)
        await respond(send, response.status, response.headers, response.body)
        return response.status, why

    async def execute_api(self, api_id: str, request: events.HttpRequest) -> tuple[events.HttpResponse, str]:
        """A data-plane request: API Gateway's response, and its reason when
        it answered by itself. Kept for the test screen's inspection."""
        received = time.time()
        started = time.perf_counter()
        outcome = await (self.rest if self.rest.serves(api_id) else self.gateway).handle(api_id, request)
        if outcome.view is not None and outcome.response is not None:
            report = outcome.result.log if outcome.result is not None else None
            latency_ms = (time.perf_counter() - started) * 1000
            integration_ms = getattr(report, "duration_ms", None)
            self.metrics.request(
                outcome.view.region, api_id, outcome.stage, outcome.response.status, latency_ms, integration_ms
            )
            self.access_logs.write(outcome, received, latency_ms, integration_ms)
        self.recent.keep(outcome)
        self._after_invoke()
        assert outcome.response is not None  # the chain always ends with one
        return outcome.response, outcome.note or ""

    def _after_invoke(self) -> None:
        self.logs_dirty = True

    # -- Lambda Invoke -----------------------------------------------------
    async def _invoke(
        self, scope: dict[str, Any], receive: Any, send: Any, name: str, headers: list[tuple[str, str]]
    ) -> int:
        return await invoke_api.serve(self, scope, receive, send, name, headers)

    # -- every other AWS API call -----------------------------------------
    async def _aws(self, scope: dict[str, Any], receive: Any, send: Any, headers: list[tuple[str, str]]) -> int:
        body = await read_body(receive, MAX_CONTROL_BYTES)
        method, path = scope["method"], scope["path"]
        query = scope["query_string"].decode("latin-1")
        # Whether to save is decided by operation: query and JSON protocols
        # POST their reads too (GetCallerIdentity, FilterLogEvents).
        op = classify(method, path, query, headers, body)
        mutating = op.changes_state
        if op.service == "logs":
            self.sink.take()  # a reader must see every line written so far (stored below, off the loop)
            self.logs_dirty = self.logs_dirty or not is_read(op.name)

        def run() -> WsgiReply:
            install_metrics(self.metrics)  # GetMetricData reads the recorder (once imported, a flag check)
            try:
                if op.service == "logs":
                    self.sink.store()
                with self.moto.lock:  # the change and its ticket in one step
                    controlled = path.startswith(_CONTROLLED)
                    reply = (self.control.handle(method, path, query, headers, body) if controlled else None) or (
                        self.lambdas.before(method, path, headers, body)
                    )
                    if reply is None:
                        reply = self.moto.call(method, path, query, headers, body, self.port, mutating)
                    ticket = self.saver.change() if mutating and reply.status < 300 else 0
                    if ticket:
                        self.moto.bump()
                if ticket:
                    self.saver.commit(ticket)  # disk write outside moto's lock
                return self.lambdas.after(method, path, headers, body, reply)
            except SaveFailed as err:
                return error_reply(op, str(err))
            except Exception as exc:  # noqa: BLE001 - answered in the API's own protocol
                import traceback

                self.log("".join(traceback.format_exception(exc)).rstrip())
                return error_reply(op, f"local cloud error: {type(exc).__name__}: {exc}")

        reply = await asyncio.to_thread(run)
        await respond(send, reply.status, reply.headers, reply.body)
        return reply.status


async def _answer(send: Any, answer: gate.Answer) -> int:
    await respond(send, answer.status, answer.headers, answer.body)
    return answer.status


def data_plane_target(host: str, path: str) -> tuple[str, str] | None:
    """(API id, path within the API) for an execute-api request, by either
    URL form; None for anything else."""
    host_match = _HOST_FORM.match(host)
    if host_match:
        return host_match.group(1), path
    if path.startswith(EXECUTE_API_PREFIX) and not lambdaurl.is_url_host(host):  # a URL's host: all paths its own
        api_id, _, rest = path[len(EXECUTE_API_PREFIX) :].partition("/")
        return api_id, "/" + rest
    return None
