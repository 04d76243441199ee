"""deploy's "Try it" line tries the API as its type is tried: curl would
not speak WebSocket, and a REST API needing a key answers a bare curl 403."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tui.commands import _try_it
from tui.config import Config, api_for_type
from tui.stack.outcome import DeployResult


def result(url: str) -> DeployResult:
    return DeployResult("local", "us-east-1", "1", "my-function", invoke_url=url, test_url=url + "/my-function")


def test_http_and_rest_without_a_key_are_curl() -> None:
    assert _try_it(Config(), result("http://h/x")) == "curl -i http://h/x/my-function"
    rest = replace(Config(), api=api_for_type("rest"))
    assert _try_it(rest, result("http://h/dev")) == "curl -i http://h/dev/my-function"


def test_a_websocket_api_is_tried_with_a_websocket_client() -> None:
    ws = replace(Config(), api=api_for_type("websocket"))
    line = _try_it(ws, result("ws://h/production"))
    assert line.startswith("python -m websockets ws://h/production") and '"action": "sendmessage"' in line


def test_a_rest_api_with_a_key_is_tried_with_test_which_sends_it() -> None:
    keyed = replace(Config(), api=api_for_type("rest", api_key=True), source=Path("my app.yaml"))
    assert _try_it(keyed, result("http://h/dev")).startswith("apigw-wizard test --config 'my app.yaml'")
