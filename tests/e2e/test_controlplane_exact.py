"""The local cloud's API Gateway v2 control plane answers as AWS does
(issue 12): status codes, fields, automatic deployments, quick create's
managed parts, the not-found message and id shapes. Over real HTTP, boto3
against a running local cloud. Each test names its source."""

from __future__ import annotations

import re
from typing import Any

import botocore.exceptions
import pytest

from tests.cloudproc import ECHO, create_function, deploy

AUTO_DESCRIPTION = "Automatic deployment triggered by changes to the Api configuration"


def _status(reply: dict[str, Any]) -> int:
    return reply["ResponseMetadata"]["HTTPStatusCode"]


def _bare_api(cloud: Any) -> tuple[Any, str, str]:
    """(client, API id, integration id): an HTTP API with one Lambda integration, no routes, no stage."""
    _, arn = create_function(cloud, "def lambda_handler(e, c):\n    return 1\n")
    api = cloud.client("apigatewayv2")
    api_id = api.create_api(Name="exact", ProtocolType="HTTP")["ApiId"]
    integration = api.create_integration(
        ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=arn, PayloadFormatVersion="2.0"
    )
    return api, api_id, integration["IntegrationId"]


def test_create_calls_answer_201(cloud: Any) -> None:
    # botocore's model (data/apigatewayv2/*/service-2.json): CreateApi,
    # CreateIntegration, CreateRoute, CreateStage and CreateDeployment have
    # "responseCode": 201; lambda's AddPermission too; reference A8, A10.
    name, arn = create_function(cloud, "def lambda_handler(e, c):\n    return 1\n")
    api = cloud.client("apigatewayv2")
    created = api.create_api(Name="codes", ProtocolType="HTTP")
    api_id = created["ApiId"]
    integration = api.create_integration(
        ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=arn, PayloadFormatVersion="2.0"
    )
    route = api.create_route(ApiId=api_id, RouteKey="GET /a", Target=f"integrations/{integration['IntegrationId']}")
    stage = api.create_stage(ApiId=api_id, StageName="manual")
    deployment = api.create_deployment(ApiId=api_id, StageName="manual")
    permission = cloud.client("lambda").add_permission(
        FunctionName=name,
        StatementId="apigw",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/*",
    )
    assert [_status(r) for r in (created, integration, route, stage, deployment, permission)] == [201] * 6
    # Reads and updates stay 200 (botocore's model: UpdateRoute, UpdateIntegration "responseCode": 200).
    assert _status(api.get_route(ApiId=api_id, RouteId=route["RouteId"])) == 200
    assert _status(api.update_integration(ApiId=api_id, IntegrationId=integration["IntegrationId"])) == 200


def test_integrations_say_connection_type_internet(cloud: Any) -> None:
    # botocore's model, Integration.ConnectionType: "The default value is
    # INTERNET"; reference A6 (a console-built integration: ConnectionType INTERNET).
    api, api_id, integration_id = _bare_api(cloud)
    assert api.get_integration(ApiId=api_id, IntegrationId=integration_id)["ConnectionType"] == "INTERNET"
    [listed] = api.get_integrations(ApiId=api_id)["Items"]
    assert listed["ConnectionType"] == "INTERNET"
    updated = api.update_integration(ApiId=api_id, IntegrationId=integration_id, TimeoutInMillis=5000)
    assert updated["ConnectionType"] == "INTERNET"
    _, arn = create_function(cloud, "def lambda_handler(e, c):\n    return 1\n")
    created = api.create_integration(
        ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=arn, PayloadFormatVersion="1.0"
    )
    assert created["ConnectionType"] == "INTERNET"


def test_auto_deploy_stage_is_deployed_on_each_change(cloud: Any) -> None:
    # awscli/examples/apigatewayv2/get-stages.rst (aws/aws-cli): an auto-deploy
    # stage shows "DeploymentId": "dty748" and "LastDeploymentStatusMessage":
    # "Successfully deployed stage with deployment ID 'dty748'"; a stage
    # without auto-deploy shows DeploymentId only.
    # awscli/examples/apigatewayv2/get-deployments.rst: automatic deployments
    # are listed with "AutoDeployed": true, "DeploymentStatus": "DEPLOYED" and
    # the description "Automatic deployment triggered by changes to the Api configuration".
    api, api_id, integration_id = _bare_api(cloud)
    api.create_route(ApiId=api_id, RouteKey="GET /a", Target=f"integrations/{integration_id}")
    created = api.create_stage(ApiId=api_id, StageName="live", AutoDeploy=True)
    first = created["DeploymentId"]
    assert re.fullmatch(r"[a-z0-9]{6}", first)
    assert created["LastDeploymentStatusMessage"] == f"Successfully deployed stage with deployment ID '{first}'"

    api.create_route(ApiId=api_id, RouteKey="GET /b", Target=f"integrations/{integration_id}")
    stage = api.get_stage(ApiId=api_id, StageName="live")
    second = stage["DeploymentId"]
    assert second != first
    assert stage["LastDeploymentStatusMessage"] == f"Successfully deployed stage with deployment ID '{second}'"
    [listed] = api.get_stages(ApiId=api_id)["Items"]
    assert listed["DeploymentId"] == second

    deployments = api.get_deployments(ApiId=api_id)["Items"]
    assert {d["DeploymentId"] for d in deployments} == {first, second}
    for d in deployments:
        assert (d["AutoDeployed"], d["DeploymentStatus"], d["Description"]) == (True, "DEPLOYED", AUTO_DESCRIPTION)
    assert api.get_deployment(ApiId=api_id, DeploymentId=second)["AutoDeployed"] is True


def test_changes_that_redeploy_and_manual_stages(cloud: Any) -> None:
    # Same sources as above: every change to the API (routes, integrations,
    # the API itself) makes an automatic deployment; a manual stage shows the
    # deployment it was given and no status message (get-stages.rst, `prod`).
    api, api_id, integration_id = _bare_api(cloud)
    route_id = api.create_route(ApiId=api_id, RouteKey="GET /a", Target=f"integrations/{integration_id}")["RouteId"]
    api.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    api.create_stage(ApiId=api_id, StageName="manual")
    manual = api.create_deployment(ApiId=api_id, StageName="manual")
    seen = {api.get_stage(ApiId=api_id, StageName="$default")["DeploymentId"]}
    for change in (
        lambda: api.update_route(ApiId=api_id, RouteId=route_id, RouteKey="GET /c"),
        lambda: api.update_integration(ApiId=api_id, IntegrationId=integration_id, TimeoutInMillis=6000),
        lambda: api.update_api(ApiId=api_id, Description="changed"),
    ):
        change()
        seen.add(api.get_stage(ApiId=api_id, StageName="$default")["DeploymentId"])
    assert len(seen) == 4
    stage = api.get_stage(ApiId=api_id, StageName="manual")
    assert stage["DeploymentId"] == manual["DeploymentId"] and "LastDeploymentStatusMessage" not in stage
    auto = [d for d in api.get_deployments(ApiId=api_id)["Items"] if d["AutoDeployed"]]
    assert len(auto) == 4


def test_auto_deploy_stage_of_an_api_without_routes_has_no_deployment(cloud: Any) -> None:
    # An HTTP API with no routes cannot be deployed (CreateDeployment needs a
    # route): the stage waits for the first change, as the `dev` stage of
    # get-stages.rst (AutoDeploy true, no DeploymentId) shows.
    api, api_id, _ = _bare_api(cloud)
    stage = api.create_stage(ApiId=api_id, StageName="dev", AutoDeploy=True)
    assert "DeploymentId" not in stage and "LastDeploymentStatusMessage" not in stage
    assert api.get_deployments(ApiId=api_id)["Items"] == []


def test_quick_create_parts_are_api_gateway_managed(cloud: Any) -> None:
    # botocore's model: Route, Integration and Stage.ApiGatewayManaged
    # ("Specifies whether a route is managed by API Gateway. If you created
    # an API using quick create, the $default route is managed by API
    # Gateway"); get-stages.rst shows the quick-create $default stage with
    # "ApiGatewayManaged": true and a deployment; reference A7.
    _, arn = create_function(cloud, "def lambda_handler(e, c):\n    return 1\n")
    api = cloud.client("apigatewayv2")
    api_id = api.create_api(Name="quick", ProtocolType="HTTP", Target=arn)["ApiId"]
    [route] = api.get_routes(ApiId=api_id)["Items"]
    [integration] = api.get_integrations(ApiId=api_id)["Items"]
    [stage] = api.get_stages(ApiId=api_id)["Items"]
    assert route["ApiGatewayManaged"] is True
    assert api.get_route(ApiId=api_id, RouteId=route["RouteId"])["ApiGatewayManaged"] is True
    assert integration["ApiGatewayManaged"] is True and integration["ConnectionType"] == "INTERNET"
    assert stage["ApiGatewayManaged"] is True
    assert stage["LastDeploymentStatusMessage"] == (
        f"Successfully deployed stage with deployment ID '{stage['DeploymentId']}'"
    )
    [deployment] = api.get_deployments(ApiId=api_id)["Items"]
    assert deployment["DeploymentId"] == stage["DeploymentId"] and deployment["AutoDeployed"] is True
    # What the caller makes itself is not managed (the field is absent, as in get-stages.rst's `dev`).
    own = api.create_route(ApiId=api_id, RouteKey="GET /own", Target=f"integrations/{integration['IntegrationId']}")
    assert "ApiGatewayManaged" not in own


def test_missing_api_names_the_account(cloud: Any) -> None:
    # AWS: "Invalid API identifier specified <account-id>:<api-id>" for
    # apigatewayv2 GetApi (aws/aws-sdk-js#2458); "Invalid API identifier
    # specified 665192190199:bwop0s66op (Service: AmazonApiGatewayV2; Status
    # Code: 404; Error Code: NotFoundException ...)" (aws/aws-sam-cli#7030).
    api = cloud.client("apigatewayv2")
    for call in (
        lambda: api.get_api(ApiId="nosuchapi0"),
        lambda: api.get_routes(ApiId="nosuchapi0"),
        lambda: api.create_route(ApiId="nosuchapi0", RouteKey="GET /x"),
        lambda: api.delete_api(ApiId="nosuchapi0"),
    ):
        with pytest.raises(botocore.exceptions.ClientError) as info:
            call()
        error = info.value.response["Error"]
        assert (info.value.response["ResponseMetadata"]["HTTPStatusCode"], error["Code"]) == (404, "NotFoundException")
        assert error["Message"] == "Invalid API identifier specified 123456789012:nosuchapi0"


def test_ids_have_aws_shapes(cloud: Any) -> None:
    # Reference A6 (grucloud listing of a console-built API): API id
    # `7a38wlw431` (10 lowercase alphanumerics), route `ytbyc2l` and
    # integration `tcymupe` (7); deployments `dty748`, `x1zwyv` (6) in
    # awscli/examples/apigatewayv2/get-stages.rst.
    deployed = deploy(cloud, ECHO, routes=("GET /a",), stage="manual", auto_deploy=False)
    api = cloud.client("apigatewayv2")
    [route] = api.get_routes(ApiId=deployed.api_id)["Items"]
    deployment = api.create_deployment(ApiId=deployed.api_id, StageName="manual")
    assert re.fullmatch(r"[a-z0-9]{10}", deployed.api_id)
    assert re.fullmatch(r"[a-z0-9]{7}", deployed.integration_id)
    assert re.fullmatch(r"[a-z0-9]{7}", route["RouteId"])
    assert re.fullmatch(r"[a-z0-9]{6}", deployment["DeploymentId"])
    got = api.get_api(ApiId=deployed.api_id)
    assert deployed.api_id in got["ApiEndpoint"]


def test_tags_follow_the_renamed_api(cloud: Any) -> None:
    # The API keeps the tags it was created with (botocore's model:
    # CreateApi.Tags, returned by GetApi and GetTags) under its AWS-shaped id.
    api = cloud.client("apigatewayv2")
    created = api.create_api(Name="tagged", ProtocolType="HTTP", Tags={"team": "a"})
    assert api.get_api(ApiId=created["ApiId"])["Tags"] == {"team": "a"}
    arn = f"arn:aws:apigateway:us-east-1::/apis/{created['ApiId']}"
    assert api.get_tags(ResourceArn=arn)["Tags"] == {"team": "a"}
