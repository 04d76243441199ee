"""The HTTP API data plane's handlers, one job each. A handler reads and
fills the RequestContext; it raises a GatewayError (errors.py) when API
Gateway answers by itself, or sets `ctx.response` to answer early. Plain
functions need nothing but the context; classes are given what they call
(the control-plane views, the runtime) when the chain is built.

The order they run in is the list in chain.py's http_api_chain()."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Callable

from .. import fastjson
from ..moto_bridge import ACCOUNT
from ..runtime import FunctionInfo
from . import cors, events, routing
from .context import RequestContext
from .errors import (
    ApiConfigurationError,
    HeaderFieldsTooLarge,
    IntegrationFailure,
    IntegrationTimeout,
    NotFound,
    PayloadTooLarge,
)
from .views import ApiView

MAX_REQUEST_BYTES = 10 * 1024 * 1024  # HTTP API payload quota (reference A10)
MAX_HEAD_VALUES = 10240  # HTTP APIs: request line plus header values (http-api-quotas)


def head_size(request: events.HttpRequest) -> int:
    """Bytes of the request line and header values, as API Gateway counts them."""
    line = len(request.method) + len(request.raw_path) + (len(request.raw_query) + 1 if request.raw_query else 0) + 11
    return line + sum([len(value) for _name, value in request.headers])


def check_request_size(ctx: RequestContext) -> None:
    """The quotas on what a request may carry, before anything else reads it."""
    if head_size(ctx.request) > MAX_HEAD_VALUES:
        raise HeaderFieldsTooLarge(f"request line and header values over {MAX_HEAD_VALUES} bytes")
    if len(ctx.request.body) > MAX_REQUEST_BYTES:
        raise PayloadTooLarge("request body over 10 MB")


class FindApi:
    def __init__(self, views: Callable[[str], ApiView | None]):
        self.views = views

    def __call__(self, ctx: RequestContext) -> None:
        view = self.views(ctx.api_id)
        if view is None:
            raise NotFound(f"no API with id {ctx.api_id}")
        ctx.view = view


def select_stage(ctx: RequestContext) -> None:
    """B6: an explicitly named stage wins, else $default, else 404."""
    stages = ctx.view.stages
    selected = routing.select_stage(stages, ctx.request.raw_path)
    if selected is None:
        raise NotFound("no stage matches (a stage without auto-deploy is served only after a deployment)")
    ctx.stage, ctx.route_path = selected
    ctx.stage_view = stages[ctx.stage]


def match_route(ctx: RequestContext) -> None:
    """B6 precedence; no match is 404, never 405 (B5)."""
    match = ctx.stage_view.routes.match(ctx.request.method, ctx.route_path)
    if match is None:
        if ctx.view.cors is not None and cors.is_preflight(ctx.request):
            # No route takes it: API Gateway answers the preflight itself (F2).
            ctx.response = cors.preflight(ctx.view.cors, ctx.request)
            ctx.preflight = True
            ctx.note = "CORS preflight answered by API Gateway (the function is not invoked)"
            return
        raise NotFound(f"no route matches {ctx.request.method} {ctx.route_path}")
    ctx.match = match


def add_cors_headers(ctx: RequestContext) -> None:
    """Every answer of an API with CORS on, its own errors too (F3); the
    preflight answer already has its headers."""
    view = ctx.view
    if view is None or view.cors is None or ctx.response is None or ctx.preflight:
        return
    cors.decorate(view.cors, ctx.request, ctx.response)


class ResolveIntegration:
    """The route's integration, and the function it names."""

    def __init__(self, functions: Callable[[str, str], tuple[FunctionInfo | None, Any]]):
        self.functions = functions

    def __call__(self, ctx: RequestContext) -> None:
        target = ctx.match.route.target or ""
        integration = ctx.stage_view.integrations.get(target.removeprefix("integrations/"))
        if integration is None:
            raise ApiConfigurationError("the route has no integration")
        if integration.type != "AWS_PROXY":
            raise ApiConfigurationError(f"{integration.type} integrations are not run by the local cloud")
        ctx.integration = integration
        function, ctx.policy = self.functions(ctx.view.region, integration.uri)
        if function is None:
            raise ApiConfigurationError(f"the integration's function {integration.uri} does not exist")
        ctx.function = function


def source_arn(ctx: RequestContext) -> str:
    """The execute-api ARN API Gateway invokes from (A8):
    arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>, or
    .../<stage>/$default for the $default route."""
    route = ctx.match.route
    tail = f"{ctx.request.method}/{route.path[1:]}" if route.path else "$default"
    return f"arn:aws:execute-api:{ctx.view.region}:{ACCOUNT}:{ctx.api_id}/{ctx.stage}/{tail}"


class CheckPermission:
    """The function's resource policy must let API Gateway invoke it (B5)."""

    def __init__(self, allowed: Callable[[FunctionInfo, Any, str], bool]):
        self.allowed = allowed

    def __call__(self, ctx: RequestContext) -> None:
        arn = source_arn(ctx)
        if not self.allowed(ctx.function, ctx.policy, arn):
            raise ApiConfigurationError(
                f"API Gateway has no permission to invoke {ctx.function.name} from {arn} (lambda add-permission)"
            )


class BuildEvent:
    """The Lambda event in the integration's payload format (B1-B3)."""

    def __init__(self, port: int):
        self.domain_suffix = f".execute-api.localhost:{port}"

    def __call__(self, ctx: RequestContext) -> None:
        route = ctx.match.route
        about = events.Context(
            ACCOUNT,
            ctx.api_id,
            ctx.api_id + self.domain_suffix,
            ctx.stage,
            route.key.key,
            ctx.match.path_parameters,
            ctx.stage_view.variables,
            ctx.request_id,
            route.path or "$default",
            authorizer=ctx.authorizer,
        )
        build = events.event_v2 if ctx.integration.payload_format == "2.0" else events.event_v1
        event = build(ctx.request, about)
        ctx.trace_root = event["headers"].get("x-amzn-trace-id")
        ctx.event = fastjson.dumps(event)


class Invoke:
    """Run the function, within the integration's timeout (B5: 503 after it)."""

    def __init__(self, runtime: Any):
        self.runtime = runtime

    async def __call__(self, ctx: RequestContext) -> None:
        info, timeout_ms = ctx.function, ctx.integration.timeout_ms
        # context.invoked_function_arn: the integration's ARN, an alias's or version's if it names one
        call = self.runtime.invoke(info, ctx.event, info.named_arn or None, trace_root=ctx.trace_root)
        if info.timeout_s * 1000 < timeout_ms:
            # The function's own timeout always fires first: no second timer.
            ctx.result = await call
            return
        task = asyncio.ensure_future(call)
        try:
            ctx.result = await asyncio.wait_for(asyncio.shield(task), timeout_ms / 1000)
        except asyncio.TimeoutError:
            # The function keeps running to its own timeout, as on AWS.
            raise IntegrationTimeout(timeout_ms) from None


def map_response(ctx: RequestContext) -> None:
    """Lambda's answer -> the HTTP response (B3, B4); failures are 500 (B5)."""
    result = ctx.result
    assert result is not None  # Invoke ran
    if result.error_type:
        if result.error_type == "RequestTooLargeException":
            raise PayloadTooLarge()  # the event is over Lambda's invoke limit
        if result.status == "throttled":
            # Lambda refused the invoke: API Gateway answers 500, as when it may
            # not invoke at all (reference B5). AWS's own answer for REST
            # ("Lambda's 429 ... will always be considered as 500", an API
            # Gateway engineer on the AWS forum, quoted on Stack Overflow
            # 36363280; re:Post "API Gateway proxy integration does not forward
            # Lambda throttling"); HTTP APIs document no other.
            raise IntegrationFailure(f"Lambda throttled the invocation ({_throttle_reason(result)})")
        raise IntegrationFailure(f"the function failed: {_error_summary(result)}")
    mapper = events.response_v2 if ctx.integration.payload_format == "2.0" else events.response_v1
    try:
        ctx.response = mapper(result.payload)
    except events.BadOutput as exc:
        raise IntegrationFailure(f"malformed Lambda output: {exc}") from None


def add_request_id(ctx: RequestContext) -> None:
    """Every answer, API Gateway's own errors too, carries apigw-requestid (B1, B5)."""
    assert ctx.response is not None  # the chain always ends with one
    ctx.response.headers.append(("apigw-requestid", ctx.request_id))


def _throttle_reason(result: Any) -> str:
    try:
        return str(json.loads(result.payload).get("Reason") or "TooManyRequestsException")
    except (ValueError, AttributeError):
        return "TooManyRequestsException"


def _error_summary(result: Any) -> str:
    """errorType: errorMessage, short enough for one log line."""
    try:
        message = json.loads(result.payload).get("errorMessage") or ""
    except (ValueError, AttributeError):
        message = ""
    text = f"{result.error_type}: {message}" if message else str(result.error_type)
    return text if len(text) <= 300 else text[:297] + "..."
