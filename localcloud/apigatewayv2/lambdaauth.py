"""Lambda (REQUEST) authorizers on HTTP API routes (reference G2;
http-api-lambda-authorizer).

- Every configured identity source must be present and non-empty, or the
  answer is 401 {"message":"Unauthorized"} and the authorizer is not called
  (IdentitySource docs).
- API Gateway needs its own permission to invoke the authorizer, from
  arn:aws:execute-api:{region}:{account}:{api}/authorizers/{id}; without it,
  an authorizer error or an answer in no known format: 500.
- The answer: with simple responses {"isAuthorized", "context"}; otherwise
  an IAM policy whose Allow must cover the route's ARN (a Deny wins). Denied:
  403 {"message":"Forbidden"} (the reference's medium-confidence text).
- Cached by the identity sources' values for AuthorizerResultTtlInSeconds
  (0: not cached; caching needs a source). A cached simple answer covers
  every route; a cached policy is checked against each route's ARN.
- The integration sees requestContext.authorizer.lambda = the context
  (payload 2.0; confirmed against AWS, awsdocs PR #112, floci#2652)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import TYPE_CHECKING, Any, Callable

from .. import fastjson
from ..moto_bridge import ACCOUNT
from . import events
from .errors import GatewayError
from .identity import request_value
from .jwtauth import Forbidden, Unauthorized
from .policy import like

if TYPE_CHECKING:
    from .context import RequestContext
    from .views import Authorizer

AUTHORIZER_TIMEOUT_S = 10.0  # "Timeout for Lambda authorizer response: 10000 ms" (limits)
MAX_CACHED = 10_000  # answers kept at once: a cloud left running all day stays flat
_FUNCTION = re.compile(r"functions/(arn:aws[a-z-]*:lambda:[^/]+)/invocations")


class AuthorizerFailed(GatewayError):
    """The authorizer could not be run, failed, or answered in no known format (500)."""

    status = 500


def identity_values(ctx: RequestContext, sources: tuple[str, ...]) -> list[str] | None:
    """Each source's value, in order; None when one is missing or empty."""
    request = ctx.request
    out = []
    for source in sources:
        value = request_value(request, source)
        if source.startswith("$stageVariables."):
            value = ctx.stage_view.variables.get(source[len("$stageVariables.") :])
        elif source.startswith("$context."):
            value = {"routeKey": ctx.route_key, "stage": ctx.stage, "requestId": ctx.request_id}.get(
                source[len("$context.") :]
            )
        if not value:
            return None
        out.append(value)
    return out


def _event(ctx: RequestContext, found: Authorizer, values: list[str], route_arn: str, about: events.Context) -> bytes:
    if found.payload_format == "2.0":
        base = events.event_v2(ctx.request, about)
        base.pop("body", None)
        base.pop("isBase64Encoded", None)
        event: dict[str, Any] = {
            "version": "2.0",
            "type": "REQUEST",
            "routeArn": route_arn,
            "identitySource": values,
            **{k: v for k, v in base.items() if k != "version"},
        }
    else:
        base = events.event_v1(ctx.request, about)
        base.pop("body", None)
        base.pop("isBase64Encoded", None)
        joined = ",".join(values)  # "the values joined by commas, without spaces" (G2)
        event = {
            "version": "1.0",
            "type": "REQUEST",
            "methodArn": route_arn,
            "identitySource": joined,
            "authorizationToken": joined,
            **{k: v for k, v in base.items() if k != "version"},
        }
    return fastjson.dumps(event)


def _policy_allows(policy: Any, route_arn: str) -> bool:
    """An IAM policy answer: some Allow covers the route and no Deny does."""
    statements = policy.get("Statement") if isinstance(policy, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        raise ValueError("policyDocument has no Statement")
    allowed = False
    for statement in statements:
        actions = statement.get("Action")
        actions = [actions] if isinstance(actions, str) else actions or []
        resources = statement.get("Resource")
        resources = [resources] if isinstance(resources, str) else resources or []
        if not any(a in ("execute-api:Invoke", "execute-api:*", "*") for a in actions):
            continue
        if not any(like(route_arn, r) for r in resources):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


class LambdaAuthorizers:
    def __init__(
        self,
        functions: Callable[[str, str], tuple[Any, Any]],
        allowed: Callable[[Any, Any, str], bool],
        runtime: Any,
        port: int,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.functions = functions
        self.allowed = allowed
        self.runtime = runtime
        self.domain_suffix = f".execute-api.localhost:{port}"
        self.clock = clock
        self.cache: dict[tuple[Any, ...], tuple[float, Any]] = {}  # -> (expires, parsed answer)

    async def authorize(self, ctx: RequestContext, found: Authorizer, route_arn: str) -> dict[str, Any]:
        values = identity_values(ctx, found.identity_sources)
        if values is None:
            raise Unauthorized(
                f"Lambda authorizer: an identity source is missing or empty {list(found.identity_sources)}", None
            )
        key = (ctx.api_id, found.authorizer_id, found.uri, found.ttl_s, tuple(values))
        cached = self.cache.get(key) if found.ttl_s > 0 and values else None
        if cached is not None and cached[0] > self.clock():
            answer = cached[1]
            ctx.authorizer_call = (_function_name(found.uri), None)
        else:
            answer = await self._ask(ctx, found, values, route_arn)
            if found.ttl_s > 0 and values:
                self._keep(key, (self.clock() + found.ttl_s, answer))
        decision, context = answer
        try:
            allowed = decision if isinstance(decision, bool) else _policy_allows(decision, route_arn)
        except ValueError as exc:
            raise AuthorizerFailed(f"the authorizer's policy: {exc}") from None
        if not allowed:
            raise Forbidden(f"Lambda authorizer {found.authorizer_id} denied the request")
        return {"lambda": context}

    def _keep(self, key: tuple[Any, ...], entry: tuple[float, Any]) -> None:
        if len(self.cache) >= MAX_CACHED:
            now = self.clock()
            for stale in [k for k, (expires, _a) in self.cache.items() if expires <= now]:
                del self.cache[stale]
            while len(self.cache) >= MAX_CACHED:  # all still fresh: the oldest goes (dicts keep order)
                del self.cache[next(iter(self.cache))]
        self.cache[key] = entry

    async def _ask(self, ctx: RequestContext, found: Authorizer, values: list[str], route_arn: str) -> Any:
        matched = _FUNCTION.search(found.uri)
        info, policy = self.functions(ctx.view.region, matched.group(1) if matched else found.uri)
        if info is None:
            raise AuthorizerFailed(f"the authorizer's function {found.uri} does not exist")
        source = f"arn:aws:execute-api:{ctx.view.region}:{ACCOUNT}:{ctx.api_id}/authorizers/{found.authorizer_id}"
        if not self.allowed(info, policy, source):
            raise AuthorizerFailed(f"API Gateway has no permission to invoke the authorizer {info.name} from {source}")
        about = events.Context(
            ACCOUNT,
            ctx.api_id,
            ctx.api_id + self.domain_suffix,
            ctx.stage,
            ctx.match.route.key.key,
            ctx.match.path_parameters,
            ctx.stage_view.variables,
            ctx.request_id,
            ctx.match.route.path or "$default",
        )
        event = _event(ctx, found, values, route_arn, about)
        ctx.authorizer_call = (info.name, None)
        try:
            result = await asyncio.wait_for(self.runtime.invoke(info, event), AUTHORIZER_TIMEOUT_S)
        except asyncio.TimeoutError:
            raise AuthorizerFailed(f"the authorizer {info.name} ran over 10 s") from None
        ctx.authorizer_call = (info.name, result.request_id)
        if result.error_type:
            raise AuthorizerFailed(f"the authorizer {info.name} failed: {result.error_type}")
        try:
            reply = json.loads(result.payload)
        except ValueError:
            raise AuthorizerFailed(f"the authorizer {info.name} answered with no JSON") from None
        return _parse(reply, found)


def _function_name(uri: str) -> str:
    matched = _FUNCTION.search(uri)
    return matched.group(1).split(":")[6] if matched and matched.group(1).count(":") >= 6 else uri


def _parse(reply: Any, found: Authorizer) -> tuple[Any, dict[str, Any]]:
    """(True/False or the policy document, context). principalId is not
    passed on: whether HTTP APIs do is unverified (reference G2)."""
    if not isinstance(reply, dict):
        raise AuthorizerFailed("the authorizer's answer is not an object")
    context = reply.get("context") or {}
    if not isinstance(context, dict):
        raise AuthorizerFailed("the authorizer's context is not an object")
    if found.payload_format == "2.0" and found.simple_responses:
        if not isinstance(reply.get("isAuthorized"), bool):
            raise AuthorizerFailed("a simple response needs isAuthorized: true or false")
        return reply["isAuthorized"], context
    policy = reply.get("policyDocument")
    if not isinstance(policy, dict):
        raise AuthorizerFailed("the authorizer's answer has no policyDocument")
    return policy, context
