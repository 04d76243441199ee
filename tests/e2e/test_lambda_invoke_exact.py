"""Lambda's Invoke API word for word as AWS answers it (issue 13, item 5):
its refusals, runtime failures, log tail, context and environment, over a
real local cloud with boto3. "[R] <test>" cites a LocalStack snapshot
recorded against real AWS (tests/aws/services/lambda_/*.snapshot.json in
localstack/localstack at 8b9a79f), with its recording date."""

from __future__ import annotations

import base64
import contextlib
import json
import re
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.cloudproc import create_function

ARN = "arn:aws:lambda:us-east-1:123456789012:function:"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
NAME_PATTERN = (
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?"
    r"(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?"
)
ECHO = "import json\ndef lambda_handler(event, context):\n    print(json.dumps(event))\n    return event\n"


@pytest.fixture(scope="module")
def echo(cloud: Any) -> str:
    return create_function(cloud, ECHO)[0]


def _error(cloud: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        cloud.client("lambda").invoke(**kwargs)
    response: dict[str, Any] = caught.value.response
    return response


def _payload(reply: dict[str, Any]) -> Any:
    return json.loads(reply["Payload"].read())


# -- refusals ---------------------------------------------------------------
def test_a_missing_function_is_named_with_its_qualifier(cloud: Any, echo: str) -> None:
    # [R] test_invoke_exceptions (2025-11-24): "...:function:doesnotexist:$LATEST", 404, Type User.
    missing = _error(cloud, FunctionName="doesnotexist")
    assert missing["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert missing["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": f"Function not found: {ARN}doesnotexist:$LATEST",
    }
    assert missing["Type"] == "User"
    # [R] test_ops_on_nonexisting_version (2025-11-25) and
    # test_permission_exceptions add_permission_fn_version_doesnotexist: ":<version>".
    version = _error(cloud, FunctionName=echo, Qualifier="42")
    assert version["Error"]["Message"] == f"Function not found: {ARN}{echo}:42"


def test_an_invalid_name_or_qualifier_is_a_validation_exception(cloud: Any, echo: str) -> None:
    # [R] test_function_name_and_qualifier_validation[invalid_characters_in_function_name-invoke]
    # and test_invalid_invoke (2025-11-25): 400 with the model's pattern in the message.
    bad_name = _error(cloud, FunctionName="my-function!")
    assert bad_name["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert bad_name["Error"] == {
        "Code": "ValidationException",
        "Message": "1 validation error detected: Value 'my-function!' at 'functionName' failed to satisfy "
        f"constraint: Member must satisfy regular expression pattern: {NAME_PATTERN}",
    }
    # [R] ...[invalid_characters_in_qualifier-invoke] (2025-11-25).
    bad_qualifier = _error(cloud, FunctionName=echo, Qualifier="invalid!")
    assert bad_qualifier["Error"]["Message"] == (
        "1 validation error detected: Value 'invalid!' at 'qualifier' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: \$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+"
    )


def test_a_payload_that_is_not_json_is_refused_before_the_function_runs(cloud: Any, echo: str) -> None:
    # [R] test_lambda_invoke_payload_encoding_error[body-...] (2025-11-24): the
    # bytes the AWS CLI v2 sends for an inline payload without
    # --cli-binary-format; 400 InvalidRequestContentException, Type User.
    refused = _error(cloud, FunctionName=echo, Payload=b"n\x87r\x9e\xe9\xb5\xd7I\xee\x9bmt")
    assert refused["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert refused["Error"]["Code"] == "InvalidRequestContentException" and refused["Type"] == "User"
    assert refused["Error"]["Message"].startswith(
        "Could not parse request body into json: Could not parse payload into json: Invalid UTF-8 start byte 0x87"
    )
    text = _error(cloud, FunctionName=echo, Payload=b"{not json")
    assert text["Error"]["Code"] == "InvalidRequestContentException"
    assert "line: 1, column: 2]" in text["Error"]["Message"]
    # NaN is Python's json module's extension; AWS's parser (Jackson) refuses it.
    assert _error(cloud, FunctionName=echo, Payload=b'{"a": NaN}')["Error"]["Code"] == "InvalidRequestContentException"
    cloud.client("lambda").invoke(FunctionName=echo, Payload=b'"valid"')
    logs = cloud.client("logs").filter_log_events(logGroupName=f"/aws/lambda/{echo}")["events"]
    printed = [e["message"] for e in logs if not e["message"].startswith(("START", "END", "REPORT", "INIT"))]
    assert printed == ['"valid"']  # the handler never saw the others


def test_an_oversized_request_is_request_entity_too_large(cloud: Any, echo: str) -> None:
    # 413 RequestEntityTooLargeException "Request must be smaller than 6291456
    # bytes for the InvokeFunction operation": awslabs/aws-athena-query-federation#793
    # (Status Code: 413; Error Code: RequestEntityTooLargeException), pelmers/streetwarp-web#14.
    refused = _error(cloud, FunctionName=echo, Payload=json.dumps({"x": "y" * 6_300_000}).encode())
    assert refused["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert refused["Error"] == {
        "Code": "RequestEntityTooLargeException",
        "Message": "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
    }


def test_an_event_payload_over_1_mb_is_refused(cloud: Any, echo: str) -> None:
    # The Invoke API reference: asynchronous payloads up to 1 MB; the 413's
    # words as captured with the earlier 256 KB limit (ASFHyP3/hyp3#2241).
    payload = json.dumps({"x": "y" * (1024 * 1024)}).encode()
    refused = _error(cloud, FunctionName=echo, InvocationType="Event", Payload=payload)
    assert refused["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert refused["Error"] == {
        "Code": "RequestEntityTooLargeException",
        "Message": f"{len(payload)} byte payload is too large for the Event invocation type (limit 1048576 bytes)",
    }
    reply = cloud.client("lambda").invoke(FunctionName=echo, InvocationType="Event", Payload=payload[:900_000] + b'"}')
    assert reply["StatusCode"] == 202


def test_the_response_limit_is_6_mib_plus_100_bytes(cloud: Any) -> None:
    code = "def lambda_handler(event, context):\n    return 'a' * event['size']\n"
    name, _ = create_function(cloud, code, memory=512)
    lam = cloud.client("lambda")
    # A 6 MiB string (6 MiB + 2 bytes of JSON) is within AWS's 6291556 bytes.
    reply = lam.invoke(FunctionName=name, Payload=json.dumps({"size": 6 * 1024 * 1024}).encode())
    assert "FunctionError" not in reply and len(reply["Payload"].read()) == 6 * 1024 * 1024 + 2
    # [R] test_lambda_too_large_response (2025-11-24): 7 MB fails with this payload, twice.
    for _ in range(2):
        reply = lam.invoke(FunctionName=name, Payload=json.dumps({"size": 7 * 1024 * 1024}).encode())
        assert reply["FunctionError"] == "Unhandled"
        assert _payload(reply) == {
            "errorMessage": "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
            "errorType": "Function.ResponseSizeTooLarge",
        }


# -- runtime failures -------------------------------------------------------
def test_sys_exit_in_the_handler_is_an_exit_error(cloud: Any) -> None:
    # [R] test_lambda_handler_exit (2025-11-24): sys.exit(0) in the handler.
    name, _ = create_function(cloud, "import sys\ndef lambda_handler(event, context):\n    sys.exit(0)\n")
    reply = cloud.client("lambda").invoke(FunctionName=name)
    assert reply["FunctionError"] == "Unhandled"
    out = _payload(reply)
    assert list(out) == ["errorType", "errorMessage"] and out["errorType"] == "Runtime.ExitError"
    assert re.fullmatch(f"RequestId: {UUID} Error: Runtime exited without providing a reason", out["errorMessage"])


def test_sys_exit_while_importing_is_an_exit_error(cloud: Any) -> None:
    # [R] test_lambda_runtime_exit (2025-11-24): sys.exit(0) at module level.
    code = "import sys\nsys.exit(0)\ndef lambda_handler(event, context):\n    return 1\n"
    name, _ = create_function(cloud, code)
    reply = cloud.client("lambda").invoke(FunctionName=name)
    out = _payload(reply)
    assert reply["FunctionError"] == "Unhandled" and out["errorType"] == "Runtime.ExitError"
    assert re.fullmatch(f"RequestId: {UUID} Error: Runtime exited without providing a reason", out["errorMessage"])
    assert out["errorMessage"].split()[1] == reply["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
    # Any other status is worded as one ([R] test_lambda_runtime_wrapper_not_found: "exit status 127").
    name, _ = create_function(cloud, "import sys\nsys.exit(3)\n")
    out = _payload(cloud.client("lambda").invoke(FunctionName=name))
    assert out["errorMessage"].endswith("Error: Runtime exited with error: exit status 3")


def test_an_import_time_exception_has_an_empty_request_id(cloud: Any) -> None:
    # [R] test_lambda_runtime_error (2025-11-24): "requestId": "" (no invocation
    # yet when awslambdaric reports it), the message and type of the exception.
    name, _ = create_function(cloud, 'raise Exception("Runtime startup fails")\n')
    reply = cloud.client("lambda").invoke(FunctionName=name)
    out = _payload(reply)
    assert reply["FunctionError"] == "Unhandled"
    assert list(out) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert out["errorMessage"] == "Runtime startup fails" and out["errorType"] == "Exception"
    assert out["requestId"] == ""
    assert 'lambda_function.py", line 1, in <module>' in out["stackTrace"][-1]


def test_the_log_tail_ends_its_lines_as_lambda_does(cloud: Any, echo: str) -> None:
    # [R] test_invocation_with_logs[python3.10] (2025-11-24): START, the print,
    # END and REPORT, each ending in "\n", REPORT in "\t\n".
    reply = cloud.client("lambda").invoke(FunctionName=echo, Payload=b"{}", LogType="Tail")
    lines = base64.b64decode(reply["LogResult"]).decode().splitlines(keepends=True)
    request_id = reply["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
    assert lines[0] == f"START RequestId: {request_id} Version: $LATEST\n"
    assert lines[1:3] == ["{}\n", f"END RequestId: {request_id}\n"]
    assert lines[3].startswith(f"REPORT RequestId: {request_id}\tDuration: ") and lines[3].endswith(" MB\t\n")
    assert len(lines) == 4


# -- context and environment ------------------------------------------------
CONTEXT = """
import os
OUTSIDE = os.environ.get("_X_AMZN_TRACE_ID")
def lambda_handler(event, context):
    cc = context.client_context
    client = None if cc is None or cc.client is None else [cc.client.app_title, cc.client.installation_id]
    return {
        "arn": context.invoked_function_arn,
        "custom": None if cc is None else cc.custom,
        "env": None if cc is None else cc.env,
        "client": client,
        "xray": {k: v for k, v in os.environ.items() if "XRAY" in k or k == "_X_AMZN_TRACE_ID"},
        "runtime_api": os.environ["AWS_LAMBDA_RUNTIME_API"],
        "outside": OUTSIDE,
    }
"""


@pytest.fixture(scope="module")
def context_fn(cloud: Any) -> str:
    return create_function(cloud, CONTEXT)[0]


def test_client_context_is_an_object_as_in_the_python_runtime(cloud: Any, context_fn: str) -> None:
    # awslambdaric lambda_context.py: ClientContext with slots custom, env,
    # client; client a Client object whose missing fields are None (reference C1).
    sent = {"custom": {"tenant": "t1"}, "env": {"platform": "cli"}, "client": {"app_title": "wizard"}}
    reply = cloud.client("lambda").invoke(
        FunctionName=context_fn, ClientContext=base64.b64encode(json.dumps(sent).encode()).decode()
    )
    out = _payload(reply)
    assert "FunctionError" not in reply, out
    assert out["custom"] == {"tenant": "t1"} and out["env"] == {"platform": "cli"}
    assert out["client"] == ["wizard", None]


def test_a_latest_qualifier_shows_in_the_invoked_arn(cloud: Any, context_fn: str) -> None:
    # [R] test_introspection_invoke[python3.12] (2026-01-12): unqualified ->
    # bare ARN; Qualifier=$LATEST -> "...:function:NAME:$LATEST".
    lam = cloud.client("lambda")
    assert _payload(lam.invoke(FunctionName=context_fn))["arn"] == f"{ARN}{context_fn}"
    qualified = _payload(lam.invoke(FunctionName=context_fn, Qualifier="$LATEST"))
    assert qualified["arn"] == f"{ARN}{context_fn}:$LATEST"
    named = _payload(lam.invoke(FunctionName=f"{context_fn}:$LATEST"))
    assert named["arn"] == f"{ARN}{context_fn}:$LATEST"


def test_the_xray_environment_of_the_python_runtime(cloud: Any, context_fn: str) -> None:
    # [R] test_introspection_invoke[python3.12] (2026-01-12): the daemon on the
    # Runtime API's host at port 2000, LOG_ERROR when context is missing.
    out = _payload(cloud.client("lambda").invoke(FunctionName=context_fn))
    host = out["runtime_api"].split(":")[0]
    xray = out["xray"]
    assert xray["AWS_XRAY_CONTEXT_MISSING"] == "LOG_ERROR"
    assert xray["AWS_XRAY_DAEMON_ADDRESS"] == f"{host}:2000"
    assert xray["_AWS_XRAY_DAEMON_ADDRESS"] == host and xray["_AWS_XRAY_DAEMON_PORT"] == "2000"
    assert re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0", xray["_X_AMZN_TRACE_ID"])


def test_the_callers_trace_reaches_the_handler_and_none_is_set_at_import(cloud: Any, context_fn: str) -> None:
    # LocalStack's AWS-validated test_xray_trace_propagation and
    # test_traceid_outside_handler (2025-11-24): the X-Amzn-Trace-Id root the
    # invoke carries is the handler's; at import time _X_AMZN_TRACE_ID is unset.
    lam = cloud.client("lambda")
    root = "1-3152b799-8954dae64eda91bc9a23a7e8"

    def add_header(request: Any, **_kwargs: Any) -> None:
        request.headers["X-Amzn-Trace-Id"] = f"Root={root};Parent=7fa8c0f79203be72;Sampled=1"

    lam.meta.events.register("before-send.lambda.Invoke", add_header)
    out = _payload(lam.invoke(FunctionName=context_fn))
    assert out["xray"]["_X_AMZN_TRACE_ID"].startswith(f"Root={root};")
    assert out["outside"] is None


def test_client_context_reaches_synchronous_invocations_only(cloud: Any) -> None:
    # The Invoke API reference: "Lambda passes the ClientContext object to
    # your function for synchronous invocations only."
    code = "def lambda_handler(event, context):\n    print('client context:', context.client_context)\n"
    name, _ = create_function(cloud, code)
    lam, logs = cloud.client("lambda"), cloud.client("logs")
    sent = base64.b64encode(json.dumps({"custom": {"k": "v"}}).encode()).decode()
    assert lam.invoke(FunctionName=name, InvocationType="Event", ClientContext=sent)["StatusCode"] == 202
    deadline = time.monotonic() + 20
    printed: list[str] = []
    while not printed and time.monotonic() < deadline:
        time.sleep(0.2)
        with contextlib.suppress(ClientError):
            events = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
            printed = [e["message"] for e in events if e["message"].startswith("client context:")]
    assert printed == ["client context: None"]
