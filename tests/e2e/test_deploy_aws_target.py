"""`--target aws` against a stock moto server (AWS_ENDPOINT_URL), through
the installed command, checked with boto3 and the AWS CLI."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REGION, SAMPLE, deploy_json, free_port, run_cli
from tui import config as config_mod
from tui.stack.engine import Deployer, Event
from tui.stack.scope import open_ledger
from tui.stack.destroy import destroy
from tui.services import functions
from tui.services.errors import WizardError
from tui.services.packaging import HELLO_CODE, build
from tui.services.session import Cloud, Target

AWS = ("--target", "aws", "--config", str(SAMPLE))


def everything(c: dict[str, Any]) -> dict[str, list[Any]]:
    """What exists in the account, by kind."""
    apis = c["apigatewayv2"].get_apis()["Items"]
    return {
        "roles": c["iam"].list_roles()["Roles"],
        "policies": c["iam"].list_policies(Scope="Local")["Policies"],
        "functions": c["lambda"].list_functions()["Functions"],
        "apis": apis,
    }


def aws_cli(env: dict[str, str], *args: str) -> Any:
    proc = subprocess.run(
        [sys.executable, "-m", "awscli", *args, "--output", "json"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_deploy_creates_exactly_the_console_resources(aws_env: dict[str, str], clients: dict[str, Any]) -> None:
    out = deploy_json(*AWS, env=aws_env)
    for key in ("function_arn", "role_arn", "api_id", "api_endpoint", "stage", "routes", "invoke_url", "test_url"):
        assert out[key], key
    assert out["invoke_url"] == f"{out['api_endpoint']}/"
    assert out["test_url"] == f"{out['api_endpoint']}/my-function"
    found = everything(clients)
    assert len(found["roles"]) == 1 and len(found["policies"]) == 1
    assert len(found["functions"]) == 1 and len(found["apis"]) == 1

    role = found["roles"][0]
    assert role["Path"] == "/service-role/" and role["RoleName"].startswith("my-function-role-")
    assert len(role["RoleName"]) == len("my-function-role-") + 8
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    policy = found["policies"][0]
    assert policy["PolicyName"].startswith("AWSLambdaBasicExecutionRole-") and policy["Path"] == "/service-role/"
    doc = clients["iam"].get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
    statements = doc["PolicyVersion"]["Document"]["Statement"]
    assert statements[1]["Resource"] == [f"arn:aws:logs:{REGION}:123456789012:log-group:/aws/lambda/my-function:*"]
    attached = clients["iam"].list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [policy["Arn"]]

    fn = clients["lambda"].get_function(FunctionName="my-function")["Configuration"]
    assert (fn["Runtime"], fn["Handler"], fn["MemorySize"], fn["Timeout"]) == (
        "python3.14",
        "lambda_function.lambda_handler",
        128,
        3,
    )
    assert fn["Architectures"] == ["x86_64"] and fn["Role"] == role["Arn"]
    # The uploaded zip is the console's default code, byte for byte.
    package = build("hello")
    assert fn["CodeSha256"] == package.sha256
    with zipfile.ZipFile(io.BytesIO(package.zip_bytes)) as archive:
        assert archive.namelist() == ["lambda_function.py"]
        assert archive.read("lambda_function.py").decode() == HELLO_CODE

    api_id = out["api_id"]
    integrations = clients["apigatewayv2"].get_integrations(ApiId=api_id)["Items"]
    assert len(integrations) == 1
    integ = integrations[0]
    assert (integ["IntegrationType"], integ["PayloadFormatVersion"], integ["TimeoutInMillis"]) == (
        "AWS_PROXY",
        "2.0",
        30000,
    )
    assert integ["IntegrationUri"] == fn["FunctionArn"] and integ["IntegrationMethod"] == "POST"
    routes = clients["apigatewayv2"].get_routes(ApiId=api_id)["Items"]
    assert [(r["RouteKey"], r["Target"]) for r in routes] == [
        ("ANY /my-function", f"integrations/{integ['IntegrationId']}")
    ]
    stages = clients["apigatewayv2"].get_stages(ApiId=api_id)["Items"]
    assert [(s["StageName"], s["AutoDeploy"]) for s in stages] == [("$default", True)]

    policy_doc = json.loads(clients["lambda"].get_policy(FunctionName="my-function")["Policy"])
    [statement] = policy_doc["Statement"]
    assert statement["Principal"] == {"Service": "apigateway.amazonaws.com"}
    assert statement["Action"] == "lambda:InvokeFunction"
    source = statement["Condition"]["ArnLike"]["AWS:SourceArn"]
    assert source == f"arn:aws:execute-api:{REGION}:123456789012:{api_id}/*/*/my-function"
    assert len(statement["Sid"]) == 32

    # The AWS CLI, as a user would run it, sees the same.
    assert [f["FunctionName"] for f in aws_cli(aws_env, "lambda", "list-functions")["Functions"]] == ["my-function"]
    assert [r["RouteKey"] for r in aws_cli(aws_env, "apigatewayv2", "get-routes", "--api-id", api_id)["Items"]] == [
        "ANY /my-function"
    ]


def test_second_deploy_creates_nothing_and_destroy_leaves_nothing(
    aws_env: dict[str, str], clients: dict[str, Any]
) -> None:
    first = deploy_json(*AWS, env=aws_env)
    before = everything(clients)
    second = deploy_json(*AWS, env=aws_env)
    assert second["created"] == [] and second["updated"] == []
    assert second["api_id"] == first["api_id"] and second["function_arn"] == first["function_arn"]
    after = everything(clients)
    assert {k: len(v) for k, v in after.items()} == {k: len(v) for k, v in before.items()}

    proc = run_cli("destroy", *AWS, "--yes", env=aws_env)
    assert proc.returncode == 0, proc.stderr
    assert "Deleted 8 resources" in proc.stdout
    assert everything(clients) == {"roles": [], "policies": [], "functions": [], "apis": []}
    again = run_cli("destroy", *AWS, "--yes", env=aws_env)
    assert again.returncode == 0 and "Nothing to delete" in again.stdout


def test_changed_code_and_settings_are_updated_in_place(
    aws_env: dict[str, str], clients: dict[str, Any], tmp_path: Path
) -> None:
    deploy_json(*AWS, env=aws_env)
    (tmp_path / "lambda_function.py").write_text("def lambda_handler(event, context):\n    return 'v2'\n")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"function:\n  code: {tmp_path / 'lambda_function.py'}\n  memory_mb: 256\n")
    out = deploy_json("--target", "aws", "--config", str(cfg), env=aws_env)
    assert out["created"] == [] and out["updated"] == ["lambda_function:my-function"]
    fn = clients["lambda"].get_function_configuration(FunctionName="my-function")
    assert fn["MemorySize"] == 256
    assert fn["CodeSha256"] == build(str(tmp_path / "lambda_function.py")).sha256


def test_routes_converge_and_permissions_follow(
    aws_env: dict[str, str], clients: dict[str, Any], tmp_path: Path
) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text('api:\n  routes: ["ANY /my-function", "GET /pets/{id}"]\n')
    out = deploy_json("--target", "aws", "--config", str(cfg), env=aws_env)
    keys = sorted(r["RouteKey"] for r in clients["apigatewayv2"].get_routes(ApiId=out["api_id"])["Items"])
    assert keys == ["ANY /my-function", "GET /pets/{id}"]
    sources = sorted(
        s["Condition"]["ArnLike"]["AWS:SourceArn"]
        for s in json.loads(clients["lambda"].get_policy(FunctionName="my-function")["Policy"])["Statement"]
    )
    assert sources[0].endswith(f"{out['api_id']}/*/*/my-function")
    assert sources[1].endswith(f"{out['api_id']}/*/GET/pets/*")
    cfg.write_text('api:\n  routes: ["ANY /my-function"]\n')
    deploy_json("--target", "aws", "--config", str(cfg), env=aws_env)
    routes = clients["apigatewayv2"].get_routes(ApiId=out["api_id"])["Items"]
    assert [r["RouteKey"] for r in routes] == ["ANY /my-function"]
    assert len(json.loads(clients["lambda"].get_policy(FunctionName="my-function")["Policy"])["Statement"]) == 1


def test_existing_function_not_ours_is_refused(aws_env: dict[str, str], clients: dict[str, Any]) -> None:
    role = clients["iam"].create_role(RoleName="someone", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    clients["lambda"].create_function(
        FunctionName="my-function",
        Runtime="python3.12",
        Role=role,
        Handler="x.y",
        Code={"ZipFile": build("hello").zip_bytes},
    )
    proc = run_cli("deploy", *AWS, "--yes", env=aws_env)
    assert proc.returncode == 1
    assert "ResourceConflictException" in proc.stderr and "not created by apigw-wizard" in proc.stderr
    assert "Traceback" not in proc.stderr
    # What it made before stopping is in the ledger: destroy removes it all, and
    # leaves the other person's function alone.
    assert run_cli("destroy", *AWS, "--yes", env=aws_env).returncode == 0
    assert [r["RoleName"] for r in clients["iam"].list_roles()["Roles"]] == ["someone"]
    assert [f["FunctionName"] for f in clients["lambda"].list_functions()["Functions"]] == ["my-function"]


def test_existing_role_is_used_as_is(aws_env: dict[str, str], clients: dict[str, Any], tmp_path: Path) -> None:
    trust = json.dumps(
        {
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ]
        }
    )
    arn = clients["iam"].create_role(RoleName="mine", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    cfg = tmp_path / "c.yaml"
    cfg.write_text("function:\n  role: mine\n")
    out = deploy_json("--target", "aws", "--config", str(cfg), env=aws_env)
    assert out["role_arn"] == arn
    assert not any(c.startswith("iam_") for c in out["created"])
    assert run_cli("destroy", "--target", "aws", "--config", str(cfg), "--yes", env=aws_env).returncode == 0
    assert [r["RoleName"] for r in clients["iam"].list_roles()["Roles"]] == ["mine"]


def _cloud(aws_env: dict[str, str]) -> Cloud:
    return Cloud(Target("aws", REGION, endpoint_url=aws_env["AWS_ENDPOINT_URL"]))


def _inject_role_propagation(cloud: Cloud, times: int) -> list[int]:
    """Make CreateFunction answer AWS's IAM-propagation error `times` times."""
    calls: list[int] = []

    def hook(**_kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) <= times:
            from botocore.awsrequest import AWSResponse

            body = json.dumps(
                {"Type": "User", "message": "The role defined for the function cannot be assumed by Lambda."}
            )
            response = AWSResponse("", 400, {"x-amzn-errortype": "InvalidParameterValueException"}, None)
            return response, {
                "Error": {"Code": "InvalidParameterValueException", "Message": json.loads(body)["message"]},
                "ResponseMetadata": {"HTTPStatusCode": 400},
            }
        return None

    cloud.client("lambda").meta.events.register("before-call.lambda.CreateFunction", hook)
    return calls


def test_iam_propagation_error_is_retried(
    aws_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(functions, "RETRY_DELAYS", (0.01,))
    cloud = _cloud(aws_env)
    calls = _inject_role_propagation(cloud, times=2)
    events: list[Event] = []
    cfg = config_mod.Config()
    result = Deployer(cloud, cfg, open_ledger(cloud, cfg, tmp_path), events.append).run()
    assert len(calls) == 3
    retries = [e.message for e in events if e.step == "function" and "retrying" in e.message]
    assert len(retries) == 2 and "attempt 1" in retries[0]
    assert result.function_arn.endswith(":function:my-function")


def test_iam_propagation_gives_up_at_the_deadline_and_keeps_the_ledger(
    aws_env: dict[str, str], clients: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(functions, "RETRY_DELAYS", (0.05,))
    monkeypatch.setattr(functions, "RETRY_DEADLINE_S", 0.2)
    cloud = _cloud(aws_env)
    _inject_role_propagation(cloud, times=1000)
    cfg = config_mod.Config()
    ledger = open_ledger(cloud, cfg, tmp_path)
    with pytest.raises(WizardError) as info:
        Deployer(cloud, cfg, ledger).run()
    assert info.value.code == "InvalidParameterValueException" and "trust policy" in info.value.hint
    assert sorted(r.type for r in ledger.resources) == ["AWS::IAM::ManagedPolicy", "AWS::IAM::Role"]
    destroy(cloud, ledger)
    assert clients["iam"].list_roles()["Roles"] == [] and clients["iam"].list_policies(Scope="Local")["Policies"] == []


def test_unreachable_endpoint_is_exit_1_with_a_next_step(aws_env: dict[str, str]) -> None:
    env = {**aws_env, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}", "AWS_MAX_ATTEMPTS": "1"}
    proc = run_cli("deploy", *AWS, "--yes", env=env)
    assert proc.returncode == 1
    assert "EndpointConnectionError" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_aws_target_refuses_to_create_without_confirmation(aws_env: dict[str, str], clients: dict[str, Any]) -> None:
    proc = run_cli("deploy", *AWS, env=aws_env)
    assert proc.returncode == 2 and "--yes" in proc.stderr
    assert clients["lambda"].list_functions()["Functions"] == []
