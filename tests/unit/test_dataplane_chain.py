"""The HTTP API data plane's handlers, one at a time, in process: each test
builds a RequestContext as the handlers before it would leave it, runs one
handler, and checks what it found or which of API Gateway's own answers it
raised. References are to /work/shared/reference/aws-behaviour.md."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from localcloud.apigatewayv2 import errors, handlers
from localcloud.apigatewayv2.context import RequestContext
from localcloud.apigatewayv2.events import HttpRequest
from localcloud.apigatewayv2.policy import allows
from localcloud.apigatewayv2.routing import RouteTable
from localcloud.apigatewayv2.views import ApiView, Integration, StageView
from localcloud.invocation import InvokeResult
from localcloud.runtime import FunctionInfo

ACCOUNT = "123456789012"  # moto's default account, which the local cloud serves
REGION = "us-east-1"
API = "abc123def4"
FN_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:my-function"
FN_URI = f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{FN_ARN}/invocations"


def info(timeout_s: int = 3) -> FunctionInfo:
    return FunctionInfo(
        name="my-function",
        arn=FN_ARN,
        region=REGION,
        account=ACCOUNT,
        runtime="python3.12",
        handler="lambda_function.lambda_handler",
        memory_mb=128,
        timeout_s=timeout_s,
        environment=(),
        code_sha="sha",
    )


def stage(
    routes: tuple[str, ...] = ("ANY /my-function",),
    payload: str = "2.0",
    kind: str = "AWS_PROXY",
    timeout_ms: int = 30000,
    variables: dict[str, str] | None = None,
) -> StageView:
    table = RouteTable([(f"r{i}", key, "integrations/i1") for i, key in enumerate(routes)])
    return StageView(table, {"i1": Integration("i1", kind, FN_URI, payload, timeout_ms)}, variables or {})


def request(
    method: str = "GET",
    path: str = "/my-function",
    headers: list[tuple[str, str]] | None = None,
    body: bytes = b"",
    query: str = "",
) -> HttpRequest:
    return HttpRequest(
        method, path, query, headers if headers is not None else [("user-agent", "curl/8")], body, "203.0.113.9"
    )


def ctx_for(req: HttpRequest | None = None, stages: dict[str, StageView] | None = None) -> RequestContext:
    """A context as FindApi leaves it."""
    ctx = RequestContext(API, req or request(), "RL2XYiwjPHcEMEQ=")
    ctx.view = ApiView(API, REGION, stages if stages is not None else {"$default": stage()})
    return ctx


def routed(req: HttpRequest | None = None, **stage_args: Any) -> RequestContext:
    """A context as ResolveIntegration leaves it (stage, route, function found)."""
    ctx = ctx_for(req, {"$default": stage(**stage_args)})
    handlers.select_stage(ctx)
    handlers.match_route(ctx)
    handlers.ResolveIntegration(lambda region, uri: (info(), None))(ctx)
    return ctx


# -- request size ------------------------------------------------------------
def test_request_line_and_header_values_up_to_10240_bytes_pass_and_one_more_is_refused() -> None:
    # AWS docs, http-api-quotas: "Total combined size of request line and
    # header values: 10240 bytes". The 431 status is ours (errors.py).
    bare = request(headers=[])
    room = handlers.MAX_HEAD_VALUES - handlers.head_size(bare)
    handlers.check_request_size(ctx_for(request(headers=[("x-big", "a" * room)])))
    with pytest.raises(errors.HeaderFieldsTooLarge) as raised:
        handlers.check_request_size(ctx_for(request(headers=[("x-big", "a" * (room + 1))])))
    assert raised.value.status == 431 and "10240 bytes" in raised.value.note


def test_a_body_over_10_mb_is_413() -> None:
    # Reference A10: the HTTP API payload quota is 10 MB; B5's 413 body.
    handlers.check_request_size(ctx_for(request("POST", body=b"x" * (10 * 1024 * 1024))))
    with pytest.raises(errors.PayloadTooLarge) as raised:
        handlers.check_request_size(ctx_for(request("POST", body=b"x" * (10 * 1024 * 1024 + 1))))
    assert raised.value.status == 413


# -- API, stage, route ---------------------------------------------------------
def test_an_unknown_api_is_not_found() -> None:
    ctx = RequestContext("nosuchapi", request())
    with pytest.raises(errors.NotFound) as raised:
        handlers.FindApi(lambda api_id: None)(ctx)
    assert raised.value.status == 404 and "nosuchapi" in raised.value.note
    view = ApiView(API, REGION, {})
    ctx = RequestContext(API, request())
    handlers.FindApi(lambda api_id: view if api_id == API else None)(ctx)
    assert ctx.view is view


@pytest.mark.parametrize(
    ("stages", "path", "chosen", "rest"),
    [
        (("prod", "$default"), "/prod/pets", "prod", "/pets"),  # an explicit stage name wins
        (("prod", "$default"), "/pets", "$default", "/pets"),  # otherwise $default, with the whole path
        (("$default",), "/prod/pets", "$default", "/prod/pets"),
        (("prod",), "/prod", "prod", "/"),
    ],
)
def test_stage_selection(stages: tuple[str, ...], path: str, chosen: str, rest: str) -> None:
    # Reference B6: stage selection comes first; an explicit stage-name match
    # wins, otherwise $default; the stage segment is removed before routing.
    ctx = ctx_for(request(path=path), {name: stage() for name in stages})
    handlers.select_stage(ctx)
    assert (ctx.stage, ctx.route_path) == (chosen, rest)
    assert ctx.stage_view is ctx.view.stages[chosen]


def test_no_stage_and_no_default_stage_is_404() -> None:
    # Reference B5 row 1: no stage matches and no $default stage -> 404.
    ctx = ctx_for(request(path="/other/pets"), {"prod": stage()})
    with pytest.raises(errors.NotFound) as raised:
        handlers.select_stage(ctx)
    assert raised.value.status == 404 and "no stage matches" in raised.value.note


AWS_EXAMPLE = ("GET /pets/dog/1", "GET /pets/dog/{id}", "GET /pets/{proxy+}", "ANY /{proxy+}", "$default")


@pytest.mark.parametrize(
    ("method", "path", "route", "params"),
    [
        # Reference B6: the AWS docs' worked example.
        ("GET", "/pets/dog/1", "GET /pets/dog/1", {}),
        ("GET", "/pets/dog/2", "GET /pets/dog/{id}", {"id": "2"}),
        ("GET", "/pets/cat/1", "GET /pets/{proxy+}", {"proxy": "cat/1"}),
        ("POST", "/test/5", "ANY /{proxy+}", {"proxy": "test/5"}),
        ("GET", "/", "$default", {}),
    ],
)
def test_route_matching_follows_the_aws_worked_example(
    method: str, path: str, route: str, params: dict[str, str]
) -> None:
    ctx = ctx_for(request(method, path), {"$default": stage(AWS_EXAMPLE)})
    handlers.select_stage(ctx)
    handlers.match_route(ctx)
    assert ctx.route_key == route and ctx.match.path_parameters == params


def test_a_path_whose_method_has_no_route_is_404_not_405() -> None:
    # Reference B5 row 3: path matches, method does not -> 404 (not 405).
    ctx = ctx_for(request("GET", "/only-post"), {"$default": stage(("POST /only-post",))})
    handlers.select_stage(ctx)
    with pytest.raises(errors.NotFound) as raised:
        handlers.match_route(ctx)
    assert raised.value.status == 404 and raised.value.note == "no route matches GET /only-post"
    assert ctx.route_key is None


# -- integration and permission ------------------------------------------------
def test_the_integration_resolves_to_its_function() -> None:
    asked: list[tuple[str, str]] = []
    policy = {"Statement": []}
    ctx = ctx_for()
    handlers.select_stage(ctx)
    handlers.match_route(ctx)
    handlers.ResolveIntegration(lambda region, uri: asked.append((region, uri)) or (info(), policy))(ctx)
    assert asked == [(REGION, FN_URI)]
    assert ctx.integration.integration_id == "i1" and ctx.function == info() and ctx.policy is policy


@pytest.mark.parametrize(
    ("setup", "note"),
    [
        ({"routes": ()}, "the route has no integration"),
        ({"kind": "HTTP_PROXY"}, "HTTP_PROXY integrations are not run by the local cloud"),
        ({"missing": True}, f"the integration's function {FN_URI} does not exist"),
    ],
)
def test_a_route_that_cannot_reach_a_function_is_500(setup: dict[str, Any], note: str) -> None:
    # Our answers (the reference records none for these): API Gateway's 500
    # body (B5), with the reason in the note.
    view = stage(kind=setup.get("kind", "AWS_PROXY"))
    if "routes" in setup:
        view = StageView(RouteTable([("r1", "ANY /my-function", None)]), view.integrations, {})
    ctx = ctx_for(stages={"$default": view})
    handlers.select_stage(ctx)
    handlers.match_route(ctx)
    found = (None, None) if setup.get("missing") else (info(), None)
    with pytest.raises(errors.ApiConfigurationError) as raised:
        handlers.ResolveIntegration(lambda region, uri: found)(ctx)
    assert raised.value.status == 500 and raised.value.note == note


@pytest.mark.parametrize(
    ("routes", "method", "path", "arn_tail"),
    [
        # Reference A8: .../<api-id>/<stage>/<METHOD>/<path> (http-api-stages.md);
        # $default stage plus $default route is .../$default/$default
        # (http-api-troubleshooting-lambda.md).
        (("ANY /my-function",), "GET", "/my-function", "$default/GET/my-function"),
        (("GET /pets/{id}",), "GET", "/pets/7", "$default/GET/pets/{id}"),
        (("$default",), "POST", "/anything", "$default/$default"),
    ],
)
def test_the_source_arn_names_stage_method_and_route_path(
    routes: tuple[str, ...], method: str, path: str, arn_tail: str
) -> None:
    ctx = routed(request(method, path), routes=routes)
    assert handlers.source_arn(ctx) == f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{API}/{arn_tail}"


def console_policy(source_arn: str) -> dict[str, Any]:
    """The statement `lambda add-permission` stores (reference A8)."""
    return {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "lambda:InvokeFunction",
                "Principal": {"Service": "apigateway.amazonaws.com"},
                "Condition": {"ArnLike": {"AWS:SourceArn": source_arn}},
            }
        ]
    }


def check(ctx: RequestContext) -> None:
    handlers.CheckPermission(lambda fn, policy, arn: allows(policy, arn, ACCOUNT))(ctx)


def test_the_console_permission_lets_api_gateway_invoke() -> None:
    # Reference A8: the console-style SourceArn <api>/*/*/my-function means any
    # stage and method; ArnLike is StringLike, so `*` crosses `/`
    # (botocore AddPermission.SourceArn).
    ctx = routed()
    ctx.policy = console_policy(f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{API}/*/*/my-function")
    check(ctx)
    ctx.policy = console_policy(f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{API}/*")
    check(ctx)


@pytest.mark.parametrize(
    "policy",
    [
        None,
        console_policy(f"arn:aws:execute-api:{REGION}:{ACCOUNT}:otherapi99/*/*/my-function"),
        console_policy(f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{API}/*/POST/my-function"),
    ],
)
def test_without_permission_api_gateway_answers_500(policy: Any) -> None:
    # Reference B5: "API Gateway lacks invoke permission -> 500"
    # (http-api-troubleshooting-lambda, whose worked example is exactly this).
    ctx = routed()
    ctx.policy = policy
    with pytest.raises(errors.ApiConfigurationError) as raised:
        check(ctx)
    assert raised.value.status == 500
    assert raised.value.note == (
        f"API Gateway has no permission to invoke my-function from arn:aws:execute-api:"
        f"{REGION}:{ACCOUNT}:{API}/$default/GET/my-function (lambda add-permission)"
    )


# -- event, invoke, response ---------------------------------------------------
def test_the_event_is_payload_2_0_for_the_request() -> None:
    # Reference B1: rawPath keeps a named stage's prefix; requestContext.requestId
    # is API Gateway's id (the apigw-requestid header); pathParameters and
    # stageVariables as configured.
    ctx = ctx_for(request("GET", "/prod/pets/7"), {"prod": stage(("GET /pets/{id}",), variables={"v": "1"})})
    for step in (
        handlers.select_stage,
        handlers.match_route,
        handlers.ResolveIntegration(lambda r, u: (info(), None)),
        handlers.BuildEvent(4566),
    ):
        step(ctx)
    event = json.loads(ctx.event)
    assert (event["version"], event["routeKey"], event["rawPath"]) == ("2.0", "GET /pets/{id}", "/prod/pets/7")
    assert event["requestContext"]["requestId"] == ctx.request_id and event["requestContext"]["stage"] == "prod"
    assert event["pathParameters"] == {"id": "7"} and event["stageVariables"] == {"v": "1"}
    assert event["requestContext"]["domainName"] == f"{API}.execute-api.localhost"
    assert ctx.trace_root == event["headers"]["x-amzn-trace-id"] and ctx.trace_root.startswith("Root=1-")


def test_the_event_is_payload_1_0_when_the_integration_says_so() -> None:
    # Reference B3: 1.0 has httpMethod, resource and null for absent maps.
    ctx = routed(payload="1.0")
    handlers.BuildEvent(4566)(ctx)
    event = json.loads(ctx.event)
    assert (event["version"], event["httpMethod"], event["resource"]) == ("1.0", "GET", "/my-function")
    assert event["queryStringParameters"] is None and event["requestContext"]["requestId"] == ctx.request_id


class FakeRuntime:
    def __init__(self, result: InvokeResult, delay: float = 0.0):
        self.result, self.delay = result, delay
        self.calls: list[tuple[FunctionInfo, bytes, str | None]] = []
        self.finished = 0

    async def invoke(
        self, fn: FunctionInfo, payload: bytes, invoked_arn: str | None = None, trace_root: str | None = None
    ) -> InvokeResult:
        self.calls.append((fn, payload, trace_root))
        await asyncio.sleep(self.delay)
        self.finished += 1
        return self.result


async def test_invoke_runs_the_function_with_the_event_and_its_trace() -> None:
    runtime = FakeRuntime(InvokeResult("lambda-id", b'"hi"'))
    ctx = routed()
    handlers.BuildEvent(4566)(ctx)
    await handlers.Invoke(runtime)(ctx)
    assert runtime.calls == [(info(), ctx.event, ctx.trace_root)]
    assert ctx.result is runtime.result and ctx.response is None


async def test_past_the_integration_timeout_api_gateway_answers_503_and_the_function_runs_on() -> None:
    # Reference B5: the integration timeout passing before Lambda answers is
    # 503 {"message":"Service Unavailable"} (cortexlabs/cortex#1225).
    runtime = FakeRuntime(InvokeResult("lambda-id", b'"late"'), delay=0.3)
    ctx = routed(timeout_ms=50)
    handlers.BuildEvent(4566)(ctx)
    with pytest.raises(errors.IntegrationTimeout) as raised:
        await handlers.Invoke(runtime)(ctx)
    assert raised.value.status == 503 and raised.value.note == "integration timeout (50 ms)"
    assert ctx.result is None
    for _ in range(200):  # up to 10 s: generous on a loaded machine
        if runtime.finished:
            break
        await asyncio.sleep(0.05)
    assert runtime.finished == 1  # not cancelled: it ran to its end


def invoked(payload: bytes, error_type: str | None = None, fmt: str = "2.0") -> RequestContext:
    ctx = routed(payload=fmt)
    ctx.result = InvokeResult("lambda-id", payload, error_type)
    return ctx


def test_a_string_returned_on_2_0_is_a_200_json_response() -> None:
    # Reference B4: output without statusCode is the body, application/json.
    ctx = invoked(b'"Hello from Lambda!"')
    handlers.map_response(ctx)
    assert (ctx.response.status, ctx.response.body) == (200, b"Hello from Lambda!")
    assert ctx.response.headers == [("content-type", "application/json")]


@pytest.mark.parametrize(
    ("payload", "error_type", "fmt", "note"),
    [
        # Reference B5: an unhandled exception and malformed output are both 500.
        (
            b'{"errorMessage": "boom", "errorType": "ValueError"}',
            "ValueError",
            "2.0",
            "the function failed: ValueError: boom",
        ),
        (b'{"statusCode": "abc"}', None, "2.0", "malformed Lambda output: statusCode is not a number"),
        # Reference B3: 1.0 does not guess; no statusCode is malformed.
        (b'"Hello from Lambda!"', None, "1.0", "malformed Lambda output: output has no statusCode"),
    ],
)
def test_function_errors_and_malformed_output_are_500(
    payload: bytes, error_type: str | None, fmt: str, note: str
) -> None:
    with pytest.raises(errors.IntegrationFailure) as raised:
        handlers.map_response(invoked(payload, error_type, fmt))
    assert raised.value.status == 500 and raised.value.note == note


def test_an_event_over_lambdas_invoke_limit_is_413() -> None:
    # botocore lambda model: Invoke's RequestTooLargeException is HTTP 413.
    with pytest.raises(errors.PayloadTooLarge) as raised:
        handlers.map_response(invoked(b'{"errorMessage": "too big"}', "RequestTooLargeException"))
    assert raised.value.status == 413 and raised.value.note is None
