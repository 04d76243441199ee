"""A REST API's binaryMediaTypes on a real local cloud, as AWS applies them to
a Lambda proxy integration. Sources: AWS docs lambda-proxy-binary-media (the
function base64-encodes a binary response and sets isBase64Encoded),
api-gateway-payload-encodings ("API Gateway uses the first Accept header from
clients to determine if a response should return binary media"),
api-gateway-payload-encodings-workflow (a request body whose Content-Type
matches stays binary: base64 in the proxy event), api-gateway-payload-encodings-
configure-with-control-service-api (UpdateRestApi's path /binaryMediaTypes/image~1gif);
reference aws-behaviour-2.md J5 (no match: the base64 text goes out) and J1.7
(a change serves only after the next deployment)."""

from __future__ import annotations

import base64
from typing import Any

import httpx

from tests.e2e.test_local_rest_api import console_api

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
CODE = """
import base64, json

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

def lambda_handler(event, context):
    if event["httpMethod"] == "POST":  # what the function was given
        seen = {"isBase64Encoded": event["isBase64Encoded"], "body": event["body"]}
        return {"statusCode": 200, "body": json.dumps(seen)}
    body = base64.b64encode(PNG).decode()
    return {"statusCode": 200, "headers": {"Content-Type": "image/png"}, "body": body, "isBase64Encoded": True}
"""


def test_binary_media_types_serve_bytes_and_base64_bodies_after_the_next_deployment(cloud: Any) -> None:
    api = console_api(cloud, CODE)
    apigw = cloud.client("apigateway")
    url = api.url("/test/my-function")
    png = {"Accept": "image/png"}
    octets = {"Content-Type": "application/octet-stream"}
    # J5 [R]: no binaryMediaTypes: the function's base64 text goes out as it is.
    assert httpx.get(url, headers=png, timeout=40).content == base64.b64encode(PNG)

    apigw.update_rest_api(
        restApiId=api.api_id,
        patchOperations=[
            {"op": "add", "path": "/binaryMediaTypes/image~1png"},
            {"op": "add", "path": "/binaryMediaTypes/application~1octet-stream"},
        ],
    )
    assert apigw.get_rest_api(restApiId=api.api_id)["binaryMediaTypes"] == ["image/png", "application/octet-stream"]
    # J1.7: not live before the next deployment.
    assert httpx.get(url, headers=png, timeout=40).content == base64.b64encode(PNG)
    before = httpx.post(url, content=b"hello", headers=octets, timeout=40).json()
    assert before == {"isBase64Encoded": False, "body": "hello"}

    apigw.create_deployment(restApiId=api.api_id, stageName="test")
    reply = httpx.get(url, headers=png, timeout=40)
    assert (reply.status_code, reply.content) == (200, PNG)
    assert reply.headers["content-type"] == "image/png"
    # Only the first Accept type counts.
    assert httpx.get(url, headers={"Accept": "application/json, image/png"}, timeout=40).content == base64.b64encode(
        PNG
    )
    seen = httpx.post(url, content=PNG, headers=octets, timeout=40).json()
    assert seen["isBase64Encoded"] is True and base64.b64decode(seen["body"]) == PNG
    text = httpx.post(url, content=b"hello", headers={"Content-Type": "text/plain"}, timeout=40).json()
    assert text == {"isBase64Encoded": False, "body": "hello"}

    apigw.update_rest_api(
        restApiId=api.api_id, patchOperations=[{"op": "remove", "path": "/binaryMediaTypes/application~1octet-stream"}]
    )
    assert apigw.get_rest_api(restApiId=api.api_id)["binaryMediaTypes"] == ["image/png"]


def test_create_rest_api_keeps_its_binary_media_types(cloud: Any) -> None:
    apigw = cloud.client("apigateway")
    made = apigw.create_rest_api(name="binary", binaryMediaTypes=["image/png", "*/*"])
    assert made["binaryMediaTypes"] == ["image/png", "*/*"]
    assert apigw.get_rest_api(restApiId=made["id"])["binaryMediaTypes"] == ["image/png", "*/*"]
    apigw.delete_rest_api(restApiId=made["id"])
