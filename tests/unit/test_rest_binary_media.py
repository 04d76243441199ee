"""REST binaryMediaTypes on a Lambda proxy integration (localcloud/apigateway/
binarymedia.py). Sources: AWS docs api-gateway-payload-encodings ("API Gateway
uses the first Accept header from clients to determine if a response should
return binary media"; "*/* includes all content types"),
api-gateway-payload-encodings-workflow (the request's Content-Type decides the
request; only the first Accept media type is honoured), lambda-proxy-binary-media;
reference aws-behaviour-2.md J5 (no matching type: the base64 text goes out)."""

from __future__ import annotations

import base64
import json

import pytest

from localcloud.apigateway import binarymedia
from localcloud.apigateway.proxyevent import proxy_event, proxy_response
from localcloud.apigatewayv2.events import BadOutput, Context, HttpRequest

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.mark.parametrize(
    ("header", "types", "expected"),
    [
        ("image/png", ("image/png",), True),
        ("IMAGE/PNG; q=0.9", ("image/png",), True),
        ("image/jpeg", ("image/*",), True),
        ("text/html", ("*/*",), True),
        ("image/png", ("application/octet-stream",), False),
        ("text/html, image/png", ("image/png",), False),  # only the first Accept type counts
        ("image/webp,image/*,*/*;q=0.8", ("image/webp",), True),  # the docs' browser example
        (None, ("*/*",), False),
        ("image/png", (), False),
    ],
)
def test_a_header_matches_by_its_first_media_type(header: str | None, types: tuple[str, ...], expected: bool) -> None:
    assert binarymedia.matches(header, types) is expected


def event_for(body: bytes, content_type: str, types: tuple[str, ...]) -> dict:
    request = HttpRequest("POST", "/dev/up", "", [("content-type", content_type)], body, "127.0.0.1")
    about = Context("123456789012", "a1", "a1.example", "dev", "r1", {}, {}, "rid", "/up")
    return proxy_event(request, about, "/up", "d1", "ext", types)


def test_a_matching_content_type_reaches_the_function_base64() -> None:
    event = event_for(PNG, "image/png", ("image/png",))
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == PNG


def test_text_with_a_matching_type_is_base64_too() -> None:
    event = event_for(b"hello", "text/plain", ("*/*",))
    assert (event["body"], event["isBase64Encoded"]) == (base64.b64encode(b"hello").decode(), True)


def test_without_a_match_a_body_stays_text() -> None:
    event = event_for(b"hello", "application/octet-stream", ("image/png",))
    assert (event["body"], event["isBase64Encoded"]) == ("hello", False)


def answer(accept: str | None, types: tuple[str, ...], body: str = base64.b64encode(PNG).decode()) -> bytes:
    output = {"statusCode": 200, "headers": {"Content-Type": "image/png"}, "body": body, "isBase64Encoded": True}
    return proxy_response(json.dumps(output).encode(), accept, types).body


def test_a_matching_accept_gets_the_bytes() -> None:
    assert answer("image/png", ("image/png",)) == PNG


def test_without_a_matching_accept_the_base64_text_goes_out() -> None:
    encoded = base64.b64encode(PNG)
    assert answer("application/json", ("image/png",)) == encoded
    assert answer("image/png", ()) == encoded  # J5 [R]: no binaryMediaTypes


def test_a_body_that_is_not_base64_is_a_malformed_output() -> None:
    with pytest.raises(BadOutput):
        answer("image/png", ("image/png",), body="not base64!")


def test_update_rest_api_patches_one_type_each_with_slash_escaped() -> None:
    from tui.services.rest_api import binary_media_operations

    # AWS docs (binary support through the REST API): "path" : "/binaryMediaTypes/image~1gif".
    assert binary_media_operations(["image/gif", "*/*"], ("*/*", "application/octet-stream")) == [
        {"op": "remove", "path": "/binaryMediaTypes/image~1gif"},
        {"op": "add", "path": "/binaryMediaTypes/application~1octet-stream"},
    ]
    assert binary_media_operations(["image/png"], ("image/png",)) == []


def test_a_deployment_freezes_the_types_and_older_state_falls_back_to_the_apis() -> None:
    from types import SimpleNamespace

    from localcloud.apigateway.deployments import deployed_binary_media_types

    old = SimpleNamespace()  # a Deployment pickled before the types were kept
    new = SimpleNamespace(local_binary_media_types=("image/png",))
    api = SimpleNamespace(binaryMediaTypes=["image/png", "*/*"], deployments={"old": old, "new": new})
    assert deployed_binary_media_types(api, "new") == ("image/png",)
    assert deployed_binary_media_types(api, "old") == ("image/png", "*/*")
