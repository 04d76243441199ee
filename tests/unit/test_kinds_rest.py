"""The REST API kinds (api.type rest), in-process against moto's in-memory
backends as tests/unit/test_kinds.py does: the console's flow (reference
J1) made once and reused, a deployment only when something changed (J1.7),
pending entries found again, and destroy's order leaving nothing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.unit import test_kinds
from tests.unit.test_kinds import ledger_for
from tui.config import Config, ConfigError, api_for_type, load
from tui.services import permissions, rest_api
from tui.services.session import Cloud
from tui.stack import plans
from tui.stack.destroy import destroy, plan
from tui.stack.engine import Deployer, Event
from tui.stack.ledger import Resource
from tui.stack.plans import BY_TYPE

REST = replace(Config(), api=api_for_type("rest", name="my-http-api"))
KEYED = replace(REST, api=replace(REST.api, api_key=True))
REST_TYPES = [
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Resource",
    "AWS::ApiGateway::Method",
    "AWS::Lambda::Permission/RestApi",
    "AWS::ApiGateway::Stage",
]
cloud = test_kinds.cloud  # the fixture: moto in memory, us-east-1
KEY_TYPES = ["AWS::ApiGateway::ApiKey", "AWS::ApiGateway::UsagePlan", "AWS::ApiGateway::UsagePlanKey"]


def deployments(cloud: Cloud, api_id: str) -> list[str]:
    return [d["id"] for d in cloud.client("apigateway").get_deployments(restApiId=api_id)["items"]]


def test_the_console_flow_is_made_once_and_a_second_deploy_creates_and_deploys_nothing(
    cloud: Cloud,
    tmp_path: Path,
) -> None:
    ledger = ledger_for(cloud, tmp_path)
    first = Deployer(cloud, KEYED, ledger).run()
    types = {r.type for r in ledger.resources}
    assert types >= {*REST_TYPES, *KEY_TYPES} and not [t for t in types if "ApiGatewayV2" in t]
    gw = cloud.client("apigateway")
    api = gw.get_rest_api(restApiId=first.api_id)
    assert api["endpointConfiguration"]["types"] == ["REGIONAL"]  # J1.1
    resource = next(r for r in gw.get_resources(restApiId=first.api_id)["items"] if r["path"] == "/my-function")
    method = gw.get_method(restApiId=first.api_id, resourceId=resource["id"], httpMethod="ANY")
    assert method["authorizationType"] == "NONE" and method["apiKeyRequired"] is True
    # J1.5: AWS_PROXY, called with POST, the function inside Lambda's invoke path.
    integration = method["methodIntegration"]
    assert (integration["type"], integration["httpMethod"]) == ("AWS_PROXY", "POST")
    assert integration["uri"] == rest_api.integration_uri("us-east-1", first.function_arn)
    assert first.invoke_url == f"https://{first.api_id}.execute-api.us-east-1.amazonaws.com/dev"
    assert first.test_url == first.invoke_url + "/my-function" and first.api_key_id
    # J1.6: the statement lets this API call the function from ANY /my-function on any stage.
    [statement] = permissions.statements(cloud, "my-function")
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"].endswith(f":{first.api_id}/*/*/my-function")
    plan_ = gw.get_usage_plans()["items"][0]
    assert plan_["apiStages"] == [{"apiId": first.api_id, "stage": "dev"}]
    assert [k["id"] for k in gw.get_usage_plan_keys(usagePlanId=plan_["id"])["items"]] == [first.api_key_id]
    made = deployments(cloud, first.api_id)
    assert len(made) == 1 and gw.get_stage(restApiId=first.api_id, stageName="dev")["deploymentId"] == made[0]

    again = Deployer(cloud, KEYED, ledger).run()
    assert again.created == [] and again.updated == [] and again.api_id == first.api_id
    assert deployments(cloud, first.api_id) == made  # nothing changed: no new deployment


def test_a_dropped_route_goes_and_a_change_is_deployed(cloud: Cloud, tmp_path: Path) -> None:
    ledger = ledger_for(cloud, tmp_path)
    two = replace(REST, api=replace(REST.api, routes=("GET /a/b", "ANY /{proxy+}"), stage_variables=(("t", "1"),)))
    first = Deployer(cloud, two, ledger).run()
    gw = cloud.client("apigateway")
    assert sorted(r["path"] for r in gw.get_resources(restApiId=first.api_id)["items"]) == [
        "/",
        "/a",
        "/a/b",
        "/{proxy+}",
    ]
    before = gw.get_stage(restApiId=first.api_id, stageName="dev")
    assert before["variables"] == {"t": "1"}
    one = replace(REST, api=replace(REST.api, routes=("ANY /{proxy+}",), stage_variables=(("u", "2"),)))
    events: list[Event] = []
    Deployer(cloud, one, ledger, events.append).run()
    assert sorted(r["path"] for r in gw.get_resources(restApiId=first.api_id)["items"]) == ["/", "/{proxy+}"]
    stage = gw.get_stage(restApiId=first.api_id, stageName="dev")
    assert stage["variables"] == {"u": "2"} and len(deployments(cloud, first.api_id)) == 2
    # J1.7: the dropped route serves no more only once the stage is on a new deployment.
    assert stage["deploymentId"] != before["deploymentId"]
    assert any("Deployed the API to the stage dev" in e.message for e in events)
    [statement] = permissions.statements(cloud, "my-function")
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"].endswith(f":{first.api_id}/*/*/*")
    assert not [r for r in ledger.all("AWS::ApiGateway::Resource") if r.extra.get("path", "").startswith("/a")]


def test_each_rest_kind_finds_what_a_pending_entry_stands_for(cloud: Cloud, tmp_path: Path) -> None:
    ledger = ledger_for(cloud, tmp_path)
    result = Deployer(cloud, KEYED, ledger).run()
    gw = cloud.client("apigateway")
    tokens = {
        "AWS::ApiGateway::RestApi": gw.get_rest_api(restApiId=result.api_id)["tags"],
        "AWS::ApiGateway::ApiKey": gw.get_api_key(apiKey=result.api_key_id)["tags"],
        "AWS::ApiGateway::UsagePlan": gw.get_usage_plans()["items"][0]["tags"],
    }
    for recorded in [r for r in ledger.resources if r.type in REST_TYPES + KEY_TYPES]:
        pending = Resource(recorded.type, recorded.id, parent=recorded.parent, extra=dict(recorded.extra))
        if recorded.type in tokens:
            token = tokens[recorded.type]["apigw-wizard:token"]
            pending = Resource(recorded.type, "pending-x", extra={"token": token, "name": recorded.extra.get("name")})
        if recorded.type == "AWS::ApiGateway::Resource":
            pending = Resource(recorded.type, "pending-x", parent=recorded.parent, extra=dict(recorded.extra))
        found = BY_TYPE[recorded.type].find(cloud, pending, result.account)
        assert found is not None and found.id == recorded.id, recorded


def test_destroy_deletes_the_plan_before_the_key_and_the_api_and_leaves_nothing(
    cloud: Cloud,
    tmp_path: Path,
) -> None:
    ledger = ledger_for(cloud, tmp_path)
    Deployer(cloud, KEYED, ledger).run()
    order = [r.type for r in plan(ledger)]
    assert order.index("AWS::ApiGateway::UsagePlan") < order.index("AWS::ApiGateway::ApiKey")
    assert order.index("AWS::ApiGateway::UsagePlan") < order.index("AWS::ApiGateway::RestApi")
    destroy(cloud, ledger)
    gw = cloud.client("apigateway")
    assert ledger.resources == []
    assert gw.get_rest_apis()["items"] == [] and gw.get_api_keys()["items"] == []
    assert gw.get_usage_plans()["items"] == [] and cloud.client("lambda").list_functions()["Functions"] == []


def test_turning_the_key_off_and_switching_type_retire_what_no_longer_applies(
    cloud: Cloud,
    tmp_path: Path,
) -> None:
    ledger = ledger_for(cloud, tmp_path)
    first = Deployer(cloud, KEYED, ledger).run()
    gw = cloud.client("apigateway")
    Deployer(cloud, REST, ledger).apply(plans.ALL)
    assert gw.get_api_keys()["items"] == [] and gw.get_usage_plans()["items"] == []
    resource = next(r for r in gw.get_resources(restApiId=first.api_id)["items"] if r["path"] == "/my-function")
    assert gw.get_method(restApiId=first.api_id, resourceId=resource["id"], httpMethod="ANY")["apiKeyRequired"] is False
    http = replace(Config(), api=replace(Config().api, name="my-http-api"))
    result = Deployer(cloud, http, ledger).run()
    assert gw.get_rest_apis()["items"] == [] and result.api_id != first.api_id
    assert not [r for r in ledger.resources if r.type.startswith("AWS::ApiGateway::")]
    assert [
        s["Condition"]["ArnLike"]["AWS:SourceArn"].split(":")[-1].split("/")[0]
        for s in permissions.statements(cloud, "my-function")
    ] == [result.api_id]


def test_a_config_with_two_variable_siblings_is_refused_before_any_call(tmp_path: Path) -> None:
    """CreateResource would refuse the second ("A sibling ({x}) of this
    resource already has a variable path part -- only one is allowed")."""
    path = tmp_path / "c.yaml"
    path.write_text("api:\n  type: rest\n  routes: ['GET /a/{x}', 'POST /a/{y}']\n")
    with pytest.raises(ConfigError, match=r"c.yaml:3: api.routes: .*\{y\} beside \{x\}.*use \{x\} in both"):
        load(path)
    path.write_text("api:\n  routes: ['GET /a/{x}', 'POST /a/{y}']\n")  # an HTTP API takes them
    assert load(path).api.routes == ("GET /a/{x}", "POST /a/{y}")


def test_a_deploy_that_died_after_creating_the_api_adopts_it(cloud: Cloud, tmp_path: Path) -> None:
    """Intent-first: the pending entry's token finds the API whose create
    answer was lost; the next deploy reuses it and makes no second one."""
    from tui.services.errors import WizardError
    from tui.stack import intent
    from tui.stack.kinds import rest_api as kind

    ledger = ledger_for(cloud, tmp_path)

    def make_then_lose() -> None:
        rest_api.create_rest_api(cloud, "my-http-api", {kind.TOKEN_TAG: "tok"})
        raise WizardError("create the REST API", "ServiceUnavailable", "connection reset", "retry", transient=True)

    real = intent.create(
        ledger,
        cloud,
        kind.KIND,
        Resource(kind.KIND.type, "pending-tok", extra={"token": "tok", "name": "my-http-api"}),
        make_then_lose,
        lambda reply: Resource(kind.KIND.type, reply["id"]),
    )
    result = Deployer(cloud, REST, ledger).run()
    assert result.api_id == real.id and [a["id"] for a in rest_api.list_rest_apis(cloud)] == [real.id]
