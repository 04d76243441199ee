"""The default target: `deploy` with no AWS account starts the local cloud
in the background, and the created resources survive the command."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from tests.conftest import SAMPLE, free_port, run_cli
from tests.cloudproc import owner_kw


@pytest.fixture
def local(tmp_path: Path) -> Iterator[tuple[list[str], int]]:
    port = free_port()
    args = ["--config", str(SAMPLE), "--port", str(port), "--state-dir", str(tmp_path / "state")]
    yield args, port
    run_cli("local", "--stop", "--port", str(port))


def test_deploy_on_the_local_cloud_then_destroy(local: tuple[list[str], int], tmp_path: Path) -> None:
    args, port = local
    proc = run_cli("deploy", *args, "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert "Started the local cloud in the background" in proc.stderr
    assert out["target"] == "local"
    assert out["invoke_url"] == f"http://127.0.0.1:{port}/_aws/execute-api/{out['api_id']}/"
    assert out["test_url"] == out["invoke_url"] + "my-function"
    # The cloud outlives the command: another process sees the function.
    lam = boto3.client("lambda", **owner_kw(port))
    assert [f["FunctionName"] for f in lam.list_functions()["Functions"]] == ["my-function"]
    ledgers = list((tmp_path / "state" / "ledgers").glob("*.json"))
    assert len(ledgers) == 1 and stat.S_IMODE(ledgers[0].stat().st_mode) == 0o600
    proc = run_cli("destroy", *args, "--yes")
    assert proc.returncode == 0, proc.stderr
    assert lam.list_functions()["Functions"] == []


def test_port_taken_by_another_program_is_a_clear_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        proc = run_cli("deploy", "--port", str(port), "--state-dir", str(tmp_path), timeout=30)
    assert proc.returncode == 1 and "--port" in proc.stderr and "Traceback" not in proc.stderr


def test_a_stop_asked_for_while_the_cloud_starts_is_not_lost(tmp_path: Path) -> None:
    """SIGTERM the moment the cloud says it listens (before uvicorn has
    taken the signal over): it stops anyway. It used to be swallowed, and
    the cloud ran on until SIGKILL."""
    import signal
    import subprocess
    import time

    from tests.conftest import wizard_exe

    log = tmp_path / "cloud.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [*wizard_exe(), "local", "--port", str(free_port()), "--state-dir", str(tmp_path)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        for _ in range(600):
            if "Local cloud listening" in log.read_text():
                break
            time.sleep(0.01)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
