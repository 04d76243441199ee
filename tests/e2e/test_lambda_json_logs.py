"""LoggingConfig LogFormat JSON against a real local cloud (reference L2):
the configuration reports it (moto drops it), the handler's `logging`
records are JSON objects with timestamp, level, message, logger and
requestId, below ApplicationLogLevel they are not written, and Lambda's own
lines become platform.start / runtimeDone / report records with the report's
metrics; Text, the default, keeps the classic lines. A bad value is AWS's
InvalidParameterValueException."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.cloudproc import create_function

HANDLER = """import logging

logger = logging.getLogger("orders")


def lambda_handler(event, context):
    logger.debug("hidden at INFO")
    logger.info("placed %s", event.get("id"), extra={"customer": "ada"})
    print("plain print")
    return "ok"
"""


def tail(lam: Any, name: str) -> list[str]:
    reply = lam.invoke(FunctionName=name, Payload=b'{"id": 42}', LogType="Tail")
    return base64.b64decode(reply["LogResult"]).decode().splitlines()


def test_json_logs_as_lambda_writes_them(cloud: Any) -> None:
    lam = cloud.client("lambda")
    name, _ = create_function(cloud, HANDLER)
    text = tail(lam, name)
    assert text[0].startswith("START RequestId:") and text[-1].startswith("REPORT RequestId:")
    assert not any("placed" in line for line in text)  # Text: the root logger stays at WARNING

    found = lam.update_function_configuration(FunctionName=name, LoggingConfig={"LogFormat": "JSON"})
    assert found["LoggingConfig"] == {
        "LogFormat": "JSON",
        "ApplicationLogLevel": "INFO",
        "SystemLogLevel": "INFO",
        "LogGroup": f"/aws/lambda/{name}",
    }
    assert lam.get_function_configuration(FunctionName=name)["LoggingConfig"]["LogFormat"] == "JSON"
    lines = tail(lam, name)
    records = [json.loads(line) for line in lines if line.startswith("{")]
    kinds = [r.get("type") for r in records]
    assert kinds[0] == "platform.start" and kinds[-2:] == ["platform.runtimeDone", "platform.report"], lines
    app = next(r for r in records if r.get("message") == "placed 42")
    # awslambdaric's JsonFormatter keys (reference L2), extra= attributes kept.
    assert app["level"] == "INFO" and app["logger"] == "orders" and app["customer"] == "ada"
    assert app["requestId"] == records[0]["record"]["requestId"]
    assert len(app["timestamp"]) == 20 and app["timestamp"].endswith("Z")
    assert not any("hidden at INFO" in line for line in lines)
    assert "plain print" in lines  # print() passes through unchanged
    report = records[-1]["record"]
    assert report["status"] == "success"
    assert set(report["metrics"]) >= {"durationMs", "billedDurationMs", "memorySizeMB", "maxMemoryUsedMB"}

    lam.update_function_configuration(
        FunctionName=name, LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "DEBUG"}
    )
    assert any("hidden at INFO" in line for line in tail(lam, name))

    with pytest.raises(lam.exceptions.InvalidParameterValueException):
        lam.update_function_configuration(FunctionName=name, LoggingConfig={"LogFormat": "XML"})


def test_function_log_format_from_the_config(tmp_path: Any) -> None:
    import boto3

    from tests.cloudproc import owner_kw
    from tests.conftest import deploy_json, free_port, run_cli

    port = str(free_port())
    config = tmp_path / "c.yaml"
    config.write_text("function:\n  log_format: JSON\n")
    where = ["--config", str(config), "--port", port, "--state-dir", str(tmp_path / "state")]
    try:
        deploy_json(*where)
        lam = boto3.client("lambda", **owner_kw(int(port)))
        assert lam.get_function_configuration(FunctionName="my-function")["LoggingConfig"]["LogFormat"] == "JSON"
        again = deploy_json(*where)
        assert "lambda_function:my-function" in again["reused"]  # reported as set: nothing to change
        lines = tail(lam, "my-function")
        assert json.loads(lines[0])["type"] == "platform.start"
        config.write_text("function:\n  log_format: text\n")
        assert "lambda_function:my-function" in deploy_json(*where)["updated"]
        assert tail(lam, "my-function")[0].startswith("START RequestId:")
    finally:
        run_cli("destroy", "--yes", *where)
        run_cli("local", "--stop", "--port", port)
