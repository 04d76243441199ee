"""A function's lifecycle and configuration as AWS reports them (issue 13,
item 1), over a real local cloud with boto3 and its waiters. "[R] <test>"
cites a LocalStack snapshot recorded against real AWS
(tests/aws/services/lambda_/test_lambda_api.snapshot.json in
localstack/localstack at 8b9a79f), with its recording date."""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.cloudproc import create_function, zip_files

CREATING = "The function is being created."
RUNTIME_VERSION_ARN = r"arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}"


def _role(cloud: Any) -> str:
    _name, arn = create_function(cloud, "def lambda_handler(e, c):\n    return 0\n")
    got = cloud.client("lambda").get_function(FunctionName=arn)["Configuration"]["Role"]
    return str(got)


def _waiter(cloud: Any, name: str, waiter: str) -> float:
    """Seconds boto3's waiter took (it polls GetFunction once a second)."""
    started = time.perf_counter()
    cloud.client("lambda").get_waiter(waiter).wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    return time.perf_counter() - started


def test_create_answers_pending_then_the_function_is_active(cloud: Any) -> None:
    lam = cloud.client("lambda")
    name = f"life-{uuid.uuid4().hex[:8]}"
    code = zip_files({"lambda_function.py": "def lambda_handler(e, c):\n    return 'v1'\n"})
    created = lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=_role(cloud),
        Handler="lambda_function.lambda_handler",
        Code={"ZipFile": code},
    )
    # [R] test_function_lifecycle create_response (2025-11-25), reference A5:
    # 201, Pending / "The function is being created." / Creating, no LastUpdateStatus.
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert (created["State"], created["StateReason"], created["StateReasonCode"]) == ("Pending", CREATING, "Creating")
    assert "LastUpdateStatus" not in created
    # ... and the fields AWS reports that moto left out (same recording).
    assert created["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"}
    assert re.fullmatch(RUNTIME_VERSION_ARN, created["RuntimeVersionConfig"]["RuntimeVersionArn"])
    assert created["EphemeralStorage"] == {"Size": 512}
    assert "Layers" not in created  # none given: AWS leaves the key out
    # The local cloud is Pending only while it extracts the code, before it
    # answers: the waiter's first poll finds it Active, with no 1 s sleep.
    assert _waiter(cloud, name, "function_active_v2") < 0.9
    # [R] get_function_response: Active, Successful, no reasons.
    config = lam.get_function(FunctionName=name)["Configuration"]
    assert (config["State"], config["LastUpdateStatus"]) == ("Active", "Successful")
    assert not {"StateReason", "StateReasonCode", "LastUpdateStatusReason"} & set(config)
    assert config["LoggingConfig"]["LogGroup"] == f"/aws/lambda/{name}"
    same = lam.get_function_configuration(FunctionName=name)
    assert same["State"] == "Active" and same["RuntimeVersionConfig"] == config["RuntimeVersionConfig"]
    assert lam.invoke(FunctionName=name)["Payload"].read() == b'"v1"'
    # The INIT_START line names the same runtime version (reference C4; AWS's line:
    # "INIT_START Runtime Version: python:3.12.v18\tRuntime Version ARN: arn:...").
    events = cloud.client("logs").filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
    init = next(e["message"] for e in events if e["message"].startswith("INIT_START"))
    assert init.endswith(f"\tRuntime Version ARN: {config['RuntimeVersionConfig']['RuntimeVersionArn']}")


def test_updates_answer_in_progress_then_successful(cloud: Any) -> None:
    lam = cloud.client("lambda")
    name, _ = create_function(cloud, "def lambda_handler(e, c):\n    return 'v1'\n")
    assert lam.invoke(FunctionName=name)["Payload"].read() == b'"v1"'
    # [R] test_function_lifecycle update_func_conf_response (2025-11-25):
    # InProgress, worded "The function is being created." / Creating on AWS too.
    updated = lam.update_function_configuration(FunctionName=name, Timeout=10)
    assert updated["State"] == "Active" and updated["LastUpdateStatus"] == "InProgress"
    assert (updated["LastUpdateStatusReason"], updated["LastUpdateStatusReasonCode"]) == (CREATING, "Creating")
    assert _waiter(cloud, name, "function_updated_v2") < 0.9
    # [R] get_function_response_postupdate: Successful, no reason.
    after = lam.get_function(FunctionName=name)["Configuration"]
    assert after["LastUpdateStatus"] == "Successful" and "LastUpdateStatusReason" not in after
    # [R] update_code_response: the same for new code; the next call runs it.
    new = zip_files({"lambda_function.py": "def lambda_handler(e, c):\n    return 'v2'\n"})
    coded = lam.update_function_code(FunctionName=name, ZipFile=new)
    assert coded["LastUpdateStatus"] == "InProgress" and coded["LastUpdateStatusReasonCode"] == "Creating"
    assert _waiter(cloud, name, "function_updated_v2") < 0.9
    assert lam.invoke(FunctionName=name)["Payload"].read() == b'"v2"'


def test_reads_during_creation_see_the_sequence_pending_then_active(cloud: Any) -> None:
    """Code that takes a while to extract and compile: GetFunction, polled
    meanwhile, sees nothing, then Pending, then Active, never back; Invoke is
    refused while it is Pending."""
    lam = cloud.client("lambda")
    name = f"slow-{uuid.uuid4().hex[:8]}"
    body = "\n".join(f"def f{i}(x):\n    return [x * {i} for _ in range({i})]\n" for i in range(300))
    files: dict[str, str | bytes] = {f"mod{i}.py": body for i in range(60)}
    files["lambda_function.py"] = "def lambda_handler(e, c):\n    return 'ok'\n"
    role = _role(cloud)
    seen: list[str] = []
    invoked: list[str] = []
    done = threading.Event()

    def poll() -> None:
        reader = cloud.client("lambda")
        while not done.is_set():
            try:
                seen.append(reader.get_function(FunctionName=name)["Configuration"]["State"])
            except ClientError:
                seen.append("missing")

    def invoke() -> None:
        caller = cloud.client("lambda")
        while not done.is_set():
            try:
                caller.invoke(FunctionName=name)
                invoked.append("ran")
            except ClientError as exc:
                error = exc.response["Error"]
                invoked.append(error["Code"] if error["Code"] != "ResourceNotFoundException" else "missing")
                if error["Code"] == "ResourceConflictException":
                    # Reference A5 (functions-states, troubleshooting-invocation).
                    assert error["Message"] == (
                        "The operation cannot be performed at this time. "
                        "The function is currently in the following state: Pending"
                    )
                    assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 409

    pollers = [threading.Thread(target=poll), threading.Thread(target=invoke)]
    for poller in pollers:
        poller.start()
    try:
        created = lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="lambda_function.lambda_handler",
            Code={"ZipFile": zip_files(files)},
        )
        first_after = lam.get_function(FunctionName=name)["Configuration"]["State"]
    finally:
        done.set()
        for poller in pollers:
            poller.join()
    assert created["State"] == "Pending" and first_after == "Active"
    states = [s for i, s in enumerate(seen) if i == 0 or s != seen[i - 1]]  # runs collapsed
    assert "Pending" in states, states  # extracting 60 modules outlasts many reads
    assert states[states.index("Pending") :] in (["Pending"], ["Pending", "Active"]), states
    assert set(states[: states.index("Pending")]) <= {"missing"}, states  # never Active before Pending
    # An invoke meanwhile is refused while Pending, and runs once Active.
    calls = [s for i, s in enumerate(invoked) if i == 0 or s != invoked[i - 1]]
    assert set(calls) <= {"missing", "ResourceConflictException", "ran"}, calls
    assert calls == sorted(calls, key=["missing", "ResourceConflictException", "ran"].index), calls
    assert lam.invoke(FunctionName=name)["Payload"].read() == b'"ok"'


def test_list_functions_gives_its_subset(cloud: Any) -> None:
    name, _ = create_function(cloud, "def lambda_handler(e, c):\n    return 0\n")
    listed = next(
        f
        for page in cloud.client("lambda").get_paginator("list_functions").paginate()
        for f in page["Functions"]
        if f["FunctionName"] == name
    )
    # botocore's model (ListFunctions: "a subset of the FunctionConfiguration
    # fields", State, LastUpdateStatus and RuntimeVersionConfig left to
    # GetFunction); [R] test_list_functions list_default (2025-11-25).
    assert not {"State", "LastUpdateStatus", "RuntimeVersionConfig", "StateReason"} & set(listed)
    assert listed["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"}
    assert listed["EphemeralStorage"] == {"Size": 512}


def test_remove_permission_names_what_is_missing(cloud: Any) -> None:
    lam = cloud.client("lambda")
    name, _ = create_function(cloud, "def lambda_handler(e, c):\n    return 0\n")

    def refused(function: str, sid: str) -> dict[str, Any]:
        with pytest.raises(ClientError) as caught:
            lam.remove_permission(FunctionName=function, StatementId=sid)
        response: dict[str, Any] = caught.value.response
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 404
        assert response["Error"]["Code"] == "ResourceNotFoundException"
        return response

    # [R] test_permission_exceptions remove_permission_policy_doesnotexist (2025-11-25).
    assert refused(name, "s3")["Error"]["Message"] == "No policy is associated with the given resource."
    lam.add_permission(
        FunctionName=name, StatementId="s3", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com"
    )
    # [R] test_remove_multi_permissions remove_permission_exception_nonexisting_sid (2025-11-25).
    unknown = refused(name, "non-existent")
    assert unknown["Error"]["Message"] == "Statement non-existent is not found in resource policy."
    assert unknown["Type"] == "User"
    # [R] test_permission_exceptions remove_permission_fn_doesnotexist.
    missing = refused("doesnotexist", "s3")
    assert missing["Error"]["Message"] == (
        "No policy found for: arn:aws:lambda:us-east-1:123456789012:function:doesnotexist"
    )
    lam.remove_permission(FunctionName=name, StatementId="s3")  # the one that exists goes


def test_ephemeral_storage_is_reported_and_is_the_size_of_tmp(cloud: Any) -> None:
    code = (
        "import resource, shutil\ndef lambda_handler(e, c):\n"
        "    return [resource.getrlimit(resource.RLIMIT_FSIZE)[0] // 2**20, shutil.disk_usage('/tmp').total // 2**20]\n"
    )
    lam = cloud.client("lambda")
    name, _ = create_function(cloud, code)
    # [R] every recording above: {"Size": 512} unless set.
    assert lam.get_function_configuration(FunctionName=name)["EphemeralStorage"] == {"Size": 512}
    assert json.loads(lam.invoke(FunctionName=name)["Payload"].read())[0] == 512
    # botocore's model: UpdateFunctionConfiguration takes EphemeralStorage (512-10240 MB).
    updated = lam.update_function_configuration(FunctionName=name, EphemeralStorage={"Size": 2048})
    assert updated["EphemeralStorage"] == {"Size": 2048}
    lam.get_waiter("function_updated_v2").wait(FunctionName=name)
    assert lam.get_function(FunctionName=name)["Configuration"]["EphemeralStorage"] == {"Size": 2048}
    fsize, tmp = json.loads(lam.invoke(FunctionName=name)["Payload"].read())
    assert fsize == 2048 and tmp in (2048, shutil.disk_usage("/tmp").total // 2**20)  # the host's without a mount
