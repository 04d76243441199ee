"""The type chooser's rules (tui/apitypes.py), the API key's mask and the
WebSocket client's frame text: no app, no network."""

from __future__ import annotations

import pytest

from tui import apitypes, fields
from tui.config import ApiConfig, api_for_type
from tui.services.apikey import mask
from tui.services.wsclient import SHOWN_CHARS, printable


def test_the_console_order_and_one_line_each() -> None:
    assert [kind for kind, _title, _line in apitypes.CHOICES] == ["http", "websocket", "rest"]
    assert all(line and "\n" not in line for _kind, _title, line in apitypes.CHOICES)


def test_choosing_a_type_gives_its_defaults_and_keeps_a_typed_name() -> None:
    typed = ApiConfig(name="orders", routes=("GET /orders",), auto_deploy=False)
    ws = apitypes.choose(typed, "websocket")
    assert (ws.type, ws.name, ws.stage) == ("websocket", "orders", "production")
    assert ws.routes == ("$connect", "$disconnect", "$default", "sendmessage")
    rest = apitypes.choose(typed, "rest")
    assert (rest.name, rest.routes, rest.stage, rest.auto_deploy) == ("orders", ("GET /orders",), "dev", False)
    back = apitypes.choose(rest, "http")
    assert (back.name, back.stage, back.auto_deploy, back.routes) == ("orders", "$default", True, ("GET /orders",))


def test_a_default_name_follows_the_type_and_the_same_type_changes_nothing() -> None:
    assert apitypes.choose(ApiConfig(), "rest").name == "my-rest-api"
    assert apitypes.choose(api_for_type("rest"), "websocket").name == "my-websocket-api"
    custom = ApiConfig(cors=None, api_key=False, name="x")
    assert apitypes.choose(custom, "http") is custom


def test_routes_rest_has_not_fall_back_to_its_default() -> None:
    rest = apitypes.choose(ApiConfig(routes=("$default",)), "rest")
    assert rest.routes == ApiConfig.routes


def test_with_routes_checks_keys_as_the_type_takes_them() -> None:
    with pytest.raises(fields.FieldError, match="REST API"):
        apitypes.with_routes(api_for_type("rest"), ["$default"])
    assert apitypes.with_routes(api_for_type("websocket"), ["$connect", "chat"]).routes == ("$connect", "chat")


def test_url_shapes_per_type() -> None:
    assert apitypes.url_shape("rest", "eu-west-1", "dev") == "https://{api-id}.execute-api.eu-west-1.amazonaws.com/dev"
    assert (
        apitypes.url_shape("http", "us-east-1", "$default") == "https://{api-id}.execute-api.us-east-1.amazonaws.com/"
    )
    assert apitypes.url_shape("websocket", "us-east-1", "production").startswith("wss://{api-id}.")
    assert apitypes.ws_url("http://127.0.0.1:4566/_aws/execute-api/a/p") == "ws://127.0.0.1:4566/_aws/execute-api/a/p"
    assert apitypes.ws_url("https://a.execute-api.us-east-1.amazonaws.com/p").startswith("wss://a.")
    assert apitypes.ws_url("wss://a/p") == "wss://a/p"


def test_every_title_fits_the_sidebar() -> None:
    assert all(len(f"▶ 3 {title}") <= 20 for title in apitypes.STEP_TITLES.values())


def test_the_api_key_is_masked() -> None:
    key = "abcdEFGHijklMNOPqrstUVWX1234"
    assert mask(key) == "••••1234" and key[:-4] not in mask(key)
    assert mask("short") == "••••"


def test_frames_are_shown_as_text() -> None:
    assert printable("\x1b[31mred\x07 [b]x[/b]\n\tok") == "\\x1b[31mred\\x07 [b]x[/b]\n\tok"
    assert printable(b"\x00\x01") == "(binary frame, 2 bytes)"
    long = printable("x" * (SHOWN_CHARS + 5))
    assert long.endswith("(5 more characters)") and long.count("x") == SHOWN_CHARS
