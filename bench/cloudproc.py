"""A local cloud for a bench: `apigw-wizard local` in its own process on a
free port with a throwaway state folder, boto3 clients signed as its owner,
and functions made the way the console makes them (a role, a zip)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import boto3
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.local_cloud import free_port, owner_keys, wizard  # noqa: E402

ACCOUNT = "123456789012"


class BenchCloud:
    def __init__(self) -> None:
        self.port = free_port()
        self.state = Path(tempfile.mkdtemp(prefix="apigw-bench-"))
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> BenchCloud:
        log = open(self.state / "cloud.log", "ab")  # noqa: SIM115 - the process holds it
        self.proc = subprocess.Popen(
            [*wizard(), "local", "--port", str(self.port), "--state-dir", str(self.state / "s")],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.endpoint}/_apigw-wizard/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise SystemExit(f"the local cloud did not start: {(self.state / 'cloud.log').read_text()[-2000:]}")

    def __exit__(self, *_exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        shutil.rmtree(self.state, ignore_errors=True)

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.endpoint, region_name="us-east-1", **owner_keys())

    def function(self, name: str, code: str) -> str:
        """A python function with `code` as lambda_function.py: its ARN."""
        trust = {
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ]
        }
        role = self.client("iam").create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=json.dumps(trust))
        data = io.BytesIO()
        with zipfile.ZipFile(data, "w") as archive:
            archive.writestr("lambda_function.py", code)
        lam = self.client("lambda")
        arn = lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role["Role"]["Arn"],
            Handler="lambda_function.lambda_handler",
            Code={"ZipFile": data.getvalue()},
        )["FunctionArn"]
        lam.get_waiter("function_active_v2").wait(FunctionName=name)
        return str(arn)

    def allow(self, name: str, sid: str, source_arn: str) -> None:
        self.client("lambda").add_permission(
            FunctionName=name,
            StatementId=sid,
            Action="lambda:InvokeFunction",
            Principal="apigateway.amazonaws.com",
            SourceArn=source_arn,
        )


def rss_kb(pid: int) -> int:
    """Resident memory of a process (Linux /proc), 0 where unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def lambda_uri(arn: str) -> str:
    return f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"
