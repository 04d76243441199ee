"""api.throttling and api.stage_variables: parsed into the stage's fields,
each bad value one line naming file:line, the key, the value and what is
allowed (limits from http-api-throttling and botocore's StageVariablesMap;
tui/stagesettings.py says where each comes from)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui import config
from tui.stack.kinds.stage import settings
from tui.stagesettings import Throttling


def load(tmp_path: Path, api_yaml: str) -> config.Config:
    path = tmp_path / "c.yaml"
    path.write_text("api:\n" + "".join(f"  {line}\n" for line in api_yaml.splitlines()))
    return config.load(path)


def test_settings_become_the_stage_fields(tmp_path: Path) -> None:
    cfg = load(tmp_path, "throttling: {burst: 20, rate: 7.5}\nstage_variables: {table: orders-dev, version: 3}")
    assert cfg.api.throttling == Throttling(20, 7.5)
    assert cfg.api.stage_variables == (("table", "orders-dev"), ("version", "3"))
    assert settings(cfg.api) == {
        "DefaultRouteSettings": {"ThrottlingBurstLimit": 20, "ThrottlingRateLimit": 7.5},
        "StageVariables": {"table": "orders-dev", "version": "3"},
    }


def test_without_them_an_update_clears_both() -> None:
    assert settings(config.Config().api) == {"DefaultRouteSettings": {}, "StageVariables": {}}


@pytest.mark.parametrize(
    ("api_yaml", "expected"),
    [
        (
            "throttling: {burst: 5001}",
            "api.throttling.burst: 5001 is not a burst size; allowed: a whole number from 0 to 5000",
        ),
        (
            "throttling: {rate: -1}",
            "api.throttling.rate: -1 is not a rate; allowed: requests per second from 0 to 10000",
        ),
        ("throttling: {brust: 5}", "api.throttling.brust: unknown key; allowed keys here: burst, rate"),
        ("stage_variables: [a, b]", "api.stage_variables: ['a', 'b'] is not a mapping of names to values"),
        (
            "stage_variables: {bad-name: x}",
            "'bad-name' is not a stage variable name; allowed: 1-64 letters, digits and _",
        ),
        ("stage_variables: {table: 'has space'}", "table: 'has space' is not a stage variable value"),
    ],
)
def test_each_bad_value_is_one_clear_line(tmp_path: Path, api_yaml: str, expected: str) -> None:
    with pytest.raises(config.ConfigError) as raised:
        load(tmp_path, api_yaml)
    assert len(raised.value.problems) == 1
    assert expected in raised.value.problems[0], raised.value.problems
    assert raised.value.problems[0].startswith(f"{tmp_path / 'c.yaml'}:2: ")


def test_access_log_names_a_console_format_and_becomes_access_log_settings(tmp_path: Path) -> None:
    from tui.stagesettings import ACCESS_LOG_FORMATS

    cfg = load(tmp_path, "access_log: CSV")
    assert cfg.api.access_log == "csv"
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/my-http-api/access-logs"
    fields = settings(cfg.api, arn)
    assert fields["AccessLogSettings"] == {"DestinationArn": arn, "Format": ACCESS_LOG_FORMATS["csv"]}
    # Every preset carries what API Gateway requires of a format (botocore's
    # AccessLogSettings: "must include at least $context.requestId").
    assert all("$context.requestId" in fmt for fmt in ACCESS_LOG_FORMATS.values())
    assert "AccessLogSettings" not in settings(config.Config().api, arn)


def test_a_bad_access_log_names_the_allowed_formats(tmp_path: Path) -> None:
    with pytest.raises(config.ConfigError) as raised:
        load(tmp_path, "access_log: [json]")
    assert raised.value.problems == [
        f"{tmp_path / 'c.yaml'}:2: api.access_log: ['json'] is not an access log format; "
        "allowed: null, clf, json, xml, csv"
    ]
