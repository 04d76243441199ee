"""The local cloud's REST API control-plane fills and API keys, over real
HTTP with boto3 against a real local cloud: what moto gets wrong answered
as AWS answers (reference J1.5, J1.3), and a method that requires an API
key serving only a key of a usage plan for its stage (J6)."""

from __future__ import annotations

from typing import Any

import botocore.exceptions
import httpx
import pytest

from tests.e2e.test_local_rest_api import HELLO, add_proxy_method, console_api

FORBIDDEN = {"message": "Forbidden"}


def test_put_integration_answers_with_aws_defaults(cloud: Any) -> None:
    api = console_api(cloud, HELLO, path_part="defaults")
    apigw = cloud.client("apigateway")
    resource = next(r for r in apigw.get_resources(restApiId=api.api_id)["items"] if r["path"] == "/defaults")
    # J1.5 [R] test_put_integration_validation: the defaults AWS fills in.
    got = apigw.get_integration(restApiId=api.api_id, resourceId=resource["id"], httpMethod="ANY")
    assert got["passthroughBehavior"] == "WHEN_NO_MATCH" and got["timeoutInMillis"] == 29000
    assert got["cacheNamespace"] == resource["id"] and got["cacheKeyParameters"] == []
    add_proxy_method(apigw, api.api_id, resource["id"], api.function_arn, method="POST")
    put = apigw.get_integration(restApiId=api.api_id, resourceId=resource["id"], httpMethod="POST")
    assert (put["timeoutInMillis"], put["passthroughBehavior"]) == (29000, "WHEN_NO_MATCH")


def test_delete_resource_takes_its_children(cloud: Any) -> None:
    api = console_api(cloud, HELLO, path_part="parent")
    apigw = cloud.client("apigateway")
    parent = next(r for r in apigw.get_resources(restApiId=api.api_id)["items"] if r["path"] == "/parent")
    child = apigw.create_resource(restApiId=api.api_id, parentId=parent["id"], pathPart="child")
    apigw.create_resource(restApiId=api.api_id, parentId=child["id"], pathPart="{proxy+}")
    apigw.delete_resource(restApiId=api.api_id, resourceId=parent["id"])
    # AWS deletes the subtree; the API stays listable and deployable.
    assert [r["path"] for r in apigw.get_resources(restApiId=api.api_id)["items"]] == ["/"]


def keyed(cloud: Any, path_part: str) -> tuple[Any, str]:
    """The console's flow with apiKeyRequired on the method, deployed to `test`."""
    api = console_api(cloud, HELLO, path_part=path_part)
    apigw = cloud.client("apigateway")
    resource = next(r for r in apigw.get_resources(restApiId=api.api_id)["items"] if r["path"] == f"/{path_part}")
    apigw.delete_method(restApiId=api.api_id, resourceId=resource["id"], httpMethod="ANY")
    apigw.put_method(
        restApiId=api.api_id, resourceId=resource["id"], httpMethod="ANY", authorizationType="NONE", apiKeyRequired=True
    )
    add_proxy_method_integration(apigw, api, resource["id"])
    apigw.create_deployment(restApiId=api.api_id, stageName="test")
    return api, api.url(f"/test/{path_part}")


def add_proxy_method_integration(apigw: Any, api: Any, resource_id: str) -> None:
    apigw.put_integration(
        restApiId=api.api_id,
        resourceId=resource_id,
        httpMethod="ANY",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{api.function_arn}/invocations",
    )


def status(url: str, key: str | None = None) -> tuple[int, Any]:
    reply = httpx.get(url, headers={"x-api-key": key} if key else {}, timeout=40)
    if reply.status_code == 403:
        assert reply.headers["x-amzn-errortype"] == "ForbiddenException"  # J6 [D]
    return reply.status_code, reply.json() if reply.status_code == 403 else reply.text


def test_a_key_serves_only_when_enabled_and_in_a_usage_plan_for_the_stage(cloud: Any) -> None:
    api, url = keyed(cloud, "keyed")
    apigw = cloud.client("apigateway")
    key = apigw.create_api_key(name="k", enabled=True)
    assert status(url) == (403, FORBIDDEN)  # no key
    assert status(url, key["value"]) == (403, FORBIDDEN)  # a key in no usage plan
    other = apigw.create_usage_plan(name="other-stage", apiStages=[{"apiId": api.api_id, "stage": "test"}])
    plan = apigw.create_usage_plan(name="p", apiStages=[{"apiId": api.api_id, "stage": "test"}])
    apigw.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    assert status(url, key["value"]) == (200, "Hello from Lambda!")
    assert status(url, key["value"][:-1] + "#") == (403, FORBIDDEN)  # an unknown key
    apigw.update_api_key(apiKey=key["id"], patchOperations=[{"op": "replace", "path": "/enabled", "value": "false"}])
    assert status(url, key["value"]) == (403, FORBIDDEN)  # a disabled key
    apigw.update_api_key(apiKey=key["id"], patchOperations=[{"op": "replace", "path": "/enabled", "value": "true"}])
    apigw.delete_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"])
    apigw.create_usage_plan_key(usagePlanId=other["id"], keyId=key["id"], keyType="API_KEY")
    apigw.update_usage_plan(
        usagePlanId=other["id"], patchOperations=[{"op": "remove", "path": "/apiStages", "value": f"{api.api_id}:test"}]
    )
    assert status(url, key["value"]) == (403, FORBIDDEN)  # its plan covers no stage of this API


def test_stages_and_usage_plans_answer_as_aws(cloud: Any) -> None:
    api = console_api(cloud, HELLO, path_part="plans")
    apigw = cloud.client("apigateway")
    # J1.7 [R]: how GetStages lists a stage with no cache or tracing.
    [stage] = apigw.get_stages(restApiId=api.api_id)["item"]
    assert (stage["cacheClusterEnabled"], stage["cacheClusterStatus"]) == (False, "NOT_AVAILABLE")
    assert stage["methodSettings"] == {} and stage["tracingEnabled"] is False
    # aws/aws-cdk#6169: a usage plan naming a stage that does not exist is refused.
    with pytest.raises(botocore.exceptions.ClientError, match="Invalid API Stage"):
        apigw.create_usage_plan(name="early", apiStages=[{"apiId": api.api_id, "stage": "nope"}])
    plan = apigw.create_usage_plan(name="bound", apiStages=[{"apiId": api.api_id, "stage": "test"}])
    # aws/aws-sdk-js#3841: a plan still bound to a stage cannot be deleted.
    with pytest.raises(botocore.exceptions.ClientError, match="there are API Stages associated with it"):
        apigw.delete_usage_plan(usagePlanId=plan["id"])
    apigw.update_usage_plan(
        usagePlanId=plan["id"], patchOperations=[{"op": "remove", "path": "/apiStages", "value": f"{api.api_id}:test"}]
    )
    apigw.delete_usage_plan(usagePlanId=plan["id"])
    with pytest.raises(botocore.exceptions.ClientError, match="NotFoundException"):
        apigw.delete_usage_plan(usagePlanId=plan["id"])
