"""The HTTP API data plane: request -> stage -> route -> integration ->
resource-policy check -> Lambda -> response, with API Gateway's own error
answers (reference B5).

The API's configuration is read from moto once per control-plane change
(`Moto.generation`) and cached, so a warm request touches no moto state.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from typing import Any

from .. import fastjson
from . import events
from .deployments import Deployments, Snapshot
from ..invocation import InvokeResult
from ..moto_bridge import ACCOUNT, Moto
from .routing import RouteTable, select_stage
from ..runtime import FunctionInfo, Runtime

MAX_REQUEST_BYTES = 10 * 1024 * 1024  # HTTP API payload quota


@dataclass(frozen=True)
class Integration:
    integration_id: str
    type: str
    uri: str
    payload_format: str
    timeout_ms: int


@dataclass
class ApiView:
    api_id: str
    region: str
    stages: dict[str, tuple[RouteTable, dict[str, Integration], dict[str, str]]]  # served stages only


@dataclass
class Outcome:
    """The response plus what the wizard's test screen shows about it."""

    response: events.HttpResponse
    event: bytes | None = None  # the event as sent to the function (JSON)
    result: InvokeResult | None = None
    route_key: str | None = None
    note: str | None = None  # why API Gateway answered by itself
    request_id: str = ""  # API Gateway's, as sent in apigw-requestid


def function_info(moto: Moto, region: str, fn: Any) -> FunctionInfo:
    return FunctionInfo(
        name=fn.function_name,
        arn=f"arn:aws:lambda:{region}:{ACCOUNT}:function:{fn.function_name}",
        region=region,
        account=ACCOUNT,
        runtime=fn.run_time or "python3.14",
        handler=fn.handler or "",
        memory_mb=int(fn.memory_size or 128),
        timeout_s=int(fn.timeout or 3),
        environment=tuple(sorted((fn.environment_vars or {}).items())),
        code_sha=fn.code_sha_256,
        role=fn.role or "",
    )


def allows(policy: dict[str, Any] | None, source_arn: str, account: str) -> bool:
    """Does the function's resource policy let API Gateway invoke it from
    `source_arn`? ArnLike is matched StringLike-style: `*` crosses `/`."""
    for statement in (policy or {}).get("Statement", []):
        if statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action")
        actions = [actions] if isinstance(actions, str) else actions or []
        if not any(a in ("lambda:InvokeFunction", "lambda:*", "*") for a in actions):
            continue
        principal = statement.get("Principal")
        services = principal.get("Service") if isinstance(principal, dict) else principal
        services = [services] if isinstance(services, str) else services or []
        if not any(s in ("apigateway.amazonaws.com", "*") for s in services):
            continue
        ok = True
        for operator, conditions in (statement.get("Condition") or {}).items():
            for key, expected in conditions.items():
                values = [expected] if isinstance(expected, str) else expected
                if key.lower() == "aws:sourcearn":
                    like = operator in ("ArnLike", "StringLike")
                    ok &= any(_like(source_arn, v) if like else source_arn == v for v in values)
                elif key.lower() == "aws:sourceaccount":
                    ok &= account in values
        if ok:
            return True
    return False


def _like(value: str, pattern: str) -> bool:
    """IAM StringLike: `*` is any run of characters, `?` any one."""
    regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.fullmatch(regex, value, re.DOTALL) is not None


def _policy_of(fn: Any) -> Any:
    """The function's resource policy, or None (moto raises when a policy
    has no statements left)."""
    if fn is None or not fn.policy:
        return None
    try:
        return fn.policy.get_policy()["Policy"]
    except Exception:  # noqa: BLE001 - moto's "no policy" is a plain 404 error
        return None


class Gateway:
    def __init__(self, moto: Moto, runtime: Runtime, deployments: Deployments, port: int):
        self.moto = moto
        self.runtime = runtime
        self.deployments = deployments
        self.port = port
        self._views: dict[str, tuple[int, ApiView | None]] = {}
        self._functions: dict[tuple[str, str], tuple[int, FunctionInfo | None, Any]] = {}
        self._allowed: dict[tuple[str, str], bool] = {}
        self._allowed_generation = -1

    # -- cached reads of the control plane -------------------------------
    def view(self, api_id: str) -> ApiView | None:
        cached = self._views.get(api_id)
        if cached and cached[0] == self.moto.generation:
            return cached[1]
        with self.moto.lock:
            generation = self.moto.generation
            found = self.moto.find_api(api_id)
            view = None
            if found is not None:
                region, api = found
                live = Snapshot.of(api)
                stages = {}
                for name, stage in api.stages.items():
                    snap = live if stage.auto_deploy else self.deployments.snapshot_for(api_id, name)
                    if snap is None:
                        continue  # never deployed: AWS serves nothing here
                    stages[name] = (RouteTable(snap.routes), {i[0]: Integration(*i) for i in snap.integrations},
                                    dict(stage.stage_variables or {}))
                view = ApiView(api_id, region, stages)
        self._views[api_id] = (generation, view)
        return view

    def function(self, region: str, uri: str) -> tuple[FunctionInfo | None, Any]:
        """(info, resource policy) for an integration URI."""
        key = (region, uri)
        cached = self._functions.get(key)
        if cached and cached[0] == self.moto.generation:
            return cached[1], cached[2]
        name = uri.split("/functions/")[1].split("/")[0] if "/functions/" in uri else uri
        with self.moto.lock:
            generation = self.moto.generation
            fn = self.moto.find_function(region, name)
            info = function_info(self.moto, region, fn) if fn is not None else None
            policy = _policy_of(fn)
        if isinstance(policy, str):
            policy = json.loads(policy)
        self._functions[key] = (generation, info, policy)
        return info, policy

    def allowed(self, info: FunctionInfo, policy: Any, source_arn: str) -> bool:
        """allows(), remembered until the control plane changes."""
        if self._allowed_generation != self.moto.generation:
            self._allowed = {}
            self._allowed_generation = self.moto.generation
        key = (info.arn, source_arn)
        found = self._allowed.get(key)
        if found is None:
            found = self._allowed[key] = allows(policy, source_arn, ACCOUNT)
        return found

    # -- a request ---------------------------------------------------------
    async def handle(self, api_id: str, request: events.HttpRequest) -> Outcome:
        request_id = events.new_request_id()
        outcome = await self._handle(api_id, request, request_id)
        outcome.response.headers.append(("apigw-requestid", request_id))
        outcome.request_id = request_id
        return outcome

    async def _handle(self, api_id: str, request: events.HttpRequest, request_id: str) -> Outcome:
        view = self.view(api_id)
        if view is None:
            return Outcome(events.gateway_error(404), note=f"no API with id {api_id}")
        if len(request.body) > MAX_REQUEST_BYTES:
            return Outcome(events.gateway_error(413), note="request body over 10 MB")
        selected = select_stage(view.stages, request.raw_path)
        if selected is None:
            return Outcome(events.gateway_error(404), note="no stage matches (a stage without auto-deploy "
                                                          "is served only after a deployment)")
        stage, route_path = selected
        table, integrations, variables = view.stages[stage]
        match = table.match(request.method, route_path)
        if match is None:
            return Outcome(events.gateway_error(404), note=f"no route matches {request.method} {route_path}")
        route = match.route
        integration = integrations.get((route.target or "").removeprefix("integrations/"))
        if integration is None:
            return Outcome(events.gateway_error(500), route_key=route.key.key, note="the route has no integration")
        if integration.type != "AWS_PROXY":
            return Outcome(events.gateway_error(500), route_key=route.key.key,
                           note=f"{integration.type} integrations are not run by the local cloud")
        info, policy = self.function(view.region, integration.uri)
        if info is None:
            return Outcome(events.gateway_error(500), route_key=route.key.key,
                           note=f"the integration's function {integration.uri} does not exist")
        resource = route.key.path.lstrip("/") if not route.key.is_default else None
        source_arn = (f"arn:aws:execute-api:{view.region}:{ACCOUNT}:{api_id}/{stage}/"
                      + (f"{request.method}/{resource}" if resource is not None else "$default"))
        if not self.allowed(info, policy, source_arn):
            return Outcome(events.gateway_error(500), route_key=route.key.key,
                           note=f"API Gateway has no permission to invoke {info.name} from {source_arn} "
                                "(lambda add-permission)")
        ctx = events.Context(ACCOUNT, api_id, f"{api_id}.execute-api.localhost:{self.port}", stage,
                             route.key.key, match.path_parameters, variables, request_id,
                             route.key.path or "$default")
        build = events.event_v2 if integration.payload_format == "2.0" else events.event_v1
        event = build(request, ctx)
        payload = fastjson.dumps(event)
        outcome = await self._invoke(info, payload, integration, route.key.key, event["headers"].get("x-amzn-trace-id"))
        outcome.event = payload
        return outcome

    async def _invoke(self, info: FunctionInfo, payload: bytes, integration: Integration,
                      route_key: str, trace_root: str | None) -> Outcome:
        if info.timeout_s * 1000 < integration.timeout_ms:
            # The function's own timeout always fires first: no second timer.
            result = await self.runtime.invoke(info, payload, trace_root=trace_root)
        else:
            task = asyncio.ensure_future(self.runtime.invoke(info, payload, trace_root=trace_root))
            try:
                result = await asyncio.wait_for(asyncio.shield(task), integration.timeout_ms / 1000)
            except asyncio.TimeoutError:
                # The function keeps running to its own timeout, as on AWS.
                return Outcome(events.gateway_error(503), route_key=route_key,
                               note=f"integration timeout ({integration.timeout_ms} ms)")
        if result.error_type:
            if result.error_type == "RequestTooLargeException":
                return Outcome(events.gateway_error(413), result=result, route_key=route_key)
            return Outcome(events.gateway_error(500), result=result, route_key=route_key,
                           note=f"the function failed: {_error_summary(result)}")
        mapper = events.response_v2 if integration.payload_format == "2.0" else events.response_v1
        try:
            response = mapper(result.payload)
        except events.BadOutput as exc:
            return Outcome(events.gateway_error(500), result=result, route_key=route_key,
                           note=f"malformed Lambda output: {exc}")
        return Outcome(response, result=result, route_key=route_key)


def _error_summary(result: InvokeResult) -> str:
    """errorType: errorMessage, short enough for one log line."""
    try:
        message = json.loads(result.payload).get("errorMessage") or ""
    except (ValueError, AttributeError):
        message = ""
    text = f"{result.error_type}: {message}" if message else str(result.error_type)
    return text if len(text) <= 300 else text[:297] + "..."
