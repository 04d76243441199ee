"""End to end as a person does it: the installed `apigw-wizard` in tmux at
80x24, a fresh state dir, Enter at every step, until the test step shows
200 and "Hello from Lambda!"."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import free_port, run_cli, wizard_exe
from tests.cloudproc import owner_kw

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")


class Tmux:
    def __init__(self, command: list[str], env: dict[str, str] | None = None, width: int = 80, height: int = 24):
        self.name = f"wiz-{uuid.uuid4().hex[:8]}"
        assignments = [f"{k}={v}" for k, v in (env or {}).items()]
        subprocess.run(
            [
                "tmux",
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                str(width),
                "-y",
                str(height),
                "env",
                "TERM=xterm-256color",
                *assignments,
                *command,
            ],
            check=True,
        )

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True).stdout

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def enter_to_the_type_chooser(tmux: Tmux, billing_question: bool = False) -> str:
    """Enter at the target and function steps, waiting for each screen as a
    person would, to the API step's "Choose an API type"."""
    tmux.wait_for("Where should the function and the API be created?")
    tmux.keys("Enter")
    if billing_question:
        tmux.wait_for("Create real AWS resources?")  # asked once before anything billable
        tmux.keys("Enter")
    tmux.wait_for("author from scratch")
    tmux.keys("Enter")
    tmux.wait_for("Function ARN")
    tmux.keys("Enter")
    return tmux.wait_for("Choose an API type")


def enter_to_the_test_step(tmux: Tmux, billing_question: bool = False) -> str:
    """Enter at every step, waiting for each screen as a person would."""
    enter_to_the_type_chooser(tmux, billing_question)
    for _ in range(5):  # type -> integrations -> routes -> stages -> access -> review
        tmux.keys("Enter")
        time.sleep(0.3)
    tmux.wait_for("Permission lambda:InvokeFunction")
    tmux.keys("Enter")
    tmux.wait_for("Next: Test")
    tmux.keys("Enter")
    return tmux.wait_for("Press Enter to send")


def test_keystrokes_only_reach_hello_from_lambda(tmp_path: Path) -> None:
    port = str(free_port())
    tmux = Tmux([*wizard_exe(), "--state-dir", str(tmp_path / "state"), "--port", port])
    try:
        enter_to_the_test_step(tmux)
        tmux.keys("Enter")
        screen = tmux.wait_for('"Hello from Lambda!"')
        assert "200 OK" in screen and "Traceback" not in screen
        # Clean up through the command palette, still keystrokes only.
        tmux.keys("C-p")
        tmux.wait_for("Search for commands")
        tmux.keys("-l", "Clean up")
        time.sleep(0.3)
        tmux.keys("Enter")
        tmux.wait_for("Delete 8 resources")
        tmux.wait_for("role my-function-role-")
        tmux.keys("Tab")  # focus starts on "Back to test": Enter alone deletes nothing
        tmux.keys("Enter")
        tmux.wait_for("Delete 8 resources?")
        tmux.keys("BTab")  # the confirmation starts on Cancel
        tmux.keys("Enter")
        tmux.wait_for("Nothing to delete")
        tmux.keys("C-q")
        import boto3

        kw = owner_kw(int(port))
        assert boto3.client("lambda", **kw).list_functions()["Functions"] == []
        assert boto3.client("apigatewayv2", **kw).get_apis()["Items"] == []
        assert boto3.client("iam", **kw).list_roles()["Roles"] == []
        assert boto3.client("iam", **kw).list_policies(Scope="Local")["Policies"] == []
    finally:
        tmux.close()
        run_cli("local", "--stop", "--port", port)


def test_aws_target_with_aws_endpoint_url_reaches_the_test_step(
    aws_env: dict[str, str], tmp_path: Path, clients: dict[str, object]
) -> None:
    tmux = Tmux([*wizard_exe(), "--target", "aws", "--state-dir", str(tmp_path / "state")], env=aws_env)
    try:
        screen = enter_to_the_test_step(tmux, billing_question=True)
        assert "amazonaws.com" in screen and "aws · 123456789012" in screen
        tmux.keys("C-q")
    finally:
        tmux.close()
    functions = clients["lambda"].list_functions()["Functions"]  # type: ignore[attr-defined]
    assert [f["FunctionName"] for f in functions] == ["my-function"]


def _websocket_by_keys(tmux: Tmux) -> str:
    """Enter to the API step, then Down to "WebSocket API" in the type
    chooser and Enter through its sub-steps to the review."""
    screen = enter_to_the_type_chooser(tmux)
    assert "HTTP API" in screen and "WebSocket API" in screen and "REST API" in screen, screen
    assert "Two-way, stateful" in screen and "API keys, usage plans" in screen, screen
    tmux.keys("Down")
    time.sleep(0.2)
    tmux.keys("Enter")
    tmux.wait_for("Lambda proxy integration")
    assert "Create WS API" in tmux.screen()  # the sidebar names the type chosen
    tmux.keys("Enter")
    screen = tmux.wait_for("$request.body.action")
    assert "$connect" in screen and "sendmessage" in screen, screen
    tmux.keys("Enter")
    tmux.wait_for("Clients connect to")
    tmux.keys("Enter")
    return tmux.wait_for("wss://{api-id}")


def test_keystrokes_choose_a_websocket_api_and_review_it(tmp_path: Path) -> None:
    port = str(free_port())
    tmux = Tmux([*wizard_exe(), "--state-dir", str(tmp_path / "state"), "--port", port])
    try:
        screen = _websocket_by_keys(tmux)
        assert "(WebSocket)" in screen and "auto-deploy on" in screen, screen
        tmux.keys("C-q")
    finally:
        tmux.close()
        run_cli("local", "--stop", "--port", port)


def _websocket_deploys() -> bool:
    from tui.stack import plans

    return any("websocket" in (k.api_types or ()) for k in plans.ORDERED)


@pytest.mark.skipif(not _websocket_deploys(), reason="the v2 kinds do not deploy WebSocket APIs yet")
def test_keystrokes_connect_to_a_new_websocket_api(tmp_path: Path) -> None:
    port = str(free_port())
    tmux = Tmux([*wizard_exe(), "--state-dir", str(tmp_path / "state"), "--port", port])
    try:
        _websocket_by_keys(tmux)
        tmux.keys("Enter")  # Create
        tmux.wait_for("Next: Test", timeout=90)
        tmux.keys("Enter")
        tmux.wait_for("Connect opens the connection")
        tmux.keys("Enter")  # Connect
        tmux.wait_for("open: handshake done", timeout=60)
        tmux.keys("Enter")  # the chat tutorial's message
        screen = tmux.wait_for("→", timeout=30)
        assert "Traceback" not in screen
        tmux.keys("C-q")
    finally:
        tmux.close()
        run_cli("local", "--stop", "--port", port)


def test_keystrokes_choose_a_rest_api_deploy_it_and_reach_hello(tmp_path: Path) -> None:
    """The REST type by keys in a real terminal: chooser, its own sub-steps
    (payload 1.0 proxy, resources and methods, deployments, the API key
    switch), Create, then the test request answers as the tutorial's."""
    port = str(free_port())
    tmux = Tmux([*wizard_exe(), "--state-dir", str(tmp_path / "state"), "--port", port])
    try:
        enter_to_the_type_chooser(tmux)
        tmux.keys("Down")
        time.sleep(0.2)
        tmux.keys("Down")
        time.sleep(0.2)
        tmux.keys("Enter")
        screen = tmux.wait_for("payload 1.0 event")
        assert "Create REST API" in screen, screen  # the sidebar names the type chosen
        # Each sub-step's note, by its first words (the rest wraps at 80 columns).
        for note in ("Each route is a resource", "A REST API's changes", "With an API key required"):
            tmux.keys("Enter")
            tmux.wait_for(note)
        tmux.keys("Enter")  # to the review
        time.sleep(0.5)
        tmux.keys("Enter")  # Create
        tmux.wait_for("Next: Test", timeout=90)
        tmux.keys("Enter")
        tmux.wait_for("Press Enter to send")
        tmux.keys("Enter")
        screen = tmux.wait_for('"Hello from Lambda!"', timeout=60)
        assert "200 OK" in screen and "/dev/" in screen and "Traceback" not in screen, screen  # REST names its stage
        tmux.keys("C-q")
        import boto3

        client = boto3.client("apigateway", **owner_kw(int(port)))
        (api,) = client.get_rest_apis()["items"]
        assert [s["stageName"] for s in client.get_stages(restApiId=api["id"])["item"]] == ["dev"]
    finally:
        tmux.close()
        run_cli("local", "--stop", "--port", port)
