"""Each resource kind, in-process against moto's in-memory backends (no
server, no subprocess): ensure creates then reuses, find resolves a pending
ledger entry, delete removes it, and the registry drives destroy's order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tui.config import Config
from tui.services.session import Cloud, Target
from tui.stack import plans
from tui.stack.destroy import ORDER, destroy, plan
from tui.stack.engine import Deployer, Event
from tui.stack.plans import BY_TYPE, LEGACY_TYPES, ORDERED
from tui.stack.ledger import Ledger, Resource, Scope

REGION = "us-east-1"


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Cloud]:
    from moto import mock_aws

    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    with mock_aws():
        yield Cloud(Target("aws", REGION))


def ledger_for(cloud: Cloud, tmp_path: Path) -> Ledger:
    ident = cloud.identity()
    return Ledger.open(tmp_path, Scope("aws", ident.account, REGION, None, "my-function", "my-http-api"))


def test_deploy_twice_creates_once_and_records_cloudformation_types(cloud: Cloud, tmp_path: Path) -> None:
    events: list[Event] = []
    ledger = ledger_for(cloud, tmp_path)
    first = Deployer(cloud, Config(), ledger, events.append).run()
    assert sorted(r.type for r in ledger.resources) == sorted(
        [
            "AWS::IAM::Role",
            "AWS::IAM::ManagedPolicy",
            "AWS::Lambda::Function",
            "AWS::ApiGatewayV2::Api",
            "AWS::ApiGatewayV2::Integration",
            "AWS::ApiGatewayV2::Route",
            "AWS::ApiGatewayV2::Stage",
            "AWS::Lambda::Permission",
        ]
    )
    assert len(first.created) == 8 and first.created[0].startswith("iam_role:")  # deploy --json's words
    again = Deployer(cloud, Config(), ledger).run()
    assert again.created == [] and again.api_id == first.api_id
    assert {label.split(":")[0] for label in again.reused} >= {"iam_role", "lambda_function", "apigw_api"}


def test_each_kind_finds_what_a_pending_entry_stands_for(cloud: Cloud, tmp_path: Path) -> None:
    ledger = ledger_for(cloud, tmp_path)
    result = Deployer(cloud, Config(), ledger).run()
    account = result.account
    for recorded in list(ledger.resources):
        kind = BY_TYPE[recorded.type]
        pending = Resource(recorded.type, recorded.id, parent=recorded.parent, extra=dict(recorded.extra))
        if recorded.type == "AWS::ApiGatewayV2::Api":
            token = cloud.client("apigatewayv2").get_api(ApiId=recorded.id)["Tags"]["apigw-wizard:token"]
            pending = Resource(recorded.type, "pending-x", extra={"token": token, "name": "my-http-api"})
        if recorded.type == "AWS::ApiGatewayV2::Integration":
            pending = Resource(recorded.type, "pending-x", parent=recorded.parent, extra={"uri": result.function_arn})
        found = kind.find(cloud, pending, account)
        assert found is not None and found.id == recorded.id, recorded


def test_a_lost_create_is_adopted_not_duplicated(cloud: Cloud, tmp_path: Path) -> None:
    """The engine's intent-first path: a create whose answer was lost is
    found through the pending entry and recorded once."""
    from tui.services.errors import WizardError
    from tui.stack import intent
    from tui.stack.kinds import api

    ledger = ledger_for(cloud, tmp_path)
    made: list[str] = []

    def make_then_lose() -> Any:
        reply = cloud.client("apigatewayv2").create_api(Name="x", ProtocolType="HTTP", Tags={api.TOKEN_TAG: "tok"})
        made.append(reply["ApiId"])
        raise WizardError("create the API", "ServiceUnavailable", "connection reset", "retry", transient=True)

    real = intent.create(
        ledger,
        cloud,
        api.KIND,
        Resource(api.KIND.type, "pending-tok", extra={"token": "tok"}),
        make_then_lose,
        lambda reply: Resource(api.KIND.type, reply["ApiId"]),
    )
    assert real.id == made[0] and [r.id for r in ledger.resources] == made


def test_destroy_walks_the_registry_backwards_and_spends_no_call_on_children(cloud: Cloud, tmp_path: Path) -> None:
    ledger = ledger_for(cloud, tmp_path)
    Deployer(cloud, Config(), ledger).run()
    assert [r.type for r in plan(ledger)][0] == "AWS::Lambda::Permission"
    assert ORDER == tuple(k.type for k in reversed(ORDERED))
    events: list[Event] = []
    deleted = destroy(cloud, ledger, events.append)
    assert len(deleted) == 8 and ledger.resources == []
    with_parent = [e.message for e in events if "(with its parent)" in e.message]
    assert len(with_parent) == 4  # permission, stage, route, integration
    assert cloud.client("lambda").list_functions()["Functions"] == []
    assert cloud.client("apigatewayv2").get_apis()["Items"] == []


def test_plans_cover_every_kind_that_deploy_makes() -> None:
    assert plans.ALL == plans.FUNCTION + plans.API
    made = {k.type for k in plans.ALL}
    assert made == {k.type for k in ORDERED} - {"AWS::Logs::LogGroup"}  # Lambda makes the log group itself
    assert all(k.type.startswith("AWS::") and k.short for k in ORDERED)


def test_a_version_1_ledger_loads_with_cloudformation_types(tmp_path: Path) -> None:
    import json

    scope = Scope("aws", "123456789012", REGION, None, "my-function", "my-http-api")
    path = tmp_path / "ledgers" / scope.filename()
    path.parent.mkdir(parents=True)
    old = [{"type": short, "id": f"id-{i}"} for i, short in enumerate(LEGACY_TYPES)]
    path.write_text(json.dumps({"version": 1, "scope": scope.__dict__, "resources": old}))
    ledger = Ledger.open(tmp_path, scope)
    assert [r.type for r in ledger.resources] == list(LEGACY_TYPES.values())
    ledger.save()
    assert json.loads(path.read_text())["version"] == 2


def test_a_newer_ledger_is_refused_and_left_alone(tmp_path: Path) -> None:
    import json

    from tui.stack.ledger import LedgerError

    scope = Scope("aws", "123456789012", REGION, None, "my-function", "my-http-api")
    path = tmp_path / "ledgers" / scope.filename()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 99, "scope": scope.__dict__, "resources": []}))
    with pytest.raises(LedgerError, match="newer apigw-wizard.*upgrade"):
        Ledger.open(tmp_path, scope)
    assert path.exists()  # not moved aside as damaged


def test_a_new_api_type_retires_the_old_types_resources(cloud: Cloud, tmp_path: Path) -> None:
    """api.type changed under the same names: the HTTP API goes (its
    children with it, no call each) and the function keeps no statement
    letting the old API invoke it; nothing of it stays in the ledger."""
    from dataclasses import replace

    from tui.config import api_for_type
    from tui.services import http_api, permissions

    ledger = ledger_for(cloud, tmp_path)
    first = Deployer(cloud, Config(), ledger).run()
    assert http_api.get_api(cloud, first.api_id) is not None
    events: list[Event] = []
    rest = replace(Config(), api=api_for_type("rest", name="my-http-api"))
    Deployer(cloud, rest, ledger, events.append).apply(plans.ALL)
    assert http_api.get_api(cloud, first.api_id) is None
    assert not [r for r in ledger.resources if r.type.startswith("AWS::ApiGatewayV2::")]
    assert not [s for s in permissions.statements(cloud, "my-function") if first.api_id in str(s)]
    assert any("another API type now" in e.message for e in events)
