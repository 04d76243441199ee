"""HTTP API CORS over real HTTP (reference F; sources in localcloud/apigatewayv2/cors.py):
- http-api-cors: with CorsConfiguration set, API Gateway answers preflights
  itself without invoking the function, adds the configured headers to the
  integration's responses and ignores the integration's own CORS headers;
  only requests with an Origin header get them.
- Real AWS traces (found by search, see cors.py): a matching origin is echoed
  with `vary: origin`; `*` is sent as `*`; allow-credentials when configured;
  no allow-methods/allow-headers/max-age on actual responses; also on API
  Gateway's own error answers; header names lower case.
- serverless-application-model#1603: an ANY route receives the preflight.
The preflight status (204) is our choice where AWS does not document it."""

from __future__ import annotations

from typing import Any

import pytest

from localcloud.client import invocation
from tests.cloudproc import Deployed, deploy

# The function tries to set its own CORS header: API Gateway must drop it.
HANDLER = """
def lambda_handler(event, context):
    return {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": "https://evil.example",
            "x-mine": "kept"}, "body": event["requestContext"]["http"]["method"]}
"""

CORS = {
    "AllowOrigins": ["https://app.example.com", "http://localhost:5173"],
    "AllowMethods": ["GET", "POST"],
    "AllowHeaders": ["content-type", "authorization"],
    "ExposeHeaders": ["x-mine"],
    "MaxAge": 300,
    "AllowCredentials": True,
}


@pytest.fixture(scope="module")
def api(cloud: Any) -> Deployed:
    deployed = deploy(cloud, HANDLER, routes=("GET /items", "POST /items", "ANY /any"))
    cloud.client("apigatewayv2").update_api(ApiId=deployed.api_id, CorsConfiguration=CORS)
    return deployed


def preflight(api: Deployed, path: str, origin: str = "https://app.example.com") -> Any:
    return api.request("OPTIONS", path, headers={"Origin": origin, "Access-Control-Request-Method": "POST"})


def test_a_preflight_no_route_takes_is_answered_without_the_function(api: Deployed) -> None:
    response = preflight(api, "/items")
    assert response.status_code == 204 and response.content == b""
    assert response.headers["access-control-allow-origin"] == "https://app.example.com"
    assert response.headers["vary"] == "origin"
    assert response.headers["access-control-allow-methods"] == "GET,POST"
    assert response.headers["access-control-allow-headers"] == "content-type,authorization"
    assert response.headers["access-control-max-age"] == "300"
    assert response.headers["access-control-allow-credentials"] == "true"
    # The cloud's request log: API Gateway answered, no function ran.
    found = invocation(api.cloud.port, response.headers["apigw-requestid"])
    assert found is not None and found["lambda_request_id"] is None and "preflight" in found["note"]


def test_a_preflight_from_an_origin_not_allowed_gets_no_cors_headers(api: Deployed) -> None:
    response = preflight(api, "/items", origin="https://other.example")
    assert response.status_code == 204
    assert not [k for k in response.headers if k.startswith("access-control-")]


def test_an_any_route_receives_the_preflight(api: Deployed) -> None:
    response = preflight(api, "/any")
    assert response.status_code == 200 and response.text == "OPTIONS"  # the function ran
    assert response.headers["access-control-allow-origin"] == "https://app.example.com"


def test_an_actual_response_gets_the_api_headers_not_the_function_ones(api: Deployed) -> None:
    response = api.get("/items", headers={"Origin": "http://localhost:5173"})
    assert response.status_code == 200 and response.text == "GET"
    assert response.headers.get_list("access-control-allow-origin") == ["http://localhost:5173"]
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-expose-headers"] == "x-mine"
    assert response.headers["x-mine"] == "kept"
    for absent in ("access-control-allow-methods", "access-control-allow-headers", "access-control-max-age"):
        assert absent not in response.headers


def test_without_an_origin_there_are_no_cors_headers_and_the_function_ones_are_still_dropped(api: Deployed) -> None:
    response = api.get("/items")
    assert response.status_code == 200
    assert not [k for k in response.headers if k.startswith("access-control-")]


def test_api_gateway_own_errors_carry_the_headers_too(api: Deployed) -> None:
    response = api.get("/nowhere", headers={"Origin": "https://app.example.com"})
    assert response.status_code == 404 and response.text == '{"message":"Not Found"}'
    assert response.headers["access-control-allow-origin"] == "https://app.example.com"


def test_a_bare_options_is_not_a_preflight(api: Deployed) -> None:
    response = api.request("OPTIONS", "/items", headers={"Origin": "https://app.example.com"})
    assert response.status_code == 404  # no OPTIONS route, and not a preflight: routed as any request


def test_a_wildcard_origin_is_sent_as_a_wildcard(cloud: Any) -> None:
    deployed = deploy(cloud, HANDLER, routes=("GET /items",))
    cloud.client("apigatewayv2").update_api(ApiId=deployed.api_id, CorsConfiguration={"AllowOrigins": ["*"]})
    response = deployed.get("/items", headers={"Origin": "https://anyone.example"})
    assert response.headers["access-control-allow-origin"] == "*" and "vary" not in response.headers


def test_without_cors_the_function_headers_pass_through(cloud: Any) -> None:
    deployed = deploy(cloud, HANDLER, routes=("GET /items",))
    response = deployed.get("/items", headers={"Origin": "https://app.example.com"})
    assert response.headers["access-control-allow-origin"] == "https://evil.example"
    preflight_response = preflight(deployed, "/items")
    assert preflight_response.status_code == 404  # no CORS: nothing answers the preflight


@pytest.mark.parametrize(
    ("cors", "message"),
    [
        # aws/aws-cdk#9076 quotes AWS's BadRequestException for this one.
        (
            {"AllowOrigins": ["*"], "AllowCredentials": True},
            "allow-credentials is not supported if 'allow-origin' is *",
        ),
        # http-api-cors allows *, http://* and https://* only.
        ({"AllowOrigins": ["https://*.example.com"]}, "allow-origin https://*.example.com can not have wildcards"),
        # The model's range for MaxAge is -1 to 86400 (botocore's Cors shape).
        ({"AllowOrigins": ["https://a.example"], "MaxAge": 86401}, "max-age 86401 is out of range"),
    ],
)
def test_invalid_cors_configurations_are_refused(cloud: Any, cors: dict[str, Any], message: str) -> None:
    client = cloud.client("apigatewayv2")
    with pytest.raises(client.exceptions.BadRequestException) as raised:
        client.create_api(Name="bad-cors", ProtocolType="HTTP", CorsConfiguration=cors)
    assert message in raised.value.response["Error"]["Message"]
    api_id = client.create_api(Name="good-cors", ProtocolType="HTTP")["ApiId"]
    try:
        with pytest.raises(client.exceptions.BadRequestException):
            client.update_api(ApiId=api_id, CorsConfiguration=cors)
        assert client.get_api(ApiId=api_id).get("CorsConfiguration") is None  # nothing half-applied
    finally:
        client.delete_api(ApiId=api_id)
    assert "bad-cors" not in [a["Name"] for a in client.get_apis()["Items"]]
