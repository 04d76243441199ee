"""Helpers for tests of the local cloud: start the real `apigw-wizard local`
process, and build functions and APIs on it with boto3, as a user would."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import time
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx

from tests.conftest import free_port, wizard_exe

# Planted in the local cloud's environment: no handler may ever see them.
HOST_SECRET = "host-secret-key-that-must-not-leak"
HOST_CANARY = "HOST_ONLY_CANARY"


class LocalCloudProcess:
    def __init__(
        self,
        state_dir: Path,
        port: int | None = None,
        extra_args: list[str] | None = None,
        env: dict[str, str] | None = None,
    ):
        self.state_dir = state_dir
        self.extra_args = extra_args or []
        self.extra_env = env or {}
        self.port = port or free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = state_dir / "local.log"

    def start(self) -> LocalCloudProcess:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "AWS_SECRET_ACCESS_KEY": HOST_SECRET,
            HOST_CANARY: "1",
            "AWS_ACCESS_KEY_ID": "AKIAHOSTKEY000000000",
            **self.extra_env,
        }
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    *wizard_exe(),
                    "local",
                    "--port",
                    str(self.port),
                    "--state-dir",
                    str(self.state_dir),
                    *self.extra_args,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.endpoint}/_apigw-wizard/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.05)
            if self.proc.poll() is not None:
                break
        raise RuntimeError(f"local cloud did not start: {self.log.read_text()[-2000:]}")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.proc is not None
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=30)

    def log_text(self, wanted: str, timeout: float = 10) -> str:
        """The cloud's log once it holds `wanted` (it is written a few times
        a second), or as it is when the time is up."""
        deadline = time.monotonic() + timeout
        while wanted not in self.log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.log.read_text()

    def client(self, service: str) -> Any:
        """A boto3 client signed with the cloud owner's key pair, as
        `eval "$(apigw-wizard local --env)"` would set it up."""
        from localcloud import owner

        creds = owner.load()
        assert creds is not None
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=creds.access_key_id,
            aws_secret_access_key=creds.secret_access_key,
        )


def owner_env(port: int) -> dict[str, str]:
    """What `eval "$(apigw-wizard local --env --port PORT)"` puts in a shell."""
    import shlex

    from tests.conftest import run_cli

    proc = run_cli("local", "--env", "--port", str(port))
    assert proc.returncode == 0, proc.stderr
    env = {}
    for line in proc.stdout.splitlines():
        if line.startswith("export "):
            name, _, value = line[len("export ") :].partition("=")
            env[name] = shlex.split(value)[0]
    return env


def owner_kw(port: int) -> dict[str, str]:
    """boto3 client arguments for the local cloud on `port`, as its owner."""
    from localcloud import owner

    creds = owner.load()
    assert creds is not None
    return {
        "endpoint_url": f"http://127.0.0.1:{port}",
        "region_name": "us-east-1",
        "aws_access_key_id": creds.access_key_id,
        "aws_secret_access_key": creds.secret_access_key,
    }


def client_for(cloud: LocalCloudProcess, config_dir: Path, service: str) -> Any:
    """A boto3 client signed with the key pair kept in another config folder
    (another user's, in tests of who may use a cloud)."""
    data = json.loads((config_dir / "local-cloud-credentials.json").read_text())
    return boto3.client(
        service,
        endpoint_url=cloud.endpoint,
        region_name="us-east-1",
        aws_access_key_id=data["access_key_id"],
        aws_secret_access_key=data["secret_access_key"],
    )


def zip_files(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def zip_folder(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


@dataclass
class Deployed:
    cloud: LocalCloudProcess
    function: str
    function_arn: str
    api_id: str
    integration_id: str
    stage: str

    @property
    def base(self) -> str:
        prefix = "" if self.stage == "$default" else f"/{self.stage}"
        return f"{self.cloud.endpoint}/_aws/execute-api/{self.api_id}{prefix}"

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.get(self.base + path, timeout=40, **kwargs)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.request(method, self.base + path, timeout=40, **kwargs)

    def logs(self) -> list[str]:
        """The function's log lines (polled: they land just after the response)."""
        logs = self.cloud.client("logs")
        for _ in range(50):
            try:
                events = logs.filter_log_events(logGroupName=f"/aws/lambda/{self.function}")["events"]
            except logs.exceptions.ResourceNotFoundException:
                events = []
            if events:
                time.sleep(0.05)
                return [
                    e["message"] for e in logs.filter_log_events(logGroupName=f"/aws/lambda/{self.function}")["events"]
                ]
            time.sleep(0.05)
        return []


def create_function(
    cloud: LocalCloudProcess,
    code: str | bytes | dict[str, str | bytes],
    *,
    handler: str = "lambda_function.lambda_handler",
    timeout: int = 3,
    memory: int = 128,
    env: dict[str, str] | None = None,
    runtime: str = "python3.14",
    name: str | None = None,
) -> tuple[str, str]:
    iam, lam = cloud.client("iam"), cloud.client("lambda")
    name = name or f"fn-{uuid.uuid4().hex[:8]}"
    trust = json.dumps(
        {
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ]
        }
    )
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    if isinstance(code, str):
        data = zip_files({"lambda_function.py": code})
    elif isinstance(code, dict):
        data = zip_files(code)
    else:
        data = code
    fn = lam.create_function(
        FunctionName=name,
        Runtime=runtime,
        Role=role,
        Handler=handler,
        Code={"ZipFile": data},
        Timeout=timeout,
        MemorySize=memory,
        Environment={"Variables": env or {}},
    )
    return name, fn["FunctionArn"]


def deploy(
    cloud: LocalCloudProcess,
    code: str | bytes | dict[str, str | bytes],
    *,
    routes: tuple[str, ...] = ("ANY /echo",),
    payload: str = "2.0",
    stage: str = "$default",
    auto_deploy: bool = True,
    permission: bool = True,
    integration_timeout_ms: int = 30000,
    stage_variables: dict[str, str] | None = None,
    stage_settings: dict[str, Any] | None = None,
    **fn_kwargs: Any,
) -> Deployed:
    name, arn = create_function(cloud, code, **fn_kwargs)
    api_client = cloud.client("apigatewayv2")
    api = api_client.create_api(Name=f"api-{name}", ProtocolType="HTTP")["ApiId"]
    integ = api_client.create_integration(
        ApiId=api,
        IntegrationType="AWS_PROXY",
        IntegrationUri=arn,
        PayloadFormatVersion=payload,
        TimeoutInMillis=integration_timeout_ms,
        IntegrationMethod="POST",
    )["IntegrationId"]
    for key in routes:
        api_client.create_route(ApiId=api, RouteKey=key, Target=f"integrations/{integ}")
    api_client.create_stage(
        ApiId=api,
        StageName=stage,
        AutoDeploy=auto_deploy,
        StageVariables=stage_variables or {},
        **(stage_settings or {}),  # e.g. DefaultRouteSettings, RouteSettings
    )
    if permission:
        cloud.client("lambda").add_permission(
            FunctionName=name,
            StatementId="apigw",
            Action="lambda:InvokeFunction",
            Principal="apigateway.amazonaws.com",
            SourceArn=f"arn:aws:execute-api:us-east-1:123456789012:{api}/*",
        )
    return Deployed(cloud, name, arn, api, integ, stage)


# A plain handler that fails on demand: ?crash, ?timeout, ?big (600 MB).
PLAIN = """
import os, time
def lambda_handler(event, context):
    q = event.get("rawQueryString", "")
    if q == "crash":
        os._exit(1)
    if q == "timeout":
        time.sleep(30)
    if q == "big":
        blob = b"x" * (600 << 20)
        del blob
    return {"statusCode": 200, "body": "VERSION"}
"""


ECHO = """
import json
def lambda_handler(event, context):
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(event)}
"""
