"""Export of a REST API config (api.type rest), in-process: the templates
read back and checked for the console's REST flow (reference J1), and the
script against the AWS CLI view. cfn-lint, shellcheck and a real run of
the script are in tests/e2e/test_export_rest.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tui.config import load
from tui.stack.cli_equivalent import commands
from tui.stack.kinds.rest_resource import variables
from tui.stack.render import cloudformation, render, sam
from tui.stack.render.template import describe

ROUTES = "['ANY /my-function', 'GET /items/{id}', 'ANY /{proxy+}', 'GET /']"


def rest_config(tmp_path: Path, api_key: bool = False, routes: str = ROUTES) -> Path:
    path = tmp_path / "rest.yaml"
    path.write_text(
        f"api:\n  type: rest\n  routes: {routes}\n  stage_variables: {{table: orders}}\n"
        + ("  api_key: true\n" if api_key else "")
    )
    return path


def by_type(template: dict[str, Any], type_: str) -> dict[str, Any]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == type_}


def test_cloudformation_has_the_resources_methods_deployment_and_stage(tmp_path: Path) -> None:
    config = load(rest_config(tmp_path))
    doc = cloudformation.template(config)
    assert "behind the REST API my-rest-api" in doc["Description"] and "payload" not in doc["Description"]
    assert not [t for t in (r["Type"] for r in doc["Resources"].values()) if "ApiGatewayV2" in t]
    api = by_type(doc, "AWS::ApiGateway::RestApi")["MyRestApi"]["Properties"]
    assert api["EndpointConfiguration"] == {"Types": ["REGIONAL"]}  # J1.1
    resources = by_type(doc, "AWS::ApiGateway::Resource")
    assert sorted(r["Properties"]["PathPart"] for r in resources.values()) == [
        "items",
        "my-function",
        "{id}",
        "{proxy+}",
    ]
    assert resources["ResourceItemsId"]["Properties"]["ParentId"] == {"Ref": "ResourceItems"}
    methods = by_type(doc, "AWS::ApiGateway::Method")
    root = next(
        m for m in methods.values() if m["Properties"]["ResourceId"] == {"Fn::GetAtt": ["MyRestApi", "RootResourceId"]}
    )
    assert root["Properties"]["HttpMethod"] == "GET"
    for method in methods.values():
        integration = method["Properties"]["Integration"]
        assert (integration["Type"], integration["IntegrationHttpMethod"]) == ("AWS_PROXY", "POST")  # J1.5
        assert "lambda:path/2015-03-31/functions/${MyFunction.Arn}/invocations" in integration["Uri"]["Fn::Sub"]
        assert "ApiKeyRequired" not in method["Properties"]
    deployment = doc["Resources"]["MyRestDeployment"]
    assert sorted(deployment["DependsOn"]) == sorted(methods)  # J1.7: it serves what exists before it
    stage = doc["Resources"]["MyRestStage"]["Properties"]
    assert stage["StageName"] == "dev" and stage["Variables"] == {"table": "orders"}
    arns = sorted(
        p["Properties"]["SourceArn"]["Fn::Sub"].split("}/", 1)[1]
        for p in by_type(doc, "AWS::Lambda::Permission").values()
    )
    assert arns == ["*/*/*", "*/*/my-function", "*/GET/", "*/GET/items/*"]  # J1.6
    assert doc["Outputs"]["InvokeUrl"]["Value"]["Fn::Sub"].endswith(".${AWS::URLSuffix}/dev")
    assert not by_type(doc, "AWS::ApiGateway::ApiKey")


def test_an_api_key_adds_the_key_the_plan_on_the_stage_and_the_plan_key(tmp_path: Path) -> None:
    doc = cloudformation.template(load(rest_config(tmp_path, api_key=True)))
    assert all(m["Properties"]["ApiKeyRequired"] for m in by_type(doc, "AWS::ApiGateway::Method").values())
    plan = doc["Resources"]["MyUsagePlan"]["Properties"]
    assert plan["ApiStages"] == [{"ApiId": {"Ref": "MyRestApi"}, "Stage": {"Ref": "MyRestStage"}}]
    key = doc["Resources"]["MyUsagePlanKey"]["Properties"]
    assert key == {"KeyId": {"Ref": "MyApiKey"}, "KeyType": "API_KEY", "UsagePlanId": {"Ref": "MyUsagePlan"}}
    assert doc["Resources"]["MyApiKey"]["Properties"]["Enabled"] is True
    assert doc["Outputs"]["ApiKeyId"]["Value"] == {"Ref": "MyApiKey"}


def test_sam_puts_api_events_on_an_explicit_serverless_api(tmp_path: Path) -> None:
    doc = sam.template(load(rest_config(tmp_path, api_key=True)))
    assert sorted({r["Type"] for r in doc["Resources"].values()}) == [
        "AWS::Logs::LogGroup",
        "AWS::Serverless::Api",
        "AWS::Serverless::Function",
    ]
    api = doc["Resources"]["MyRestApi"]["Properties"]
    assert api["StageName"] == "dev" and api["Variables"] == {"table": "orders"}
    assert api["Auth"] == {"ApiKeyRequired": True, "UsagePlan": {"CreateUsagePlan": "PER_API"}}
    events = doc["Resources"]["MyFunction"]["Properties"]["Events"]
    assert {(e["Type"], e["Properties"]["Path"], e["Properties"]["Method"]) for e in events.values()} == {
        ("Api", "/my-function", "any"),
        ("Api", "/items/{id}", "get"),
        ("Api", "/{proxy+}", "any"),
        ("Api", "/", "get"),
    }
    assert "HttpApi" not in render(load(rest_config(tmp_path)), "sam")  # no HTTP API notes either


def test_the_script_runs_what_the_view_shows_and_captures_every_id(tmp_path: Path) -> None:
    config = load(rest_config(tmp_path, api_key=True))
    script, view = render(config, "cli"), commands(config)

    def calls(text: str) -> list[str]:
        return re.findall(r"\baws ([a-z0-9-]+ [a-z0-9-]+)", text)

    ignored = {"sts get-caller-identity", "apigateway get-api-key"}  # the script's own look-ups
    assert [c for c in calls(script) if c not in ignored] == calls(view)
    assert "apigatewayv2" not in script and re.search(r"<[a-z0-9-]+>", script.replace("<the API key>", "")) is None
    for name in (
        "API_ID",
        "ROOT_ID",
        "RESOURCE_ITEMS",
        "RESOURCE_ITEMS_ID",
        "RESOURCE_PROXY",
        "API_KEY_ID",
        "USAGE_PLAN_ID",
    ):
        assert f'\n{name}="$(aws apigateway ' in script, name
    order = [
        script.index(c)
        for c in (
            "create-rest-api",
            "create-resource",
            "put-method",
            "put-integration",
            "add-permission",
            "create-deployment",
            "create-usage-plan ",
            "create-usage-plan-key",
        )
    ]
    assert order == sorted(order)
    assert "get-api-key --api-key ${API_KEY_ID} --include-value" in script  # how to read it; never its value
    assert "behind the REST API my-rest-api" in script


def test_shell_variables_for_resources_are_unique_and_letters_only() -> None:
    names = variables(["GET /a-b", "GET /a/b", "GET /v1/x", "GET /v2/x"])
    assert len(set(names.values())) == len(names)
    assert all(re.fullmatch(r"[A-Z_]+", n) for n in names.values())


def test_the_template_description_names_the_api_type(tmp_path: Path) -> None:
    assert "behind the REST API" in describe(load(rest_config(tmp_path)))
    assert "behind the HTTP API" in describe(load(None))


def test_binary_media_types_are_exported_to_each_format(tmp_path: Path) -> None:
    path = tmp_path / "binary.yaml"
    path.write_text("api:\n  type: rest\n  binary_media_types: [image/png, '*/*']\n")
    config = load(path)
    cfn = by_type(cloudformation.template(config), "AWS::ApiGateway::RestApi")["MyRestApi"]["Properties"]
    assert cfn["BinaryMediaTypes"] == ["image/png", "*/*"]
    served = by_type(sam.template(config), "AWS::Serverless::Api")["MyRestApi"]["Properties"]
    assert served["BinaryMediaTypes"] == ["image/png", "*/*"]
    assert "--binary-media-types image/png '*/*'" in render(config, "cli")
    plain = load(rest_config(tmp_path))  # none: no key in any format
    assert "BinaryMediaTypes" not in str(cloudformation.template(plain)) + str(sam.template(plain))
    assert "--binary-media-types" not in render(plain, "cli")
