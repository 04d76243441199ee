"""The REST API (API Gateway v1) Lambda proxy data plane over real HTTP:
an API built with boto3 in the console's order (reference
aws-behaviour-2.md J1) answered by the local cloud."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.cloudproc import LocalCloudProcess, create_function

ACCOUNT = "123456789012"

ECHO = """
import json
def lambda_handler(event, context):
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(event)}
"""

HELLO = """
def lambda_handler(event, context):
    return {"statusCode": 200, "body": "Hello from Lambda!"}
"""

FAILING = """
def lambda_handler(event, context):
    raise ValueError("boom")
"""

SLOW = """
import time
def lambda_handler(event, context):
    time.sleep(2.5)
    return {"statusCode": 200, "body": "late"}
"""

MALFORMED = """
def lambda_handler(event, context):
    return {"statusCode": 200, "wrongValue": "value"}
"""


@dataclass
class RestApi:
    cloud: Any
    api_id: str
    root_id: str
    function: str
    function_arn: str

    def url(self, path: str) -> str:
        return f"{self.cloud.endpoint}/_aws/execute-api/{self.api_id}{path}"

    def host(self) -> str:
        """The {api}.execute-api.localhost form, sent as Host (no DNS needed)."""
        return f"{self.api_id}.execute-api.localhost:{self.cloud.port}"


def console_api(cloud: Any, code: str, path_part: str = "my-function", permission: bool = True) -> RestApi:
    """Reference J1 in order: create_rest_api, get_resources, create_resource,
    put_method ANY, put_integration AWS_PROXY, add_permission, create_deployment."""
    name, arn = create_function(cloud, code)
    apigw = cloud.client("apigateway")
    api_id = apigw.create_rest_api(name=f"rest-{name}", endpointConfiguration={"types": ["REGIONAL"]})["id"]
    root = next(r["id"] for r in apigw.get_resources(restApiId=api_id)["items"] if r["path"] == "/")
    resource = apigw.create_resource(restApiId=api_id, parentId=root, pathPart=path_part)["id"]
    add_proxy_method(apigw, api_id, resource, arn)
    if permission:
        cloud.client("lambda").add_permission(
            FunctionName=name,
            StatementId="apigw",
            Action="lambda:InvokeFunction",
            Principal="apigateway.amazonaws.com",
            SourceArn=f"arn:aws:execute-api:us-east-1:{ACCOUNT}:{api_id}/*/*/{path_part}",
        )
    apigw.create_deployment(restApiId=api_id, stageName="test")
    return RestApi(cloud, api_id, root, name, arn)


def add_proxy_method(apigw: Any, api_id: str, resource: str, arn: str, method: str = "ANY", **integration: Any) -> None:
    apigw.put_method(restApiId=api_id, resourceId=resource, httpMethod=method, authorizationType="NONE")
    apigw.put_integration(
        restApiId=api_id,
        resourceId=resource,
        httpMethod=method,
        type="AWS_PROXY",
        integrationHttpMethod="POST",  # J1.5: Lambda integrations are called with POST
        uri=f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations",
        **integration,
    )


@pytest.fixture(scope="module")
def echo(cloud: Any) -> RestApi:
    return console_api(cloud, ECHO)


def test_console_flow_answers_the_function(cloud: Any) -> None:
    api = console_api(cloud, HELLO)
    for url, headers in (
        (api.url("/test/my-function"), {}),
        (f"{cloud.endpoint}/test/my-function", {"host": api.host()}),
    ):
        response = httpx.get(url, headers=headers, timeout=40)
        assert response.status_code == 200 and response.text == "Hello from Lambda!"
        # J5 [R]: REST answers carry x-amzn-RequestId and x-amz-apigw-id.
        assert response.headers["x-amzn-requestid"] and response.headers["x-amz-apigw-id"]
        # J5 [R]: no content-type from the function -> application/json.
        assert response.headers["content-type"] == "application/json"


def test_event_fields(echo: RestApi) -> None:
    response = httpx.post(
        echo.url("/test/my-function?a=1&a=2"), headers={"x-multi": "one"}, content=b'{"x":1}', timeout=40
    )
    assert response.status_code == 200, response.text
    event = response.json()
    # J4 [R] LocalStack test_lambda_aws_proxy_integration snapshot: no version key,
    # path without the stage, requestContext.path with it, real method.
    assert "version" not in event
    assert event["resource"] == "/my-function" and event["path"] == "/my-function"
    assert event["httpMethod"] == "POST"
    context = event["requestContext"]
    assert context["stage"] == "test" and context["resourcePath"] == "/my-function"
    assert context["path"] == "/test/my-function" and context["httpMethod"] == "POST"
    assert context["requestId"] == response.headers["x-amzn-requestid"]
    assert context["extendedRequestId"] == response.headers["x-amz-apigw-id"]
    assert context["identity"]["sourceIp"] and context["identity"]["user"] is None
    assert event["multiValueHeaders"]["x-multi"] == ["one"]
    # J4 [R]: repeated query keys: the last in queryStringParameters, all in the multi-value map.
    assert event["queryStringParameters"] == {"a": "2"}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"]}
    assert event["body"] == '{"x":1}' and event["isBase64Encoded"] is False
    assert event["pathParameters"] is None and event["stageVariables"] is None


def test_proxy_resource_routes_any_path(cloud: Any) -> None:
    name, arn = create_function(cloud, ECHO)
    apigw = cloud.client("apigateway")
    api_id = apigw.create_rest_api(name=f"rest-{name}")["id"]
    root = apigw.get_resources(restApiId=api_id)["items"][0]["id"]
    proxy = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="{proxy+}")["id"]
    add_proxy_method(apigw, api_id, proxy, arn)
    cloud.client("lambda").add_permission(
        FunctionName=name,
        StatementId="apigw",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:us-east-1:{ACCOUNT}:{api_id}/*/*/*",
    )
    apigw.create_deployment(restApiId=api_id, stageName="stage")
    base = f"{cloud.endpoint}/_aws/execute-api/{api_id}"
    response = httpx.delete(base + "/stage/proxy-value/deeper", timeout=40)
    assert response.status_code == 200, response.text
    event = response.json()
    # J4 [R] test_lambda_aws_proxy_integration: resource /{proxy+}, the greedy value in pathParameters.
    assert event["resource"] == "/{proxy+}" and event["requestContext"]["resourcePath"] == "/{proxy+}"
    assert event["path"] == "/proxy-value/deeper" and event["pathParameters"] == {"proxy": "proxy-value/deeper"}
    assert event["requestContext"]["path"] == "/stage/proxy-value/deeper"
    # J4 [R] path-encoding table: REST does not percent-decode the path.
    encoded = httpx.get(base + "/stage/api/user/test%2Balias@gmail.com", timeout=40).json()
    assert encoded["path"] == "/api/user/test%2Balias@gmail.com"
    assert encoded["pathParameters"] == {"proxy": "api/user/test%2Balias@gmail.com"}
    # J3 [D]: {proxy+} does not match its parent: / has no method -> Missing Authentication Token.
    assert httpx.get(base + "/stage/", timeout=40).status_code == 403


def test_unknown_path_and_method_are_missing_authentication_token(cloud: Any, echo: RestApi) -> None:
    apigw = cloud.client("apigateway")
    resource = apigw.create_resource(restApiId=echo.api_id, parentId=echo.root_id, pathPart="get-only")["id"]
    add_proxy_method(apigw, echo.api_id, resource, echo.function_arn, method="GET")
    apigw.create_deployment(restApiId=echo.api_id, stageName="test")
    for method, path in (("GET", "/test/nowhere"), ("POST", "/test/get-only")):
        response = httpx.request(method, echo.url(path), timeout=40)
        # J3/J6 [R] TestApigatewayRouting::test_routing_not_found: 403, never 404 or 405.
        assert response.status_code == 403
        assert response.json() == {"message": "Missing Authentication Token"}
        assert response.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"


def test_missing_stage_is_forbidden(echo: RestApi) -> None:
    # J2 [O] user reports (OWASP/Serverless-Goat#14): a wrong stage is 403 Forbidden.
    response = httpx.get(echo.url("/prod/my-function"), timeout=40)
    assert response.status_code == 403 and response.json() == {"message": "Forbidden"}


def test_malformed_output_is_502_with_rest_casing(cloud: Any) -> None:
    api = console_api(cloud, MALFORMED)
    response = httpx.get(api.url("/test/my-function"), timeout=40)
    # J5/J6 [R] test_aws_proxy_response_payload_format_validation: an unknown key is a 502,
    # "Internal server error" in lower case with a space (36 bytes), unlike HTTP APIs (B5).
    assert response.status_code == 502
    assert response.content == b'{"message": "Internal server error"}'
    assert response.headers["x-amzn-errortype"] == "InternalServerErrorException"


def test_function_error_is_502(cloud: Any) -> None:
    api = console_api(cloud, FAILING)
    response = httpx.get(api.url("/test/my-function"), timeout=40)
    # J6 [R] test_apigateway_integrations (2024-12-11): an unhandled exception is 502, REST's casing.
    assert response.status_code == 502
    assert response.content == b'{"message": "Internal server error"}'


def test_no_invoke_permission_is_500(cloud: Any) -> None:
    api = console_api(cloud, HELLO, permission=False)
    response = httpx.get(api.url("/test/my-function"), timeout=40)
    # J6 [C] LocalStack, [D] services-apigateway-errors (reference B5): 500, REST's casing.
    assert response.status_code == 500
    assert json.loads(response.content) == {"message": "Internal server error"}


def test_change_not_redeployed_is_not_live(cloud: Any, echo: RestApi) -> None:
    apigw = cloud.client("apigateway")
    resource = apigw.create_resource(restApiId=echo.api_id, parentId=echo.root_id, pathPart="later")["id"]
    add_proxy_method(apigw, echo.api_id, resource, echo.function_arn)
    # J1.7 [D]: REST APIs have no auto-deploy; changes are invisible until the next deployment.
    assert httpx.get(echo.url("/test/later"), timeout=40).status_code == 403
    apigw.create_deployment(restApiId=echo.api_id, stageName="test")
    response = httpx.get(echo.url("/test/later"), timeout=40)
    assert response.status_code == 500  # deployed now; the permission names /my-function only (J1.6)
    assert response.json() == {"message": "Internal server error"}


def test_requests_count_under_api_name(cloud: Any) -> None:
    import datetime as dt

    api = console_api(cloud, HELLO)
    name = cloud.client("apigateway").get_rest_api(restApiId=api.api_id)["name"]
    for _ in range(2):
        assert httpx.get(api.url("/test/my-function"), timeout=40).status_code == 200
    assert httpx.get(api.url("/test/nowhere"), timeout=40).status_code == 403
    now = dt.datetime.now(dt.timezone.utc)

    def query(key: str, metric: str, dims: list[dict[str, str]]) -> dict[str, Any]:
        stat = {"Namespace": "AWS/ApiGateway", "MetricName": metric, "Dimensions": dims}
        return {"Id": key, "MetricStat": {"Metric": stat, "Period": 60, "Stat": "Sum"}}

    # AWS docs "Amazon API Gateway dimensions": REST API metrics are by ApiName (and ApiName+Stage), not ApiId.
    data = cloud.client("cloudwatch").get_metric_data(
        MetricDataQueries=[
            query("count", "Count", [{"Name": "ApiName", "Value": name}]),
            query(
                "stage4xx",
                "4XXError",  # REST's name; HTTP APIs say 4xx (AWS docs, API Gateway metrics)
                [
                    {"Name": "ApiName", "Value": name},
                    {"Name": "Stage", "Value": "test"},
                ],
            ),
            query("byid", "Count", [{"Name": "ApiId", "Value": api.api_id}]),
        ],
        StartTime=now - dt.timedelta(minutes=10),
        EndTime=now + dt.timedelta(minutes=1),
    )
    sums = {r["Id"]: sum(r["Values"]) for r in data["MetricDataResults"]}
    assert sums == {"count": 3, "stage4xx": 1, "byid": 0}


def test_integration_timeout_is_504(cloud: Any) -> None:
    name, arn = create_function(cloud, SLOW)
    apigw = cloud.client("apigateway")
    api_id = apigw.create_rest_api(name=f"rest-{name}")["id"]
    root = apigw.get_resources(restApiId=api_id)["items"][0]["id"]
    add_proxy_method(apigw, api_id, root, arn, timeoutInMillis=1000)
    cloud.client("lambda").add_permission(
        FunctionName=name,
        StatementId="apigw",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:us-east-1:{ACCOUNT}:{api_id}/*/*/",
    )
    apigw.create_deployment(restApiId=api_id, stageName="test")
    response = httpx.get(f"{cloud.endpoint}/_aws/execute-api/{api_id}/test/", timeout=40)
    # J6 [O][D]: past the integration's timeout (29 s by default, 50 ms-29 s) REST answers 504.
    assert response.status_code == 504
    assert response.json() == {"message": "Endpoint request timed out"}


def test_rest_api_and_its_deployment_survive_a_restart(tmp_path: Any) -> None:
    """The control plane is saved like the HTTP APIs' (persist.py): a REST API
    answers after a restart, and a change not redeployed is still not live."""
    running = LocalCloudProcess(tmp_path / "state").start()
    try:
        api = console_api(running, HELLO)
        apigw = running.client("apigateway")
        later = apigw.create_resource(restApiId=api.api_id, parentId=api.root_id, pathPart="later")["id"]
        add_proxy_method(apigw, api.api_id, later, api.function_arn)
    finally:
        running.stop()
    again = LocalCloudProcess(tmp_path / "state", port=running.port).start()
    try:
        base = f"{again.endpoint}/_aws/execute-api/{api.api_id}/test"
        response = httpx.get(base + "/my-function", timeout=40)
        assert response.status_code == 200 and response.text == "Hello from Lambda!"
        # J1.7 [D]: only the deployment is live, after a restart too.
        assert httpx.get(base + "/later", timeout=40).status_code == 403
    finally:
        again.stop()


def test_hostile_requests_get_api_gateway_answers(echo: RestApi) -> None:
    """Untrusted input never reaches a traceback: odd stages, paths and methods are 403s."""
    for method, path in (
        ("GET", ""),
        ("GET", "/"),
        ("GET", "/%ff%fe/x"),
        ("GET", "/test/%00"),
        ("PROPFIND", "/test/my-function/x"),
        ("GET", "/test/my-function/%2e%2e/%2e%2e/x"),
    ):
        response = httpx.request(method, echo.url(path), timeout=40)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["message"] in ("Forbidden", "Missing Authentication Token")
