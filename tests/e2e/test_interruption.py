"""Kill `deploy` (SIGKILL and SIGINT) while each call of the plan is in
flight, after the cloud has done it but before the answer arrives: the
worst moment. A re-run finishes with no duplicate and destroy leaves
nothing. Then the local cloud itself is killed mid-write, repeatedly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli, wizard_exe
from tests.faultproxy import Proxy
from tests.cloudproc import LocalCloudProcess
from tests.e2e.test_fault_matrix import NONE, ONE_EACH, inventory, stack_config


@pytest.fixture
def proxy(cloud: Any) -> Iterator[Proxy]:
    running = Proxy(cloud.port).start()
    yield running
    running.stop()


def write_config(tmp_path: Path, config: Any) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(
        f"function:\n  name: {config.function.name}\napi:\n  name: {config.api.name}\n"
        f'  routes: ["{config.api.routes[0]}"]\n'
    )
    return path


@pytest.mark.parametrize(
    ("call", "sig"),
    [
        (call, signal.SIGKILL)
        for call in (
            "CreateRole",
            "CreatePolicy",
            "CreateFunction",
            "CreateApi",
            "CreateIntegration",
            "CreateRoute",
            "CreateStage",
            "AddPermission",
        )
    ]
    + [(call, signal.SIGINT) for call in ("CreateRole", "CreateFunction", "CreateApi", "AddPermission")],
)
def test_killed_deploy_resumes_without_duplicates(
    cloud: Any, proxy: Proxy, tmp_path: Path, call: str, sig: int
) -> None:
    config = stack_config()
    path = write_config(tmp_path, config)
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": proxy.endpoint,
        "AWS_ACCESS_KEY_ID": "t",
        "AWS_SECRET_ACCESS_KEY": "t",
        "AWS_DEFAULT_REGION": "us-east-1",
        "APIGW_WIZARD_STATE_DIR": str(tmp_path / "state"),
    }
    rule = proxy.inject(call, "hold")
    args = ["deploy", "--target", "aws", "--config", str(path), "--yes", "--json"]
    proc = subprocess.Popen(
        [*wizard_exe(), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while rule.seen == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert rule.seen == 1, f"deploy never reached {call}: {proc.communicate(timeout=5)}"
    time.sleep(0.2)  # the cloud has done the call; the answer is held
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode != 0
    if sig == signal.SIGINT:
        assert "Interrupted" in stderr.decode() and "Traceback" not in stderr.decode()
    proxy.release.set()
    ledgers = list((tmp_path / "state" / "ledgers").glob("*.json"))
    assert all(json.loads(p.read_text()) for p in ledgers), "the ledger is readable after the kill"

    again = run_cli(*args, env=env)
    assert again.returncode == 0, again.stderr
    assert inventory(cloud, config) == ONE_EACH
    gone = run_cli("destroy", "--target", "aws", "--config", str(path), "--yes", env=env)
    assert gone.returncode == 0, gone.stderr
    assert inventory(cloud, config) == NONE


def test_local_cloud_killed_mid_write_restarts_with_every_acknowledged_resource(tmp_path: Path) -> None:
    """SIGKILL the local cloud while it is saving, ten times over: it
    always restarts, and every role whose create was answered is there."""
    state = tmp_path / "state"
    made: list[str] = []
    port = None
    for round_number in range(10):
        running = LocalCloudProcess(state, port=port).start()
        port = running.port
        iam = running.client("iam")
        present = {r["RoleName"] for r in iam.list_roles()["Roles"]}
        # Every answered create survived; a late one may or may not have.
        assert set(made) <= present and all(n in made or n.startswith("late-") for n in present)
        for i in range(5):
            name = f"r{round_number}-{i}"
            iam.create_role(RoleName=name, AssumeRolePolicyDocument="{}")
            made.append(name)
        # Kill while a create may still be being saved.
        import threading

        threading.Thread(
            target=lambda: _quietly(iam.create_role, RoleName=f"late-{round_number}", AssumeRolePolicyDocument="{}"),
            daemon=True,
        ).start()
        time.sleep(0.005 * round_number)
        running.stop(signal.SIGKILL)
    final = LocalCloudProcess(state, port=port).start()
    try:
        names = {r["RoleName"] for r in final.client("iam").list_roles()["Roles"]}
        assert set(made) <= names
    finally:
        final.stop()


def _quietly(func: Any, **kwargs: Any) -> None:
    try:
        func(**kwargs)
    except Exception:  # noqa: BLE001 - the cloud is being killed under it
        pass
