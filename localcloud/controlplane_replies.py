"""moto's API Gateway v2 and Lambda answers made the ones AWS gives (issue 12):
the status codes of the create calls and the fields moto leaves out.

- Create calls answer 201 (botocore's model: apigatewayv2 CreateIntegration,
  CreateRoute, CreateStage and lambda AddPermission have "responseCode": 201;
  moto answers 200 to most of them).
- An integration's ConnectionType defaults to INTERNET (botocore's model:
  "The default value is INTERNET"; reference A6, a console-built integration).
- What quick create makes carries ApiGatewayManaged true (botocore's model
  of Route, Integration and Stage; awscli/examples/apigatewayv2/get-stages.rst).
- A stage names its deployment; an auto-deploy stage also says how its last
  deployment went, worded as in awscli/examples/apigatewayv2/get-stages.rst:
  "Successfully deployed stage with deployment ID 'dty748'". A stage without
  auto-deploy shows DeploymentId only (the `prod` stage of that example).
"""

from __future__ import annotations

import json
from typing import Any, Callable

from .apigatewayv2.deployments import Deployments
from .moto_bridge import WsgiReply

Managed = set[tuple[str, str]]  # ("route"|"integration"|"stage", id) made by quick create


def with_status(reply: WsgiReply, status: int) -> WsgiReply:
    """A success answered with AWS's status code; errors are left alone."""
    if 200 <= reply.status < 300 and reply.status != status:
        return WsgiReply(status, reply.headers, reply.body)
    return reply


def reshaped(reply: WsgiReply, amend: Callable[[dict[str, Any]], object]) -> WsgiReply:
    """The reply with `amend` applied to its JSON object, or to each of its
    `items` for a listing; errors and bodies that are not JSON pass as they are."""
    if not 200 <= reply.status < 300 or not reply.body:
        return reply
    try:
        payload = json.loads(reply.body)
    except ValueError:
        return reply
    if not isinstance(payload, dict):
        return reply
    items = payload.get("items")
    for each in items if isinstance(items, list) else [payload]:
        if isinstance(each, dict):
            amend(each)
    headers = [(k, v) for k, v in reply.headers if k.lower() != "content-length"]
    return WsgiReply(reply.status, headers, json.dumps(payload).encode())


def route_fields(managed: Managed) -> Callable[[dict[str, Any]], None]:
    def amend(route: dict[str, Any]) -> None:
        if ("route", route.get("routeId", "")) in managed:
            route["apiGatewayManaged"] = True

    return amend


def integration_fields(managed: Managed) -> Callable[[dict[str, Any]], None]:
    def amend(integration: dict[str, Any]) -> None:
        if not integration.get("connectionType"):
            integration["connectionType"] = "INTERNET"
        if ("integration", integration.get("integrationId", "")) in managed:
            integration["apiGatewayManaged"] = True

    return amend


def stage_fields(api_id: str, deployments: Deployments, managed: Managed) -> Callable[[dict[str, Any]], None]:
    def amend(stage: dict[str, Any]) -> None:
        name = stage.get("stageName", "")
        deployment_id = deployments.stage_deployment.get((api_id, name))
        if deployment_id and deployment_id in deployments.by_api.get(api_id, {}):
            stage["deploymentId"] = deployment_id
            if stage.get("autoDeploy"):
                stage["lastDeploymentStatusMessage"] = (
                    f"Successfully deployed stage with deployment ID '{deployment_id}'"
                )
        if ("stage", f"{api_id}/{name}") in managed:
            stage["apiGatewayManaged"] = True

    return amend


def error(status: int, code: str, message: str) -> WsgiReply:
    body = json.dumps({"message": message}).encode()
    return WsgiReply(status, [("Content-Type", "application/json"), ("x-amzn-ErrorType", code)], body)


def ok(status: int, payload: dict[str, Any]) -> WsgiReply:
    return WsgiReply(status, [("Content-Type", "application/json")], json.dumps(payload, default=str).encode())
