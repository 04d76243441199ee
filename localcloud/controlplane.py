"""API Gateway v2 control-plane calls that moto gets wrong or lacks
(reference D1), answered the way AWS answers them; every other call goes to
moto untouched.

- CreateApi with Target (quick create) expands to an integration, a route
  (`RouteKey` or `$default`) and an auto-deploy `$default` stage.
- Route keys are validated; a duplicate route (same shape) is a conflict.
- Lambda proxy integrations need payload format 1.0 or 2.0.
- Stage names are validated; a duplicate stage is a conflict.
- Deployments, UpdateStage and DeleteAccessLogSettings, which moto does not
  implement (controlplane_stages.py).
- CorsConfiguration is validated as API Gateway does (awsrules/cors.py).
- Each change to an API deploys it to its auto-deploy stages (deployments.py).
- moto's answers get AWS's status codes and the fields it leaves out
  (controlplane_replies.py); a missing API's message names the account.
- WebSocket route responses: GetRouteResponses and AWS's status codes
  (controlplane_routeresponses.py).
- REST API (v1) calls: apigateway/controlplane.py.
- Lambda function URL configurations (lambdaurl/urlconfig.py) and
  AddPermission's function URL conditions (lambdaurl/permission.py).
Runs in a worker thread (it calls moto, which blocks).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

from awsrules.accesslogs import access_log_problem
from awsrules.cors import cors_problem
from awsrules.limits import PAYLOAD_FORMATS, STAGE_NAME_RE
from awsrules.routekeys import RouteKeyError, parse
from .apigateway import controlplane as rest_controlplane
from .apigatewayv2.deployments import Deployments
from .controlplane_replies import error as _error
from .controlplane_replies import ok as _ok
from .controlplane_replies import integration_fields, reshaped, route_fields, stage_fields, with_status
from .controlplane_stages import delete_access_log_settings, deployments, update_stage
from . import controlplane_routeresponses as routeresponses
from . import qualifiedpolicy
from .lambdaurl import permission, urlconfig
from .moto_bridge import ACCOUNT, Moto, WsgiReply, region_of

_API = re.compile(r"^/v2/apis/([^/]+)(/.*)?$")
_ACCESS_LOGS = re.compile(r"^/stages/([^/]+)/accesslogsettings$")
_ITEM = re.compile(r"^/(routes|integrations|stages)(?:/([^/]+))?$")  # deeper paths are moto's
_Call = tuple[str, str, list[tuple[str, str]], bytes]  # (path, query, headers, body) of the call
_POLICY = re.compile(r"^/2015-03-31/functions/([^/]+)/policy$")
_STATEMENT = re.compile(r"^/2015-03-31/functions/([^/]+)/policy/([^/]+)$")


class ControlPlane:
    def __init__(self, moto: Moto, deployments: Deployments, port: int):
        self.moto = moto
        self.deployments = deployments
        self.port = port
        self.managed: set[tuple[str, str]] = set()  # ("route"|"integration"|"stage", id) made by quick create

    def local_endpoint(self, api_id: str, websocket: bool = False) -> str:
        """The host form of an API's endpoint; a WebSocket API's is ws://,
        as AWS's is wss:// (reference K2)."""
        return f"{'ws' if websocket else 'http'}://{api_id}.execute-api.localhost:{self.port}"

    def handle(
        self, method: str, path: str, query: str, headers: list[tuple[str, str]], body: bytes
    ) -> WsgiReply | None:
        """An answer, or None to let moto answer."""
        if urlconfig.handles(path):  # function URLs: moto's answers are far from AWS's
            return urlconfig.handle(self.moto, self.port, method, path, query, headers, body)
        policy = _POLICY.match(path)
        if policy and method == "GET":  # the named version's or alias's own policy (qualifiedpolicy.py)
            reply = self._pass(method, path, query, headers, body)
            return qualifiedpolicy.get_policy(reply, region_of(headers), policy.group(1), query)
        statement = _STATEMENT.match(path)
        if statement and method == "DELETE":
            with self.moto.lock:
                sid = unquote(statement.group(2))
                return qualifiedpolicy.remove(self.moto, region_of(headers), statement.group(1), sid, query)
        if policy and method == "POST":
            query = qualifiedpolicy.with_qualifier(policy.group(1), query)
            refused = self._check_permission(policy.group(1), query, headers, _json(body))
            if refused:
                return refused
            reply = with_status(self._pass(method, path, query, headers, body), 201)
            return permission.rewrite(self.moto, region_of(headers), unquote(policy.group(1)), _json(body), reply)
        if path.startswith(("/restapis", "/usageplans")):  # REST APIs (v1): apigateway/controlplane.py
            return rest_controlplane.handle(
                self.moto, method, path, headers, body, lambda: self._pass(method, path, query, headers, body)
            )
        if path == "/v2/apis" and method == "POST":
            return self._create_api(query, headers, body)
        match = _API.match(path)
        if not match:
            return None
        api_id, rest = match.group(1), match.group(2) or ""
        with self.moto.lock:
            found = self.moto.find_api(api_id)
        if found is None:
            # AWS names the account too: "Invalid API identifier specified
            # <account-id>:<api-id>" (aws/aws-sdk-js#2458 for GetApi,
            # aws/aws-sam-cli#7030: "... 665192190199:bwop0s66op"); moto leaves it out.
            return _error(404, "NotFoundException", f"Invalid API identifier specified {ACCOUNT}:{api_id}")
        api = found[1]
        if rest == "" and method == "DELETE":
            return self._delete_api(found[0], api)
        data = _json(body)
        if rest == "" and method == "PATCH":
            problem = cors_problem(data.get("corsConfiguration"))
            if problem:
                return _error(400, "BadRequestException", problem)
            return self._changed(api, self._pass(method, path, query, headers, body))
        if rest == "/authorizers" and method == "GET":  # GetAuthorizers, which moto lacks
            with self.moto.lock:
                items = [a.to_json() for a in api.authorizers.values()]
            return _ok(200, {"items": items})
        access_logs = _ACCESS_LOGS.match(rest)
        if access_logs and method == "DELETE":  # DeleteAccessLogSettings, which moto lacks
            return delete_access_log_settings(self.moto, self.managed, api, access_logs.group(1))
        if routeresponses.handles(rest):
            return routeresponses.handle(
                self.moto, api, method, rest, lambda: self._pass(method, path, query, headers, body)
            )
        item = _ITEM.match(rest)
        if item is None:
            return (
                deployments(self.moto, self.deployments, api, method, rest, data)
                if rest.startswith("/deployments")
                else None
            )
        kind, item_id = item.group(1), item.group(2)
        if kind == "routes":
            return self._routes(api, item_id, method, data, (path, query, headers, body))
        if kind == "integrations":
            return self._integrations(api, item_id, method, data, (path, query, headers, body))
        return self._stages(api, item_id, method, data, (path, query, headers, body))

    # -- routes, integrations and stages -----------------------------------
    def _routes(self, api: Any, route_id: str | None, method: str, data: dict[str, Any], call: _Call) -> WsgiReply:
        if route_id is None and method == "POST":
            refused = self._check_route(api, data.get("routeKey"), None, data.get("target"))
            if refused:
                return refused
        if route_id is not None and method == "PATCH":
            if ("route", route_id) in self.managed and "routeKey" in data:
                return _error(400, "BadRequestException", "Cannot modify the route key of an API Gateway managed route")
            if "routeKey" in data or "target" in data:
                refused = self._check_route(api, data.get("routeKey"), route_id, data.get("target"))
                if refused:
                    return refused
        reply = self._pass(method, *call)
        if method != "GET":
            reply = self._changed(api, reply)
        if method == "POST":
            reply = with_status(reply, 201)
        return reshaped(reply, route_fields(self.managed))

    def _integrations(
        self, api: Any, integration_id: str | None, method: str, data: dict[str, Any], call: _Call
    ) -> WsgiReply:
        if method == "DELETE" and ("integration", integration_id) in self.managed:
            return _error(400, "BadRequestException", "Cannot delete an API Gateway managed integration")
        if (integration_id is None and method == "POST") or (integration_id is not None and method == "PATCH"):
            refused = self._check_integration(api, data, creating=method == "POST")
            if refused:
                return refused
        reply = self._pass(method, *call)
        if method != "GET":
            reply = self._changed(api, reply)
        if method == "POST":
            reply = with_status(reply, 201)
        return reshaped(reply, integration_fields(self.managed))

    def _stages(self, api: Any, name: str | None, method: str, data: dict[str, Any], call: _Call) -> WsgiReply:
        fields = stage_fields(api.api_id, self.deployments, self.managed)
        if name is not None and method == "PATCH":
            return reshaped(update_stage(self.moto, self.deployments, self.managed, api, name, data), fields)
        if name is None and method == "POST":
            name = data.get("stageName")
            if not isinstance(name, str) or (name != "$default" and not STAGE_NAME_RE.fullmatch(name)):
                return _error(
                    400,
                    "BadRequestException",
                    "Stage name must be $default or 1-128 letters, digits, hyphens or underscores",
                )
            if name in api.stages:
                return _error(409, "ConflictException", f"Stage already exists: {name}")
            problem = access_log_problem(data.get("accessLogSettings"))
            if problem:
                return _error(400, "BadRequestException", problem)
            reply = with_status(self._pass(method, *call), 201)
            if reply.status < 300:
                with self.moto.lock:
                    self.deployments.auto_deploy(api, [name])
                    self.moto.bump()
            return reshaped(reply, fields)
        reply = self._pass(method, *call)
        if name is not None and method == "DELETE" and reply.status < 300:
            with self.moto.lock:
                self.deployments.stage_deployment.pop((api.api_id, name), None)
                self.managed.discard(("stage", f"{api.api_id}/{name}"))
        return reshaped(reply, fields)

    def _pass(self, method: str, path: str, query: str, headers: list[tuple[str, str]], body: bytes) -> WsgiReply:
        """moto's own answer to the call."""
        return self.moto.call(method, path, query, headers, body, self.port)

    def _changed(self, api: Any, reply: WsgiReply) -> WsgiReply:
        """After a change to the API: deployed to its auto-deploy stages, as AWS does."""
        if reply.status < 300:
            with self.moto.lock:
                if self.deployments.auto_deploy(api):
                    self.moto.bump()
        return reply

    def _delete_api(self, region: str, api: Any) -> WsgiReply:
        # moto keeps a deleted API's tags forever: the snapshot grew
        # ~100 bytes per deploy/destroy cycle (bench/soak.py). Our own
        # records of the API (deployments, managed parts) go with it too.
        with self.moto.lock:
            backend = self.moto.apigw(region)
            backend.tagger.delete_all_tags_for_resource(api.arn)
            parts = {("route", r) for r in api.routes} | {("integration", i) for i in api.integrations}
            parts |= {("stage", f"{api.api_id}/{s}") for s in api.stages}
            backend.delete_api(api.api_id)
            self.managed -= parts
            self.deployments.forget_api(api.api_id)
            self.moto.bump()
        return WsgiReply(204, [], b"")

    # -- quick create ------------------------------------------------------
    def _create_api(self, query: str, headers: list[tuple[str, str]], body: bytes) -> WsgiReply:
        data = _json(body)
        target = data.pop("target", None)
        route_key = data.pop("routeKey", None)
        if target and data.get("protocolType") != "HTTP":
            return _error(400, "BadRequestException", "Quick create (target) is only for HTTP APIs")
        problem = cors_problem(data.get("corsConfiguration"))
        if problem:
            return _error(400, "BadRequestException", problem)
        if route_key is not None:
            try:
                parse(route_key)
            except RouteKeyError as exc:
                return _error(400, "BadRequestException", f"Invalid route key: {exc}")
        reply = self._moto("POST", "/v2/apis", data, headers, query)
        if reply.status >= 300:
            return reply
        created = json.loads(reply.body)
        api_id = created["apiId"]
        with self.moto.lock:
            api = self.moto.find_api(api_id)[1]  # type: ignore[index]
            api.api_endpoint = self.local_endpoint(api_id, api.protocol_type == "WEBSOCKET")
            created["apiEndpoint"] = api.api_endpoint
        if target:
            integration = json.loads(
                self._moto(
                    "POST",
                    f"/v2/apis/{api_id}/integrations",
                    {
                        "integrationType": "AWS_PROXY",
                        "integrationUri": target,
                        "integrationMethod": "POST",
                        "payloadFormatVersion": "2.0",
                        "timeoutInMillis": 30000,
                    },
                    headers,
                ).body
            )
            route = json.loads(
                self._moto(
                    "POST",
                    f"/v2/apis/{api_id}/routes",
                    {"routeKey": route_key or "$default", "target": f"integrations/{integration['integrationId']}"},
                    headers,
                ).body
            )
            self._moto("POST", f"/v2/apis/{api_id}/stages", {"stageName": "$default", "autoDeploy": True}, headers)
            with self.moto.lock:
                self.deployments.auto_deploy(api, ["$default"])
            self.managed |= {
                ("integration", integration["integrationId"]),
                ("route", route["routeId"]),
                ("stage", f"{api_id}/$default"),
            }
        return _ok(201, created)

    def _moto(
        self, method: str, path: str, data: dict[str, Any], headers: list[tuple[str, str]], query: str = ""
    ) -> WsgiReply:
        keep = [(k, v) for k, v in headers if k.lower() in ("authorization", "host", "x-amz-date", "user-agent")]
        body = json.dumps(data).encode()
        return self.moto.call(method, path, query, keep + [("Content-Type", "application/json")], body, self.port)

    # -- validation moto skips ---------------------------------------------
    def _check_route(self, api: Any, key: Any, route_id: str | None, target: Any) -> WsgiReply | None:
        websocket = (api.protocol_type or "").upper() == "WEBSOCKET"  # keys: $connect, sendmessage... (K1)
        if key is not None:
            try:
                shape = key if websocket else parse(key).shape
            except RouteKeyError as exc:
                return _error(400, "BadRequestException", f"Invalid route key: {exc}")
            for other in api.routes.values():
                other_shape = other.route_key if websocket else _shape(other.route_key)
                if other.route_id != route_id and other_shape == shape:
                    return _error(
                        409, "ConflictException", f"Route with key {other.route_key} already exists for this API"
                    )
        if isinstance(target, str) and target.startswith("integrations/"):
            if target.removeprefix("integrations/") not in api.integrations:
                return _error(400, "BadRequestException", f"Invalid integration target: {target}")
        return None

    def _check_integration(self, api: Any, data: dict[str, Any], creating: bool) -> WsgiReply | None:
        fmt = data.get("payloadFormatVersion")
        kind = data.get("integrationType")
        if fmt is not None and fmt not in PAYLOAD_FORMATS:
            return _error(400, "BadRequestException", f"Invalid payload format version {fmt}; allowed: 1.0, 2.0")
        if creating and api.protocol_type == "HTTP" and kind == "AWS_PROXY" and fmt is None:
            return _error(
                400,
                "BadRequestException",
                "PayloadFormatVersion is required for an AWS_PROXY integration on an HTTP API (1.0 or 2.0)",
            )
        if creating and kind == "HTTP_PROXY" and fmt not in (None, "1.0"):
            return _error(400, "BadRequestException", "HTTP_PROXY integrations support only payload format 1.0")
        return None

    def _check_permission(
        self, name: str, query: str, headers: list[tuple[str, str]], data: dict[str, Any]
    ) -> WsgiReply | None:
        """AddPermission with a StatementId already in the policy is a
        ResourceConflictException on AWS; moto adds a second statement. The
        policy is the named version's or alias's own (qualifiedpolicy.py)."""
        with self.moto.lock:
            statements = qualifiedpolicy.statements(self.moto, region_of(headers), name, query)
        if any(s.get("Sid") == data.get("StatementId") for s in statements):
            body = json.dumps(
                {
                    "Type": "User",
                    "message": f"The statement id ({data.get('StatementId')}) provided "
                    "already exists. Please provide a new statement id, or "
                    "remove the existing statement.",
                }
            ).encode()
            return WsgiReply(
                409, [("Content-Type", "application/json"), ("x-amzn-ErrorType", "ResourceConflictException")], body
            )
        return None


def _shape(key: str) -> str | None:
    try:
        return parse(key).shape
    except RouteKeyError:
        return None


def _json(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body) if body else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
