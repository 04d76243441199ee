"""api.type: the console's "Choose an API type" (HTTP, WebSocket, REST) in
the config. Each type starts from its own defaults, checks route keys its
own way, and refuses keys it does not have with file:line, the key, the
types that have it and the next step."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui import config


def load(tmp_path: Path, api_yaml: str) -> config.Config:
    path = tmp_path / "c.yaml"
    path.write_text("api:\n" + "".join(f"  {line}\n" for line in api_yaml.splitlines()))
    return config.load(path)


def problems(tmp_path: Path, api_yaml: str) -> list[str]:
    with pytest.raises(config.ConfigError) as caught:
        load(tmp_path, api_yaml)
    return caught.value.problems


def test_the_default_is_the_tutorials_http_api() -> None:
    api = config.Config().api
    assert (api.type, api.name, api.routes, api.stage, api.auto_deploy) == (
        "http",
        "my-http-api",
        ("ANY /my-function",),
        "$default",
        True,
    )


def test_a_rest_api_names_a_stage_and_has_no_auto_deploy(tmp_path: Path) -> None:
    api = load(tmp_path, "type: rest").api
    # REST invoke URLs name the stage and deployments are explicit (reference J1.7, J2).
    assert (api.type, api.name, api.stage, api.auto_deploy, api.routes) == (
        "rest",
        "my-rest-api",
        "dev",
        False,
        ("ANY /my-function",),
    )


def test_a_websocket_api_starts_from_the_chat_tutorials_routes(tmp_path: Path) -> None:
    api = load(tmp_path, "type: websocket").api
    assert api.routes == ("$connect", "$disconnect", "$default", "sendmessage")
    assert api.stage == "production"


def test_given_keys_win_over_the_types_defaults(tmp_path: Path) -> None:
    api = load(tmp_path, "type: rest\nname: orders\nstage: prod\nroutes: ['GET /items/{id}', 'ANY /{proxy+}']").api
    assert (api.name, api.stage, api.routes) == ("orders", "prod", ("GET /items/{id}", "ANY /{proxy+}"))


def test_an_unknown_type_names_the_three(tmp_path: Path) -> None:
    (problem,) = problems(tmp_path, "type: graphql")
    assert problem.endswith(
        "c.yaml:2: api.type: 'graphql' is not an API type; allowed: http (HTTP API, the tutorial's), "
        "rest (REST API), websocket (WebSocket API)"
    )


@pytest.mark.parametrize(
    ("api_yaml", "expected"),
    [
        ("type: rest\nroutes: [$default]", "api.routes: '$default' is an HTTP API route; allowed for a REST API"),
        ("type: websocket\nroutes: ['GET /x']", "api.routes: 'GET /x' is not a WebSocket route key"),
        ("type: websocket\nroutes: [a, a]", "api.routes: 'a' is listed twice"),
        ("type: rest\nstage: $default", "api.stage: $default is an HTTP API stage; allowed for a REST API"),
        ("type: websocket\nstage: $default", "e.g. production"),
        ("type: rest\nauto_deploy: true", "api.auto_deploy: a REST API has no auto_deploy"),
        ("type: rest\npayload_format: '1.0'", "api.payload_format: a REST API has no payload_format"),
        ("type: websocket\ncors: {allow_origins: ['*']}", "set api.type to http"),
        ("api_key: true", "api.api_key: an HTTP API has no api_key; it is for the REST API type"),
    ],
)
def test_keys_the_type_does_not_have_are_refused(tmp_path: Path, api_yaml: str, expected: str) -> None:
    found = problems(tmp_path, api_yaml)
    assert any(expected in p for p in found), found
    assert all(p.startswith(str(tmp_path / "c.yaml") + ":") for p in found)


def test_api_for_type_gives_the_wizard_a_fresh_start_per_type() -> None:
    assert config.api_for_type("rest").stage == "dev"
    assert config.api_for_type("websocket", name="chat").name == "chat"
    assert config.api_for_type("http") == config.ApiConfig()


def test_binary_media_types_are_a_rest_apis_list(tmp_path: Path) -> None:
    api = load(tmp_path, "type: rest\nbinary_media_types: [image/png, 'image/*', '*/*']").api
    assert api.binary_media_types == ("image/png", "image/*", "*/*")
    assert load(tmp_path, "type: rest").api.binary_media_types == ()  # none unless asked


@pytest.mark.parametrize(
    ("api_yaml", "expected"),
    [
        ("binary_media_types: [image/png]", "api.binary_media_types: an HTTP API has no binary_media_types"),
        ("type: rest\nbinary_media_types: image/png", "is not a list of media types; allowed: a list of"),
        ("type: rest\nbinary_media_types: [png]", "'png' is not a media type; allowed: media types like image/png"),
        ("type: rest\nbinary_media_types: ['*/png']", "'*/png' is not a media type"),
        ("type: rest\nbinary_media_types: [3]", "3 is not a media type"),
        ("type: rest\nbinary_media_types: [image/png, Image/PNG]", "'Image/PNG' is listed twice"),
    ],
)
def test_bad_binary_media_types_are_refused(tmp_path: Path, api_yaml: str, expected: str) -> None:
    found = problems(tmp_path, api_yaml)
    assert any(expected in p for p in found), found
    assert all(p.startswith(str(tmp_path / "c.yaml") + ":") for p in found)
