"""A REST API request: stage, resource and method from the stage's
deployment, the invoke permission, then the Lambda proxy integration.
The HTTP API pieces are reused: its route matching, payload 1.0 event,
function lookup, permission check and Invoke (apigatewayv2/)."""

from __future__ import annotations

import functools
import re
import time
from typing import Any
from urllib.parse import unquote

from .. import fastjson
from ..apigatewayv2 import events
from ..apigatewayv2.context import RequestContext
from ..apigatewayv2.errors import GatewayError, IntegrationTimeout
from ..apigatewayv2.handlers import Invoke
from ..apigatewayv2.views import ControlPlaneViews, Integration
from ..moto_bridge import ACCOUNT, Moto
from ..runtime import uuid4_text
from . import errors
from .apikeys import HEADER as API_KEY_HEADER
from .apikeys import ApiKeys
from .deployments import RestMethod, install
from .proxyevent import proxy_event, proxy_response
from .views import RestViews

# J1.5: a Lambda proxy integration's uri names the function inside an apigateway ARN.
_LAMBDA_URI = re.compile(r"^arn:aws[a-z-]*:apigateway:[^:]+:lambda:path/2015-03-31/functions/(.+)/invocations$")


class RestGateway:
    def __init__(
        self,
        moto: Moto,
        functions: ControlPlaneViews,
        runtime: Any,
        port: int,
        metrics: Any = None,
    ):
        """`functions`: the HTTP API views (apigatewayv2/views.py), for an
        integration's function and its invoke permission;
        `metrics`: the MetricRecorder (metrics.py), None for none."""
        self.metrics = metrics
        install()
        self.views = RestViews(moto)
        self.api_keys = ApiKeys(moto)
        self.functions = functions.function
        self.allowed = functions.allowed
        self.invoke = Invoke(runtime)
        self.domain_suffix = f".execute-api.localhost:{port}"

    def serves(self, api_id: str) -> bool:
        """A REST API has this id (REST and HTTP APIs live in different moto backends)."""
        return self.views.view(api_id) is not None

    async def handle(self, api_id: str, request: events.HttpRequest) -> RequestContext:
        # J4: requestId is a UUID (x-amzn-RequestId); extendedRequestId the
        # base64 kind (x-amz-apigw-id).
        started = time.perf_counter()
        ctx = RequestContext(api_id, request, uuid4_text())  # uuid.UUID objects cost ~5 us a request
        extended = events.new_request_id()
        try:
            await self._run(ctx, extended)
        except errors.RestError as error:
            ctx.response, ctx.note = error.response(), error.note
        except IntegrationTimeout as error:  # from Invoke
            ctx.response, ctx.note = errors.EndpointTimeout("").response(), error.note
        except GatewayError as error:  # anything else Invoke raises: not a bare traceback
            ctx.response, ctx.note = errors.ConfigurationError("").response(), error.note
        assert ctx.response is not None
        # J5: every REST answer, its own errors too, carries both ids.
        ctx.response.headers += [("x-amzn-requestid", ctx.request_id), ("x-amz-apigw-id", extended)]
        view = self.views.view(api_id)
        if self.metrics is not None and view is not None and ctx.stage:
            # AWS/ApiGateway for a REST API: dimensions ApiName and ApiName+Stage.
            integration_ms = getattr(ctx.result.log, "duration_ms", None) if ctx.result is not None else None
            latency_ms = (time.perf_counter() - started) * 1000
            self.metrics.request(
                view.region, view.name, ctx.stage, ctx.response.status, latency_ms, integration_ms, "ApiName"
            )
        return ctx

    async def _run(self, ctx: RequestContext, extended: str) -> None:
        view = self.views.view(ctx.api_id)
        if view is None:
            raise errors.StageForbidden(f"no REST API with id {ctx.api_id}")
        # J2: the stage is the first segment; a leading double slash is tolerated.
        stage_name, _, rest = _encoded_path(ctx.request, ctx.api_id).lstrip("/").partition("/")
        stage = view.stages.get(stage_name)
        if stage is None:
            raise errors.StageForbidden(f"no stage {stage_name!r} (REST APIs serve a stage after create_deployment)")
        path = "/" + rest
        ctx.stage, ctx.route_path = stage_name, path
        match = stage.routes.match(ctx.request.method, path)
        if match is None:
            raise errors.MissingAuthenticationToken(
                f"no deployed resource and method for {ctx.request.method} {path} in stage {stage_name}"
            )
        ctx.match = match
        method = stage.methods[match.route.route_id]
        if method.api_key_required:
            given = next((v for k, v in ctx.request.headers if k == API_KEY_HEADER), None)
            if not self.api_keys.allows(view.region, ctx.api_id, stage_name, given):
                raise errors.InvalidApiKey(f"{method.method} {method.path} needs an API key of a usage plan for it")
        if method.integration_type != "AWS_PROXY":
            kind = method.integration_type or "no"
            raise errors.ConfigurationError(f"{kind} integration: the local cloud runs Lambda proxy integrations only")
        integration = _integration(method)
        if integration is None:
            raise errors.ConfigurationError(f"the integration's uri {method.uri} names no Lambda function")
        ctx.integration = integration
        function, ctx.policy = self.functions(view.region, integration.uri)
        if function is None:
            raise errors.ConfigurationError(f"the integration's function {integration.uri} does not exist")
        ctx.function = function
        # The ARN API Gateway invokes from: <api>/<stage>/<METHOD>/<resource path> (J1.6).
        source_arn = (
            f"arn:aws:execute-api:{view.region}:{ACCOUNT}:{ctx.api_id}/{stage_name}/{ctx.request.method}{method.path}"
        )
        if not self.allowed(function, ctx.policy, source_arn):
            # J6 / reference B5: no invoke permission is 500 "Internal server error".
            raise errors.ConfigurationError(
                f"API Gateway has no permission to invoke {function.name} from {source_arn} (lambda add-permission)"
            )
        about = events.Context(
            ACCOUNT,
            ctx.api_id,
            ctx.api_id + self.domain_suffix,
            stage_name,
            method.resource_id,  # event_v1 puts it in requestContext.resourceId
            match.path_parameters,
            stage.variables,
            ctx.request_id,
            method.path,
        )
        event = proxy_event(ctx.request, about, path, stage.deployment_id, extended, stage.binary_media_types)
        ctx.trace_root = event["headers"].get("x-amzn-trace-id")
        ctx.event = fastjson.dumps(event)
        await self.invoke(ctx)
        result = ctx.result
        assert result is not None
        if result.status == "throttled":
            # "Lambda's 429 ... will always be considered as 500" for REST (an API Gateway
            # engineer on the AWS forum, quoted on Stack Overflow 36363280; apigatewayv2/handlers.py).
            raise errors.ConfigurationError(f"Lambda throttled the invocation: {result.error_type}")
        if result.error_type:
            raise errors.BadIntegrationResponse(f"the function failed: {result.error_type}")
        try:
            accept = next((v for k, v in ctx.request.headers if k == "accept"), None)
            ctx.response = proxy_response(result.payload, accept, stage.binary_media_types)
        except events.BadOutput as exc:
            raise errors.BadIntegrationResponse(f"malformed Lambda output: {exc}") from None


@functools.lru_cache(maxsize=1024)
def _integration(method: RestMethod) -> Integration | None:
    """A deployed method's Lambda proxy integration (RestMethod is frozen:
    one per method and deployment, so this is worked out once)."""
    uri = _LAMBDA_URI.match(method.uri)
    if uri is None:
        return None
    return Integration(method.resource_id, method.integration_type, uri.group(1), "1.0", method.timeout_ms)


def _encoded_path(request: events.HttpRequest, api_id: str) -> str:
    """The path as the client sent it, the /_aws/execute-api/<id> prefix
    removed: REST hands the function the path NOT percent-decoded (J4 [R]:
    `test%2Balias` stays), unlike HTTP APIs."""
    raw = request.signed_path or request.raw_path
    if raw == request.raw_path or unquote(raw) == request.raw_path:
        return raw  # the {api}.execute-api.localhost form: the whole path is the API's
    prefix = f"/_aws/execute-api/{api_id}"
    return raw[len(prefix) :] if raw.startswith(prefix) else request.raw_path
