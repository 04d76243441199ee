"""SigV4 verification, in process: requests signed by botocore itself (the
signer every AWS SDK's behaviour is checked against) must verify, and any
change to what was signed must not."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from localcloud.gate import Gate, error_answer, protocol_of
from localcloud.sigv4 import SignatureError, sign, verify

KEY, SECRET = "LKIAABCDEFGHIJKLMNOP", "s3cr3t-s3cr3t-s3cr3t-s3cr3t"
KEYS = {KEY: SECRET}


def _signed(
    method: str,
    url: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    service: str = "lambda",
    auth_cls: type = SigV4Auth,
    key: str = KEY,
    secret: str = SECRET,
) -> AWSRequest:
    request = AWSRequest(method=method, url=url, data=body, headers=headers or {})
    auth_cls(Credentials(key, secret), service, "us-east-1").add_auth(request)
    return request


def _verify(request: AWSRequest, body: bytes = b"", path: str | None = None) -> object:
    parts = urlsplit(request.url)
    headers = [(k.lower(), v if isinstance(v, str) else v.decode()) for k, v in request.headers.items()]
    headers.append(("host", parts.netloc))
    return verify(request.method, path if path is not None else parts.path, parts.query, headers, body, KEYS)


@pytest.mark.parametrize(
    ("method", "url", "body", "headers", "service"),
    [
        # REST-JSON with an ARN in the path (percent-encoded once on the wire, twice in the canonical URI)
        (
            "POST",
            "http://127.0.0.1:4580/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3A"
            "function%3Amy-function/invocations",
            b'{"a": 1}',
            {"Content-Type": "application/json"},
            "lambda",
        ),
        # query protocol (STS, IAM): form body
        (
            "POST",
            "http://127.0.0.1:4580/",
            b"Action=GetCallerIdentity&Version=2011-06-15",
            {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            "sts",
        ),
        # JSON protocol (CloudWatch Logs)
        (
            "POST",
            "http://localhost:4580/",
            b"{}",
            {"X-Amz-Target": "Logs_20140328.DescribeLogGroups", "Content-Type": "application/x-amz-json-1.1"},
            "logs",
        ),
        # a query string with characters that need encoding, and a repeated key
        ("GET", "http://127.0.0.1:4580/v2/apis?maxResults=5&nextToken=a%2Bb%3D%3D&x=2&x=1", b"", {}, "apigateway"),
    ],
)
def test_botocore_signed_requests_verify(
    method: str, url: str, body: bytes, headers: dict[str, str], service: str
) -> None:
    signed = _verify(_signed(method, url, body, headers, service), body)
    assert signed.access_key == KEY  # type: ignore[attr-defined]
    assert signed.service == service  # type: ignore[attr-defined]


def test_s3_signing_verifies_without_double_encoding() -> None:
    url = "http://127.0.0.1:4580/bucket/a%20key%2Bplus.txt?versionId=3"
    request = _signed("PUT", url, b"data", {"x-amz-content-sha256": "UNSIGNED-PAYLOAD"}, "s3", S3SigV4Auth)
    assert _verify(request, b"data").service == "s3"  # type: ignore[attr-defined]


def test_presigned_url_verifies() -> None:
    request = AWSRequest(method="GET", url="http://127.0.0.1:4580/bucket/key", headers={})
    request.context["timestamp"] = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    S3SigV4QueryAuth(Credentials(KEY, SECRET), "s3", "us-east-1", expires=60).add_auth(request)
    parts = urlsplit(request.url)
    assert verify("GET", parts.path, parts.query, [("host", parts.netloc)], b"", KEYS).service == "s3"


@pytest.mark.parametrize("tamper", ["body", "path", "query", "header", "method"])
def test_any_change_to_a_signed_request_is_refused(tamper: str) -> None:
    url = "http://127.0.0.1:4580/2015-03-31/functions/f/invocations?Qualifier=1"
    request = _signed("POST", url, b"{}", {"X-Amz-Invocation-Type": "RequestResponse"})
    parts = urlsplit(request.url)
    headers = [(k.lower(), v) for k, v in request.headers.items()] + [("host", parts.netloc)]
    method, path, query, body = "POST", parts.path, parts.query, b"{}"
    if tamper == "body":
        body = b'{"evil": 1}'
    elif tamper == "path":
        path = "/2015-03-31/functions/other/invocations"
    elif tamper == "query":
        query = "Qualifier=2"
    elif tamper == "header":
        headers = [(k, "Event" if k == "x-amz-invocation-type" else v) for k, v in headers]
    else:
        method = "PUT"
    with pytest.raises(SignatureError) as caught:
        verify(method, path, query, headers, body, KEYS)
    assert caught.value.code == "MISMATCH"


def test_unknown_key_missing_signature_and_expiry() -> None:
    request = _signed("GET", "http://127.0.0.1:4580/v2/apis", key="AKIAOTHERUSER0000000", secret="x" * 30)
    with pytest.raises(SignatureError) as unknown:
        _verify(request)
    assert unknown.value.code == "UNKNOWN_KEY"
    with pytest.raises(SignatureError) as missing:
        verify("GET", "/v2/apis", "", [("host", "127.0.0.1:4580")], b"", KEYS)
    assert missing.value.code == "MISSING"
    old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=16)
    headers = sign("GET", "127.0.0.1:4580", "/v2/apis", "", b"", KEY, SECRET, now=old)
    with pytest.raises(SignatureError) as expired:
        verify("GET", "/v2/apis", "", list(headers.items()), b"", KEYS)
    assert expired.value.code == "EXPIRED"
    assert "Signature expired" in expired.value.detail


def test_own_signer_round_trips() -> None:
    headers = sign("POST", "127.0.0.1:4580", "/_apigw-wizard/shutdown", "", b"", KEY, SECRET)
    assert verify("POST", "/_apigw-wizard/shutdown", "", list(headers.items()), b"", KEYS).access_key == KEY


def test_host_allowlist_and_origins() -> None:
    gate = Gate(4580, KEY, SECRET)
    for host in (
        "127.0.0.1:4580",
        "localhost:4580",
        "[::1]:4580",
        "abc123.execute-api.localhost:4580",
        "localhost",
        "127.0.0.1",
        "abc123.execute-api.localhost",
    ):
        assert gate.host_allowed(host), host
    for host in (
        "evil.example:4580",
        "127.0.0.1:4581",
        "evil.example",
        "abc.execute-api.localhost:80",
        "",
        "127.0.0.1.nip.io:4580",
        "localhost.:4580",
    ):
        assert not gate.host_allowed(host), host
    assert gate.foreign_origin([("origin", "http://localhost:4580")]) is None
    assert gate.foreign_origin([("origin", "null")]) == "null"
    assert gate.foreign_origin([("origin", "http://evil.example")]) == "http://evil.example"
    assert gate.foreign_origin([("referer", "http://127.0.0.1:4580.evil.example/x")]) is not None
    assert gate.foreign_origin([("referer", "http://127.0.0.1:4580/page")]) is None
    assert gate.foreign_origin([("origin", "http://evil.example"), ("origin", "http://localhost:4580")])


def test_errors_take_each_protocols_shape() -> None:
    import json
    from xml.etree import ElementTree

    assert protocol_of({"x-amz-target": "Logs_20140328.X"}, "", b"") == "json"
    assert (
        protocol_of({"content-type": "application/x-www-form-urlencoded"}, "", b"Action=GetCallerIdentity") == "query"
    )
    assert protocol_of({}, "", b"", "s3") == "rest-xml"
    assert protocol_of({}, "", b"") == "rest-json"
    answer = error_answer("UNKNOWN_KEY", "query", "")
    root = ElementTree.fromstring(answer.body)
    assert answer.status == 403
    assert root.find("./{*}Error/{*}Code").text == "InvalidClientTokenId"  # type: ignore[union-attr]
    answer = error_answer("MISMATCH", "rest-json", "")
    assert dict(answer.headers)["x-amzn-errortype"] == "InvalidSignatureException"
    assert json.loads(answer.body)["message"].startswith("The request signature we calculated")
    answer = error_answer("UNKNOWN_KEY", "json", "")
    assert json.loads(answer.body)["__type"] == "UnrecognizedClientException"


def test_a_declared_body_hash_must_be_the_bodys_and_markers_are_s3s() -> None:
    """Red-team finding: with x-amz-content-sha256 unsigned, a captured
    signature could carry any body."""
    import hashlib

    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    request = _signed(
        "POST", "http://127.0.0.1:4580/", body, {"Content-Type": "application/x-www-form-urlencoded"}, "sts"
    )
    parts = urlsplit(request.url)
    headers = [(k.lower(), v) for k, v in request.headers.items()] + [("host", parts.netloc)]
    swapped = b"Action=CreateRole&RoleName=swapped"
    with pytest.raises(SignatureError) as caught:
        verify("POST", "/", "", [*headers, ("x-amz-content-sha256", hashlib.sha256(body).hexdigest())], swapped, KEYS)
    assert caught.value.code == "MISMATCH"
    with pytest.raises(SignatureError):
        verify("POST", "/", "", [*headers, ("x-amz-content-sha256", "UNSIGNED-PAYLOAD")], swapped, KEYS)
    assert verify("POST", "/", "", headers, body, KEYS).service == "sts"


def test_presigned_urls_are_capped_at_seven_days_and_kept_off_admin_paths() -> None:
    for expires, allowed in ((604800, True), (604801, False)):
        request = AWSRequest(method="GET", url="http://127.0.0.1:4580/bucket/key", headers={})
        request.context["timestamp"] = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        S3SigV4QueryAuth(Credentials(KEY, SECRET), "s3", "us-east-1", expires=expires).add_auth(request)
        parts = urlsplit(request.url)
        if allowed:
            assert verify("GET", parts.path, parts.query, [("host", parts.netloc)], b"", KEYS).presigned
        else:
            with pytest.raises(SignatureError):
                verify("GET", parts.path, parts.query, [("host", parts.netloc)], b"", KEYS)
    request = AWSRequest(method="GET", url="http://127.0.0.1:4580/_apigw-wizard/health", headers={})
    request.context["timestamp"] = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    S3SigV4QueryAuth(Credentials(KEY, SECRET), "s3", "us-east-1", expires=60).add_auth(request)
    parts = urlsplit(request.url)
    with pytest.raises(SignatureError):
        Gate(4580, KEY, SECRET).check("GET", parts.path, parts.query, [("host", parts.netloc)], b"", owner_only=True)
