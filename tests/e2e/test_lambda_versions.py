"""Published versions and aliases on the local cloud (issue 13, item 2):
Invoke with a version, an alias or $LATEST runs that version's code, with
Lambda's ExecutedVersion, invoked ARN and version in the context; a weighted
alias splits its calls by weight. Over a real local cloud with boto3 and the
AWS CLI. "[R] <test>" cites a LocalStack snapshot recorded against real AWS
(tests/aws/services/lambda_/test_lambda.snapshot.json in localstack/localstack
at 8b9a79f), with its recording date."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.cloudproc import create_function, owner_env, zip_files

ARN = "arn:aws:lambda:us-east-1:123456789012:function:"
# As LocalStack's tests/aws/services/lambda_/functions/lambda_version.py: the
# code's own tag, the ARN the caller used and the version from the context.
VERSIONED = """
import os
def lambda_handler(event, context):
    return {
        "version_id": "%s",
        "invoked_arn": context.invoked_function_arn,
        "version_from_ctx": context.function_version,
        "version_from_env": os.environ["AWS_LAMBDA_FUNCTION_VERSION"],
        "stream": context.log_stream_name,
    }
"""


def _code(tag: str) -> bytes:
    return zip_files({"lambda_function.py": VERSIONED % tag})


@pytest.fixture(scope="module")
def versioned(cloud: Any) -> str:
    """A function with version 1 (code "version1"), version 2 ("version2"),
    $LATEST at "version3", and alias "live" -> 1."""
    name, _ = create_function(cloud, VERSIONED % "version1")
    lam = cloud.client("lambda")
    assert lam.publish_version(FunctionName=name)["Version"] == "1"
    lam.update_function_code(FunctionName=name, ZipFile=_code("version2"))
    assert lam.publish_version(FunctionName=name)["Version"] == "2"
    lam.update_function_code(FunctionName=name, ZipFile=_code("version3"))
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    return name


def _invoke(cloud: Any, lam: Any = None, **kwargs: Any) -> tuple[str, dict[str, Any]]:
    reply = (lam or cloud.client("lambda")).invoke(Payload=b"{}", **kwargs)
    assert reply["StatusCode"] == 200 and "FunctionError" not in reply, reply
    return reply["ExecutedVersion"], json.loads(reply["Payload"].read())


def test_each_version_runs_its_own_code(cloud: Any, versioned: str) -> None:
    # [R] TestLambdaVersions::test_lambda_versions_with_code_changes (2025-11-24):
    # unqualified -> ExecutedVersion "$LATEST", the latest code, the bare ARN;
    # Qualifier=N -> "N", that version's code, the ARN ending ":N", context version "N".
    executed, latest = _invoke(cloud, FunctionName=versioned)
    assert executed == "$LATEST"
    assert latest["version_id"] == "version3"
    assert latest["invoked_arn"] == ARN + versioned
    assert latest["version_from_ctx"] == latest["version_from_env"] == "$LATEST"
    for version in ("1", "2"):
        executed, body = _invoke(cloud, FunctionName=versioned, Qualifier=version)
        assert executed == version
        assert body["version_id"] == f"version{version}"
        assert body["invoked_arn"] == f"{ARN}{versioned}:{version}"
        # AWS_LAMBDA_FUNCTION_VERSION is the version (the Lambda guide's
        # configuration-envvars, reserved variables); the stream's prefix names it too
        # ("2025/11/24/[1]...", the guide's monitoring-cloudwatchlogs log stream format).
        assert body["version_from_ctx"] == body["version_from_env"] == version
        assert f"/[{version}]" in body["stream"]
    # [R] TestLambdaFeatures::test_invocation_with_qualifier (2025-11-24): the log's
    # START line names the version, "START RequestId: <id> Version: 1".
    tail = cloud.client("lambda").invoke(FunctionName=versioned, Qualifier="1", LogType="Tail")
    start = next(line for line in base64.b64decode(tail["LogResult"]).decode().splitlines() if "START" in line)
    assert start == f"START RequestId: {tail['ResponseMetadata']['RequestId']} Version: 1"
    # The qualifier inside the name (`name:2`, and a qualified ARN) is the same call.
    assert _invoke(cloud, FunctionName=f"{versioned}:2")[1]["version_id"] == "version2"
    assert _invoke(cloud, FunctionName=f"{ARN}{versioned}:1")[1]["version_id"] == "version1"
    # $LATEST named: [R] test_introspection_invoke[python3.12] (2026-01-12), ":$LATEST" in the ARN.
    executed, body = _invoke(cloud, FunctionName=versioned, Qualifier="$LATEST")
    assert (executed, body["version_id"], body["invoked_arn"]) == ("$LATEST", "version3", f"{ARN}{versioned}:$LATEST")


def test_an_alias_runs_the_version_it_points_at(cloud: Any, versioned: str) -> None:
    # [R] TestLambdaAliases::test_lambda_alias_moving (2025-11-25): ExecutedVersion
    # is the alias's version, the invoked ARN the alias's (by Qualifier or by ARN),
    # and moving the alias moves the calls.
    lam = cloud.client("lambda")
    executed, body = _invoke(cloud, FunctionName=versioned, Qualifier="live")
    assert (executed, body["version_id"], body["version_from_ctx"]) == ("1", "version1", "1")
    assert body["invoked_arn"] == f"{ARN}{versioned}:live"
    assert _invoke(cloud, FunctionName=f"{ARN}{versioned}:live")[1]["invoked_arn"] == f"{ARN}{versioned}:live"
    lam.update_alias(FunctionName=versioned, Name="live", FunctionVersion="2")
    try:
        executed, body = _invoke(cloud, FunctionName=versioned, Qualifier="live")
        assert (executed, body["version_id"]) == ("2", "version2")
    finally:
        lam.update_alias(FunctionName=versioned, Name="live", FunctionVersion="1")


def test_a_missing_version_or_alias_is_not_found_by_its_qualified_arn(cloud: Any, versioned: str) -> None:
    # [R] test_lambda_alias_moving invocation_exc_not_existent (2025-11-25) and
    # test_ops_on_nonexisting_version (2025-11-25): 404, the qualified ARN named.
    for qualifier in ("non-existent-alias", "9"):
        with pytest.raises(ClientError) as caught:
            cloud.client("lambda").invoke(FunctionName=versioned, Qualifier=qualifier)
        error = caught.value.response
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 404
        assert error["Error"] == {
            "Code": "ResourceNotFoundException",
            "Message": f"Function not found: {ARN}{versioned}:{qualifier}",
        }


def test_the_aws_cli_invokes_a_version_an_alias_and_latest(cloud: Any, versioned: str, tmp_path: Path) -> None:
    """The done-when: `aws lambda invoke` against the local cloud for a
    version, an alias and $LATEST runs the right code."""
    env = {**os.environ, **owner_env(cloud.port)}
    cases = [
        ([f"{versioned}:2"], "2", "version2"),
        ([versioned, "--qualifier", "live"], "1", "version1"),
        ([f"{versioned}:live"], "1", "version1"),
        ([versioned, "--qualifier", "$LATEST"], "$LATEST", "version3"),
        ([versioned], "$LATEST", "version3"),
    ]
    for target, executed, tag in cases:
        out = tmp_path / "out.json"
        proc = subprocess.run(
            [sys.executable, "-m", "awscli", "--endpoint-url", cloud.endpoint, "lambda", "invoke"]
            + ["--function-name", *target, str(out)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert proc.returncode == 0, proc.stderr
        # The CLI prints Invoke's metadata: {"StatusCode": 200, "ExecutedVersion": "1"}
        # (the Lambda guide's access-control-resource-based, invoking an alias).
        assert json.loads(proc.stdout) == {"StatusCode": 200, "ExecutedVersion": executed}
        assert json.loads(out.read_text())["version_id"] == tag


def test_a_weighted_alias_splits_calls_by_its_weights(cloud: Any, versioned: str) -> None:
    """The done-when: within 5 % of the weights over 1,000 calls. Routing
    sends a version the share of calls its weight says ("Lambda routes
    traffic between the two versions based on the assigned weights", the
    Lambda guide's configuring-alias-routing; [R] TestLambdaAliases::
    test_alias_routingconfig (2025-11-25) sees both versions run through one alias)."""
    lam = cloud.client("lambda")
    lam.create_alias(
        FunctionName=versioned,
        Name="canary",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.3}},
    )

    def call(_: int) -> str:
        executed, body = _invoke(cloud, lam, FunctionName=versioned, Qualifier="canary")
        # The code that ran is the version reported, and the caller's ARN is the alias's.
        assert body["version_id"] == f"version{executed}" and body["invoked_arn"].endswith(":canary")
        return executed

    with ThreadPoolExecutor(4) as pool:
        executed = list(pool.map(call, range(1000)))
    share = executed.count("2") / len(executed)
    assert set(executed) == {"1", "2"}
    assert abs(share - 0.3) <= 0.05, share
    # AWS/Lambda counts them per alias (Resource "name:alias", aws/aws-cdk#18952)
    # and per version run (ExecutedVersion, aws/aws-cdk#14248 from ListMetrics).
    resource = [{"Name": "FunctionName", "Value": versioned}, {"Name": "Resource", "Value": f"{versioned}:canary"}]
    sums = _invocations(
        cloud,
        {
            "alias": resource,
            "v1": [*resource, {"Name": "ExecutedVersion", "Value": "1"}],
            "v2": [*resource, {"Name": "ExecutedVersion", "Value": "2"}],
        },
    )
    assert sums == {"alias": 1000, "v1": executed.count("1"), "v2": executed.count("2")}


def _invocations(cloud: Any, series: dict[str, list[dict[str, str]]]) -> dict[str, float]:
    """The Sum of AWS/Lambda Invocations over the last minutes, per series."""
    import datetime as dt

    now = dt.datetime.now(dt.timezone.utc)
    queries = [
        {
            "Id": key,
            "MetricStat": {
                "Metric": {"Namespace": "AWS/Lambda", "MetricName": "Invocations", "Dimensions": dims},
                "Period": 60,
                "Stat": "Sum",
            },
        }
        for key, dims in series.items()
    ]
    data = cloud.client("cloudwatch").get_metric_data(
        MetricDataQueries=queries, StartTime=now - dt.timedelta(minutes=10), EndTime=now + dt.timedelta(minutes=1)
    )
    return {r["Id"]: sum(r["Values"]) for r in data["MetricDataResults"]}


# -- API Gateway ------------------------------------------------------------
def test_api_gateway_invokes_the_version_or_alias_its_integration_names(cloud: Any, versioned: str) -> None:
    """An integration's URI may name a version or alias, as a Lambda ARN or
    in API Gateway's .../functions/<ARN>/invocations form, and API Gateway
    needs the permission of that very ARN: "if you use an alias name (such
    as helloworld:PROD), the permission allows you to invoke the helloworld
    function using the alias ARN ... This permission error still occurs even
    if you attempt to directly invoke the function version associated with
    the alias" (the Lambda guide, using-aliases, Resource policies). Without
    the permission an HTTP API answers 500 (reference B5)."""
    import httpx

    api_client, lam = cloud.client("apigatewayv2"), cloud.client("lambda")
    api = api_client.create_api(Name=f"api-{versioned}", ProtocolType="HTTP")["ApiId"]
    invocations = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{}/invocations"
    uris = {
        "live": f"{ARN}{versioned}:live",
        "v1": f"{ARN}{versioned}:1",
        "v2": invocations.format(f"{ARN}{versioned}:2"),
        "latest": f"{ARN}{versioned}",
    }
    for path, uri in uris.items():
        integration = api_client.create_integration(
            ApiId=api, IntegrationType="AWS_PROXY", IntegrationUri=uri, PayloadFormatVersion="2.0"
        )["IntegrationId"]
        api_client.create_route(ApiId=api, RouteKey=f"GET /{path}", Target=f"integrations/{integration}")
    api_client.create_stage(ApiId=api, StageName="$default", AutoDeploy=True)
    source = f"arn:aws:execute-api:us-east-1:123456789012:{api}/*"
    for sid, qualifier in (("fn", None), ("alias", "live")):
        lam.add_permission(
            FunctionName=versioned,
            StatementId=sid,
            Action="lambda:InvokeFunction",
            Principal="apigateway.amazonaws.com",
            SourceArn=source,
            **({"Qualifier": qualifier} if qualifier else {}),
        )
    base = f"{cloud.endpoint}/_aws/execute-api/{api}"

    def get(path: str) -> httpx.Response:
        return httpx.get(f"{base}/{path}", timeout=40)

    live = get("live")
    assert live.status_code == 200, live.text
    # The alias's version ran, told the alias's ARN (as Invoke does, test_lambda_alias_moving).
    assert live.json()["version_id"] == "version1" and live.json()["invoked_arn"] == f"{ARN}{versioned}:live"
    latest = get("latest")
    assert latest.status_code == 200 and latest.json()["version_id"] == "version3"
    # Neither the unqualified permission nor the alias's covers version 1 or 2 named directly.
    for path in ("v1", "v2"):
        refused = get(path)
        assert refused.status_code == 500 and refused.json() == {"message": "Internal Server Error"}
    lam.add_permission(
        FunctionName=versioned,
        StatementId="v2",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=source,
        Qualifier="2",
    )
    v2 = get("v2")
    assert v2.status_code == 200 and v2.json()["version_id"] == "version2"
    assert v2.json()["invoked_arn"] == f"{ARN}{versioned}:2"


def test_publish_version_answers_as_aws_does(cloud: Any) -> None:
    # [R] TestLambdaPermissions::test_lambda_permission_fn_versioning publish_version_result
    # (test_lambda_api.snapshot.json, 2025-11-25): the version's ARN, Active and
    # Successful at once, LoggingConfig and RuntimeVersionConfig, no empty Layers.
    name, arn = create_function(cloud, VERSIONED % "v", runtime="python3.12")
    published = cloud.client("lambda").publish_version(FunctionName=name)
    assert published["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert (published["FunctionArn"], published["Version"]) == (f"{arn}:1", "1")
    assert (published["State"], published["LastUpdateStatus"]) == ("Active", "Successful")
    assert published["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"}
    assert published["RuntimeVersionConfig"]["RuntimeVersionArn"].startswith("arn:aws:lambda:us-east-1::runtime:")
    assert "Layers" not in published


def test_a_version_keeps_its_log_format_and_its_json_records_name_it(cloud: Any) -> None:
    """A published version keeps the LoggingConfig it was published with
    (a version's configuration is immutable: the Lambda guide,
    configuration-versions), and with JSON its platform.start record names
    it, as the text START line does ("version" in the Telemetry API's
    platform.start, telemetry-schema-reference)."""
    name, _ = create_function(cloud, VERSIONED % "v")
    lam = cloud.client("lambda")
    lam.update_function_configuration(FunctionName=name, LoggingConfig={"LogFormat": "JSON"})
    assert lam.publish_version(FunctionName=name)["Version"] == "1"
    lam.update_function_configuration(FunctionName=name, LoggingConfig={"LogFormat": "Text"})

    def lines(**qualifier: str) -> list[str]:
        reply = lam.invoke(FunctionName=name, LogType="Tail", **qualifier)
        return base64.b64decode(reply["LogResult"]).decode().splitlines()

    records = [json.loads(line) for line in lines(Qualifier="1") if line.startswith("{")]
    start = next(r for r in records if r.get("type") == "platform.start")
    assert start["record"]["version"] == "1"
    assert any(line.startswith("START RequestId:") and line.endswith("Version: $LATEST") for line in lines())


# -- resource policies per version and alias --------------------------------
def test_each_version_and_alias_has_its_own_policy(cloud: Any) -> None:
    """[R] TestLambdaPermissions::test_lambda_permission_fn_versioning
    (test_lambda_api.snapshot.json, 2025-11-25): the function's permission
    is not its version's (GetPolicy Qualifier=1 is 404 "The resource you
    requested does not exist."), the same StatementId may then be added to
    the version and to an alias, each Resource naming its qualifier."""
    name, arn = create_function(cloud, VERSIONED % "v")
    lam = cloud.client("lambda")
    grant = {
        "Action": "lambda:InvokeFunction",
        "StatementId": "s3",
        "Principal": "s3.amazonaws.com",
        "SourceArn": "arn:aws:s3:::test-bucket",
    }
    lam.add_permission(FunctionName=name, **grant)
    assert lam.publish_version(FunctionName=name)["Version"] == "1"
    with pytest.raises(ClientError) as caught:
        lam.get_policy(FunctionName=name, Qualifier="1")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert caught.value.response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": "The resource you requested does not exist.",
    }
    lam.add_permission(FunctionName=f"{name}:1", Qualifier="1", **grant)
    lam.create_alias(FunctionName=name, Name="permission-alias", FunctionVersion="1")
    lam.add_permission(FunctionName=f"{name}:permission-alias", **grant)  # the name's suffix is the qualifier

    def resources(**qualifier: str) -> list[str]:
        policy = json.loads(lam.get_policy(FunctionName=name, **qualifier)["Policy"])
        return [s["Resource"] for s in policy["Statement"]]

    assert resources() == [arn]
    assert resources(Qualifier="1") == [f"{arn}:1"]
    assert resources(Qualifier="permission-alias") == [f"{arn}:permission-alias"]
    # A second StatementId "s3" in one scope is still a conflict (409).
    with pytest.raises(ClientError) as conflict:
        lam.add_permission(FunctionName=name, Qualifier="1", **grant)
    assert conflict.value.response["Error"]["Code"] == "ResourceConflictException"
    # RemovePermission removes the named scope's statement only.
    lam.remove_permission(FunctionName=name, StatementId="s3", Qualifier="1")
    with pytest.raises(ClientError):
        lam.get_policy(FunctionName=name, Qualifier="1")
    assert resources() == [arn]
    assert resources(Qualifier="permission-alias") == [f"{arn}:permission-alias"]


def test_versions_and_aliases_survive_a_restart(tmp_path: Path) -> None:
    """The local cloud's state (moto's, saved on every change) keeps each
    version's own code and the alias's weights across a restart."""
    from tests.cloudproc import LocalCloudProcess

    cloud = LocalCloudProcess(tmp_path / "state").start()
    try:
        name, _ = create_function(cloud, VERSIONED % "version1")
        lam = cloud.client("lambda")
        lam.publish_version(FunctionName=name)
        lam.update_function_code(FunctionName=name, ZipFile=_code("version2"))
        lam.publish_version(FunctionName=name)
        lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
        assert cloud.stop() == 0
        cloud.start()
        assert _invoke(cloud, FunctionName=name, Qualifier="live")[1]["version_id"] == "version1"
        assert _invoke(cloud, FunctionName=name, Qualifier="2")[1]["version_id"] == "version2"
        assert _invoke(cloud, FunctionName=name)[1]["version_id"] == "version2"
    finally:
        cloud.stop()
