"""From nothing to a first 200, for bench/controlplane.py: `apigw-wizard
deploy` + the first GET with no cloud running, beside `chalice local`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CHALICE_APP = (
    "from chalice import Chalice\napp = Chalice(app_name='bench')\n\n"
    "@app.route('/')\ndef index():\n    return 'Hello from Lambda!'\n"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def kill_clouds_on(port: int) -> None:
    """The background cloud a deploy started (its own session): stopped by pid."""
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            cmd = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"local" in cmd and b"--port" in cmd and str(port).encode() in cmd:
            try:
                os.kill(int(entry.name), signal.SIGTERM)
            except ProcessLookupError:
                pass


def deploy_from_nothing(tree: Path, work: Path, runs: int) -> list[float]:
    times = []
    exe = [sys.executable, "-m", "tui"]
    for run in range(runs):
        folder = Path(tempfile.mkdtemp(prefix=f"deploy{run}-", dir=work))
        port = free_port()
        env = {**os.environ, "APIGW_WIZARD_CONFIG_DIR": str(folder / "config"), "PYTHONPATH": str(tree)}
        started = time.perf_counter()
        try:
            out = subprocess.run(
                [
                    *exe,
                    "deploy",
                    "--config",
                    str(ROOT / "sample_config.yaml"),
                    "--yes",
                    "--json",
                    "--port",
                    str(port),
                    "--state-dir",
                    str(folder / "state"),
                ],
                capture_output=True,
                text=True,
                env=env,
                cwd=tree,
                timeout=120,
            )
            if out.returncode != 0:
                raise RuntimeError(f"deploy failed: {out.stderr.strip()[-500:]}")
            reply = httpx.get(json.loads(out.stdout)["test_url"], timeout=30)
            times.append(time.perf_counter() - started)
            if reply.status_code != 200:
                raise RuntimeError(f"first GET answered {reply.status_code}: {reply.text[:200]}")
        finally:
            kill_clouds_on(port)
        time.sleep(0.5)  # the stopped cloud's exit is not part of the next run
    return times


def chalice_first_200(python: Path, work: Path, runs: int, *flags: str) -> list[float]:
    """`chalice local` from a fresh process until its first 200. Its own
    script, run by the venv's python (its auto-reloader re-runs sys.argv)."""
    project = work / "chalice-bench"
    (project / ".chalice").mkdir(parents=True, exist_ok=True)
    (project / "app.py").write_text(CHALICE_APP)
    (project / "requirements.txt").write_text("")
    (project / ".chalice" / "config.json").write_text(
        json.dumps({"version": "2.0", "app_name": "bench", "stages": {"dev": {"api_gateway_stage": "api"}}})
    )
    times = []
    for _ in range(runs):
        port = free_port()
        started = time.perf_counter()
        proc = subprocess.Popen(
            [str(python), str(python.parent / "chalice"), "local", *flags, "--port", str(port)],
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    if proc.poll() is not None or time.perf_counter() - started > 60:
                        raise RuntimeError("chalice local did not serve") from None
                    time.sleep(0.01)
            times.append(time.perf_counter() - started)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
    return times
