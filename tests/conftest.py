"""Shared fixtures: a real moto server over HTTP, clients for it, and a
runner for the installed `apigw-wizard` command."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest


ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_config.yaml"
REGION = "us-east-1"


def pytest_configure(config: pytest.Config) -> None:
    """The local cloud's owner key pair lives under the user's config
    folder: each test process (and every cloud and CLI it starts) gets its
    own, never the developer's. (A hook, not import time: bench scripts
    import helpers from here and must keep the user's own keys.)"""
    os.environ.setdefault("APIGW_WIZARD_CONFIG_DIR", tempfile.mkdtemp(prefix="apigw-wizard-config-"))
    # Every process a test starts (the CLI, the background cloud, bench
    # helpers) runs this working tree's code, not a stale installed copy.
    paths = [str(ROOT), *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(ROOT)]]
    os.environ["PYTHONPATH"] = os.pathsep.join(paths)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A stock moto server on 127.0.0.1 (what AWS_ENDPOINT_URL points at)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def moto(moto_server: str) -> str:
    """The moto endpoint, emptied before each test."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST", data=b"")).read()
    return moto_server


@pytest.fixture
def aws_env(moto: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """Environment for the `aws` target pointed at moto, with dummy keys."""
    env = {
        "AWS_ENDPOINT_URL": moto,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        "APIGW_WIZARD_STATE_DIR": str(tmp_path / "state"),
    }
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def clients(aws_env: dict[str, str]) -> dict[str, object]:
    kw = {"endpoint_url": aws_env["AWS_ENDPOINT_URL"], "region_name": REGION}
    return {name: boto3.client(name, **kw) for name in ("iam", "lambda", "apigatewayv2", "logs", "sts")}


def wizard_exe() -> list[str]:
    exe = shutil.which("apigw-wizard", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "tui"]


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the installed command as a user would, never with a terminal."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [*wizard_exe(), *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or ROOT,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


def deploy_json(*extra: str, env: dict[str, str] | None = None) -> dict[str, object]:
    proc = run_cli("deploy", *extra, "--yes", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="session")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One real `apigw-wizard local` process per test worker."""
    from tests.cloudproc import LocalCloudProcess

    running = LocalCloudProcess(tmp_path_factory.mktemp("cloud")).start()
    yield running
    running.stop()
