"""Export of `api.type: websocket` (the chat tutorial): the CloudFormation
and SAM templates lint clean with cfn-lint, the script passes shellcheck,
and the script run against a real local cloud with the AWS CLI makes a chat
that broadcasts. SAM has no WebSocket event, so both templates hold the raw
AWS::ApiGatewayV2 resources, as AWS's simple-websockets-chat-app does."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from websockets.sync.client import connect

from tests.cloudproc import LocalCloudProcess
from tests.e2e.test_export import export, run_bash, tool

pytestmark = pytest.mark.slow


def configs(tmp_path: Path) -> dict[str, Path]:
    chat = tmp_path / "chat.yaml"
    chat.write_text("api:\n  type: websocket\n")
    manual = tmp_path / "manual.yaml"  # no auto-deploy: the template's Deployment after the routes
    manual.write_text("api:\n  type: websocket\n  name: chat room\n  auto_deploy: false\n  stage: prod\n")
    return {"chat": chat, "manual": manual}


def test_websocket_templates_pass_cfn_lint_and_name_the_type(tmp_path: Path) -> None:
    templates = [
        export(config, fmt, tmp_path / f"{name}-{fmt}.yaml")
        for name, config in configs(tmp_path).items()
        for fmt in ("cloudformation", "sam")
    ]
    proc = subprocess.run([tool("cfn-lint"), *map(str, templates)], capture_output=True, text=True, timeout=300)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    for template in templates:
        doc = yaml.load(template.read_text(), Loader=yaml.BaseLoader)  # BaseLoader: !Ref and !Sub as text
        assert "behind the WebSocket API" in doc["Description"] and "payload" not in doc["Description"]
        types = {r["Type"] for r in doc["Resources"].values()}
        assert {"AWS::ApiGatewayV2::Api", "AWS::ApiGatewayV2::Route", "AWS::DynamoDB::Table"} <= types
        api = next(r for r in doc["Resources"].values() if r["Type"] == "AWS::ApiGatewayV2::Api")
        assert api["Properties"]["ProtocolType"] == "WEBSOCKET"  # K1
        assert api["Properties"]["RouteSelectionExpression"] == "$request.body.action"
        manual = template.name.startswith("manual")
        assert ("AWS::ApiGatewayV2::Deployment" in types) == manual


def test_websocket_script_passes_shellcheck(tmp_path: Path) -> None:
    scripts = [export(config, "cli", tmp_path / f"{name}.sh") for name, config in configs(tmp_path).items()]
    proc = subprocess.run([tool("shellcheck"), *map(str, scripts)], capture_output=True, text=True, timeout=120)
    assert (proc.returncode, proc.stdout) == (0, "")


@pytest.fixture(scope="module")
def local_cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloudProcess]:
    cloud = LocalCloudProcess(tmp_path_factory.mktemp("export-ws-cloud")).start()
    yield cloud
    cloud.stop()


def test_the_chat_script_makes_a_chat_that_broadcasts(local_cloud: LocalCloudProcess, tmp_path: Path) -> None:
    script = export(configs(tmp_path)["chat"], "cli", tmp_path / "chat.sh")
    proc = run_bash(script, local_cloud, tmp_path)
    assert "Creating the WebSocket API" in proc.stderr and "Creating the connections table" in proc.stderr
    urls = {line.split()[0]: line.split()[2] for line in proc.stdout.splitlines() if "URL " in line}
    assert set(urls) == {"WebSocket", "Local"}, proc.stdout
    assert urls["Local"].startswith(f"ws://127.0.0.1:{local_cloud.port}/_aws/execute-api/")
    assert urls["Local"].endswith("/production")
    with connect(urls["Local"], open_timeout=30) as alice, connect(urls["Local"], open_timeout=30) as bob:
        alice.send(json.dumps({"action": "sendmessage", "data": "hi"}))
        assert (alice.recv(timeout=30), bob.recv(timeout=30)) == ("hi", "hi")
