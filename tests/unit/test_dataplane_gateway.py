"""The data plane's chain as a whole, in process: API Gateway's own answers
made in one place, the order handlers run in, the control-plane views the
warm path reads without touching moto, and the old import paths."""

from __future__ import annotations

import json
import pickle
import threading
from types import SimpleNamespace
from typing import Any

import pytest

from localcloud.apigatewayv2 import errors
from localcloud.apigatewayv2.chain import Chain
from localcloud.apigatewayv2.context import RequestContext
from localcloud.apigatewayv2.deployments import Deployments
from localcloud.apigatewayv2.events import HttpRequest, HttpResponse
from localcloud.apigatewayv2.gateway import Gateway
from localcloud.invocation import InvokeResult

ACCOUNT = "123456789012"
REGION = "us-east-1"
API = "abc123def4"
FN_URI = (
    f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/arn:aws:lambda:{REGION}:{ACCOUNT}"
    ":function:my-function/invocations"
)


# -- API Gateway's own answers -------------------------------------------------
@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        # Reference B5, exact bytes and casing ("Internal Server Error", not REST's
        # "Internal server error").
        (errors.NotFound("no route"), 404, b'{"message":"Not Found"}'),
        (errors.PayloadTooLarge(), 413, b'{"message":"Request Entity Too Large"}'),
        (errors.ApiConfigurationError("no permission"), 500, b'{"message":"Internal Server Error"}'),
        (errors.IntegrationFailure("the function failed"), 500, b'{"message":"Internal Server Error"}'),
        (errors.IntegrationTimeout(30000), 503, b'{"message":"Service Unavailable"}'),
        # Ours: AWS documents the 10,240-byte quota, not its status (errors.py).
        (errors.HeaderFieldsTooLarge("big"), 431, b'{"message":"Request Header Fields Too Large"}'),
    ],
)
def test_each_error_is_answered_with_api_gateways_exact_json(
    error: errors.GatewayError, status: int, body: bytes
) -> None:
    response = errors.answer(error)
    assert (response.status, response.body) == (status, body)
    assert response.headers == [("content-type", "application/json")]


def test_each_answer_has_its_own_header_list() -> None:
    # The response handlers append to it (apigw-requestid); one request's
    # header must never show up in the next one's answer.
    first, second = errors.gateway_error(404), errors.gateway_error(404)
    first.headers.append(("apigw-requestid", "x"))
    assert second.headers == [("content-type", "application/json")]


def ctx() -> RequestContext:
    return RequestContext(API, HttpRequest("GET", "/x", "", [], b"", "127.0.0.1"), "RL2XYiwjPHcEMEQ=")


def request_id_header(c: RequestContext) -> None:
    c.response.headers.append(("apigw-requestid", c.request_id))


async def test_a_raised_error_becomes_the_answer_and_still_gets_the_response_handlers() -> None:
    # Reference B5: API Gateway's own 503 carried an apigw-requestid header
    # (cortexlabs/cortex#1225); B1: that header is requestContext.requestId.
    ran: list[str] = []

    def fail(c: RequestContext) -> None:
        ran.append("fail")
        raise errors.IntegrationTimeout(50)

    def never(c: RequestContext) -> None:
        ran.append("never")

    done = await Chain([fail, never], [request_id_header]).run(ctx())
    assert ran == ["fail"]
    assert (done.response.status, done.response.body, done.note) == (
        503,
        b'{"message":"Service Unavailable"}',
        "integration timeout (50 ms)",
    )
    assert ("apigw-requestid", "RL2XYiwjPHcEMEQ=") in done.response.headers


async def test_a_handler_that_answers_stops_the_chain_and_a_new_one_runs_where_it_is_put() -> None:
    ran: list[str] = []

    def step(name: str) -> Any:
        def handler(c: RequestContext) -> None:
            ran.append(name)

        return handler

    async def answer_early(c: RequestContext) -> None:  # e.g. a CORS preflight
        ran.append("early")
        c.response = HttpResponse(204, [], b"")

    handlers = [step("a"), step("b"), step("last")]
    handlers.insert(1, answer_early)  # as a new step goes into http_api_chain()'s list
    done = await Chain(handlers, [request_id_header]).run(ctx())
    assert ran == ["a", "early"]
    assert done.response.status == 204 and done.note is None
    assert done.response.headers == [("apigw-requestid", "RL2XYiwjPHcEMEQ=")]


async def test_a_chain_where_nothing_answers_is_a_bug_not_an_aws_answer() -> None:
    # The edge turns any other exception into a logged 500.
    with pytest.raises(RuntimeError, match="no handler"):
        await Chain([lambda c: None]).run(ctx())

    def broken(c: RequestContext) -> None:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        await Chain([broken]).run(ctx())


# -- the whole gateway over fake moto and a fake runtime -----------------------
POLICY = {
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "lambda:InvokeFunction",
            "Principal": {"Service": "apigateway.amazonaws.com"},
            "Condition": {
                "ArnLike": {"AWS:SourceArn": f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{API}/*/*/my-function"}
            },
        }
    ]
}


class FakeMoto:
    """What the views read of moto, counting the reads."""

    def __init__(self, policy: dict[str, Any] | None = POLICY, auto_deploy: bool = True):
        self.generation = 1
        self.lock = threading.Lock()
        self.reads = 0
        self.api = SimpleNamespace(
            api_id=API,
            routes={"r1": SimpleNamespace(route_id="r1", route_key="ANY /my-function", target="integrations/i1")},
            integrations={
                "i1": SimpleNamespace(
                    id="i1",
                    integration_type="AWS_PROXY",
                    integration_uri=FN_URI,
                    payload_format_version="2.0",
                    timeout_in_millis=30000,
                )
            },
            stages={"$default": SimpleNamespace(auto_deploy=auto_deploy, stage_variables={})},
        )
        policy_text = json.dumps(policy) if policy else None
        self.fn = SimpleNamespace(
            function_name="my-function",
            run_time="python3.12",
            handler="h",
            memory_size=128,
            timeout=3,
            environment_vars={},
            code_sha_256="sha",
            role="",
            policy=SimpleNamespace(get_policy=lambda: {"Policy": policy_text}) if policy_text else None,
        )

    def find_api(self, api_id: str) -> Any:
        self.reads += 1
        return (REGION, self.api) if api_id == API else None

    def find_function(self, region: str, name: str) -> Any:
        self.reads += 1
        return self.fn if name.rpartition(":function:")[2] == "my-function" else None  # a name or an ARN


class HelloRuntime:
    async def invoke(
        self, fn: Any, payload: bytes, invoked_arn: str | None = None, trace_root: str | None = None
    ) -> InvokeResult:
        self.event = json.loads(payload)
        return InvokeResult("lambda-id", b'"Hello from Lambda!"')


def get(path: str = "/my-function") -> HttpRequest:
    return HttpRequest("GET", path, "", [("user-agent", "curl/8")], b"", "127.0.0.1")


async def test_the_console_hello_world_through_the_whole_chain() -> None:
    # Reference A9: GET <invoke URL>/my-function returns "Hello from Lambda!";
    # B1: requestContext.requestId is also sent back as apigw-requestid.
    runtime = HelloRuntime()
    done = await Gateway(FakeMoto(), runtime, Deployments(), 4566).handle(API, get())
    assert (done.response.status, done.response.body, done.note) == (200, b"Hello from Lambda!", None)
    assert ("apigw-requestid", done.request_id) in done.response.headers
    assert runtime.event["requestContext"]["requestId"] == done.request_id
    assert done.route_key == "ANY /my-function" and json.loads(done.event) == runtime.event


async def test_without_the_permission_the_gateway_answers_500_with_the_reason() -> None:
    # Reference B5: API Gateway lacks invoke permission -> 500.
    done = await Gateway(FakeMoto(policy=None), HelloRuntime(), Deployments(), 4566).handle(API, get())
    assert (done.response.status, done.response.body) == (500, b'{"message":"Internal Server Error"}')
    assert "lambda add-permission" in done.note and done.result is None


async def test_a_stage_without_auto_deploy_serves_nothing_before_a_deployment() -> None:
    # Reference D1 (AutoDeploy defaults to false, A10): such a stage serves
    # only what was deployed to it.
    done = await Gateway(FakeMoto(auto_deploy=False), HelloRuntime(), Deployments(), 4566).handle(API, get())
    assert done.response.status == 404 and "no stage matches" in done.note


async def test_the_warm_path_reads_moto_once_per_control_plane_change() -> None:
    moto = FakeMoto()
    gateway = Gateway(moto, HelloRuntime(), Deployments(), 4566)
    for _ in range(3):
        assert (await gateway.handle(API, get())).response.status == 200
    assert moto.reads == 2  # the API once, the function once
    moto.generation += 1
    moto.api.routes = {}
    assert (await gateway.handle(API, get())).response.status == 404  # the change is seen at once
    assert moto.reads == 3  # no route matched: the function was not read


# -- state saved by older layouts ----------------------------------------------
@pytest.mark.parametrize("old_module", [b"localcloud.deployments", b"tui.local.deployments"])
def test_state_saved_before_the_move_still_loads(old_module: bytes) -> None:
    # control-plane.pickle names the deployments' classes by module path: the
    # emulator was tui.local, then the deployments left localcloud's top level.
    from localcloud.persist import loads

    saved = Deployments()
    saved.stage_deployment[(API, "prod")] = "d1"
    blob = pickle.dumps(saved, protocol=0).replace(b"localcloud.apigatewayv2.deployments", old_module)
    assert old_module in blob
    assert loads(blob) == saved
