"""function.url and function.ephemeral_storage_mb from the config, through
`deploy`, onto a real local cloud: a NONE URL answers the console's code at
the local path form with the two resource-policy statements a public URL
needs (urls-auth, reference I2); switching to AWS_IAM removes them and an
unsigned call is then 403; dropping the key deletes the URL; the /tmp size
reaches the function's configuration. The same config deploys to stock
moto with the resources AWS would have."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import httpx

from tests.cloudproc import owner_kw
from tests.conftest import deploy_json, free_port, run_cli


def test_a_function_url_is_made_switched_and_removed(tmp_path: Path) -> None:
    port = str(free_port())
    config = tmp_path / "c.yaml"
    where = ["--config", str(config), "--port", port, "--state-dir", str(tmp_path / "state")]
    try:
        config.write_text("function:\n  url: {auth: NONE}\n  ephemeral_storage_mb: 1024\n")
        out = deploy_json(*where)
        assert str(out["function_url"]).startswith("https://") and ".lambda-url.us-east-1.on.aws/" in str(
            out["function_url"]
        )
        local = str(out["function_url_local"])
        assert local.startswith(f"http://127.0.0.1:{port}/_aws/lambda-url/")
        reply = httpx.get(local, timeout=40)
        # The console's code returns {"statusCode": 200, "body": "\"Hello from Lambda!\""} (reference A1).
        assert reply.status_code == 200 and reply.text == '"Hello from Lambda!"'
        lam = boto3.client("lambda", **owner_kw(int(port)))
        sids = {s["Sid"] for s in json.loads(lam.get_policy(FunctionName="my-function")["Policy"])["Statement"]}
        assert {"FunctionURLAllowPublicAccess", "FunctionURLAllowInvokeAction"} <= sids
        assert lam.get_function_configuration(FunctionName="my-function")["EphemeralStorage"] == {"Size": 1024}
        again = deploy_json(*where)
        assert "function_url:my-function" in again["reused"]  # nothing changed, nothing made twice

        config.write_text("function:\n  url: {auth: AWS_IAM}\n")
        proc = run_cli("deploy", "--yes", *where)
        assert proc.returncode == 0 and "Updated the function URL of my-function (auth AWS_IAM)" in proc.stderr
        assert httpx.get(local, timeout=40).status_code == 403  # unsigned (reference I5)
        policy = json.loads(lam.get_policy(FunctionName="my-function")["Policy"])["Statement"]
        assert not any(s["Sid"].startswith("FunctionURL") for s in policy)
        assert lam.get_function_configuration(FunctionName="my-function")["EphemeralStorage"] == {"Size": 512}

        config.write_text("function: {}\n")
        proc = run_cli("deploy", "--yes", *where)
        assert proc.returncode == 0 and "Deleted the URL of my-function" in proc.stderr
        assert lam.list_function_url_configs(FunctionName="my-function")["FunctionUrlConfigs"] == []
    finally:
        run_cli("destroy", "--yes", *where)
        run_cli("local", "--stop", "--port", port)


def test_a_function_url_deploys_to_stock_moto_and_destroys_clean(
    aws_env: dict[str, str], clients: dict[str, Any], tmp_path: Path
) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("function:\n  url: {auth: NONE, cors: {allow_origins: ['https://app.example.com']}}\n")
    where = ("--target", "aws", "--config", str(config))
    out = deploy_json(*where, env=aws_env)
    lam = clients["lambda"]
    found = lam.get_function_url_config(FunctionName="my-function")
    assert found["AuthType"] == "NONE" and found["Cors"]["AllowOrigins"] == ["https://app.example.com"]
    assert out["function_url"] == found["FunctionUrl"]
    proc = run_cli("destroy", "--yes", *where, env=aws_env)
    assert proc.returncode == 0, proc.stderr
    assert lam.list_functions()["Functions"] == []


def test_bad_url_settings_name_the_key(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("function:\n  url: {auth: PUBLIC}\n  ephemeral_storage_mb: 100\n")
    proc = run_cli("deploy", "--yes", "--config", str(config), "--state-dir", str(tmp_path / "s"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "function.url.auth: 'PUBLIC' is not a function URL auth type; allowed: NONE (public), AWS_IAM" in proc.stderr
    assert "function.ephemeral_storage_mb: 100 is out of range; allowed: 512 to 10240 MB" in proc.stderr
