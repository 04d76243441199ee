"""Only the cloud's owner gets in: every attack from the issue, over real
sockets against the real `apigw-wizard local` process.

AWS behaviour cited: an unsigned or wrongly signed call gets the service's
own auth error in its protocol's shape (STS/IAM query protocol:
`InvalidClientTokenId` / `SignatureDoesNotMatch`, HTTP 403; REST-JSON and
JSON services: `UnrecognizedClientException` / `InvalidSignatureException`),
as botocore reports them from AWS (see localcloud/gate.py for the sources).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.conftest import SAMPLE, free_port, run_cli
from tests.cloudproc import ECHO, LocalCloudProcess, client_for, create_function, deploy, owner_env

pytestmark = pytest.mark.slow


def _client(cloud: Any, service: str, **kw: Any) -> Any:
    return boto3.client(service, endpoint_url=cloud.endpoint, region_name="us-east-1", **kw)


def _error(call: Any) -> tuple[str, int]:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_unsigned_and_foreign_keys_get_awss_own_errors(cloud: Any) -> None:
    unsigned = Config(signature_version=UNSIGNED)
    assert _error(lambda: _client(cloud, "lambda", config=unsigned).list_functions()) == (
        "MissingAuthenticationTokenException",
        403,
    )
    assert _error(lambda: _client(cloud, "sts", config=unsigned).get_caller_identity())[0] == (
        "MissingAuthenticationToken"
    )
    stranger = {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "x" * 40}
    assert _error(lambda: _client(cloud, "lambda", **stranger).list_functions()) == ("UnrecognizedClientException", 403)
    assert _error(lambda: _client(cloud, "sts", **stranger).get_caller_identity()) == ("InvalidClientTokenId", 403)
    assert _error(lambda: _client(cloud, "logs", **stranger).describe_log_groups())[0] == (
        "UnrecognizedClientException"
    )
    assert _error(
        lambda: _client(cloud, "iam", **stranger).create_role(RoleName="evil", AssumeRolePolicyDocument="{}")
    ) == ("InvalidClientTokenId", 403)
    env = owner_env(cloud.port)
    wrong_secret = {"aws_access_key_id": env["AWS_ACCESS_KEY_ID"], "aws_secret_access_key": "not-the-secret"}
    assert _error(lambda: _client(cloud, "lambda", **wrong_secret).list_functions()) == (
        "InvalidSignatureException",
        403,
    )
    assert _error(lambda: _client(cloud, "sts", **wrong_secret).get_caller_identity()) == ("SignatureDoesNotMatch", 403)
    # Nothing the strangers tried was created; the owner is served as before.
    assert "evil" not in [r["RoleName"] for r in cloud.client("iam").list_roles()["Roles"]]
    assert cloud.client("sts").get_caller_identity()["Account"] == "123456789012"
    # The cloud says why in its log, with the way in for other tools.
    assert "local --env --port" in cloud.log_text("local --env --port")


def test_env_lines_work_for_boto3_and_the_aws_cli(cloud: Any, tmp_path: Path) -> None:
    env = owner_env(cloud.port)
    assert env["AWS_ENDPOINT_URL"] == cloud.endpoint and env["AWS_REGION"]
    sts = boto3.Session(
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"]
    ).client("sts", endpoint_url=env["AWS_ENDPOINT_URL"], region_name=env["AWS_REGION"])
    assert sts.get_caller_identity()["Account"] == "123456789012"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    proc = subprocess.run(
        [sys.executable, "-m", "awscli", "sts", "get-caller-identity"],
        capture_output=True,
        text=True,
        env={**clean, **env, "AWS_CONFIG_FILE": str(tmp_path / "none")},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["Account"] == "123456789012"


@pytest.mark.parametrize(
    "host", ["evil.example:{port}", "127.0.0.1:1", "attacker.test", "abc.execute-api.localhost.evil.example:{port}"]
)
def test_dns_rebinding_host_is_refused_before_routing(cloud: Any, host: str) -> None:
    deployed = deploy(cloud, ECHO)
    host = host.format(port=cloud.port)
    for method, path in [
        ("GET", f"/_aws/execute-api/{deployed.api_id}/echo"),
        ("POST", "/2015-03-31/functions/x/invocations"),
        ("POST", "/moto-api/reset"),
        ("POST", "/_apigw-wizard/shutdown"),
        ("GET", "/_apigw-wizard/health"),
    ]:
        response = httpx.request(method, cloud.endpoint + path, headers={"host": host}, timeout=10)
        assert response.status_code == 403, (method, path, response.text)
    assert deployed.get("/echo").status_code == 200  # the right host still works


def test_cross_origin_requests_are_refused_except_on_the_data_plane(cloud: Any) -> None:
    deployed = deploy(cloud, ECHO)
    for origin in ({"origin": "http://evil.example"}, {"origin": "null"}, {"referer": "http://evil.example/page.html"}):
        for path in (
            "/moto-api/reset",
            "/2015-03-31/functions/x/invocations",
            "/_apigw-wizard/shutdown",
            "/moto-api/recorder/start-recording",
            "/",
        ):
            response = httpx.post(
                cloud.endpoint + path,
                content=b"Action=GetCallerIdentity",
                headers={"content-type": "text/plain", **origin},
                timeout=10,
            )
            assert response.status_code == 403, (path, origin)
            assert "access-control-allow-origin" not in response.headers
        # A public API stays public: browsers and front ends reach it.
        assert deployed.request("POST", "/echo", headers=origin).status_code == 200
    assert cloud.client("lambda").get_function(FunctionName=deployed.function)


def test_moto_api_and_admin_paths_need_more_than_loopback(cloud: Any) -> None:
    name, _ = create_function(cloud, "def lambda_handler(e, c):\n    return 1\n")
    assert httpx.post(f"{cloud.endpoint}/moto-api/reset").status_code == 404
    assert httpx.get(f"{cloud.endpoint}/moto-api/data.json").status_code == 404
    assert httpx.post(f"{cloud.endpoint}/_apigw-wizard/shutdown").status_code == 403
    assert httpx.get(f"{cloud.endpoint}/_apigw-wizard/invocations/x").status_code == 403
    health = httpx.get(f"{cloud.endpoint}/_apigw-wizard/health").json()
    assert "state_dir" not in health and "port" not in health  # details are the owner's
    assert cloud.client("lambda").get_function(FunctionName=name)  # nothing was reset
    assert cloud.proc.poll() is None  # nor stopped


def test_accept_any_credentials_keeps_every_other_check(tmp_path: Path) -> None:
    running = LocalCloudProcess(tmp_path / "any", extra_args=["--accept-any-credentials"]).start()
    try:
        dummy = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
        assert _client(running, "sts", **dummy).get_caller_identity()["Account"] == "123456789012"
        assert httpx.post(f"{running.endpoint}/_apigw-wizard/shutdown").status_code == 403
        assert httpx.get(f"{running.endpoint}/", headers={"host": "evil.example"}).status_code == 403
        assert httpx.post(f"{running.endpoint}/moto-api/reset").status_code == 404
        assert running.proc is not None and running.proc.poll() is None
    finally:
        running.stop()


def test_another_users_cloud_on_the_port_is_refused_and_sent_nothing(tmp_path: Path) -> None:
    other_config = tmp_path / "other-user-config"
    running = LocalCloudProcess(tmp_path / "other", env={"APIGW_WIZARD_CONFIG_DIR": str(other_config)}).start()
    try:
        proc = run_cli(
            "deploy",
            "--config",
            str(SAMPLE),
            "--port",
            str(running.port),
            "--json",
            env={"APIGW_WIZARD_STATE_DIR": str(tmp_path / "mine")},
        )
        assert proc.returncode == 1
        assert "belongs to another user" in proc.stderr and "--port" in proc.stderr
        assert "Traceback" not in proc.stderr
        other = client_for(running, other_config, "lambda")
        assert other.list_functions()["Functions"] == []  # nothing was sent to it
        assert not list((running.state_dir).rglob("ledgers"))  # nor written beside its state
        stop = run_cli("local", "--stop", "--port", str(running.port))
        assert running.proc is not None and running.proc.poll() is None, stop.stdout  # not stopped by a stranger
    finally:
        running.stop()


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to act as uid nobody")
def test_another_local_user_cannot_use_the_cloud(cloud: Any, tmp_path: Path) -> None:
    """As uid `nobody`: a made-up SigV4 header, moto's API, admin paths and
    the owner's key file; none of it works."""
    deployed = deploy(cloud, ECHO)
    script = f"""
import http.client, json, os
out = {{}}
def call(method, path, body=b"", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", {cloud.port}, timeout=10)
    conn.request(method, path, body=body, headers=headers or {{}})
    reply = conn.getresponse()
    return reply.status, reply.read().decode("utf-8", "replace")[:200]
fake = ("AWS4-HMAC-SHA256 Credential=AKIAFAKE000000000000/20260101/us-east-1/iam/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64)
out["create_role"] = call("POST", "/", b"Action=CreateRole&RoleName=pwn&AssumeRolePolicyDocument=%7B%7D",
                          {{"authorization": fake, "x-amz-date": "20260101T000000Z",
                           "content-type": "application/x-www-form-urlencoded"}})
out["invoke"] = call("POST", "/2015-03-31/functions/{deployed.function}/invocations", b"{{}}", {{"authorization": fake}})
out["reset"] = call("POST", "/moto-api/reset")
out["shutdown"] = call("POST", "/_apigw-wizard/shutdown")
out["data_plane"] = call("GET", "/_aws/execute-api/{deployed.api_id}/echo")
try:
    open({str(Path(os.environ["APIGW_WIZARD_CONFIG_DIR"]) / "local-cloud-credentials.json")!r}).read()
    out["key_file"] = "read"
except OSError as exc:
    out["key_file"] = type(exc).__name__
print(json.dumps(out))
"""
    proc = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-"],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        cwd="/",
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["create_role"][0] == 403 and "InvalidClientTokenId" in out["create_role"][1]
    assert out["invoke"][0] == 403
    assert out["reset"][0] == 404 and out["shutdown"][0] == 403
    assert out["data_plane"][0] == 200  # a public API is public, as on AWS
    assert out["key_file"] == "PermissionError"
    assert "pwn" not in [r["RoleName"] for r in cloud.client("iam").list_roles()["Roles"]]


def test_oversized_and_stalled_request_heads(cloud: Any) -> None:
    import socket
    import time

    deployed = deploy(cloud, ECHO)
    # HTTP APIs cap the request line plus header values at 10,240 bytes
    # (AWS docs, http-api-quotas); a function that works here must not
    # depend on more.
    big = deployed.get("/echo", headers={"x-big": "a" * 10300})
    assert big.status_code == 431 and big.json() == {"message": "Request Header Fields Too Large"}
    assert deployed.get("/echo", headers={"x-big": "a" * 9000}).status_code == 200
    # A head that never ends is dropped; others are served meanwhile.
    stalled = socket.create_connection(("127.0.0.1", cloud.port))
    stalled.sendall(b"GET /_aws/execute-api/x/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    assert deployed.get("/echo").status_code == 200
    stalled.settimeout(30)
    started = time.monotonic()
    assert stalled.recv(100) == b""  # closed by the cloud
    assert time.monotonic() - started < 25
    # Control characters a client sent never reach the log raw.
    deployed.get("/echo%0aFORGED%1b[31m")
    log = cloud.log_text("FORGED")
    assert "\nFORGED" not in log and "\x1b[31m" not in log and "\\x0aFORGED" in log


ROLE_PROBE = """
import boto3

def lambda_handler(event, context):
    out = {}
    lam = boto3.client("lambda")
    for name, call in [("delete", lambda: lam.delete_function(FunctionName=event["victim"])),
                       ("list", lambda: lam.list_functions()),
                       ("identity", lambda: boto3.client("sts").get_caller_identity())]:
        try:
            call()
            out[name] = "ok"
        except Exception as exc:
            out[name] = getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
    return out
"""


def test_handler_credentials_do_what_the_execution_role_allows(cloud: Any) -> None:
    """On AWS a handler calls AWS with its execution role's credentials; the
    console's basic role allows only its own logs, so DeleteFunction on
    another function is AccessDenied (AWS docs: lambda-intro-execution-role)."""
    victim, _ = create_function(cloud, "def lambda_handler(e, c):\n    return 1\n")
    name, _ = create_function(cloud, ROLE_PROBE, timeout=30)
    lam = cloud.client("lambda")

    def probe() -> dict[str, str]:
        reply = lam.invoke(FunctionName=name, Payload=json.dumps({"victim": victim}).encode())
        return json.loads(reply["Payload"].read())

    assert probe() == {"delete": "AccessDeniedException", "list": "AccessDeniedException", "identity": "ok"}
    cloud.client("iam").put_role_policy(
        RoleName=f"{name}-role",
        PolicyName="list",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:List*", "Resource": "*"}]}
        ),
    )
    assert probe() == {"delete": "AccessDeniedException", "list": "ok", "identity": "ok"}
    assert lam.get_function(FunctionName=victim)  # still there
    assert "a handler's role does not allow it" in cloud.log_text("a handler's role does not allow it")


def test_the_ipv6_loopback_port_is_the_clouds_too(tmp_path: Path) -> None:
    """`localhost` may resolve to ::1 first (browsers, curl): another user
    listening on [::1]:PORT would receive requests meant for the cloud."""
    import socket

    if not socket.has_ipv6:
        pytest.skip("no IPv6 here")
    running = LocalCloudProcess(tmp_path / "v6").start()
    try:
        deployed = deploy(running, ECHO)
        url = f"http://[::1]:{running.port}/_aws/execute-api/{deployed.api_id}/echo"
        assert httpx.get(url, timeout=10).status_code == 200
    finally:
        running.stop()
    squatter = socket.socket(socket.AF_INET6)
    squatter.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    port = free_port()
    squatter.bind(("::1", port))
    squatter.listen(1)
    try:
        proc = run_cli("local", "--port", str(port), "--state-dir", str(tmp_path / "v6b"), timeout=60)
        assert proc.returncode == 1 and "[::1]" in proc.stderr and "Traceback" not in proc.stderr
    finally:
        squatter.close()
