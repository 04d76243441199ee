"""Export, in-process: the CloudFormation and SAM templates and the AWS CLI
script the kinds render, read back and checked for structure, and the
export command's answers to bad input. (cfn-lint, shellcheck and a real run
of the script are in tests/e2e/test_export.py.)"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from tui import cli
from tui.config import Config, load
from tui.services.packaging import HELLO_CODE
from tui.stack.cli_equivalent import commands
from tui.stack.kinds.route import logical_ids
from tui.stack.render import FORMATS, cloudformation, render, sam, yamlout
from tui.stack.render.context import RenderContext

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_config.yaml"
HANDLER = """import json


def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"route": event["routeKey"]})}
"""


def folder_config(tmp_path: Path, auto_deploy: bool = False, extra: str = "") -> Path:
    """A folder of code with app.handler, two routes and the stage dev."""
    (tmp_path / "app").mkdir(exist_ok=True)
    (tmp_path / "app" / "app.py").write_text(HANDLER)
    path = tmp_path / "items.yaml"
    path.write_text(f"""function:
  name: items-fn
  handler: app.handler
  code: app
{extra}api:
  name: items-api
  routes: ["GET /hello", "POST /items/{{id}}"]
  stage: dev
  auto_deploy: {str(auto_deploy).lower()}
test:
  path: /hello
""")
    return path


def types(template: dict[str, Any]) -> list[str]:
    return [r["Type"] for r in template["Resources"].values()]


def test_cloudformation_for_the_tutorial_inlines_the_console_code() -> None:
    text = render(load(SAMPLE), "cloudformation")
    doc = yamlout.load(text)
    assert doc == cloudformation.template(load(SAMPLE))  # the YAML says what the kinds built
    assert doc["AWSTemplateFormatVersion"] == "2010-09-09" and "my-http-api" in doc["Description"]
    assert types(doc) == [
        "AWS::IAM::Role",
        "AWS::IAM::ManagedPolicy",
        "AWS::Lambda::Function",
        "AWS::Logs::LogGroup",
        "AWS::ApiGatewayV2::Api",
        "AWS::ApiGatewayV2::Integration",
        "AWS::ApiGatewayV2::Route",
        "AWS::ApiGatewayV2::Stage",
        "AWS::Lambda::Permission",
    ]
    fn = doc["Resources"]["MyFunction"]["Properties"]
    assert fn["Code"] == {"ZipFile": HELLO_CODE} and "Parameters" not in doc
    # CloudFormation reference, AWS::Lambda::Function Code, ZipFile: inline source is placed "in a file
    # named index"; "the first part of the handler identifier must be index".
    assert fn["Handler"] == "index.lambda_handler"
    stage = doc["Resources"]["MyStage"]["Properties"]
    assert stage["StageName"] == "$default" and stage["AutoDeploy"] is True
    assert "AWS::ApiGatewayV2::Deployment" not in types(doc)  # auto-deploy deploys
    permission = doc["Resources"]["RouteANYMyFunctionPermission"]["Properties"]
    # Reference A8: the console scopes the permission to any stage, any method, the route's path.
    assert permission["SourceArn"]["Fn::Sub"].endswith(":${MyHttpApi}/*/*/my-function")
    assert doc["Outputs"]["InvokeUrl"]["Value"] == {"Fn::Sub": "${MyHttpApi.ApiEndpoint}/"}
    assert doc["Outputs"]["TestUrl"]["Value"] == {"Fn::Sub": "${MyHttpApi.ApiEndpoint}/my-function"}
    # Partition, region and account come from pseudo parameters, never from the config.
    assert "arn:aws:" not in text and "us-east-1" not in text and "${AWS::Partition}" in text
    assert "!Ref MyHttpApi" in text and "!GetAtt MyFunction.Arn" in text  # short forms, as people write them


@pytest.mark.parametrize("auto_deploy", [False, True])
def test_cloudformation_for_a_folder_two_routes_and_a_named_stage(tmp_path: Path, auto_deploy: bool) -> None:
    config = load(folder_config(tmp_path, auto_deploy))
    doc = yamlout.load(render(config, "cloudformation"))
    assert set(doc["Parameters"]) == {"CodeS3Bucket", "CodeS3Key"}
    fn = doc["Resources"]["MyFunction"]["Properties"]
    assert fn["Code"] == {"S3Bucket": {"Ref": "CodeS3Bucket"}, "S3Key": {"Ref": "CodeS3Key"}}
    assert fn["Handler"] == "app.handler"
    routes = {r["Properties"]["RouteKey"] for r in doc["Resources"].values() if r["Type"].endswith("::Route")}
    assert routes == {"GET /hello", "POST /items/{id}"}
    arns = sorted(
        r["Properties"]["SourceArn"]["Fn::Sub"].rsplit("}/", 1)[1]
        for r in doc["Resources"].values()
        if r["Type"] == "AWS::Lambda::Permission"
    )
    assert arns == ["*/GET/hello", "*/POST/items/*"]  # A8: a path parameter becomes *
    stage = doc["Resources"]["MyStage"]
    if auto_deploy:
        assert "MyDeployment" not in doc["Resources"] and "DeploymentId" not in stage["Properties"]
    else:
        # Without auto-deploy a stage serves only a deployment made after its routes.
        assert doc["Resources"]["MyDeployment"]["DependsOn"] == ["RouteGETHello", "RoutePOSTItemsId"]
        assert stage["Properties"]["DeploymentId"] == {"Ref": "MyDeployment"}
    assert doc["Outputs"]["InvokeUrl"]["Value"] == {"Fn::Sub": "${MyHttpApi.ApiEndpoint}/dev"}
    assert doc["Outputs"]["TestUrl"]["Value"] == {"Fn::Sub": "${MyHttpApi.ApiEndpoint}/dev/hello"}
    header = render(config, "cloudformation").split("AWSTemplateFormatVersion")[0]
    assert "zip -q -X -r" in header and "aws s3 cp function.zip" in header and "CodeS3Bucket=" in header


def test_sam_for_the_tutorial_is_what_sam_init_writes() -> None:
    doc = yamlout.load(render(load(SAMPLE), "sam"))
    assert doc["Transform"] == "AWS::Serverless-2016-10-31"
    assert types(doc) == ["AWS::Serverless::Function", "AWS::Logs::LogGroup"]
    fn = doc["Resources"]["MyFunction"]["Properties"]
    assert fn["InlineCode"] == HELLO_CODE and fn["Handler"] == "index.lambda_handler"
    assert "Role" not in fn and "Policies" not in fn  # SAM makes the basic execution role
    assert fn["Events"] == {
        "ANYMyFunction": {"Type": "HttpApi", "Properties": {"Path": "/my-function", "Method": "ANY"}}
    }
    # SAM's implicit HTTP API is the resource ServerlessHttpApi (SAM spec, HttpApi event, ApiId).
    assert doc["Outputs"]["InvokeUrl"]["Value"] == {"Fn::Sub": "${ServerlessHttpApi.ApiEndpoint}/"}


def test_sam_for_a_folder_names_the_code_relative_to_the_template(tmp_path: Path) -> None:
    config = load(folder_config(tmp_path))
    doc = yamlout.load(render(config, "sam", tmp_path / "out" / "template.yaml"))
    fn = doc["Resources"]["MyFunction"]["Properties"]
    assert fn["CodeUri"] == "../app" and fn["Handler"] == "app.handler" and "InlineCode" not in fn
    # A named stage needs an explicit HttpApi; SAM's implicit one has only $default.
    assert doc["Resources"]["MyHttpApi"] == {
        "Type": "AWS::Serverless::HttpApi",
        "Properties": {"Name": "items-api", "StageName": "dev"},
    }
    events = fn["Events"]
    assert events["GETHello"]["Properties"] == {"Path": "/hello", "Method": "GET", "ApiId": {"Ref": "MyHttpApi"}}
    assert events["POSTItemsId"]["Properties"]["Path"] == "/items/{id}"
    assert doc["Outputs"]["TestUrl"]["Value"] == {"Fn::Sub": "${MyHttpApi.ApiEndpoint}/dev/hello"}


def test_sam_default_route_payload_1_and_an_existing_role(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text('function: {role: my-own-role}\napi: {routes: ["$default"], payload_format: "1.0"}\n')
    config = load(path)
    fn = yamlout.load(render(config, "sam"))["Resources"]["MyFunction"]["Properties"]
    # SAM implicit_http_api_plugin: an HttpApi event with no Path and Method is the $default route.
    assert fn["Events"] == {"Default": {"Type": "HttpApi", "Properties": {"PayloadFormatVersion": "1.0"}}}
    assert fn["Role"] == {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/my-own-role"}
    doc = yamlout.load(render(config, "cloudformation"))
    assert "AWS::IAM::Role" not in types(doc) and "AWS::IAM::ManagedPolicy" not in types(doc)
    assert doc["Resources"]["MyFunction"]["Properties"]["Role"] == fn["Role"]
    script = render(config, "cli")
    assert "create-role" not in script and "until_role_ready" not in script
    assert '--role "arn:aws:iam::${ACCOUNT_ID}:role/my-own-role"' in script


def test_templates_keep_environment_values_exactly(tmp_path: Path) -> None:
    config = load(folder_config(tmp_path, extra='  environment: {GREETING: "it\'s \\"$HOME\\" `x` \\\\n"}\n'))
    wanted = {"GREETING": 'it\'s "$HOME" `x` \\n'}
    for fmt in ("cloudformation", "sam"):
        fn = yamlout.load(render(config, fmt))["Resources"]["MyFunction"]["Properties"]
        assert fn["Environment"] == {"Variables": wanted}


def test_config_text_stays_inside_comments_and_quotes(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text('api:\n  name: "x\\nrm -rf ~\\r$(id)"\n')
    config = load(path)
    for fmt, first in (
        ("cloudformation", "AWSTemplateFormatVersion"),
        ("sam", "AWSTemplateFormatVersion"),
        ("cli", "set -euo pipefail"),
    ):
        text = render(config, fmt)
        head = text.split(first)[0]
        assert head and all(line.startswith("#") for line in head.splitlines()), head  # no line break escapes
    doc = yamlout.load(render(config, "cloudformation"))
    assert doc["Resources"]["MyHttpApi"]["Properties"]["Name"] == "x\nrm -rf ~\r$(id)"
    # A stack name is a letter, then letters, digits and hyphens (CloudFormation CreateStack, StackName).
    assert "--stack-name x-rm-rf-id " in render(config, "cloudformation")


def test_the_script_runs_what_the_view_shows_in_the_same_order() -> None:
    config = load(SAMPLE)
    script, view = render(config, "cli"), commands(config)

    def calls(text: str) -> list[str]:
        return re.findall(r"\baws ([a-z0-9-]+ [a-z0-9-]+)", text)

    ignored = {"sts get-caller-identity", "apigatewayv2 get-api"}  # the script's own look-ups
    assert [c for c in calls(script) if c not in ignored] == calls(view)
    assert calls(view)[:3] == ["iam create-role", "iam create-policy", "iam attach-role-policy"]
    assert script.startswith("#!/usr/bin/env bash\n") and "\nset -euo pipefail\n" in script
    assert re.search(r"<[a-z0-9-]+>", script) is None  # real values, no placeholders
    for captured in (
        'ROLE_ARN="$(aws iam create-role',
        'API_ID="$(aws apigatewayv2 create-api',
        'INTEGRATION_ID="$(aws apigatewayv2 create-integration',
    ):
        assert captured in script
    assert "--query ApiId --output text)" in script and "aws lambda wait function-active-v2" in script
    assert script.index("create-function") < script.index("wait function-active-v2") < script.index("create-api")


def test_the_script_writes_the_console_code_byte_for_byte() -> None:
    script = render(load(SAMPLE), "cli")
    body = script.split("<<'PYTHON'\n", 1)[1].split("\nPYTHON\n", 1)[0] + "\n"
    assert body == HELLO_CODE
    assert "zip -q -X function.zip lambda_function.py" in script


def test_the_script_zips_a_folder_and_deploys_to_the_named_stage(tmp_path: Path) -> None:
    config = load(folder_config(tmp_path))
    script = render(config, "cli")
    assert f'(cd {tmp_path / "app"} && zip -q -X -r "${{WORK}}/function.zip" .' in script
    assert "'__pycache__/*' '*/__pycache__/*'" in script and "'*.pyc'" in script  # as packaging skips them
    assert "--route-key 'POST /items/{id}'" in script and "--no-auto-deploy" in script
    assert 'aws apigatewayv2 create-deployment --api-id "${API_ID}" --stage-name dev' in script
    assert 'echo "Local URL   ${LOCAL_ENDPOINT}/dev"' in script
    assert 'echo "Try it      curl -i ${API_ENDPOINT}/dev/hello"' in script


def test_a_zip_is_uploaded_as_it_is(tmp_path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(tmp_path / "code.zip", "w") as archive:
        archive.writestr("lambda_function.py", HELLO_CODE)
    path = tmp_path / "c.yaml"
    path.write_text("function: {code: code.zip}\n")
    script = render(load(path), "cli")
    assert f"--zip-file fileb://{tmp_path / 'code.zip'}" in script and "zip -q" not in script


@pytest.mark.parametrize("script", [False, True])
def test_shell_words_survive_quoting(script: bool) -> None:
    ctx = RenderContext(Config(), script=script)
    assert ctx.sh("my-function") == "my-function"
    assert ctx.sh("ANY /my-function") == "'ANY /my-function'"
    assert ctx.sh("$default") == ('"\\$default"' if script else "'$default'")  # shellcheck SC2016
    assert ctx.sh("arn:aws:iam::${ACCOUNT_ID}:role/x") == '"arn:aws:iam::${ACCOUNT_ID}:role/x"'
    assert ctx.sh("${API_ID}/*/$default") == '"${API_ID}/*/\\$default"'
    assert ctx.sh('{"a":"${ACCOUNT_ID}"}') == '\'{"a":"\'"${ACCOUNT_ID}"\'"}\''


def test_route_ids_stay_unique_when_their_words_match() -> None:
    assert logical_ids(("GET /a-b", "GET /a/b", "GET /a/{b}")) == {
        "GET /a-b": "RouteGETAB",
        "GET /a/b": "RouteGETAB2",
        "GET /a/{b}": "RouteGETAB3",
    }


def test_render_names_the_allowed_formats() -> None:
    assert FORMATS == ("cloudformation", "sam", "cli")
    with pytest.raises(ValueError, match="cloudformation, sam, cli"):
        render(Config(), "xml")
    assert sam.TRANSFORM in render(Config(), "sam")


# -- the export command ---------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = cli.main(["export", *args])
    except SystemExit as stop:  # argparse's answer to a bad flag
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_export_prints_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--config", str(SAMPLE), "--format", "sam")
    assert code == 0 and err == "" and yamlout.load(out)["Transform"] == sam.TRANSFORM


def test_a_bad_format_names_the_allowed_values(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--config", str(SAMPLE), "--format", "xml")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert all(name in err for name in FORMATS)


@pytest.mark.parametrize("content", [None, "function: {memory_mb: 64}\n", "function: [x\n"])
def test_a_missing_or_invalid_config_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | None
) -> None:
    path = tmp_path / "c.yaml"
    if content is not None:
        path.write_text(content)
    code, out, err = run(capsys, "--config", str(path), "--format", "cloudformation")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and str(path) in err and "Traceback" not in err


def test_an_unwritable_out_names_the_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    target = tmp_path / "file" / "template.yaml"  # under a regular file: unwritable even for root
    code, out, err = run(capsys, "--config", str(SAMPLE), "--format", "cli", "--out", str(target))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert f"--out {target}" in err and "writable" in err
    assert list(tmp_path.iterdir()) == [tmp_path / "file"]  # no temporary file left behind


def test_out_writes_the_file_with_the_umask_and_nothing_on_stdout(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "template.yaml"
    target.write_text("old")
    old = os.umask(0o022)
    try:
        code, out, err = run(capsys, "--config", str(SAMPLE), "--format", "cloudformation", "--out", str(target))
    finally:
        os.umask(old)
    assert code == 0 and out == "" and str(target) in err
    assert target.stat().st_mode & 0o777 == 0o644
    assert target.read_text() == render(load(SAMPLE), "cloudformation", target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["template.yaml"]


def test_access_logs_in_every_format(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("api:\n  access_log: json\n")
    cfg = load(path)
    group = "/aws/apigateway/my-http-api/access-logs"
    cfn = cloudformation.template(cfg)["Resources"]
    assert cfn["MyApiAccessLogs"]["Type"] == "AWS::Logs::LogGroup"
    assert cfn["MyApiAccessLogs"]["Properties"] == {"LogGroupName": group}
    access = cfn["MyStage"]["Properties"]["AccessLogSettings"]
    assert access["DestinationArn"] == {"Fn::GetAtt": ["MyApiAccessLogs", "Arn"]}
    assert access["Format"].startswith('{ "requestId":"$context.requestId"')
    sam_doc = sam.template(cfg)["Resources"]
    assert sam_doc["MyApiAccessLogs"]["Type"] == "AWS::Logs::LogGroup"
    http_api = next(r for r in sam_doc.values() if r["Type"] == "AWS::Serverless::HttpApi")
    assert http_api["Properties"]["AccessLogSettings"]["DestinationArn"] == {"Fn::GetAtt": ["MyApiAccessLogs", "Arn"]}
    script = render(cfg, "cli")
    assert f"aws logs create-log-group --log-group-name {group}" in script
    assert script.index("create-log-group") < script.index("create-stage")
    assert "--access-log-settings" in script and f"log-group:{group}" in script


def test_a_lambda_authorizer_in_every_format(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("api:\n  authorizer: {type: lambda, ttl_s: 60}\n")
    cfg = load(path)
    cfn = cloudformation.template(cfg)["Resources"]
    assert cfn["MyAuthorizerFunction"]["Properties"]["Handler"] == "index.lambda_handler"  # inline code's file
    authorizer = cfn["MyLambdaAuthorizer"]["Properties"]
    assert authorizer["AuthorizerType"] == "REQUEST" and authorizer["AuthorizerResultTtlInSeconds"] == 60
    assert "${MyAuthorizerFunction.Arn}" in authorizer["AuthorizerUri"]["Fn::Sub"]
    assert cfn["MyAuthorizerPermission"]["Properties"]["SourceArn"]["Fn::Sub"].endswith(
        "${MyHttpApi}/authorizers/${MyLambdaAuthorizer}"
    )
    route = next(r for r in cfn.values() if r["Type"] == "AWS::ApiGatewayV2::Route")["Properties"]
    assert route["AuthorizationType"] == "CUSTOM" and route["AuthorizerId"] == {"Ref": "MyLambdaAuthorizer"}
    sam_doc = sam.template(cfg)["Resources"]
    auth = next(r for r in sam_doc.values() if r["Type"] == "AWS::Serverless::HttpApi")["Properties"]["Auth"]
    assert auth["DefaultAuthorizer"] == "LambdaAuthorizer"
    lambda_auth = auth["Authorizers"]["LambdaAuthorizer"]
    assert lambda_auth["Identity"] == {"Headers": ["Authorization"], "ReauthorizeEvery": 60}
    assert lambda_auth["EnableFunctionDefaultPermissions"] is True
    assert "MyAuthorizerPermission" not in sam_doc  # SAM makes it
    script = render(cfg, "cli")
    assert script.index("--function-name my-function-authorizer") < script.index("create-authorizer")
    assert "--handler lambda_function.lambda_handler" in script  # the script zips lambda_function.py


def test_the_wizard_view_hides_secret_looking_values_and_the_script_keeps_them(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text('function:\n  environment: {API_TOKEN: "s3cr3t", TABLE: orders}\n')
    cfg = load(path)
    view = commands(cfg)
    assert "s3cr3t" not in view and "<API_TOKEN value>" in view and '"TABLE":"orders"' in view
    assert "s3cr3t" in render(cfg, "cli")  # the script must create what the config says


def test_a_function_url_and_tmp_size_in_every_format(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("function:\n  url: {auth: NONE}\n  ephemeral_storage_mb: 2048\n")
    cfg = load(path)
    cfn = cloudformation.template(cfg)
    resources = cfn["Resources"]
    assert resources["MyFunctionUrl"]["Properties"] == {
        "TargetFunctionArn": {"Fn::GetAtt": ["MyFunction", "Arn"]},
        "AuthType": "NONE",
    }
    # A NONE URL needs both statements (urls-auth, reference I2).
    assert resources["MyFunctionUrlPublicAccess"]["Properties"]["FunctionUrlAuthType"] == "NONE"
    assert resources["MyFunctionUrlInvokeAction"]["Properties"]["InvokedViaFunctionUrl"] is True
    assert resources["MyFunction"]["Properties"]["EphemeralStorage"] == {"Size": 2048}
    assert cfn["Outputs"]["FunctionUrl"]["Value"] == {"Fn::GetAtt": ["MyFunctionUrl", "FunctionUrl"]}
    sam_doc = sam.template(cfg)["Resources"]
    assert sam_doc["MyFunction"]["Properties"]["FunctionUrlConfig"] == {"AuthType": "NONE"}
    script = render(cfg, "cli")
    assert "aws lambda create-function-url-config --function-name my-function --auth-type NONE" in script
    assert "--invoked-via-function-url" in script and "--ephemeral-storage Size=2048" in script


def test_published_versions_and_an_alias_in_every_format(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("function:\n  publish: true\n  alias: live\n  log_format: JSON\n")
    cfg = load(path)
    cfn = cloudformation.template(cfg)["Resources"]
    assert cfn["MyFunctionVersion"]["Properties"] == {"FunctionName": {"Ref": "MyFunction"}}
    assert cfn["MyFunctionAlias"]["Properties"]["FunctionVersion"] == {"Fn::GetAtt": ["MyFunctionVersion", "Version"]}
    assert cfn["MyFunction"]["Properties"]["LoggingConfig"]["LogFormat"] == "JSON"
    sam_doc = sam.template(cfg)["Resources"]
    assert sam_doc["MyFunction"]["Properties"]["AutoPublishAlias"] == "live"
    script = render(cfg, "cli")
    assert "aws lambda publish-version --function-name my-function" in script
    assert '--function-version "${VERSION}"' in script and "--logging-config LogFormat=JSON" in script
