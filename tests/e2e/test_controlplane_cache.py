"""Repeated reads are answered from a cache on the local cloud; these prove
it never answers from before a change: every Get/List issued twice (so the
second could come from the cache), then changed, must show the change."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from tests.cloudproc import ECHO, create_function, deploy, zip_files


def twice(call: Any, **kwargs: Any) -> Any:
    """The same read twice: the second answer may come from the cache."""
    first = call(**kwargs)
    second = call(**kwargs)
    first.pop("ResponseMetadata", None)
    meta = second.pop("ResponseMetadata", {})
    assert first == second
    return second, meta


def test_function_reads_see_updates_tags_and_deletes(cloud: Any) -> None:
    lam = cloud.client("lambda")
    name, arn = create_function(cloud, ECHO, memory=128, env={"MODE": "one"})
    listed, first_meta = twice(lam.list_functions)
    assert name in [f["FunctionName"] for f in listed["Functions"]]
    _, second_meta = twice(lam.list_functions)
    # A cached answer still carries its own request id.
    assert first_meta["RequestId"] != second_meta["RequestId"]
    config, _ = twice(lam.get_function_configuration, FunctionName=name)
    assert (config["MemorySize"], config["Environment"]["Variables"]) == (128, {"MODE": "one"})

    lam.update_function_configuration(FunctionName=name, MemorySize=256, Environment={"Variables": {"MODE": "two"}})
    config, _ = twice(lam.get_function_configuration, FunctionName=name)
    assert (config["MemorySize"], config["Environment"]["Variables"]) == (256, {"MODE": "two"})
    listed, _ = twice(lam.list_functions)
    assert [f["MemorySize"] for f in listed["Functions"] if f["FunctionName"] == name] == [256]

    before = lam.get_function(FunctionName=name)["Configuration"]["CodeSha256"]
    lam.update_function_code(FunctionName=name, ZipFile=zip_files({"lambda_function.py": ECHO + "\n# v2\n"}))
    after, _ = twice(lam.get_function, FunctionName=name)
    assert after["Configuration"]["CodeSha256"] != before

    assert twice(lam.list_tags, Resource=arn)[0]["Tags"] == {}
    lam.tag_resource(Resource=arn, Tags={"team": "a"})
    assert twice(lam.list_tags, Resource=arn)[0]["Tags"] == {"team": "a"}
    lam.untag_resource(Resource=arn, TagKeys=["team"])
    assert twice(lam.list_tags, Resource=arn)[0]["Tags"] == {}

    lam.add_permission(
        FunctionName=name, StatementId="s1", Action="lambda:InvokeFunction", Principal="apigateway.amazonaws.com"
    )
    policy, _ = twice(lam.get_policy, FunctionName=name)
    assert "s1" in policy["Policy"]
    lam.remove_permission(FunctionName=name, StatementId="s1")
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_policy(FunctionName=name)

    lam.delete_function(FunctionName=name)
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_function(FunctionName=name)
    assert name not in [f["FunctionName"] for f in twice(lam.list_functions)[0]["Functions"]]


def test_api_reads_see_updates_tags_and_deletes(cloud: Any) -> None:
    deployed = deploy(cloud, ECHO, routes=("GET /a",), stage="dev")
    api = cloud.client("apigatewayv2")
    api_id = deployed.api_id
    apis, _ = twice(api.get_apis)
    assert [a["Name"] for a in apis["Items"] if a["ApiId"] == api_id] == [f"api-{deployed.function}"]

    api.update_api(ApiId=api_id, Name="renamed")
    assert twice(api.get_api, ApiId=api_id)[0]["Name"] == "renamed"
    assert [a["Name"] for a in twice(api.get_apis)[0]["Items"] if a["ApiId"] == api_id] == ["renamed"]

    [route] = twice(api.get_routes, ApiId=api_id)[0]["Items"]
    api.update_route(ApiId=api_id, RouteId=route["RouteId"], RouteKey="GET /b")
    assert [r["RouteKey"] for r in twice(api.get_routes, ApiId=api_id)[0]["Items"]] == ["GET /b"]
    extra = api.create_route(ApiId=api_id, RouteKey="POST /c", Target=f"integrations/{deployed.integration_id}")
    assert len(twice(api.get_routes, ApiId=api_id)[0]["Items"]) == 2
    api.delete_route(ApiId=api_id, RouteId=extra["RouteId"])
    assert [r["RouteKey"] for r in twice(api.get_routes, ApiId=api_id)[0]["Items"]] == ["GET /b"]

    # UpdateStage is answered by the local cloud itself, not moto: the cache must see it too.
    api.update_stage(ApiId=api_id, StageName="dev", StageVariables={"v": "1"})
    assert twice(api.get_stage, ApiId=api_id, StageName="dev")[0]["StageVariables"] == {"v": "1"}
    api.update_stage(ApiId=api_id, StageName="dev", StageVariables={"v": "2"})
    assert twice(api.get_stage, ApiId=api_id, StageName="dev")[0]["StageVariables"] == {"v": "2"}

    arn = f"arn:aws:apigateway:us-east-1::/apis/{api_id}"
    assert twice(api.get_tags, ResourceArn=arn)[0].get("Tags", {}) == {}
    api.tag_resource(ResourceArn=arn, Tags={"env": "test"})
    assert twice(api.get_tags, ResourceArn=arn)[0]["Tags"] == {"env": "test"}

    api.delete_api(ApiId=api_id)
    with pytest.raises(api.exceptions.NotFoundException):
        api.get_api(ApiId=api_id)
    assert api_id not in [a["ApiId"] for a in twice(api.get_apis)[0]["Items"]]


def test_reads_after_an_invoke_see_its_logs(cloud: Any) -> None:
    """An invoke writes log groups and events as a side effect, not through
    an API call: Logs reads must show them (they are never cached)."""
    deployed = deploy(
        cloud,
        'def lambda_handler(e, c):\n    print("line-" + e["rawQueryString"])\n    return 1\n',
        routes=("GET /log",),
    )
    logs = cloud.client("logs")
    group = f"/aws/lambda/{deployed.function}"
    for n in range(3):
        assert deployed.get(f"/log?{n}").status_code == 200
        deadline = time.monotonic() + 30
        messages: list[str] = []
        while time.monotonic() < deadline and f"line-{n}" not in "".join(messages):
            try:
                messages = [e["message"] for e in logs.filter_log_events(logGroupName=group)["events"]]
            except logs.exceptions.ResourceNotFoundException:
                messages = []
            time.sleep(0.05)
        assert f"line-{n}" in "".join(messages), messages
    groups = [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]]
    assert groups == [group]


def test_reads_are_still_refused_without_the_owners_signature(cloud: Any) -> None:
    """A cached answer is never a way around the signature check."""
    lam = cloud.client("lambda")
    twice(lam.list_functions)
    unsigned = httpx.get(f"{cloud.endpoint}/2015-03-31/functions/")
    assert unsigned.status_code == 403
    assert "Functions" not in unsigned.text
    forged = httpx.get(
        f"{cloud.endpoint}/2015-03-31/functions/",
        headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=LKIAAAAAAAAAAAAAAAAA/20260101/us-east-1/lambda/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64,
            "x-amz-date": "20260101T000000Z",
        },
    )
    assert forged.status_code == 403 and "Functions" not in forged.text
    assert json.loads(forged.text)


def test_the_data_plane_follows_a_change_read_back_from_the_cache(cloud: Any) -> None:
    deployed = deploy(cloud, 'def lambda_handler(e, c):\n    return "one"\n', routes=("GET /v",))
    lam = cloud.client("lambda")
    assert deployed.get("/v").text == "one"
    twice(lam.get_function, FunctionName=deployed.function)
    lam.update_function_code(
        FunctionName=deployed.function,
        ZipFile=zip_files({"lambda_function.py": 'def lambda_handler(e, c):\n    return "two"\n'}),
    )
    assert twice(lam.get_function, FunctionName=deployed.function)[0]["Configuration"]["CodeSha256"]
    assert deployed.get("/v").text == "two"
