"""REST API (v1) control-plane calls moto gets wrong, answered as AWS
answers them; every other call goes to moto untouched.

- PutIntegration: AWS fills passthroughBehavior WHEN_NO_MATCH, timeoutInMillis
  29000 and cacheNamespace (the resource's id) when the call leaves them out
  (reference J1.5 [R] test_put_integration_validation); moto leaves them empty.
- DeleteResource: AWS deletes the resource's children with it; moto leaves
  them pointing at a parent that is gone, and every later GetResources and
  CreateDeployment of the API then fails with NotFoundException.
- GetStage(s): cacheClusterStatus NOT_AVAILABLE, methodSettings {} and
  tracingEnabled false when off, as AWS lists a stage (J1.7 [R]).
- CreateUsagePlan refuses a stage that does not exist, and DeleteUsagePlan a
  plan still bound to a stage or not there at all, as AWS does; moto accepts
  the first two and answers the last with a 500.
- CreateRestApi keeps binaryMediaTypes (moto drops them), and UpdateRestApi
  takes AWS's form for them: add/remove `/binaryMediaTypes/<type>` with `/`
  escaped as `~1` and no value (AWS docs, api-gateway-payload-encodings-
  configure-with-control-service-api: `"path" : "/binaryMediaTypes/image~1gif"`);
  moto reads the type from `value` and answers a remove with a 500.
Runs in a worker thread (it calls moto, which blocks)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ..controlplane_replies import error, ok, reshaped
from ..moto_bridge import ACCOUNT, Moto, WsgiReply, region_of
from .deployments import DEFAULT_TIMEOUT_MS

_INTEGRATION = re.compile(r"^/restapis/([^/]+)/resources/([^/]+)/methods/([^/]+)/integration$")
_RESOURCE = re.compile(r"^/restapis/([^/]+)/resources/([^/]+)$")
_STAGES = re.compile(r"^/restapis/([^/]+)/stages(?:/[^/]+)?$")
_PLAN = re.compile(r"^/usageplans/([^/]+)/?$")
_REST_API = re.compile(r"^/restapis/([^/]+)/?$")
_BINARY_PATH = "/binaryMediaTypes/"
Pass = Callable[[], WsgiReply]  # moto's own answer to the call


def handle(
    moto: Moto, method: str, path: str, headers: list[tuple[str, str]], body: bytes, passed: Pass
) -> WsgiReply | None:
    """An answer, or None to let moto answer."""
    if path.rstrip("/") == "/restapis" and method == "POST":
        return _create_rest_api(moto, region_of(headers), _json(body), passed)
    rest_api = _REST_API.match(path)
    if rest_api and method == "PATCH":
        return _update_rest_api(moto, region_of(headers), rest_api.group(1), _json(body)) or passed()
    integration = _INTEGRATION.match(path)
    if integration and method == "PUT":
        reply = passed()
        if 200 <= reply.status < 300:
            with moto.lock:
                filled = _fill_integration(region_of(headers), *integration.groups())
                moto.bump()  # a read cached between moto's write and this one is stale
            reply = reshaped(reply, lambda fields: fields.update(filled))
        return reply
    resource = _RESOURCE.match(path)
    if resource and method == "DELETE":
        with moto.lock:
            children = _descendants(region_of(headers), *resource.groups())
        reply = passed()
        if 200 <= reply.status < 300 and children:
            with moto.lock:
                _drop(region_of(headers), resource.group(1), children)
                moto.bump()
        return reply
    if _STAGES.match(path) and method == "GET":
        return reshaped(passed(), _stage_fields)
    if path == "/usageplans" and method == "POST":
        with moto.lock:
            refused = _missing_stage(region_of(headers), _json(body))
        return refused or passed()
    plan = _PLAN.match(path)
    if plan and method == "DELETE":
        with moto.lock:
            refused = _plan_in_use(region_of(headers), plan.group(1))
        return refused or passed()
    return None


def _stage_fields(payload: dict[str, Any]) -> None:
    """One stage, or GetStages' list, which the wire names `item`."""
    listed = payload.get("item")
    for stage in listed if isinstance(listed, list) else [payload]:
        if isinstance(stage, dict):
            _stage_defaults(stage)


def _stage_defaults(stage: dict[str, Any]) -> None:
    stage.setdefault("methodSettings", {})
    stage.setdefault("tracingEnabled", False)
    if not stage.get("cacheClusterEnabled"):
        stage["cacheClusterEnabled"] = False
        stage.setdefault("cacheClusterStatus", "NOT_AVAILABLE")


def _missing_stage(region: str, data: dict[str, Any]) -> WsgiReply | None:
    """AWS's own wording, its %s placeholders left unfilled as it sends them
    (aws/aws-cdk#6169, aws/aws-sdk#354)."""
    for bound in data.get("apiStages") or []:
        api = _api(region, str(bound.get("apiId")))
        if api is None or bound.get("stage") not in api.stages:
            return error(
                400, "BadRequestException", "Invalid API Stage {api: %s, stage: %s} specified for usageplan %s"
            )
    return None


def _plan_in_use(region: str, plan_id: str) -> WsgiReply | None:
    from moto.apigateway.models import apigateway_backends

    plan = apigateway_backends[ACCOUNT][region].usage_plans.get(plan_id)
    if plan is None:
        return error(404, "NotFoundException", "Invalid Usage Plan ID specified")
    if plan.api_stages:  # aws/aws-sdk-js#3841
        first = plan.api_stages[0]
        return error(
            400,
            "BadRequestException",
            f"Cannot delete Usage Plan {plan_id} because there are API Stages associated with it, "
            f"including {first.get('apiId')}:{first.get('stage')}",
        )
    return None


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _api(region: str, api_id: str) -> Any:
    from moto.apigateway.models import apigateway_backends

    return apigateway_backends[ACCOUNT][region].apis.get(api_id)


def _fill_integration(region: str, api_id: str, resource_id: str, method: str) -> dict[str, Any]:
    api = _api(region, api_id)
    resource = api.resources.get(resource_id) if api is not None else None
    found = resource.resource_methods.get(method) if resource is not None else None
    integration = getattr(found, "method_integration", None)
    if integration is None:
        return {}
    integration.passthrough_behaviour = integration.passthrough_behaviour or "WHEN_NO_MATCH"
    integration.timeout_in_millis = int(integration.timeout_in_millis or DEFAULT_TIMEOUT_MS)
    integration.cache_namespace = integration.cache_namespace or resource_id
    return {
        "passthroughBehavior": integration.passthrough_behaviour,
        "timeoutInMillis": integration.timeout_in_millis,
        "cacheNamespace": integration.cache_namespace,
    }


def _descendants(region: str, api_id: str, resource_id: str) -> set[str]:
    api = _api(region, api_id)
    if api is None:
        return set()
    found: set[str] = set()
    frontier = {resource_id}
    while frontier:
        frontier = {r.id for r in api.resources.values() if r.parent_id in frontier} - found
        found |= frontier
    return found


def _drop(region: str, api_id: str, resource_ids: set[str]) -> None:
    api = _api(region, api_id)
    for resource_id in resource_ids if api is not None else ():
        api.resources.pop(resource_id, None)


def _create_rest_api(moto: Moto, region: str, data: dict[str, Any], passed: Pass) -> WsgiReply:
    reply = passed()
    wanted = data.get("binaryMediaTypes")
    if not (200 <= reply.status < 300 and isinstance(wanted, list) and wanted):
        return reply
    types = [str(t) for t in wanted]
    api_id = str(_json(reply.body).get("id", ""))
    with moto.lock:
        api = _api(region, api_id)
        if api is not None:
            api.binaryMediaTypes = types
            moto.bump()
    return reshaped(reply, lambda fields: fields.update(binaryMediaTypes=types))


def _update_rest_api(moto: Moto, region: str, api_id: str, data: dict[str, Any]) -> WsgiReply | None:
    """An UpdateRestApi with binaryMediaTypes operations: those here, the
    rest through moto's own patch code; None (moto answers) for any other."""
    operations = [op for op in data.get("patchOperations") or [] if isinstance(op, dict)]
    if not any(str(op.get("path", "")).startswith(_BINARY_PATH) for op in operations):
        return None
    with moto.lock:
        api = _api(region, api_id)
        if api is None:
            return None
        types = list(getattr(api, "binaryMediaTypes", None) or [])
        others = []
        for op in operations:
            where = str(op.get("path", ""))
            if not where.startswith(_BINARY_PATH):
                others.append(op)
                continue
            # RFC 6901 unescaping, ~1 before ~0: "~01" is "~1".
            media = where[len(_BINARY_PATH) :].replace("~1", "/").replace("~0", "~")
            if op.get("op") == "add" and media not in types:
                types.append(media)
            elif op.get("op") == "remove" and media in types:
                types.remove(media)
            elif op.get("op") not in ("add", "remove"):
                # Our wording: AWS's answer to other operations here is unrecorded.
                return error(400, "BadRequestException", "Invalid patch operation specified. Must be 'add'|'remove'")
        api.binaryMediaTypes = types
        if others:
            api.apply_patch_operations(others)
        moto.bump()
        return ok(200, api.to_dict())
