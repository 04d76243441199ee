"""The config loader: defaults, partial configs, and every kind of error,
each one line naming file:line, the key, the bad value and what is allowed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import SAMPLE
from awsrules import limits
from tui import config, fields


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    return path


def variant(tmp_path: Path, old: str, new: str) -> Path:
    text = SAMPLE.read_text()
    assert old in text, old
    return write(tmp_path, text.replace(old, new, 1))


def test_sample_config_is_the_tutorial() -> None:
    cfg = config.load(SAMPLE)
    assert cfg == config.Config(source=SAMPLE)  # every value equals its default
    assert cfg.function.name == "my-function"
    assert cfg.function.runtime == "python3.14"
    assert cfg.api.routes == ("ANY /my-function",)
    assert cfg.api.stage == "$default" and cfg.api.auto_deploy is True
    assert cfg.test.path == "/my-function"


def test_partial_config_takes_defaults(tmp_path: Path) -> None:
    cfg = config.load(write(tmp_path, "function:\n  memory_mb: 256\n"))
    assert cfg.function.memory_mb == 256
    assert cfg.function.name == "my-function" and cfg.api.name == "my-http-api"


def test_empty_file_is_all_defaults(tmp_path: Path) -> None:
    assert config.load(write(tmp_path, "")).function.name == "my-function"


def test_relative_code_path_resolves_against_config_folder(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(e, c):\n    return 1\n")
    cfg = config.load(write(tmp_path, "function:\n  code: src/app.py\n  handler: app.handler\n"))
    assert cfg.function.code == str((tmp_path / "src" / "app.py").resolve())


@pytest.mark.parametrize(
    ("old", "new", "key", "allowed"),
    [
        ("name: my-function ", "name: 'my function!' ", "function.name", "letters, digits, hyphens"),
        ("runtime: python3.14", "runtime: python9", "function.runtime", "python3.14"),
        ("runtime: python3.14", "runtime: nodejs20.x", "function.runtime", "python3.13"),
        ("runtime: python3.14", "runtime: python3.15", "function.runtime", "preview"),
        ("memory_mb: 128", "memory_mb: 64", "function.memory_mb", "128 to 10240"),
        ("timeout_s: 3", "timeout_s: 901", "function.timeout_s", "1 to 900"),
        ("timeout_s: 3", "timeout_s: three", "function.timeout_s", "whole number"),
        ("architecture: x86_64", "architecture: sparc", "function.architecture", "x86_64, arm64"),
        ('"ANY /my-function"', '"FOO /x"', "api.routes", "ANY, GET"),
        ('"ANY /my-function"', '"GET my-function"', "api.routes", "must start with '/'"),
        ('"ANY /my-function"', '"GET /{proxy+}/x"', "api.routes", "last segment"),
        ('"ANY /my-function"', '"GET /a/{x}", "GET /a/{y}"', "api.routes", "same route"),
        ("stage: $default", "stage: a b", "api.stage", "letters, digits, hyphens"),
        ("code: hello", "code: missing.py", "function.code", "a .py file, a folder or a .zip"),
        ("target: local", "target: cloud", "target", "local, aws"),
        ("region: us-east-1", "region: mars", "region", "us-east-1"),
        ('payload_format: "2.0"', 'payload_format: "3.0"', "api.payload_format", '"2.0", "1.0"'),
        ("auto_deploy: true", "auto_deploy: maybe", "api.auto_deploy", "true, false"),
        ("method: GET", "method: FETCH", "test.method", "GET, POST"),
        ("environment: {}", "environment: {AWS_REGION: x}", "function.environment", "reserved"),
        ("environment: {}", "environment: {DEBUG: 1}", "function.environment", "quote it"),
        ("role: new", "role: 'not a role!'", "function.role", "new"),
        ("region: us-east-1", "regoin: us-east-1", "regoin", "allowed keys here: target, region"),
        ("  name: my-http-api", "  nmae: my-http-api", "api.nmae", "allowed keys here: type, name"),
    ],
)
def test_each_bad_value_is_one_clear_line(tmp_path: Path, old: str, new: str, key: str, allowed: str) -> None:
    path = variant(tmp_path, old, new)
    with pytest.raises(config.ConfigError) as info:
        config.load(path)
    assert len(info.value.problems) == 1, info.value.problems
    line = info.value.problems[0]
    assert line.startswith(f"{path}:"), line
    assert f": {key}: " in line and allowed in line, line
    # The line number points at the offending line.
    expected = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if new.strip() in text)
    assert int(line.split(":")[1]) == expected, line


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = variant(tmp_path, "target: local", "target: [local")
    with pytest.raises(config.ConfigError) as info:
        config.load(path)
    assert info.value.problems[0].startswith(f"{path}:") and "YAML syntax error" in info.value.problems[0]


def test_handler_module_must_be_in_the_code(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def handler(e, c):\n    return 1\n")
    with pytest.raises(config.ConfigError) as info:
        config.load(write(tmp_path, "function:\n  code: app.py\n"))
    assert "function.handler" in str(info.value) and "app.lambda_handler" in str(info.value)


def test_unquoted_payload_format_float_is_accepted(tmp_path: Path) -> None:
    assert config.load(write(tmp_path, "api:\n  payload_format: 1.0\n")).api.payload_format == "1.0"


def test_runtime_lifecycle_follows_the_date() -> None:
    # python3.10 may still be created until 2026-11-30, not after.
    assert fields.runtime("python3.10", today=dt.date(2026, 11, 29)) == "python3.10"
    with pytest.raises(fields.FieldError, match="blocks creating"):
        fields.runtime("python3.10", today=dt.date(2026, 11, 30))
    assert limits.newest_runtime() == "python3.14"
