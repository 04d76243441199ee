"""REST Lambda-proxy response validation, row by row from reference
aws-behaviour-2.md J5 (LocalStack's AWS-validated snapshot
test_aws_proxy_response_payload_format_validation, recorded 2024-11-15)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from localcloud.apigateway.proxyevent import proxy_response
from localcloud.apigatewayv2.events import BadOutput


def answer(output: Any) -> Any:
    return proxy_response(json.dumps(output).encode())


def test_status_only_is_empty_json() -> None:
    response = answer({"statusCode": 200})
    assert response.status == 200 and response.body == b""
    assert ("content-type", "application/json") in response.headers


def test_headers_without_status_code_is_200_and_booleans_are_text() -> None:
    response = answer({"headers": {"test-header": "value", "header-bool": True}})
    assert response.status == 200
    assert ("test-header", "value") in response.headers and ("header-bool", "true") in response.headers


def test_string_status_code_is_accepted() -> None:
    assert answer({"statusCode": "201"}).status == 201


@pytest.mark.parametrize(
    "output",
    [
        {"statusCode": "test"},
        {},
        {"statusCode": 200, "wrongValue": "value"},
        "justAString",
        {"statusCode": 200, "multiValueHeaders": {"x": "value1"}},
    ],
)
def test_malformed_outputs_are_refused(output: Any) -> None:
    with pytest.raises(BadOutput):  # the gateway answers these with 502
        answer(output)


def test_multi_value_headers_join_and_merge() -> None:
    response = answer(
        {
            "statusCode": 200,
            "multiValueHeaders": {"test-multi": ["value1", "value2"], "tesT-Multi2": ["value-multi"]},
            "headers": {"test-multi2": "value-solo"},
        }
    )
    assert ("test-multi", "value1, value2") in response.headers
    assert ("test-multi2", "value-multi, value-solo") in response.headers


def test_base64_body_stays_encoded_without_binary_media_types() -> None:
    response = answer({"statusCode": 200, "body": "dGVzdC1kYXRh", "isBase64Encoded": True})
    assert response.body == b"dGVzdC1kYXRh"


def test_untrusted_output_never_raises_anything_else() -> None:
    for raw in (b"", b"\xff\xfe", b"[1]", b'{"statusCode": 200, "body": 5}', b'{"statusCode": 200, "headers": 3}'):
        with pytest.raises(BadOutput):
            proxy_response(raw)
