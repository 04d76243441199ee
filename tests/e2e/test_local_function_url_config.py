"""Lambda function URL configurations on a real local cloud through boto3:
the answers of the control plane, AddPermission's URL conditions, and
that a URL is state kept with its function.

Sources, by test: reference aws-behaviour-2 section I, and the
AWS-validated LocalStack snapshots it cites (localstack 8b9a79f,
tests/aws/services/lambda_/test_lambda.snapshot.json and
test_lambda_api.snapshot.json, recorded 2025-11-24/25)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cloudproc import create_function, owner_kw
from tests.functionurls import HELLO, URL_SHAPE, make_url, path_url


# -- control plane (I1; test_lambda_api.py::TestLambdaUrl, recorded 2025-11-25) --


def test_url_config_lifecycle_answers_as_aws(cloud: Any) -> None:
    name, _ = create_function(cloud, HELLO)
    lam = cloud.client("lambda")
    created = lam.create_function_url_config(FunctionName=name, AuthType="NONE")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    # test_url_config_lifecycle: no InvokeMode unless given, no LastModifiedTime.
    assert set(created) - {"ResponseMetadata"} == {"AuthType", "CreationTime", "FunctionArn", "FunctionUrl"}
    assert URL_SHAPE.match(created["FunctionUrl"])  # I1: 32 lowercase alphanumerics, ends with "/"
    assert created["FunctionArn"] == f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
    with pytest.raises(lam.exceptions.ResourceConflictException) as conflict:
        lam.create_function_url_config(FunctionName=name, AuthType="NONE")
    assert conflict.value.response["Error"]["Message"] == (
        f"Failed to create function url config for [functionArn = {created['FunctionArn']}]. "
        "Error message:  FunctionUrlConfig exists for this Lambda function"
    )
    got = lam.get_function_url_config(FunctionName=name)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert got["InvokeMode"] == "BUFFERED" and got["FunctionUrl"] == created["FunctionUrl"]
    assert "LastModifiedTime" in got and "Cors" not in got
    updated = lam.update_function_url_config(FunctionName=name, AuthType="AWS_IAM")
    assert updated["AuthType"] == "AWS_IAM" and "InvokeMode" not in updated
    assert lam.list_function_url_configs(FunctionName=name)["FunctionUrlConfigs"][0]["AuthType"] == "AWS_IAM"
    deleted = lam.delete_function_url_config(FunctionName=name)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(lam.exceptions.ResourceNotFoundException) as gone:
        lam.get_function_url_config(FunctionName=name)
    assert gone.value.response["Error"]["Message"] == "The resource you requested does not exist."


def test_url_config_errors(cloud: Any) -> None:
    name, _ = create_function(cloud, HELLO)
    lam = cloud.client("lambda")
    # test_url_config_exceptions: a function that does not exist.
    with pytest.raises(lam.exceptions.ResourceNotFoundException) as missing:
        lam.create_function_url_config(FunctionName="no-such-function-x", AuthType="NONE")
    assert missing.value.response["Error"]["Message"] == "Function does not exist"
    # I1 [R] test_lambda_url_invalid_invoke_mode: the exact words.
    with pytest.raises(lam.exceptions.ClientError) as invalid:
        lam.create_function_url_config(FunctionName=name, AuthType="NONE", InvokeMode="UNKNOWN")
    assert invalid.value.response["Error"]["Code"] == "ValidationException"
    assert invalid.value.response["Error"]["Message"] == (
        "1 validation error detected: Value 'UNKNOWN' at 'invokeMode' failed to satisfy constraint: "
        "Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]"
    )
    # test_url_config_exceptions: $LATEST and versions are not URL qualifiers.
    with pytest.raises(lam.exceptions.ClientError) as latest:
        lam.create_function_url_config(FunctionName=name, AuthType="NONE", Qualifier="$LATEST")
    assert latest.value.response["Error"]["Code"] == "ValidationException"
    # test_url_config_exceptions: an ARN's qualifier that disagrees with Qualifier.
    with pytest.raises(lam.exceptions.ClientError) as mismatch:
        lam.create_function_url_config(FunctionName=f"{name}:one", AuthType="NONE", Qualifier="two")
    assert mismatch.value.response["Error"]["Message"] == (
        "The derived qualifier from the function name does not match the specified qualifier."
    )
    # A bare HTTP call with a broken body gets an AWS error, never a traceback.
    broken = cloud.client("lambda")
    broken.meta.events.register("before-sign.lambda.CreateFunctionUrlConfig", _break_body)
    with pytest.raises(broken.exceptions.ClientError) as bad:
        broken.create_function_url_config(FunctionName=name, AuthType="NONE")
    assert bad.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def _break_body(request: Any, **_kw: Any) -> None:
    request.data = b"{not json"


def test_add_permission_writes_the_url_conditions(cloud: Any) -> None:
    """I2 [R]: the recorded NONE statement; InvokedViaFunctionUrl as a Bool
    condition (unrecorded; see lambdaurl/permission.py for the sources)."""
    name, _ = make_url(cloud, HELLO)
    policy = json.loads(cloud.client("lambda").get_policy(FunctionName=name)["Policy"])
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert by_sid["FunctionURLAllowPublicAccess"] == {
        "Sid": "FunctionURLAllowPublicAccess",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "lambda:InvokeFunctionUrl",
        "Resource": f"arn:aws:lambda:us-east-1:123456789012:function:{name}",
        "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}},
    }
    assert by_sid["FunctionURLAllowInvokeAction"]["Condition"] == {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}


def test_a_url_survives_a_restart_and_goes_with_its_function(tmp_path: Any) -> None:
    """The URL is control-plane state: saved with the function, served
    again after a restart under the same id, and gone (403, I5) once the
    function is deleted."""
    from tests.cloudproc import LocalCloudProcess

    first = LocalCloudProcess(tmp_path / "state").start()
    try:
        name, url_id = make_url(first, HELLO)
    finally:
        assert first.stop() == 0
    second = LocalCloudProcess(tmp_path / "state", port=first.port).start()
    try:
        assert httpx.get(path_url(second, url_id), timeout=60).text == "Hello from Lambda!"
        second.client("lambda").delete_function(FunctionName=name)
        gone = httpx.get(path_url(second, url_id), timeout=60)
        assert gone.status_code == 403 and gone.text == '{"Message":null}'
    finally:
        second.stop()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
config_body = st.dictionaries(
    st.sampled_from(["AuthType", "Cors", "InvokeMode", "Other"]), json_values | st.sampled_from(["NONE", "AWS_IAM"])
) | st.fixed_dictionaries(
    {"AuthType": st.just("NONE")},
    optional={
        "Cors": st.dictionaries(
            st.sampled_from(["AllowOrigins", "AllowMethods", "AllowHeaders", "MaxAge", "AllowCredentials", "X"]),
            json_values,
        )
    },
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=config_body, method=st.sampled_from(["POST", "PUT", "GET", "DELETE"]))
def test_any_url_config_call_gets_an_aws_answer(url_function: str, cloud: Any, body: Any, method: str) -> None:
    """Whatever the owner's client sends, the answer is a success or a 4xx
    in Lambda's error shape, never a 500 (the control plane's own checks)."""
    kw = owner_kw(cloud.port)
    url = f"{cloud.endpoint}/2021-10-31/functions/{url_function}/url"
    data = json.dumps(body).encode()
    request = AWSRequest(method=method, url=url, data=data, headers={"content-type": "application/json"})
    SigV4Auth(Credentials(kw["aws_access_key_id"], kw["aws_secret_access_key"]), "lambda", "us-east-1").add_auth(
        request
    )
    reply = httpx.request(method, url, content=data, headers=dict(request.headers.items()), timeout=60)
    assert reply.status_code < 500, reply.text
    if reply.status_code >= 400:
        assert reply.headers["x-amzn-errortype"], reply.text


@pytest.fixture(scope="module")
def url_function(cloud: Any) -> str:
    return create_function(cloud, HELLO)[0]


def test_a_code_change_is_served_at_the_same_url(cloud: Any) -> None:
    """The URL belongs to the function, not to one version of its code: an
    UpdateFunctionCode keeps the URL and the next request runs the new code."""
    from tests.cloudproc import zip_files

    name, url_id = make_url(cloud, HELLO)
    assert httpx.get(path_url(cloud, url_id), timeout=60).text == "Hello from Lambda!"
    new_code = 'def lambda_handler(event, context):\n    return "v2"\n'
    lam = cloud.client("lambda")
    lam.update_function_code(FunctionName=name, ZipFile=zip_files({"lambda_function.py": new_code}))
    assert httpx.get(path_url(cloud, url_id), timeout=60).text == "v2"
    assert URL_SHAPE.match(lam.get_function_url_config(FunctionName=name)["FunctionUrl"]).group(1) == url_id  # type: ignore[union-attr]
