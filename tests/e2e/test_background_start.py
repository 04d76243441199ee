"""The background cloud a command starts (`python -m localcloud local`):
health first, moto and the saved state loaded while it serves; what a
caller sees when that load fails; and what its start leaves undone."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import ROOT, SAMPLE, free_port, run_cli


def test_deploy_from_nothing_then_the_first_get(tmp_path: Path) -> None:
    port = free_port()
    state = tmp_path / "state"
    try:
        proc = run_cli(
            "deploy", "--config", str(SAMPLE), "--yes", "--json", "--port", str(port), "--state-dir", str(state)
        )
        assert proc.returncode == 0, proc.stderr
        assert "Started the local cloud in the background" in proc.stderr
        reply = httpx.get(json.loads(proc.stdout)["test_url"], timeout=30)
        assert reply.status_code == 200 and reply.text == '"Hello from Lambda!"'
        log = (state / "local-cloud.log").read_text()
        assert "Local cloud listening on" in log and "Traceback" not in log
    finally:
        run_cli("local", "--stop", "--port", str(port))


def test_a_damaged_state_is_said_to_the_command_that_started_the_cloud(tmp_path: Path) -> None:
    port = free_port()
    cloud_dir = tmp_path / "state" / "local-cloud"
    cloud_dir.mkdir(parents=True)
    (cloud_dir / "control-plane.pickle").write_bytes(b"\x80\x05garbage")
    started = time.monotonic()
    proc = run_cli(
        "deploy", "--config", str(SAMPLE), "--yes", "--port", str(port), "--state-dir", str(tmp_path / "state")
    )
    text = proc.stdout + proc.stderr
    assert proc.returncode == 1 and "Traceback" not in text, text
    assert "LocalCloudStartFailed" in proc.stderr and "control-plane.pickle" in proc.stderr, proc.stderr
    assert "damaged" in proc.stderr, proc.stderr
    assert time.monotonic() - started < 30  # said at once, not after retries
    assert len(list(cloud_dir.glob("control-plane.pickle.corrupt-*"))) == 1
    # The failed cloud gives the port back by itself; the next command starts afresh.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/_apigw-wizard/health", timeout=1)
        except httpx.HTTPError:
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the cloud that could not start still holds its port")
    try:
        again = run_cli(
            "deploy",
            "--config",
            str(SAMPLE),
            "--yes",
            "--json",
            "--port",
            str(port),
            "--state-dir",
            str(tmp_path / "state"),
        )
        assert again.returncode == 0, again.stderr
    finally:
        run_cli("local", "--stop", "--port", str(port))


def test_api_gateway_v2_calls_never_load_v1_or_its_openapi_validator() -> None:
    """moto serves v2 through v1's app; the local cloud goes to v2's own,
    so a start never pays for v1's import (~0.2 s of OpenAPI validator)."""
    code = (
        "import os, sys\n"
        "os.environ['MOTO_DISABLE_GLOBAL_CORS'] = 'true'\n"
        "from localcloud.moto_bridge import Moto\n"
        "m = Moto()\n"
        "auth = 'AWS4-HMAC-SHA256 Credential=K/20260101/us-east-1/apigateway/aws4_request, SignedHeaders=host, "
        "Signature=0'\n"
        "h = [('host', '127.0.0.1'), ('authorization', auth), ('content-type', 'application/json')]\n"
        "made = m.call('POST', '/v2/apis', '', h, b'{\"name\": \"a\", \"protocolType\": \"HTTP\"}', 1)\n"
        "listed = m.call('GET', '/v2/apis', '', h, b'', 1)\n"
        "m.warm()\n"
        "print(made.status, listed.status, 'a' in listed.body.decode(), 'moto.apigateway.models' in sys.modules,\n"
        "      'openapi_spec_validator' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["200", "200", "True", "False", "False"], out.stdout


def test_stop_returns_once_the_state_is_saved_so_a_start_at_once_works(tmp_path: Path) -> None:
    """The cloud closes its port before it saves; `stop` used to return at the
    port, and a restart straight after found the folder still locked (a CI
    failure under load: the wizard's Restart button showed StateLocked)."""
    from localcloud.client import start_background, stop
    from localcloud.statelock import SUBDIR, is_free

    port = free_port()
    state = tmp_path / "state"
    try:
        for _ in range(3):
            start_background(port, state)
            assert not is_free(state / SUBDIR)
            assert stop(port) is True
            assert is_free(state / SUBDIR)  # saved and let go, not just the port
        log = (state / "local-cloud.log").read_text()
        assert log.count("Local cloud stopped.") == 3 and "another local cloud" not in log, log
    finally:
        stop(port)
