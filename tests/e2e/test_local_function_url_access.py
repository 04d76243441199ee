"""Who may call a Lambda function URL on a real local cloud (reference I2,
I5): the resource-policy statements AuthType NONE needs, AWS_IAM with the
owner's and a role's signatures (botocore's signer and curl's), the
answer to a URL that does not exist, and which hosts may reach them.

Sources, by test: reference aws-behaviour-2 section I, and the
AWS-validated LocalStack snapshots it cites (localstack 8b9a79f,
tests/aws/services/lambda_/test_lambda.snapshot.json and
test_lambda_api.snapshot.json, recorded 2025-11-24/25)."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.cloudproc import owner_kw
from tests.functionurls import ECHO, FORBIDDEN, HELLO, host_of, make_url, path_url, signed


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
