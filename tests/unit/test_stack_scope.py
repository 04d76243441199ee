"""A stack follows its function: a config that renames the API, or
changes its type (each type has its own default name), finds the ledger
the earlier name wrote, so the deploy renames or replaces that API instead
of refusing a function it no longer knows it made."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.unit.test_kinds import cloud  # noqa: F401 - the in-memory moto fixture
from tui.config import Config, api_for_type
from tui.services.session import Cloud
from tui.stack.engine import Deployer
from tui.stack.scope import open_ledger


def deploy(target: Cloud, config: Config, state: Path) -> str:
    ledger = open_ledger(target, config, state, lock=True)
    try:
        return Deployer(target, config, ledger).run().api_id
    finally:
        ledger.close()


def test_a_renamed_api_is_renamed_in_place_and_the_ledger_follows(cloud: Cloud, tmp_path: Path) -> None:  # noqa: F811
    first = deploy(cloud, Config(), tmp_path)
    renamed = replace(Config(), api=replace(Config().api, name="orders"))
    assert deploy(cloud, renamed, tmp_path) == first
    apis = cloud.client("apigatewayv2").get_apis()["Items"]
    assert [(a["ApiId"], a["Name"]) for a in apis] == [(first, "orders")]
    assert len(list((tmp_path / "ledgers").glob("*.json"))) == 1


def test_changing_only_the_type_replaces_the_api(cloud: Cloud, tmp_path: Path) -> None:  # noqa: F811
    deploy(cloud, Config(), tmp_path)
    chat = replace(Config(), api=api_for_type("websocket"), function=replace(Config().function, code="chat"))
    deploy(cloud, chat, tmp_path)
    apis = cloud.client("apigatewayv2").get_apis()["Items"]
    assert [(a["Name"], a["ProtocolType"]) for a in apis] == [("my-websocket-api", "WEBSOCKET")]
    ledger = open_ledger(cloud, chat, tmp_path)
    assert {r.type for r in ledger.resources} >= {"AWS::Lambda::Function", "AWS::ApiGatewayV2::Api"}
