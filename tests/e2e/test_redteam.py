"""Red-team cases against the owner-only local cloud, over real sockets
against the real `apigw-wizard local` process: what an attacker tried, and
what must never work. Failing tests here are open findings."""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import socket
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.cloudproc import ECHO, create_function, deploy

pytestmark = pytest.mark.slow


def _owner() -> Credentials:
    from localcloud import owner

    creds = owner.load()
    assert creds is not None
    return Credentials(creds.access_key_id, creds.secret_access_key)


def _signed(cloud: Any, method: str, path: str, body: bytes, headers: dict[str, str], service: str) -> dict[str, str]:
    request = AWSRequest(method=method, url=cloud.endpoint + path, data=body, headers=headers)
    SigV4Auth(_owner(), service, "us-east-1").add_auth(request)
    return dict(request.headers.items())


def _send(cloud: Any, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", cloud.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        reply = conn.getresponse()
        return reply.status, reply.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _raw(cloud: Any, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", cloud.port), timeout=10) as sock:
        sock.sendall(data)
        out = b""
        while chunk := sock.recv(65536):
            out += chunk
    return out


FORM = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}

# A handler signing its own requests with its execution role's session key,
# adding whatever headers it likes (botocore signs them).
SIGNER = """
import json, os, urllib.error, urllib.request
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

def call(method, path, body, headers, service):
    url = os.environ["AWS_ENDPOINT_URL"] + path
    creds = Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"],
                        os.environ["AWS_SESSION_TOKEN"])
    request = AWSRequest(method=method, url=url, data=body.encode(), headers=headers)
    SigV4Auth(creds, service, "us-east-1").add_auth(request)
    sent = urllib.request.Request(url, data=body.encode() if method != "GET" else None, method=method,
                                  headers=dict(request.headers.items()))
    try:
        with urllib.request.urlopen(sent, timeout=20) as reply:
            return [reply.status, reply.read().decode("utf-8", "replace")[:300]]
    except urllib.error.HTTPError as err:
        return [err.code, err.read().decode("utf-8", "replace")[:300]]

def lambda_handler(event, context):
    return {name: call(*args) for name, args in event.items()}
"""
DISGUISE = {"x-amz-target": "Logs_20140328.PutLogEvents"}


def _basic_role_function(cloud: Any, code: str) -> str:
    """A function whose role has only the console's basic logs policy (tui/services/roles.py)."""
    name, _ = create_function(cloud, code, timeout=30)
    cloud.client("iam").put_role_policy(
        RoleName=f"{name}-role",
        PolicyName="basic",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "logs:CreateLogGroup", "Resource": "*"},
                    {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"},
                ],
            }
        ),
    )
    return name


def _as_handler(cloud: Any, name: str, calls: dict[str, list[Any]]) -> dict[str, list[Any]]:
    reply = cloud.client("lambda").invoke(FunctionName=name, Payload=json.dumps(calls).encode())
    return json.loads(reply["Payload"].read())  # type: ignore[no-any-return]


def test_role_key_cannot_disguise_an_invoke_as_a_logs_call(cloud: Any) -> None:
    """Attack: a handler whose role allows only logs:* actions signs
    POST /2015-03-31/functions/VICTIM/invocations with its session key and
    adds `X-Amz-Target: Logs_20140328.PutLogEvents` (or `?Action=PutLogEvents`
    with a `logs` credential scope). The role check classifies the request
    by those attacker-chosen hints (logs:PutLogEvents, allowed) while the
    edge routes it by path to Lambda Invoke: the victim runs."""
    victim, _ = create_function(cloud, "def lambda_handler(e, c):\n    return 'victim-output'\n")
    attacker = _basic_role_function(cloud, SIGNER)
    path = f"/2015-03-31/functions/{victim}/invocations"
    got = _as_handler(
        cloud,
        attacker,
        {
            "plain": ["POST", path, "{}", {}, "lambda"],
            "target": ["POST", path, "{}", DISGUISE, "lambda"],
            "query": ["POST", path + "?Action=PutLogEvents", "{}", {}, "logs"],
        },
    )
    assert got["plain"][0] == 403  # the honest request is refused...
    for how in ("target", "query"):  # ...and so must be the disguised ones
        assert got[how][0] in (400, 403) and "victim-output" not in got[how][1], (how, got[how])


def test_role_key_cannot_grant_itself_more_by_a_disguised_iam_call(cloud: Any) -> None:
    """Attack: the same handler sends IAM PutRolePolicy (query protocol,
    `iam` scope) with `X-Amz-Target: Logs_20140328.PutLogEvents`: authorized
    as logs:PutLogEvents, executed by moto as iam:PutRolePolicy, giving its
    own role Action "*"; after that every AWS API is open to it."""
    attacker = _basic_role_function(cloud, SIGNER)
    document = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    from urllib.parse import urlencode

    body = urlencode(
        {
            "Action": "PutRolePolicy",
            "Version": "2010-05-08",
            "RoleName": f"{attacker}-role",
            "PolicyName": "pwn",
            "PolicyDocument": document,
        }
    )
    got = _as_handler(cloud, attacker, {"escalate": ["POST", "/", body, {**DISGUISE, **FORM}, "iam"]})
    policies = cloud.client("iam").list_role_policies(RoleName=f"{attacker}-role")["PolicyNames"]
    assert "pwn" not in policies, got
    assert got["escalate"][0] in (400, 403), got


def test_role_key_never_reaches_admin_paths(cloud: Any) -> None:
    """Attack: a handler signs shutdown, invocation records and health with its
    session key (honestly, and disguised). Admin paths are the owner's only."""
    attacker = _basic_role_function(cloud, SIGNER)
    got = _as_handler(
        cloud,
        attacker,
        {
            "shutdown": ["POST", "/_apigw-wizard/shutdown", "", DISGUISE, "logs"],
            "records": ["GET", "/_apigw-wizard/invocations/x", "", {}, "lambda"],
            "health": ["GET", "/_apigw-wizard/health", "", {}, "lambda"],
        },
    )
    assert got["shutdown"][0] in (400, 403) and got["records"][0] in (400, 403), got
    assert "state_dir" not in got["health"][1] and "cloud_id" not in got["health"][1]
    assert cloud.proc.poll() is None


def test_x_moto_headers_are_stripped_whatever_their_spelling(cloud: Any) -> None:
    """Attack: `x_moto_account_id: 999999999999` (underscores). The edge drops
    only names starting with `x-moto-`, but the WSGI bridge maps `_` and `-`
    alike to HTTP_X_MOTO_ACCOUNT_ID, which moto obeys (account switch)."""
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    for name in ("x_moto_account_id", "x-moto_account-id"):
        headers = {**_signed(cloud, "POST", "/", body, dict(FORM), "sts"), name: "999999999999"}
        status, text = _send(cloud, "POST", "/", body, headers)
        assert "999999999999" not in text, (name, status, text[-200:])


def test_an_unsigned_content_hash_header_cannot_swap_the_body(cloud: Any) -> None:
    """Attack: replay of a captured owner request (GetCallerIdentity, body not
    hashed into a header) with another body and an unsigned
    `x-amz-content-sha256` holding the old body's hash: the verifier takes
    the header's hash instead of hashing the body, so the signature still
    matches and the new body (CreateRole) runs."""
    original = b"Action=GetCallerIdentity&Version=2011-06-15"
    swapped = b"Action=CreateRole&Version=2010-05-08&RoleName=swapped-body&AssumeRolePolicyDocument=%7B%7D"
    headers = _signed(cloud, "POST", "/", original, dict(FORM), "iam")
    headers["x-amz-content-sha256"] = hashlib.sha256(original).hexdigest()
    status, _ = _send(cloud, "POST", "/", swapped, headers)
    roles = [r["RoleName"] for r in cloud.client("iam").list_roles()["Roles"]]
    assert "swapped-body" not in roles and status >= 400


def test_path_host_and_framing_tricks_reach_neither_moto_api_nor_admin(cloud: Any) -> None:
    """Regression: unsigned path spellings of /moto-api and admin paths,
    absolute-form targets, HTTP/1.0 without Host, foreign and odd Hosts,
    a foreign Origin spelled like ours, chunked and Expect: 100-continue
    bodies, and an admin request pipelined behind a data-plane GET."""
    deployed = deploy(cloud, ECHO)
    port, name = cloud.port, deployed.function
    ours = f"Host: 127.0.0.1:{port}\r\n"
    tail = "Content-Length: 0\r\nConnection: close\r\n\r\n"
    attempts = [
        f"POST {p} HTTP/1.1\r\n{ours}{tail}"
        for p in (
            "//moto-api/reset",
            "/moto-api%2freset",
            "/./moto-api/reset",
            "/%6doto-api/reset",
            "/_aws/execute-api/../moto-api/reset",
            f"http://127.0.0.1:{port}/moto-api/reset",
            "/_apigw-wizard%2fshutdown",
            "/_apigw-wizard/./shutdown",
            "//_apigw-wizard/shutdown",
            "/latest/meta-data/iam/security-credentials/",
        )
    ]
    attempts += [
        f"POST /_apigw-wizard/shutdown HTTP/1.1\r\nHost: {h}\r\n{tail}"
        for h in (
            f"127.0.0.1:{port}.",
            f"localhost.:{port}",
            f"[::ffff:127.0.0.1]:{port}",
            f"127.1:{port}",
            f"x.execute-api.localhost.:{port}",
        )
    ]
    attempts += [
        "POST /_apigw-wizard/shutdown HTTP/1.0\r\nContent-Length: 0\r\n\r\n",
        f"POST /_apigw-wizard/shutdown HTTP/1.1\r\n{ours}Origin: http://127.0.0.1:{port}.evil.test\r\n{tail}",
        f"POST /_apigw-wizard/shutdown HTTP/1.1\r\n{ours}Transfer-Encoding: chunked\r\n"
        "Expect: 100-continue\r\nConnection: close\r\n\r\n0\r\n\r\n",
        f"GET /_aws/execute-api/{deployed.api_id}/echo HTTP/1.1\r\n{ours}\r\n"
        f"POST /_apigw-wizard/shutdown HTTP/1.1\r\n{ours}{tail}",
    ]
    for attempt in attempts:
        out = _raw(cloud, attempt.encode())
        statuses = [s for s in re.findall(rb"HTTP/1\.[01] (\d{3}) ", out) if s != b"100"]
        assert statuses and statuses[-1] in (b"400", b"403", b"404"), (attempt, out[:300])
        assert len(statuses) == attempt.count(" HTTP/1."), (attempt, out[:300])  # every request answered
    assert cloud.proc.poll() is None  # not stopped
    assert cloud.client("lambda").get_function(FunctionName=name)  # not reset
    assert deployed.get("/echo").status_code == 200
