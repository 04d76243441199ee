"""The config's api.cors: parsed into the CorsConfiguration CreateApi takes,
each bad value one line naming file:line, the key, the value and what is
allowed; combinations API Gateway refuses are refused before any call
(awsrules/cors.py cites AWS's words for them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui import config
from tui.corsconfig import CorsConfig


def load(tmp_path: Path, cors_yaml: str) -> config.Config:
    path = tmp_path / "c.yaml"
    path.write_text("api:\n  cors:\n" + "".join(f"    {line}\n" for line in cors_yaml.splitlines()))
    return config.load(path)


def test_no_cors_key_means_no_cors() -> None:
    assert config.Config().api.cors is None


def test_a_full_configuration_becomes_the_wire_form(tmp_path: Path) -> None:
    cfg = load(
        tmp_path,
        "allow_origins: [https://app.example.com, 'http://localhost:5173']\nallow_methods: [get, POST]\n"
        "allow_headers: [content-type]\nexpose_headers: [x-request-id]\nmax_age_s: 300\nallow_credentials: true",
    )
    assert cfg.api.cors == CorsConfig(
        ("https://app.example.com", "http://localhost:5173"),
        ("GET", "POST"),
        ("content-type",),
        ("x-request-id",),
        300,
        True,
    )
    assert cfg.api.cors.wire() == {
        "AllowOrigins": ["https://app.example.com", "http://localhost:5173"],
        "AllowMethods": ["GET", "POST"],
        "AllowHeaders": ["content-type"],
        "ExposeHeaders": ["x-request-id"],
        "MaxAge": 300,
        "AllowCredentials": True,
    }


def test_an_empty_mapping_is_cors_on_with_nothing_allowed(tmp_path: Path) -> None:
    # Reference F1: {} still counts as CORS enabled; only null turns it off.
    path = tmp_path / "c.yaml"
    path.write_text("api:\n  cors: {}\n")
    assert config.load(path).api.cors == CorsConfig()
    path.write_text("api:\n  cors: null\n")
    assert config.load(path).api.cors is None


@pytest.mark.parametrize(
    ("cors_yaml", "expected"),
    [
        ("allow_origins: [app.example.com]", "c.yaml:3: api.cors.allow_origins: 'app.example.com' is not an origin"),
        ("allow_origins: ['https://a.example/path']", "is not an origin; allowed: *, http://*, https://*"),
        ("allow_methods: [FETCH]", "api.cors.allow_methods: 'FETCH' is not an HTTP method; allowed: GET"),
        ("allow_headers: ['bad header']", "'bad header' is not a header name"),
        ("max_age_s: 86401", "api.cors.max_age_s: 86401 is not a number of seconds; allowed: -1 to 86400"),
        ("allow_credentials: yes please", "'yes please' is not true or false"),
        ("allow_origin: ['*']", "api.cors.allow_origin: unknown key; allowed keys here: allow_origins"),
        (
            "allow_origins: ['*']\nallow_credentials: true",
            "api.cors: allow-credentials is not supported if 'allow-origin' is *; API Gateway refuses it",
        ),
        (
            "allow_origins: ['https://*.example.com']",
            "not an origin",  # caught by the origin rule before API Gateway's wildcard rule
        ),
    ],
)
def test_each_bad_value_is_one_clear_line(tmp_path: Path, cors_yaml: str, expected: str) -> None:
    with pytest.raises(config.ConfigError) as raised:
        load(tmp_path, cors_yaml)
    assert len(raised.value.problems) == 1
    assert expected in raised.value.problems[0], raised.value.problems
