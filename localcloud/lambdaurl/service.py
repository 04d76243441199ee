"""The function URL data plane: a request to
`{url-id}.lambda-url.{region}.localhost:PORT` (AWS's host shape with
`.localhost` for `.on.aws`, which resolves to loopback with no DNS set-up
on most systems) or to `/_aws/lambda-url/{url-id}/` on the cloud's own
address (the path form, beside execute-api's `/_aws/execute-api/{api-id}/`)
becomes one BUFFERED invocation of the URL's function.

In order: find the URL (an unknown id is 403 {"Message":null}, I5); a CORS
preflight Lambda answers itself when the URL has CORS (browsers do not
sign preflights); who may call it (access.py; 403, I5); the event
(mapping.py); the invocation, whose request id the event, the
x-amzn-RequestId header and the log's END line share (I3); the response
(I4), 502 "Internal Server Error" when the function failed or its answer
cannot be sent (I5); the URL's CORS headers over the function's (I6)."""

from __future__ import annotations

import re
import time
from typing import Any

from .. import fastjson
from ..apigatewayv2 import cors
from ..apigatewayv2.events import BadOutput, HttpRequest, HttpResponse
from ..apigatewayv2.handlers import MAX_REQUEST_BYTES
from ..apigatewayv2.policy import policy_of
from ..apigatewayv2.views import function_info
from ..asgi import TooLarge, read_body, respond
from ..moto_bridge import Moto
from ..runtime import uuid4_text
from . import access, mapping, urlconfig
from .access import IamCheck

__all__ = ["FunctionUrls", "IamCheck", "raw_path", "serve", "target"]

PATH_PREFIX = "/_aws/lambda-url/"
_HOST = re.compile(r"^([a-z0-9]+)\.lambda-url\.([a-z0-9-]+)\.localhost(?::\d+)?$")
_JSON = ("content-type", "application/json")
# I5 [R] test_lambda_url_non_existing_url: an id no URL has.
NO_SUCH_URL = HttpResponse(403, [_JSON, ("x-amzn-errortype", "AccessDeniedException")], b'{"Message":null}')


def is_url_host(host: str) -> bool:
    return _HOST.match(host.lower()) is not None


def target(host: str, raw_path: str) -> tuple[str, str, str] | None:
    """(url id, the path within the URL as sent, still percent-encoded, the
    region the host names or "" for the path form) for a function URL
    request by either form; None for anything else."""
    match = _HOST.match(host.lower())
    if match:
        return match.group(1), raw_path, match.group(2)
    if raw_path.startswith(PATH_PREFIX):
        url_id, _, rest = raw_path[len(PATH_PREFIX) :].partition("/")
        return url_id.lower(), "/" + rest, ""
    return None


def raw_path(scope: dict[str, Any]) -> str:
    """The path as the client sent it, percent-encoding kept."""
    return (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")


async def serve(
    edge: Any, scope: dict[str, Any], receive: Any, send: Any, url: tuple[str, str, str], headers: list[tuple[str, str]]
) -> tuple[int, str]:
    """The edge's function URL request (its `target`): read with the data
    plane's body limit, answered, counted in the URL's metrics."""
    url_id, path, region = url
    length = next((v for k, v in headers if k == "content-length"), "0")
    if length.isdigit() and int(length) > MAX_REQUEST_BYTES:
        raise TooLarge
    body = await read_body(receive, MAX_REQUEST_BYTES)
    client = scope.get("client") or ("127.0.0.1", 0)
    query = scope["query_string"].decode("latin-1")
    request = HttpRequest(
        scope["method"], path, query, headers, body, client[0], f"HTTP/{scope.get('http_version', '1.1')}"
    )
    started = time.perf_counter()
    response, why, function = await edge.function_urls.handle(url_id, request, raw_path(scope), region)
    if function is not None:
        edge.metrics.url_request(*function, response.status, (time.perf_counter() - started) * 1000)
    edge._after_invoke()
    await respond(send, response.status, response.headers, response.body)
    return response.status, why


def _failed() -> HttpResponse:
    """I5 [R] test_lambda_url_invocation_exception: 502 and these words as
    plain text (the content type is not recorded; text/plain is ours)."""
    return HttpResponse(502, [("content-type", "text/plain; charset=utf-8")], b"Internal Server Error")


class FunctionUrls:
    def __init__(self, moto: Moto, runtime: Any, port: int, iam: access.IamCheck):
        self.moto = moto
        self.runtime = runtime
        self.port = port
        self.iam = iam
        self._found: dict[str, tuple[int, Any]] = {}  # url id -> (moto generation, (config, info, policy) or None)
        self._verdicts: dict[tuple[str, int], access.Caller | str] = {}  # NONE URLs' verdicts (str: denied, why)

    @classmethod
    def of(cls, edge: Any) -> FunctionUrls:
        """The edge's: its moto, runtime and port, its gate's keys and role sessions."""
        iam = IamCheck(edge.gate.keys, edge.gate.owner_key, edge.roles, edge.moto)
        return cls(edge.moto, edge.runtime, edge.port, iam)

    def lookup(self, url_id: str) -> Any:
        """(config, function info, resource policy) or None, read from moto
        once per control-plane change."""
        cached = self._found.get(url_id)
        if cached is not None and cached[0] == self.moto.generation:
            return cached[1]
        with self.moto.lock:
            generation = self.moto.generation
            found = urlconfig.find(self.moto, url_id)
            value = None
            if found is not None:
                fn, config = found
                value = (config, function_info(self.moto, config.region, fn), policy_of(fn))
        if len(self._found) > 1024:
            self._found.clear()  # ids a client made up must not grow this without bound
        self._found[url_id] = (generation, value)
        return value

    def _public(self, config: Any, policy: Any) -> access.Caller:
        """check_public's verdict, kept until the control plane changes
        (the policy cannot change without a change)."""
        key = (config.url_id, self.moto.generation)
        verdict = self._verdicts.get(key)
        if verdict is None:
            try:
                verdict = access.check_public(policy)
            except access.Denied as denied:
                verdict = denied.note  # a fresh exception each time: a reraised one keeps every traceback
            if len(self._verdicts) > 1024:
                self._verdicts.clear()
            self._verdicts[key] = verdict
        if isinstance(verdict, str):
            raise access.Denied(verdict)
        return verdict

    async def handle(
        self, url_id: str, request: HttpRequest, signed_path: str, region: str = ""
    ) -> tuple[HttpResponse, str, tuple[str, str] | None]:
        """The response; why Lambda answered by itself ("" when the function
        answered); the URL's (region, function) for its metrics, None for
        an unknown id. `request.raw_path` is the path within the URL;
        `signed_path` the whole path as sent (what a signature covers);
        `region` the one the host names (another region's host is another
        URL on AWS)."""
        found = self.lookup(url_id)
        if found is None or region not in ("", found[0].region):
            no_url = HttpResponse(NO_SUCH_URL.status, list(NO_SUCH_URL.headers), NO_SUCH_URL.body)
            return no_url, "no such URL id", None
        config, info, policy = found
        settings = _cors_of(config.cors)
        if settings is not None and cors.is_preflight(request):
            # Unrecorded (I6): answered without the function, as HTTP APIs do
            # (apigatewayv2/cors.py has the status and header choices).
            return cors.preflight(settings, request), "CORS preflight answered by Lambda", (config.region, info.name)
        response, note, request_id = await self._answer(url_id, request, signed_path, config, info, policy)
        if settings is not None:
            _decorate(settings, request, response)  # I6: every response, Lambda's own 403 and 502 too
        # The invocation's id (I3 [R] test_request_id_invoke_url); on Lambda's
        # own answers a fresh one (unrecorded). Ours wins over a function's.
        response.headers[:] = [(k, v) for k, v in response.headers if k.lower() != "x-amzn-requestid"]
        response.headers.append(("x-amzn-requestid", request_id or uuid4_text()))
        return response, note, (config.region, info.name)

    async def _answer(
        self, url_id: str, request: HttpRequest, signed_path: str, config: Any, info: Any, policy: Any
    ) -> tuple[HttpResponse, str, str | None]:
        """The answer, why Lambda gave it itself, and the invocation's id
        (None when the function did not run)."""
        try:
            if config.auth_type == "AWS_IAM":
                caller = self.iam.check(
                    request.method, signed_path, request.raw_query, request.headers, request.body, policy
                )
            else:
                caller = self._public(config, policy)
        except access.Denied as denied:
            headers = [_JSON, ("x-amzn-errortype", denied.error_type)]
            return HttpResponse(403, headers, denied.body()), denied.note, None
        request_id = uuid4_text()
        domain = f"{url_id}.lambda-url.{config.region}.localhost:{self.port}"
        event = mapping.event(request, url_id, domain, request_id, caller.account, caller.authorizer)
        trace = event["headers"]["x-amzn-trace-id"]
        result = await self.runtime.invoke(info, fastjson.dumps(event), trace_root=trace, request_id=request_id)
        if result.error_type == "RequestTooLargeException":
            # Over Lambda's 6 MB invoke limit (BUFFERED); the answer is unrecorded (I5).
            too_large = HttpResponse(
                413,
                [_JSON, ("x-amzn-errortype", "RequestTooLargeException")],
                b'{"Message":"Request Entity Too Large"}',
            )
            return too_large, "the event is over Lambda's 6 MB invoke limit", result.request_id
        if result.status == "throttled":
            # 429 past reserved concurrency, 0 included (urls-configuration, I5);
            # the body is unrecorded: Lambda's Invoke answer, which we have.
            throttled = HttpResponse(429, [_JSON, ("x-amzn-errortype", "TooManyRequestsException")], result.payload)
            return throttled, "Lambda throttled the invocation (reserved concurrency)", result.request_id
        if result.error_type:
            return _failed(), f"the function failed: {result.error_type}", result.request_id
        try:
            return mapping.response(result.payload), "", result.request_id
        except BadOutput as exc:
            return _failed(), f"malformed Lambda output: {exc}", result.request_id


def _cors_of(stored: Any) -> cors.Cors | None:
    """A URL's Cors (PascalCase keys), as the HTTP API CORS code holds it;
    None when the URL has none."""
    if not isinstance(stored, dict):
        return None
    return cors.Cors.of({key[0].lower() + key[1:]: value for key, value in stored.items()})


def _decorate(settings: cors.Cors, request: HttpRequest, response: HttpResponse) -> None:
    """I6 (urls-configuration): the URL's CORS headers are added to every
    response and win over the function's where both set one; the
    function's others stay (HTTP APIs drop them all)."""
    function_headers = list(response.headers)
    response.headers[:] = []
    cors.decorate(settings, request, response)
    ours = {name for name, _ in response.headers}
    response.headers[:0] = [(k, v) for k, v in function_headers if k.lower() not in ours]
