"""Helpers for the function URL tests: handlers, AWS's recorded 403 body,
and a function with a URL built as the AWS CLI would build it."""

from __future__ import annotations

import re
from typing import Any

import httpx
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.cloudproc import create_function

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


def make_url(
    cloud: Any, code: str, auth: str = "NONE", permissions: tuple[str, ...] = ("url", "invoke"), **kw: Any
) -> tuple[str, str]:
    """A function with a URL; `permissions` the resource-policy statements
    urls-auth asks for (reference I2)."""
    name, _arn = create_function(cloud, code)
    return name, add_url(cloud, name, auth, permissions, **kw)


def add_url(
    cloud: Any, name: str, auth: str = "NONE", permissions: tuple[str, ...] = ("url", "invoke"), **kw: Any
) -> str:
    """A URL for an existing function, with those statements; its url id."""
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
    return URL_SHAPE.match(created["FunctionUrl"]).group(1)  # type: ignore[union-attr]


def path_url(cloud: Any, url_id: str, rest: str = "") -> str:
    return f"{cloud.endpoint}/_aws/lambda-url/{url_id}/{rest}"


def host_of(cloud: Any, url_id: str) -> str:
    return f"{url_id}.lambda-url.us-east-1.localhost:{cloud.port}"


def signed(method: str, url: str, key: str, secret: str, service: str = "lambda", host: str = "") -> httpx.Response:
    headers = {"host": host or httpx.URL(url).netloc.decode()}
    request = AWSRequest(method=method, url=url, headers=headers)
    SigV4Auth(Credentials(key, secret), service, "us-east-1").add_auth(request)
    return httpx.request(method, url, headers=dict(request.headers.items()), timeout=60)
