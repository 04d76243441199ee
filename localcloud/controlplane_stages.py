"""Stage calls moto lacks, answered as AWS answers them: UpdateStage,
DeleteAccessLogSettings and the deployments (CreateDeployment, GetDeployments,
GetDeployment, DeleteDeployment)."""

from __future__ import annotations

from typing import Any

from awsrules.accesslogs import access_log_problem
from .apigatewayv2.deployments import Deployments
from .controlplane_replies import Managed, error, ok
from .moto_bridge import Moto, WsgiReply


def _stage(managed: Managed, api: Any, name: str) -> tuple[Any, WsgiReply | None]:
    stage = api.stages.get(name)
    if stage is None:
        return None, error(404, "NotFoundException", f"Invalid stage identifier specified {name}")
    if ("stage", f"{api.api_id}/{name}") in managed:
        return None, error(400, "BadRequestException", "Cannot modify an API Gateway managed stage")
    return stage, None


def update_stage(
    moto: Moto, deps: Deployments, managed: Managed, api: Any, name: str, data: dict[str, Any]
) -> WsgiReply:
    """UpdateStage, which moto does not implement."""
    stage, refused = _stage(managed, api, name)
    if refused:
        return refused
    problem = access_log_problem(data.get("accessLogSettings"))
    if problem:
        return error(400, "BadRequestException", problem)
    with moto.lock:
        if "autoDeploy" in data:
            stage.auto_deploy = bool(data["autoDeploy"])
        # Settings an update names replace the stage's (the data plane reads them: throttling, access logs).
        if "defaultRouteSettings" in data:
            stage.default_route_settings = {"detailedMetricsEnabled": False, **(data["defaultRouteSettings"] or {})}
        if "routeSettings" in data:
            stage.route_settings = data["routeSettings"] or {}
        if "accessLogSettings" in data:
            stage.access_log_settings = data["accessLogSettings"] or None
        if "stageVariables" in data:
            stage.stage_variables = data["stageVariables"] or {}
        if "description" in data:
            stage.description = data["description"]
        if "deploymentId" in data:
            if data["deploymentId"] not in deps.by_api.get(api.api_id, {}):
                return error(400, "BadRequestException", f"Invalid deployment id {data['deploymentId']}")
            deps.stage_deployment[(api.api_id, name)] = data["deploymentId"]
        moto.bump()
        payload = stage.to_json()
    payload["autoDeploy"] = stage.auto_deploy
    return ok(200, payload)


def deployments(moto: Moto, deps: Deployments, api: Any, method: str, rest: str, data: dict[str, Any]) -> WsgiReply:
    """CreateDeployment, GetDeployments, GetDeployment, DeleteDeployment."""
    parts = rest.strip("/").split("/")
    with moto.lock:
        if len(parts) == 1 and method == "POST":
            stage = data.get("stageName")
            if stage and stage not in api.stages:
                return error(400, "BadRequestException", f"Invalid stage identifier specified {stage}")
            if stage and api.stages[stage].auto_deploy:
                return error(
                    400, "BadRequestException", f"Stage {stage} has auto-deploy enabled; AWS deploys it by itself"
                )
            deployment = deps.create(api, stage, data.get("description", ""))
            moto.bump()
            return ok(201, deployment.to_json())
        if len(parts) == 1 and method == "GET":
            items = [d.to_json() for d in deps.by_api.get(api.api_id, {}).values()]
            return ok(200, {"items": items})
        deployment_id = parts[1] if len(parts) > 1 else ""
        found = deps.by_api.get(api.api_id, {}).get(deployment_id)
        if found is None:
            return error(404, "NotFoundException", f"Invalid deployment identifier specified {deployment_id}")
        if method == "GET":
            return ok(200, found.to_json())
        if method == "DELETE":
            deps.delete(api.api_id, deployment_id)
            moto.bump()
            return WsgiReply(204, [], b"")
    return error(400, "BadRequestException", f"{method} is not supported on deployments")


def delete_access_log_settings(moto: Moto, managed: Managed, api: Any, name: str) -> WsgiReply:
    """DeleteAccessLogSettings: the stage stops writing access logs; 204 with
    no body (botocore's model: DELETE .../stages/{StageName}/accesslogsettings,
    "responseCode": 204)."""
    stage, refused = _stage(managed, api, name)
    if refused:
        return refused
    with moto.lock:
        stage.access_log_settings = None
        moto.bump()
    return WsgiReply(204, [], b"")
