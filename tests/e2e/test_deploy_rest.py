"""`api.type: rest` through `apigw-wizard deploy`, `test` and `destroy` as a
user runs them, on a real local cloud: the console's REST flow (reference
aws-behaviour-2.md J1) answering as AWS answers (J3, J6)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest

from tests.cloudproc import owner_env
from tests.conftest import deploy_json, free_port, run_cli

MAT = {"message": "Missing Authentication Token"}


@pytest.fixture
def where(tmp_path: Path) -> Iterator[list[str]]:
    port = str(free_port())
    args = ["--config", str(tmp_path / "c.yaml"), "--port", port, "--state-dir", str(tmp_path / "state")]
    try:
        yield args
    finally:
        run_cli("destroy", "--yes", *args)
        run_cli("local", "--stop", "--port", port)


def client(port: str, service: str) -> Any:
    env = owner_env(int(port))
    return boto3.client(
        service,
        endpoint_url=env["AWS_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )


def write(where: list[str], text: str) -> None:
    Path(where[1]).write_text(text)


def test_deploy_serves_the_routes_and_a_dropped_route_is_gone_after_the_next_deploy(where: list[str]) -> None:
    write(where, "api:\n  type: rest\n  routes: ['ANY /my-function', 'GET /extra']\n")
    first = deploy_json(*where)
    assert first["routes"] == ["ANY /my-function", "GET /extra"]
    url = str(first["test_url"])
    assert url == f"http://127.0.0.1:{where[3]}/_aws/execute-api/{first['api_id']}/dev/my-function"
    reply = httpx.get(url, timeout=40)
    assert (reply.status_code, reply.json()) == (200, "Hello from Lambda!")
    extra = url.replace("/my-function", "/extra")
    assert httpx.get(extra, timeout=40).status_code == 200
    # J3 [R]: an unknown path, or a known one with another method, is 403 MAT, never 404.
    unknown = httpx.get(url.replace("/my-function", "/nope"), timeout=40)
    assert (unknown.status_code, unknown.json()) == (403, MAT)
    assert unknown.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
    assert httpx.post(extra, timeout=40).status_code == 403

    proc = run_cli("test", *where)
    assert proc.returncode == 0 and proc.stdout.startswith("200 "), proc.stdout + proc.stderr

    again = deploy_json(*where)  # nothing changed: nothing made, no new deployment
    assert again["created"] == [] and again["updated"] == [] and again["api_id"] == first["api_id"]

    write(where, "api:\n  type: rest\n")
    proc = run_cli("deploy", "--yes", *where)
    assert proc.returncode == 0 and "Deployed the API to the stage dev" in proc.stderr, proc.stderr
    # J1.7: a REST change serves only after a new deployment, which deploy made.
    gone = httpx.get(extra, timeout=40)
    assert (gone.status_code, gone.json()) == (403, MAT)
    assert httpx.get(url, timeout=40).status_code == 200


def test_an_api_key_guards_the_methods_and_test_sends_it(where: list[str]) -> None:
    write(where, "api:\n  type: rest\n  api_key: true\n")
    proc = run_cli("deploy", "--yes", "--json", *where)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    gw = client(where[3], "apigateway")
    value = gw.get_api_key(apiKey=out["api_key_id"], includeValue=True)["value"]
    assert value not in proc.stdout + proc.stderr  # a secret: the id is reported, never the value
    url = str(out["test_url"])
    # J6 [D]: no key, or one of no usage plan for this stage, is 403 Forbidden.
    for headers in ({}, {"x-api-key": "not-a-key-of-any-usage-plan"}):
        reply = httpx.get(url, headers=headers, timeout=40)
        assert (reply.status_code, reply.json()) == (403, {"message": "Forbidden"})
        assert reply.headers["x-amzn-errortype"] == "ForbiddenException"
    reply = httpx.get(url, headers={"x-api-key": value}, timeout=40)
    assert (reply.status_code, reply.json()) == (200, "Hello from Lambda!")
    proc = run_cli("test", "--json", *where)
    assert proc.returncode == 0 and json.loads(proc.stdout)["status"] == 200, proc.stdout + proc.stderr
    assert value not in proc.stdout + proc.stderr

    write(where, "api:\n  type: rest\n")  # the key off: the methods open, the key and plan deleted
    deploy_json(*where)
    assert httpx.get(url, timeout=40).status_code == 200
    assert gw.get_api_keys()["items"] == [] and gw.get_usage_plans()["items"] == []


def test_switching_type_leaves_only_the_current_types_api_and_destroy_leaves_nothing(where: list[str]) -> None:
    write(where, "api:\n  name: shop\n")
    http = deploy_json(*where)
    write(where, "api:\n  name: shop\n  type: rest\n")
    rest = deploy_json(*where)
    port = where[3]
    gw, gw2 = client(port, "apigateway"), client(port, "apigatewayv2")
    assert gw2.get_apis()["Items"] == [] and [a["id"] for a in gw.get_rest_apis()["items"]] == [rest["api_id"]]
    assert httpx.get(str(rest["test_url"]), timeout=40).status_code == 200
    policy = json.loads(client(port, "lambda").get_policy(FunctionName="my-function")["Policy"])
    assert [s["Condition"]["ArnLike"]["AWS:SourceArn"].split(":")[-1] for s in policy["Statement"]] == [
        f"{rest['api_id']}/*/*/my-function"
    ]
    write(where, "api:\n  name: shop\n")
    back = deploy_json(*where)
    assert gw.get_rest_apis()["items"] == [] and [a["ApiId"] for a in gw2.get_apis()["Items"]] == [back["api_id"]]
    assert back["api_id"] != http["api_id"]
    write(where, "api:\n  name: shop\n  type: rest\n  api_key: true\n")
    deploy_json(*where)
    proc = run_cli("destroy", "--yes", *where)
    assert proc.returncode == 0, proc.stderr
    assert gw.get_rest_apis()["items"] == [] and gw2.get_apis()["Items"] == []
    assert gw.get_api_keys()["items"] == [] and gw.get_usage_plans()["items"] == []
    assert client(port, "lambda").list_functions()["Functions"] == []
    assert client(port, "iam").list_roles()["Roles"] == []


def test_stock_moto_holds_what_aws_would_and_destroy_leaves_nothing(
    aws_env: dict[str, str], clients: dict[str, Any], tmp_path: Path
) -> None:
    """`--target aws` against stock moto: the calls are the AWS API's, and
    what they make is what reference J1 says AWS makes."""
    config = tmp_path / "c.yaml"
    config.write_text("api:\n  type: rest\n  api_key: true\n  routes: ['ANY /{proxy+}']\n")
    where = ("--target", "aws", "--config", str(config))
    out = deploy_json(*where, env=aws_env)
    api_id = str(out["api_id"])
    gw = boto3.client("apigateway", endpoint_url=aws_env["AWS_ENDPOINT_URL"], region_name="us-east-1")
    assert gw.get_rest_api(restApiId=api_id)["endpointConfiguration"]["types"] == ["REGIONAL"]
    resources = {r["path"]: r for r in gw.get_resources(restApiId=api_id)["items"]}
    assert set(resources) == {"/", "/{proxy+}"} and resources["/{proxy+}"]["pathPart"] == "{proxy+}"
    method = gw.get_method(restApiId=api_id, resourceId=resources["/{proxy+}"]["id"], httpMethod="ANY")
    assert method["authorizationType"] == "NONE" and method["apiKeyRequired"] is True
    integration = method["methodIntegration"]
    # J1.5: AWS_PROXY, POST, the function's ARN inside Lambda's invocations path.
    assert (integration["type"], integration["httpMethod"]) == ("AWS_PROXY", "POST")
    fn_arn = out["function_arn"]
    assert integration["uri"] == f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{fn_arn}/invocations"
    stage = gw.get_stage(restApiId=api_id, stageName="dev")
    assert [d["id"] for d in gw.get_deployments(restApiId=api_id)["items"]] == [stage["deploymentId"]]
    assert out["invoke_url"] == f"https://{api_id}.execute-api.us-east-1.amazonaws.com/dev"
    # J1.6: ANY /{proxy+} on any stage: {api}/*/*/*.
    policy = json.loads(clients["lambda"].get_policy(FunctionName="my-function")["Policy"])
    assert [s["Condition"]["ArnLike"]["AWS:SourceArn"] for s in policy["Statement"]] == [
        f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/*/*/*"
    ]
    [plan] = gw.get_usage_plans()["items"]
    assert plan["apiStages"] == [{"apiId": api_id, "stage": "dev"}]
    assert [k["id"] for k in gw.get_usage_plan_keys(usagePlanId=plan["id"])["items"]] == [out["api_key_id"]]

    proc = run_cli("destroy", "--yes", *where, env=aws_env)
    assert proc.returncode == 0, proc.stderr
    assert gw.get_rest_apis()["items"] == [] and gw.get_api_keys()["items"] == []
    assert gw.get_usage_plans()["items"] == [] and clients["lambda"].list_functions()["Functions"] == []
    assert clients["iam"].list_roles()["Roles"] == []


def test_binary_media_types_from_the_config_serve_bytes_and_a_change_is_deployed(where: list[str]) -> None:
    """api.binary_media_types: CreateRestApi's binaryMediaTypes, then UpdateRestApi and a new deployment
    (J1.7); AWS docs lambda-proxy-binary-media and api-gateway-payload-encodings (the first Accept type
    decides whether an isBase64Encoded body goes out as bytes)."""
    from tests.e2e.test_local_rest_binary import CODE, PNG

    code = Path(where[1]).parent / "png.py"
    code.write_text(CODE)
    base = f"function:\n  code: {code}\n  handler: png.lambda_handler\napi:\n  type: rest\n"
    write(where, base + "  binary_media_types: [image/png]\n")
    first = deploy_json(*where)
    url, gw = str(first["test_url"]), client(where[3], "apigateway")
    assert gw.get_rest_api(restApiId=first["api_id"])["binaryMediaTypes"] == ["image/png"]
    assert httpx.get(url, headers={"Accept": "image/png"}, timeout=40).content == PNG
    octets = {"Content-Type": "application/octet-stream"}
    assert httpx.post(url, content=b"hi", headers=octets, timeout=40).json()["isBase64Encoded"] is False

    write(where, base + "  binary_media_types: ['image/*', application/octet-stream]\n")
    proc = run_cli("deploy", "--yes", *where)
    assert proc.returncode == 0 and "Deployed the API to the stage dev" in proc.stderr, proc.stderr
    assert gw.get_rest_api(restApiId=first["api_id"])["binaryMediaTypes"] == ["image/*", "application/octet-stream"]
    assert httpx.post(url, content=b"hi", headers=octets, timeout=40).json() == {
        "isBase64Encoded": True,
        "body": "aGk=",
    }
    assert deploy_json(*where)["updated"] == []  # nothing changed: no update, no deployment

    write(where, base)  # none again: the base64 text goes out as it is (J5)
    deploy_json(*where)
    assert not gw.get_rest_api(restApiId=first["api_id"]).get("binaryMediaTypes")
    assert httpx.get(url, headers={"Accept": "image/png"}, timeout=40).content == base64.b64encode(PNG)
