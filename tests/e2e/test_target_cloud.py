"""The Target step's local cloud: what runs on the port (yours, with its
state dir; nothing; another user's), and Start / Restart / Stop from the
app, against real `apigw-wizard local` processes. Another user's cloud runs
as uid `nobody` (setpriv), as on a shared machine."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Input, Static

from localcloud.client import Health, health, stop
from tests.conftest import ROOT, free_port
from tests.e2e.test_wizard_pilot import SIZE, enter_through_to_test, screen_is, until
from tui.app import WizardApp
from tui.config import Config
from tui.state import WizardState
from tui.widgets.modals import ErrorModal
from tui.widgets.resume import ResumeModal
from tests.pilotclick import click

pytestmark = pytest.mark.slow

SLOW = 90  # s: starting a cloud on a loaded 2-core machine


def status_text(app: WizardApp) -> str:
    if isinstance(app.screen, ErrorModal):  # its words, so a failure says why (even before it is composed)
        raise AssertionError(" / ".join(app.screen.details))
    return str(app.screen.query_one("#cloud-status", Static).render())


def disabled(app: WizardApp) -> dict[str, bool]:
    return {b: app.screen.query_one(f"#cloud-{b}", Button).disabled for b in ("start", "restart", "stop")}


async def on_function_step(pilot: Any, app: WizardApp) -> None:
    """The function step, mounted (ending the app mid-mount fails its teardown)."""
    await until(pilot, lambda: screen_is(app, "function")() and bool(app.screen.query("#create")), "it", SLOW)
    await pilot.pause(0.5)


def owned(port: int) -> Health | None:
    found = health(port, timeout=2)
    return found if isinstance(found, Health) and found.owned else None


@pytest.fixture
def own_port() -> Iterator[int]:
    """A free port; whatever cloud of ours the test leaves on it is stopped."""
    port = free_port()
    yield port
    stop(port)


async def test_a_running_cloud_is_shown_as_yours_with_its_state_dir(cloud: Any, tmp_path: Path) -> None:
    app = WizardApp(WizardState(Config(), tmp_path / "state", cloud.port))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "running" in status_text(app), "the cloud's status")
        text = status_text(app)
        found = owned(cloud.port)
        assert found is not None and found.state_dir
        assert text.startswith(f"http://127.0.0.1:{cloud.port}: Your local cloud is running")
        assert found.state_dir in text and str(tmp_path) not in text
        assert disabled(app) == {"start": True, "restart": False, "stop": False}


async def test_start_restart_stop_from_the_app_then_continue_starts_it_again(tmp_path: Path, own_port: int) -> None:
    state_dir = tmp_path / "state"
    app = WizardApp(WizardState(Config(), state_dir, own_port))
    log = state_dir / f"port-{own_port}" / "local-cloud.log"
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "Not running" in status_text(app), "the not-running status")
        # A non-default port with no --state-dir: its own folder, said before it starts.
        assert status_text(app).endswith(f"State: {state_dir / f'port-{own_port}'}")
        assert disabled(app) == {"start": False, "restart": True, "stop": True}

        await click(pilot, "#cloud-start")
        await until(pilot, lambda: "Your local cloud is running" in status_text(app), "the start", SLOW)
        found = owned(own_port)
        assert found is not None and found.state_dir == str(state_dir / f"port-{own_port}")
        assert disabled(app) == {"start": True, "restart": False, "stop": False}
        assert app.focused is app.screen.query_one("#continue", Button)

        await click(pilot, "#cloud-restart")
        assert "restarting..." in status_text(app)
        await until(pilot, lambda: "Your local cloud is running" in status_text(app), "the restart", SLOW)
        await until(pilot, lambda: log.read_text().count("Local cloud listening") == 2, "a second cloud", SLOW)
        assert "Local cloud stopped." in log.read_text() and owned(own_port) is not None

        await click(pilot, "#cloud-stop")
        await until(pilot, lambda: "Not running" in status_text(app), "the stop", SLOW)
        assert health(own_port) is None

        # The cloud died after a first connect; Continue starts it again.
        await click(pilot, "#continue")
        await on_function_step(pilot, app)
        assert owned(own_port) is not None and app.state.port == own_port
        assert app.state.ledger_dir == state_dir / f"port-{own_port}"


async def test_changing_the_port_shows_the_cloud_there_and_a_bad_port_says_why(
    cloud: Any, tmp_path: Path, own_port: int
) -> None:
    app = WizardApp(WizardState(Config(), tmp_path / "state", own_port))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "Not running" in status_text(app), "the not-running status")
        port = app.screen.query_one("#port", Input)
        port.value = "80"
        await until(pilot, lambda: "Type a port" in status_text(app), "the bad port")
        reason = str(app.screen.query_one("#local-fields .field-error", Static).render())
        assert reason == "Port must be a whole number from 1024 to 65535: type one, e.g. 4580."
        assert all(disabled(app).values())
        await click(pilot, "#continue")
        await pilot.pause(0.3)
        assert app.focused is port and app.state.identity is None and app.state.port == own_port

        port.value = str(cloud.port)
        await until(pilot, lambda: "Your local cloud is running" in status_text(app), "the other port's cloud")
        assert status_text(app).startswith(f"http://127.0.0.1:{cloud.port}:")
        await click(pilot, "#continue")
        await on_function_step(pilot, app)
        assert app.state.port == cloud.port and app.state.identity is not None
    assert health(own_port) is None  # nothing was started on the first port


def _nobody_available() -> str:
    if os.geteuid() != 0:
        return "needs root to run a cloud as uid nobody"
    if not shutil.which("setpriv"):
        return "needs setpriv to run a cloud as uid nobody"
    probe = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c", "import localcloud"],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    return "" if probe.returncode == 0 else "uid nobody cannot run this tree's python"


@pytest.fixture
def nobodys_cloud() -> Iterator[tuple[int, Path]]:
    """A local cloud of another user (uid nobody) on a free port, with a
    ledger for the default config beside its state."""
    why = _nobody_available()
    if why:
        pytest.skip(why)
    home = Path(tempfile.mkdtemp(prefix="nobody-"))
    state, config = home / "state", home / "config"
    for folder in (state, config):
        folder.mkdir()
    subprocess.run(["chown", "-R", "65534:65534", str(home)], check=True)
    port = free_port()
    log = open(home / "cloud.log", "wb")  # noqa: SIM115 - closed below
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(home), "APIGW_WIZARD_CONFIG_DIR": str(config)}
    argv = [sys.executable, "-m", "localcloud", "local", "--port", str(port), "--state-dir", str(state)]
    proc = subprocess.Popen(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *argv],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        cwd=str(home),
    )
    try:
        deadline = time.monotonic() + SLOW
        while not isinstance(health(port, timeout=2), Health):
            assert proc.poll() is None and time.monotonic() < deadline, (home / "cloud.log").read_text()
            time.sleep(0.1)
        # What an earlier run of theirs left: the resume offer must not show it.
        config_ = Config()
        scope = {
            "target": "local",
            "account": "123456789012",
            "region": config_.region,
            "endpoint": f"http://127.0.0.1:{port}",
            "function": config_.function.name,
            "api": config_.api.name,
        }
        (state / "ledgers").mkdir()
        resources = [{"type": "AWS::Lambda::Function", "id": f"r{i}"} for i in range(8)]
        (state / "ledgers" / "theirs.json").write_text(json.dumps({"scope": scope, "resources": resources}))
        yield port, state
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
        shutil.rmtree(home, ignore_errors=True)


async def test_another_users_cloud_is_named_and_nothing_of_it_is_shown_or_used(
    nobodys_cloud: tuple[int, Path], tmp_path: Path
) -> None:
    port, their_state = nobodys_cloud
    app = WizardApp(WizardState(Config(), tmp_path / "state", port))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "another user" in status_text(app), "the other user's status")
        text = status_text(app)
        assert f"A local cloud on port {port} belongs to another user" in text
        suggested = int(text.rsplit("e.g. ", 1)[1].rstrip("."))
        assert suggested != port and health(suggested) is None
        assert str(their_state) not in text and "State:" not in text
        assert all(disabled(app).values())  # not yours to start, restart or stop
        assert app.state.ledger_dir is None
        await pilot.pause(2)  # the resume lookup (a worker) has long answered
        assert not any(isinstance(s, ResumeModal) for s in app.screen_stack)  # "Welcome back" is theirs

        await click(pilot, "#continue")
        await until(pilot, lambda: isinstance(app.screen, ErrorModal) and bool(app.screen.query(Button)), "the error")
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "belongs to another user" in shown and "--port" in shown
        assert app.state.identity is None
    assert (their_state / "ledgers" / "theirs.json").exists()


async def test_aws_target_test_step_blames_the_endpoint_not_the_local_cloud(
    aws_env: dict[str, str], tmp_path: Path
) -> None:
    """Stock moto has no execute-api data plane: its invoke URL's host does not resolve."""
    import socket

    state = WizardState(Config(target="aws"), tmp_path / "state", 1)
    app = WizardApp(state)
    async with app.run_test(size=SIZE) as pilot:
        await enter_through_to_test(pilot, app)
        host = state.result.invoke_url.split("/")[2]
        try:
            socket.getaddrinfo(host, 443)
        except socket.gaierror:
            pass
        else:
            pytest.skip(f"{host} resolves here (a DNS wildcard): the request would reach AWS")
        await pilot.press("enter")
        await until(pilot, lambda: bool(state.history), "the failed request")
        text = str(app.screen.query_one("#status", Static).render())
        assert f"the endpoint {aws_env['AWS_ENDPOINT_URL']} has no execute-api data plane" in text
        assert "local cloud" not in text and "apigw-wizard local" not in text
