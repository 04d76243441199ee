"""Lambda function URLs on a real local cloud, over real HTTP (curl and
httpx) and boto3: the control plane, both URL forms, the event and the
response mapping, the resource-policy and AWS_IAM checks, CORS.

Sources, by test: reference aws-behaviour-2 section I, and the
AWS-validated LocalStack snapshots it cites (localstack 8b9a79f,
tests/aws/services/lambda_/test_lambda.snapshot.json and
test_lambda_api.snapshot.json, recorded 2025-11-24/25)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from typing import Any

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cloudproc import create_function, owner_kw

HELLO = """def lambda_handler(event, context):
    return "Hello from Lambda!"
"""

ECHO = """import json


def lambda_handler(event, context):
    q = event.get("rawQueryString", "")
    if q == "crash":
        raise RuntimeError("boom")
    if q.startswith("return="):  # the body says what to return (sent as JSON text)
        return json.loads(event["body"])
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(event)}
"""

FORBIDDEN = {
    "Message": "Forbidden. For troubleshooting Function URL authorization issues, see: "
    "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"
}
URL_SHAPE = re.compile(r"^https://([a-z0-9]{32})\.lambda-url\.us-east-1\.on\.aws/$")


def make_url(cloud: Any, code: str, auth: str = "NONE", permissions: tuple[str, ...] = ("url", "invoke"), **kw: Any):
    """A function with a URL; `permissions` the resource-policy statements
    urls-auth asks for (reference I2)."""
    name, _arn = create_function(cloud, code)
    lam = cloud.client("lambda")
    created = lam.create_function_url_config(FunctionName=name, AuthType=auth, **kw)
    if "url" in permissions:
        lam.add_permission(
            FunctionName=name,
            StatementId="FunctionURLAllowPublicAccess",
            Action="lambda:InvokeFunctionUrl",
            Principal="*",
            FunctionUrlAuthType=auth,
        )
    if "invoke" in permissions:
        lam.add_permission(
            FunctionName=name,
            StatementId="FunctionURLAllowInvokeAction",
            Action="lambda:InvokeFunction",
            Principal="*",
            InvokedViaFunctionUrl=True,
        )
    url_id = URL_SHAPE.match(created["FunctionUrl"]).group(1)  # type: ignore[union-attr]
    return name, url_id


def path_url(cloud: Any, url_id: str, rest: str = "") -> str:
    return f"{cloud.endpoint}/_aws/lambda-url/{url_id}/{rest}"


def host_of(cloud: Any, url_id: str) -> str:
    return f"{url_id}.lambda-url.us-east-1.localhost:{cloud.port}"


# -- control plane (I1; test_lambda_api.py::TestLambdaUrl, recorded 2025-11-25) --


def test_url_config_lifecycle_answers_as_aws(cloud: Any) -> None:
    name, _ = create_function(cloud, HELLO)
    lam = cloud.client("lambda")
    created = lam.create_function_url_config(FunctionName=name, AuthType="NONE")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    # test_url_config_lifecycle: no InvokeMode unless given, no LastModifiedTime.
    assert set(created) - {"ResponseMetadata"} == {"AuthType", "CreationTime", "FunctionArn", "FunctionUrl"}
    assert URL_SHAPE.match(created["FunctionUrl"])  # I1: 32 lowercase alphanumerics, ends with "/"
    assert created["FunctionArn"] == f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
    with pytest.raises(lam.exceptions.ResourceConflictException) as conflict:
        lam.create_function_url_config(FunctionName=name, AuthType="NONE")
    assert conflict.value.response["Error"]["Message"] == (
        f"Failed to create function url config for [functionArn = {created['FunctionArn']}]. "
        "Error message:  FunctionUrlConfig exists for this Lambda function"
    )
    got = lam.get_function_url_config(FunctionName=name)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert got["InvokeMode"] == "BUFFERED" and got["FunctionUrl"] == created["FunctionUrl"]
    assert "LastModifiedTime" in got and "Cors" not in got
    updated = lam.update_function_url_config(FunctionName=name, AuthType="AWS_IAM")
    assert updated["AuthType"] == "AWS_IAM" and "InvokeMode" not in updated
    assert lam.list_function_url_configs(FunctionName=name)["FunctionUrlConfigs"][0]["AuthType"] == "AWS_IAM"
    deleted = lam.delete_function_url_config(FunctionName=name)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(lam.exceptions.ResourceNotFoundException) as gone:
        lam.get_function_url_config(FunctionName=name)
    assert gone.value.response["Error"]["Message"] == "The resource you requested does not exist."


def test_url_config_errors(cloud: Any) -> None:
    name, _ = create_function(cloud, HELLO)
    lam = cloud.client("lambda")
    # test_url_config_exceptions: a function that does not exist.
    with pytest.raises(lam.exceptions.ResourceNotFoundException) as missing:
        lam.create_function_url_config(FunctionName="no-such-function-x", AuthType="NONE")
    assert missing.value.response["Error"]["Message"] == "Function does not exist"
    # I1 [R] test_lambda_url_invalid_invoke_mode: the exact words.
    with pytest.raises(lam.exceptions.ClientError) as invalid:
        lam.create_function_url_config(FunctionName=name, AuthType="NONE", InvokeMode="UNKNOWN")
    assert invalid.value.response["Error"]["Code"] == "ValidationException"
    assert invalid.value.response["Error"]["Message"] == (
        "1 validation error detected: Value 'UNKNOWN' at 'invokeMode' failed to satisfy constraint: "
        "Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]"
    )
    # test_url_config_exceptions: $LATEST and versions are not URL qualifiers.
    with pytest.raises(lam.exceptions.ClientError) as latest:
        lam.create_function_url_config(FunctionName=name, AuthType="NONE", Qualifier="$LATEST")
    assert latest.value.response["Error"]["Code"] == "ValidationException"
    # test_url_config_exceptions: an ARN's qualifier that disagrees with Qualifier.
    with pytest.raises(lam.exceptions.ClientError) as mismatch:
        lam.create_function_url_config(FunctionName=f"{name}:one", AuthType="NONE", Qualifier="two")
    assert mismatch.value.response["Error"]["Message"] == (
        "The derived qualifier from the function name does not match the specified qualifier."
    )
    # A bare HTTP call with a broken body gets an AWS error, never a traceback.
    broken = cloud.client("lambda")
    broken.meta.events.register("before-sign.lambda.CreateFunctionUrlConfig", _break_body)
    with pytest.raises(broken.exceptions.ClientError) as bad:
        broken.create_function_url_config(FunctionName=name, AuthType="NONE")
    assert bad.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def _break_body(request: Any, **_kw: Any) -> None:
    request.data = b"{not json"


def test_add_permission_writes_the_url_conditions(cloud: Any) -> None:
    """I2 [R]: the recorded NONE statement; InvokedViaFunctionUrl as a Bool
    condition (unrecorded; see lambdaurl/permission.py for the sources)."""
    name, _ = make_url(cloud, HELLO)
    policy = json.loads(cloud.client("lambda").get_policy(FunctionName=name)["Policy"])
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert by_sid["FunctionURLAllowPublicAccess"] == {
        "Sid": "FunctionURLAllowPublicAccess",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "lambda:InvokeFunctionUrl",
        "Resource": f"arn:aws:lambda:us-east-1:123456789012:function:{name}",
        "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}},
    }
    assert by_sid["FunctionURLAllowInvokeAction"]["Condition"] == {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}


# -- the data plane ----------------------------------------------------------


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_curl_of_the_host_form_answers_hello(cloud: Any) -> None:
    """The issue's done-when; I4 [R] test_lambda_url_invocation[string]: a
    string is sent unquoted as application/json."""
    _, url_id = make_url(cloud, HELLO)
    url = f"http://{host_of(cloud, url_id)}/"  # curl resolves *.localhost to loopback itself
    out = subprocess.run(["curl", "-s", "-i", url], capture_output=True, text=True, timeout=60)
    head, _, body = out.stdout.partition("\n\n")  # text mode turned CRLF into LF
    assert body == "Hello from Lambda!", out.stdout + out.stderr
    assert head.startswith("HTTP/1.1 200") and "content-type: application/json" in head.lower()
    post = httpx.post(path_url(cloud, url_id, "any/path"), content=b"x", timeout=60)
    assert post.status_code == 200 and post.text == "Hello from Lambda!"


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_curl_with_and_without_sigv4_on_an_aws_iam_url(cloud: Any) -> None:
    """The issue's done-when for AWS_IAM: curl's own SigV4 signer (service
    lambda, as urls-auth says) gets 200; unsigned, I5's 403."""
    _, url_id = make_url(cloud, HELLO, auth="AWS_IAM", permissions=())
    url = f"http://{host_of(cloud, url_id)}/"
    kw = owner_kw(cloud.port)
    unsigned = subprocess.run(["curl", "-s", "-i", url], capture_output=True, text=True, timeout=60).stdout
    assert unsigned.startswith("HTTP/1.1 403") and json.loads(unsigned.partition("\n\n")[2]) == FORBIDDEN
    user = f"{kw['aws_access_key_id']}:{kw['aws_secret_access_key']}"
    signing = ["curl", "-s", "--aws-sigv4", "aws:amz:us-east-1:lambda", "--user", user, url]
    out = subprocess.run(signing, capture_output=True, text=True, timeout=60)
    if "option --aws-sigv4: is unknown" in out.stderr:
        pytest.skip("this curl cannot sign")
    assert out.stdout == "Hello from Lambda!", out.stdout + out.stderr


def test_the_event_is_a_function_url_event(cloud: Any) -> None:
    """I3: $default placeholders, accountId anonymous, the url id, the
    requestId the response's x-amzn-RequestId carries (test_request_id_invoke_url),
    rawPath still encoded (test_lambda_url_echo_http_fixture_default), the
    TLS and forwarding headers, form bodies as base64 (test_lambda_url_form_payload)."""
    _, url_id = make_url(cloud, ECHO)
    reply = httpx.post(
        path_url(cloud, url_id, "pa2%Fth/1?q=query&multi=a&multi=b"),
        content=b'{"foo": "bar"}',
        headers={"content-type": "application/json", "Extra-Headers": "With WeiRd CapS", "cookie": "a=1; b=2"},
        timeout=60,
    )
    assert reply.status_code == 200, reply.text
    event = reply.json()
    ctx = event["requestContext"]
    assert event["version"] == "2.0" and event["routeKey"] == "$default" and ctx["stage"] == "$default"
    assert ctx["accountId"] == "anonymous" and ctx["apiId"] == url_id and ctx["domainPrefix"] == url_id
    assert ctx["domainName"] == f"{url_id}.lambda-url.us-east-1.localhost"
    assert ctx["requestId"] == reply.headers["x-amzn-requestid"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", ctx["requestId"])
    assert event["rawPath"] == "/pa2%Fth/1" and ctx["http"]["path"] == "/pa2%Fth/1"
    assert event["rawQueryString"] == "q=query&multi=a&multi=b"
    assert event["queryStringParameters"] == {"q": "query", "multi": "a,b"}
    assert event["cookies"] == ["a=1", "b=2"] and "cookie" not in event["headers"]
    headers = event["headers"]
    assert headers["extra-headers"] == "With WeiRd CapS" and headers["host"] == host_of(cloud, url_id)
    for added in ("x-amzn-tls-cipher-suite", "x-amzn-tls-version", "x-amzn-trace-id", "x-forwarded-for"):
        assert added in headers
    assert event["body"] == '{"foo": "bar"}' and event["isBase64Encoded"] is False
    assert "authorizer" not in ctx and "pathParameters" not in event and "stageVariables" not in event
    assert isinstance(ctx["timeEpoch"], int)
    form = httpx.post(path_url(cloud, url_id, "test/value"), files={"f": ("foo", b"bar")}, timeout=60).json()
    assert form["isBase64Encoded"] is True


@pytest.mark.parametrize(
    ("returned", "status", "content_type", "body"),
    [
        # I4 [R] test_lambda_url_invocation[*], recorded 2025-11-24.
        ({"hello": "world"}, 200, "application/json", b'{"hello":"world"}'),
        ({"statusCode": 200, "body": "body123"}, 200, "application/json", b"body123"),
        (["hello", 3, True], 200, "application/json", b'["hello",3,true]'),
        ("hello", 200, "application/json", b"hello"),
        (3.1, 200, "application/json", b"3.1"),
        (True, 200, "application/json", b"true"),
        ({"statusCode": "418", "body": "i'm a teapot"}, 418, "application/json", b"i'm a teapot"),
    ],
)
def test_the_response_mapping(echo_url: str, returned: Any, status: int, content_type: str, body: bytes) -> None:
    reply = httpx.post(echo_url + "?return=1", json=returned, timeout=60)
    assert reply.status_code == status and reply.content == body
    assert reply.headers["content-type"] == content_type


def test_headers_cookies_and_a_failure(echo_url: str) -> None:
    custom = {"statusCode": 201, "headers": {"X-Custom": "v"}, "cookies": ["a=1", "b=2; Path=/"], "body": "ok"}
    reply = httpx.post(echo_url + "?return=1", json=custom, timeout=60)
    assert reply.status_code == 201 and reply.headers["x-custom"] == "v"
    assert reply.headers.get_list("set-cookie") == ["a=1", "b=2; Path=/"]  # [D] urls-invocation
    # I5 [R] test_lambda_url_invocation_exception: 502, plain words.
    crashed = httpx.get(echo_url + "?crash", timeout=60)
    assert crashed.status_code == 502 and crashed.text == "Internal Server Error"
    assert crashed.headers["x-amzn-requestid"]


@pytest.fixture(scope="module")
def echo_url(cloud: Any) -> str:
    _, url_id = make_url(cloud, ECHO)
    return path_url(cloud, url_id)


# -- auth (I2, I5) -----------------------------------------------------------


def test_none_needs_both_permissions(cloud: Any) -> None:
    """I5 [R] test_lambda_permission_url_invocation: the 403 body; I2: new
    URLs need lambda:InvokeFunction too (urls-auth note;
    awsdocs/aws-lambda-developer-guide#494 shows the 403 with only the first)."""
    for permissions in ((), ("url",), ("invoke",)):
        _, url_id = make_url(cloud, HELLO, permissions=permissions)
        reply = httpx.get(path_url(cloud, url_id), timeout=60)
        assert reply.status_code == 403 and reply.json() == FORBIDDEN, permissions
        assert reply.headers["x-amzn-errortype"] == "AccessDeniedException"
    _, url_id = make_url(cloud, HELLO)
    assert httpx.get(path_url(cloud, url_id), timeout=60).text == "Hello from Lambda!"


def test_an_unknown_or_deleted_url_is_403_message_null(cloud: Any) -> None:
    """I5 [R] test_lambda_url_non_existing_url; another region's host name
    is another URL."""
    name, url_id = make_url(cloud, HELLO)
    elsewhere = httpx.get(
        f"{cloud.endpoint}/", headers={"Host": f"{url_id}.lambda-url.eu-west-1.localhost:{cloud.port}"}, timeout=60
    )
    assert elsewhere.status_code == 403 and elsewhere.text == '{"Message":null}'
    assert httpx.get(f"{cloud.endpoint}/", headers={"Host": host_of(cloud, url_id)}, timeout=60).status_code == 200
    cloud.client("lambda").delete_function_url_config(FunctionName=name)
    for target in (url_id, "0123456789abcdefghijklmnopqrstuv"):
        reply = httpx.get(path_url(cloud, target), timeout=60)
        assert reply.status_code == 403 and reply.text == '{"Message":null}'
        assert reply.headers["content-type"] == "application/json"
        assert reply.headers["x-amzn-errortype"] == "AccessDeniedException"


def signed(method: str, url: str, key: str, secret: str, service: str = "lambda", host: str = "") -> httpx.Response:
    headers = {"host": host or httpx.URL(url).netloc.decode()}
    request = AWSRequest(method=method, url=url, headers=headers)
    SigV4Auth(Credentials(key, secret), service, "us-east-1").add_auth(request)
    return httpx.request(method, url, headers=dict(request.headers.items()), timeout=60)


def test_aws_iam_unsigned_is_403_and_the_owners_signature_is_200(cloud: Any) -> None:
    """I2: AWS_IAM takes SigV4 for the service lambda; the account's own
    identity needs no resource-policy statement; the event carries
    authorizer.iam (I3). The unsigned answer is I5's 403 body."""
    _, url_id = make_url(cloud, ECHO, auth="AWS_IAM", permissions=())
    url = path_url(cloud, url_id, "p")
    unsigned = httpx.get(url, timeout=60)
    assert unsigned.status_code == 403 and unsigned.json() == FORBIDDEN
    assert unsigned.headers["x-amzn-errortype"] == "AccessDeniedException"
    kw = owner_kw(cloud.port)
    reply = signed("GET", url, kw["aws_access_key_id"], kw["aws_secret_access_key"])
    assert reply.status_code == 200, reply.text
    ctx = reply.json()["requestContext"]
    assert ctx["authorizer"]["iam"]["accessKey"] == kw["aws_access_key_id"]
    assert ctx["accountId"] == "123456789012"
    host_form = signed(
        "GET",
        f"{cloud.endpoint}/p",
        kw["aws_access_key_id"],
        kw["aws_secret_access_key"],
        host=host_of(cloud, url_id),
    )
    assert host_form.status_code == 200, host_form.text
    wrong = signed("GET", url, kw["aws_access_key_id"], "not-the-secret")
    assert wrong.status_code == 403 and wrong.headers["x-amzn-errortype"] == "InvalidSignatureException"
    other_service = signed("GET", url, kw["aws_access_key_id"], kw["aws_secret_access_key"], service="execute-api")
    assert other_service.status_code == 403


CREDS = """import json, os


def lambda_handler(event, context):
    keys = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
    return {k: os.environ[k] for k in keys}
"""


def test_aws_iam_role_session_needs_both_actions(cloud: Any) -> None:
    """I2 and the urls-auth note: a same-account role needs
    lambda:InvokeFunctionUrl and lambda:InvokeFunction, from its own
    policies or the function's resource policy; 403 (I5's body) until then."""
    helper, helper_id = make_url(cloud, CREDS)
    creds = httpx.get(path_url(cloud, helper_id), timeout=60).json()
    _, url_id = make_url(cloud, HELLO, auth="AWS_IAM", permissions=())
    url = path_url(cloud, url_id)

    def as_role() -> httpx.Response:
        request = AWSRequest(method="GET", url=url, headers={"host": httpx.URL(url).netloc.decode()})
        keys = Credentials(creds["AWS_ACCESS_KEY_ID"], creds["AWS_SECRET_ACCESS_KEY"], creds["AWS_SESSION_TOKEN"])
        SigV4Auth(keys, "lambda", "us-east-1").add_auth(request)
        return httpx.get(url, headers=dict(request.headers.items()), timeout=60)

    role = cloud.client("lambda").get_function(FunctionName=helper)["Configuration"]["Role"].rsplit("/", 1)[-1]
    iam = cloud.client("iam")
    granted: list[str] = []
    for action in ("lambda:InvokeFunctionUrl", "lambda:InvokeFunction"):
        denied = as_role()
        assert denied.status_code == 403 and denied.json() == FORBIDDEN, granted
        granted.append(action)
        document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": granted, "Resource": "*"}]}
        iam.put_role_policy(RoleName=role, PolicyName="call-url", PolicyDocument=json.dumps(document))
    allowed = as_role()
    assert allowed.status_code == 200 and allowed.text == "Hello from Lambda!"


# -- CORS (I6) ----------------------------------------------------------------


def test_cors_preflight_and_headers(cloud: Any) -> None:
    """I6 [D] urls-configuration: Lambda adds the configured headers and
    they win over the function's; the preflight is answered without the
    function (unverified, see lambdaurl/service.py)."""
    cors = {"AllowOrigins": ["https://app.example"], "AllowMethods": ["POST"], "AllowHeaders": ["x-k"], "MaxAge": 60}
    _, url_id = make_url(cloud, ECHO, Cors=cors)
    url = path_url(cloud, url_id)
    preflight = httpx.options(
        url, headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}, timeout=60
    )
    assert preflight.status_code in (200, 204)
    assert preflight.headers["access-control-allow-origin"] == "https://app.example"
    assert preflight.headers["access-control-allow-methods"] == "POST"
    assert preflight.headers["access-control-max-age"] == "60"
    returned = {"statusCode": 200, "headers": {"access-control-allow-origin": "*", "x-own": "1"}, "body": "b"}
    actual = httpx.post(url + "?return=1", json=returned, headers={"Origin": "https://app.example"}, timeout=60)
    assert actual.headers.get_list("access-control-allow-origin") == ["https://app.example"]
    assert actual.headers["x-own"] == "1"
    _, closed_id = make_url(cloud, ECHO, permissions=(), Cors=cors)  # Lambda's own 403 gets them too
    denied = httpx.get(path_url(cloud, closed_id), headers={"Origin": "https://app.example"}, timeout=60)
    assert denied.status_code == 403 and denied.headers["access-control-allow-origin"] == "https://app.example"


# -- who may use them (DESIGN.md "Who may use the local cloud") ---------------


def test_urls_are_public_data_plane_but_their_control_plane_is_owner_only(cloud: Any) -> None:
    """A NONE URL answers a page on another origin (public on AWS, like
    execute-api); a rebinding host name or another port is refused; the
    URL calls of the control plane need the owner's signature."""
    name, url_id = make_url(cloud, HELLO)
    page = httpx.get(path_url(cloud, url_id), headers={"Origin": "https://elsewhere.example"}, timeout=60)
    assert page.status_code == 200 and page.text == "Hello from Lambda!"
    for host in (
        f"{url_id}.lambda-url.us-east-1.localhost.evil.example:{cloud.port}",
        f"{url_id}.lambda-url.us-east-1.localhost:1",
    ):
        assert httpx.get(f"{cloud.endpoint}/", headers={"Host": host}, timeout=60).status_code == 403
    anonymous = httpx.get(f"{cloud.endpoint}/2021-10-31/functions/{name}/url", timeout=60)
    assert anonymous.status_code == 403 and url_id not in anonymous.text


def test_a_url_survives_a_restart_and_goes_with_its_function(tmp_path: Any) -> None:
    """The URL is control-plane state: saved with the function, served
    again after a restart under the same id, and gone (403, I5) once the
    function is deleted."""
    from tests.cloudproc import LocalCloudProcess

    first = LocalCloudProcess(tmp_path / "state").start()
    try:
        name, url_id = make_url(first, HELLO)
    finally:
        assert first.stop() == 0
    second = LocalCloudProcess(tmp_path / "state", port=first.port).start()
    try:
        assert httpx.get(path_url(second, url_id), timeout=60).text == "Hello from Lambda!"
        second.client("lambda").delete_function(FunctionName=name)
        gone = httpx.get(path_url(second, url_id), timeout=60)
        assert gone.status_code == 403 and gone.text == '{"Message":null}'
    finally:
        second.stop()


def test_url_requests_are_cloudwatch_metrics(cloud: Any) -> None:
    """I7 (urls-monitoring): UrlRequestCount, Url4xxError, Url5xxError (Sum)
    and UrlRequestLatency in AWS/Lambda by FunctionName, read with the
    GetMetricData call one makes on AWS."""
    import datetime as dt

    name, url_id = make_url(cloud, ECHO, permissions=("url",))  # 403: no lambda:InvokeFunction
    assert httpx.get(path_url(cloud, url_id), timeout=60).status_code == 403
    cloud.client("lambda").add_permission(
        FunctionName=name, StatementId="i", Action="lambda:InvokeFunction", Principal="*", InvokedViaFunctionUrl=True
    )
    assert httpx.get(path_url(cloud, url_id), timeout=60).status_code == 200
    assert httpx.get(path_url(cloud, url_id) + "?crash", timeout=60).status_code == 502
    now = dt.datetime.now(dt.timezone.utc)
    queries = [
        {
            "Id": metric.lower(),
            "MetricStat": {
                "Metric": {
                    "Namespace": "AWS/Lambda",
                    "MetricName": metric,
                    "Dimensions": [{"Name": "FunctionName", "Value": name}],
                },
                "Period": 60,
                "Stat": "Sum" if metric != "UrlRequestLatency" else "SampleCount",
            },
        }
        for metric in ("UrlRequestCount", "Url4xxError", "Url5xxError", "UrlRequestLatency")
    ]
    data = cloud.client("cloudwatch").get_metric_data(
        MetricDataQueries=queries, StartTime=now - dt.timedelta(minutes=10), EndTime=now + dt.timedelta(minutes=1)
    )
    sums = {r["Id"]: sum(r["Values"]) for r in data["MetricDataResults"]}
    assert sums == {"urlrequestcount": 3, "url4xxerror": 1, "url5xxerror": 1, "urlrequestlatency": 3}


def test_hostile_requests_get_answers_not_tracebacks(cloud: Any) -> None:
    """Made-up ids, odd bytes and encodings in the path, a body over the
    limit: each gets an answer (403 for an unknown URL, as I5; 413), and
    the cloud keeps serving."""
    import socket

    _, url_id = make_url(cloud, ECHO)
    log_start = len(cloud.log.read_text())
    raw_paths = [
        b"/_aws/lambda-url/",
        b"/_aws/lambda-url/%ff%fe/x",
        b"/_aws/lambda-url/" + b"a" * 5000,
        b"/_aws/lambda-url/" + url_id.encode() + b"/%ff%00\xc3\xa9?%zz=%&a=\xff",
    ]
    statuses = []
    for raw in raw_paths:
        with socket.create_connection(("127.0.0.1", cloud.port), timeout=60) as sock:
            sock.sendall(b"GET " + raw + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
        statuses.append(int(reply.split(b" ", 2)[1]))
    assert statuses[:3] == [403, 403, 403] and statuses[3] in (200, 400), statuses
    too_big = httpx.post(path_url(cloud, url_id), content=b"x" * (11 * 1024 * 1024), timeout=60)
    assert too_big.status_code == 413
    assert httpx.get(path_url(cloud, url_id), timeout=60).status_code == 200
    assert "Traceback" not in cloud.log.read_text()[log_start:]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
config_body = st.dictionaries(
    st.sampled_from(["AuthType", "Cors", "InvokeMode", "Other"]), json_values | st.sampled_from(["NONE", "AWS_IAM"])
) | st.fixed_dictionaries(
    {"AuthType": st.just("NONE")},
    optional={
        "Cors": st.dictionaries(
            st.sampled_from(["AllowOrigins", "AllowMethods", "AllowHeaders", "MaxAge", "AllowCredentials", "X"]),
            json_values,
        )
    },
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=config_body, method=st.sampled_from(["POST", "PUT", "GET", "DELETE"]))
def test_any_url_config_call_gets_an_aws_answer(url_function: str, cloud: Any, body: Any, method: str) -> None:
    """Whatever the owner's client sends, the answer is a success or a 4xx
    in Lambda's error shape, never a 500 (the control plane's own checks)."""
    kw = owner_kw(cloud.port)
    url = f"{cloud.endpoint}/2021-10-31/functions/{url_function}/url"
    data = json.dumps(body).encode()
    request = AWSRequest(method=method, url=url, data=data, headers={"content-type": "application/json"})
    SigV4Auth(Credentials(kw["aws_access_key_id"], kw["aws_secret_access_key"]), "lambda", "us-east-1").add_auth(
        request
    )
    reply = httpx.request(method, url, content=data, headers=dict(request.headers.items()), timeout=60)
    assert reply.status_code < 500, reply.text
    if reply.status_code >= 400:
        assert reply.headers["x-amzn-errortype"], reply.text


@pytest.fixture(scope="module")
def url_function(cloud: Any) -> str:
    return create_function(cloud, HELLO)[0]


def test_a_code_change_is_served_at_the_same_url(cloud: Any) -> None:
    """The URL belongs to the function, not to one version of its code: an
    UpdateFunctionCode keeps the URL and the next request runs the new code."""
    from tests.cloudproc import zip_files

    name, url_id = make_url(cloud, HELLO)
    assert httpx.get(path_url(cloud, url_id), timeout=60).text == "Hello from Lambda!"
    new_code = 'def lambda_handler(event, context):\n    return "v2"\n'
    lam = cloud.client("lambda")
    lam.update_function_code(FunctionName=name, ZipFile=zip_files({"lambda_function.py": new_code}))
    assert httpx.get(path_url(cloud, url_id), timeout=60).text == "v2"
    assert URL_SHAPE.match(lam.get_function_url_config(FunctionName=name)["FunctionUrl"]).group(1) == url_id  # type: ignore[union-attr]
