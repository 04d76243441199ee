"""Reference D gaps filled, checked through boto3; persistence across a
SIGKILL; and the CLI flow a user runs: deploy, then curl the test_url."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

import botocore.exceptions
import httpx
import pytest

from tests.conftest import SAMPLE, run_cli
from tests.cloudproc import ECHO, LocalCloudProcess, create_function, deploy


def test_quick_create_expands_like_aws(cloud: Any) -> None:
    name, arn = create_function(cloud, "def lambda_handler(e, c):\n    return e['rawPath']\n")
    api = cloud.client("apigatewayv2")
    created = api.create_api(Name="quick", ProtocolType="HTTP", Target=arn)
    api_id = created["ApiId"]
    assert created["ApiEndpoint"] == f"http://{api_id}.execute-api.localhost:{cloud.port}"
    [integration] = api.get_integrations(ApiId=api_id)["Items"]
    assert (integration["IntegrationType"], integration["PayloadFormatVersion"], integration["IntegrationUri"]) == (
        "AWS_PROXY",
        "2.0",
        arn,
    )
    assert [r["RouteKey"] for r in api.get_routes(ApiId=api_id)["Items"]] == ["$default"]
    [stage] = api.get_stages(ApiId=api_id)["Items"]
    assert stage["StageName"] == "$default" and stage["AutoDeploy"] is True
    # Quick create adds no invoke permission (as on AWS): 500 until one is added.
    url = f"{cloud.endpoint}/_aws/execute-api/{api_id}/any/path"
    assert httpx.get(url).status_code == 500
    cloud.client("lambda").add_permission(
        FunctionName=name,
        StatementId="s",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/*/$default",
    )
    response = httpx.get(url)
    assert response.status_code == 200 and response.text == "/any/path"  # $default catches every path


def test_quick_create_with_route_key_and_managed_route(cloud: Any) -> None:
    _, arn = create_function(cloud, "def lambda_handler(e, c):\n    return 1\n")
    api = cloud.client("apigatewayv2")
    api_id = api.create_api(Name="q2", ProtocolType="HTTP", Target=arn, RouteKey="GET /hello")["ApiId"]
    [route] = api.get_routes(ApiId=api_id)["Items"]
    assert route["RouteKey"] == "GET /hello"
    with pytest.raises(api.exceptions.BadRequestException):
        api.update_route(ApiId=api_id, RouteId=route["RouteId"], RouteKey="GET /other")


def _error_code(exc: botocore.exceptions.ClientError) -> str:
    return exc.response["Error"]["Code"]


def test_route_validation(cloud: Any) -> None:
    deployed = deploy(cloud, ECHO, routes=("GET /pets/{id}",))
    api = cloud.client("apigatewayv2")
    target = f"integrations/{deployed.integration_id}"
    for bad in ("FOO /x", "GET x", "GET /a/{p+}/b", "GET /a//b"):
        with pytest.raises(botocore.exceptions.ClientError) as info:
            api.create_route(ApiId=deployed.api_id, RouteKey=bad, Target=target)
        assert _error_code(info.value) == "BadRequestException", bad
    for duplicate in ("GET /pets/{id}", "GET /pets/{petId}"):
        with pytest.raises(botocore.exceptions.ClientError) as info:
            api.create_route(ApiId=deployed.api_id, RouteKey=duplicate, Target=target)
        assert _error_code(info.value) == "ConflictException"
    api.create_route(ApiId=deployed.api_id, RouteKey="POST /pets/{id}", Target=target)  # other method: fine


def test_integration_payload_format_validation(cloud: Any) -> None:
    _, arn = create_function(cloud, "def lambda_handler(e, c):\n    return 1\n")
    api = cloud.client("apigatewayv2")
    api_id = api.create_api(Name="fmt", ProtocolType="HTTP")["ApiId"]
    for kwargs in ({}, {"PayloadFormatVersion": "3.0"}):
        with pytest.raises(botocore.exceptions.ClientError) as info:
            api.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=arn, **kwargs)
        assert _error_code(info.value) == "BadRequestException"


def test_stage_validation(cloud: Any) -> None:
    api = cloud.client("apigatewayv2")
    api_id = api.create_api(Name="stages", ProtocolType="HTTP")["ApiId"]
    api.create_stage(ApiId=api_id, StageName="dev")
    with pytest.raises(botocore.exceptions.ClientError) as info:
        api.create_stage(ApiId=api_id, StageName="dev")
    assert _error_code(info.value) == "ConflictException"
    with pytest.raises(botocore.exceptions.ClientError) as info:
        api.create_stage(ApiId=api_id, StageName="a b")
    assert _error_code(info.value) == "BadRequestException"


def test_stage_without_auto_deploy_is_served_only_after_a_deployment(cloud: Any) -> None:
    deployed = deploy(
        cloud, "def lambda_handler(e, c):\n    return 'v1'\n", routes=("GET /x",), stage="prod", auto_deploy=False
    )
    api = cloud.client("apigatewayv2")
    assert deployed.get("/x").status_code == 404
    deployment = api.create_deployment(ApiId=deployed.api_id, StageName="prod")
    assert deployment["DeploymentStatus"] == "DEPLOYED"
    assert deployed.get("/x").text == "v1"
    # A new route is not live until the next deployment...
    api.create_route(ApiId=deployed.api_id, RouteKey="GET /y", Target=f"integrations/{deployed.integration_id}")
    assert deployed.get("/y").status_code == 404
    api.create_deployment(ApiId=deployed.api_id, StageName="prod")
    assert deployed.get("/y").status_code == 200
    # ...and UpdateStage (which moto lacks) can turn auto-deploy on.
    assert api.update_stage(ApiId=deployed.api_id, StageName="prod", AutoDeploy=True)["AutoDeploy"] is True
    assert len(api.get_deployments(ApiId=deployed.api_id)["Items"]) == 2


def test_state_survives_sigkill_and_the_same_invoke_url_answers(tmp_path: Path) -> None:
    first = LocalCloudProcess(tmp_path / "state").start()
    try:
        deployed = deploy(first, "def lambda_handler(e, c):\n    return 'still here'\n", routes=("GET /x",))
        assert deployed.get("/x").text == "still here"
    finally:
        first.stop(signal.SIGKILL)
    second = LocalCloudProcess(tmp_path / "state", port=first.port).start()
    try:
        deployed.cloud = second
        response = deployed.get("/x")
        assert response.status_code == 200 and response.text == "still here"
        assert [f["FunctionName"] for f in second.client("lambda").list_functions()["Functions"]] == [deployed.function]
    finally:
        second.stop()


def test_deploy_then_curl_the_test_url(tmp_path: Path) -> None:
    """The README's flow: deploy --json on a fresh state dir, then curl."""
    from tests.conftest import free_port

    port = str(free_port())
    args = ["--config", str(SAMPLE), "--port", port, "--state-dir", str(tmp_path / "s")]
    try:
        proc = run_cli("deploy", *args, "--json")
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        curl = shutil.which("curl")
        if curl:
            result = subprocess.run([curl, "-s", "-i", out["test_url"]], capture_output=True, timeout=30)
            head, _, body = result.stdout.partition(b"\r\n\r\n")
            assert body == b'"Hello from Lambda!"'
            assert b"content-type: text/plain; charset=utf-8" in head.lower()
        response = httpx.get(out["test_url"])
        assert response.text == '"Hello from Lambda!"'
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        # The api_endpoint form works too (curl resolves *.localhost itself).
        assert out["api_endpoint"] == f"http://{out['api_id']}.execute-api.localhost:{port}"
        tested = run_cli("test", *args, "--json")
        assert tested.returncode == 0 and json.loads(tested.stdout)["body"] == '"Hello from Lambda!"'
        missing = run_cli("test", *args, "--path", "/nope")
        assert missing.returncode == 1 and "404" in missing.stdout
    finally:
        run_cli("destroy", *args, "--yes")
        run_cli("local", "--stop", "--port", port)


def test_duplicate_statement_id_is_a_conflict(cloud: Any) -> None:
    name, _ = create_function(cloud, "def lambda_handler(e, c):\n    return 1\n")
    lam = cloud.client("lambda")
    kwargs = {
        "FunctionName": name,
        "StatementId": "same",
        "Action": "lambda:InvokeFunction",
        "Principal": "apigateway.amazonaws.com",
    }
    lam.add_permission(**kwargs)
    with pytest.raises(lam.exceptions.ResourceConflictException):
        lam.add_permission(**kwargs)
    assert len(json.loads(lam.get_policy(FunctionName=name)["Policy"])["Statement"]) == 1


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_local_cloud_stops_cleanly_on_sigterm_and_ctrl_c(tmp_path: Path, sig: int) -> None:
    running = LocalCloudProcess(tmp_path / "state").start()
    deployed = deploy(running, "def lambda_handler(e, c):\n    print('logged')\n    return 1\n", routes=("GET /x",))
    assert deployed.get("/x").status_code == 200
    assert running.stop(sig) == 0
    assert "Local cloud stopped." in running.log.read_text()
    # The final save ran: the logs written just before the stop are on disk.
    assert b"logged" in (tmp_path / "state" / "local-cloud" / "logs.jsonl").read_bytes()
