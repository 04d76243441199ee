"""Control-plane and start-up speed of the local cloud, beside moto server
alone and MiniStack, with the same boto3 code in the same run. Prints
figures; asserts nothing.

    python bench/controlplane.py [--calls 2000] [--runs 5] [--baseline DIR]
                                 [--other-python /tmp/apigw-bench-venv/bin/python]

Measures, for each server (the local cloud, `moto_server`, MiniStack):
  - get_apis and list_functions: calls/s, sequential, one boto3 client,
    after one function and one HTTP API were made on it, and the server's
    own CPU per call (/proc/<pid>/stat, so client time does not count);
    all servers run at once and take turns, round after round (median);
  - idle RSS once that is done.
And "from nothing": `apigw-wizard deploy --config sample_config.yaml --yes
--json` + the first GET of its test_url, with no cloud running (a fresh
config dir, state dir and port each run: the deploy starts the cloud),
median of --runs, beside `chalice local` serving its first 200.

--baseline DIR runs the local cloud's figures a second time from another
source tree (e.g. `git archive <commit> | tar -x -C DIR`), for before/after
in one run. MiniStack and chalice live in a throwaway venv, never in the
project's dependencies:
    python3 -m venv /tmp/apigw-bench-venv && /tmp/apigw-bench-venv/bin/pip install ministack chalice
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any, Callable

import boto3
import httpx
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import chalice_first_200, deploy_from_nothing  # noqa: E402 - beside this script

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
OTHER_PYTHON = Path("/tmp/apigw-bench-venv/bin/python")
INSTALL_HINT = "python3 -m venv /tmp/apigw-bench-venv && /tmp/apigw-bench-venv/bin/pip install ministack chalice"
HELLO = 'def lambda_handler(event, context):\n    return {"statusCode": 200, "body": "hi"}\n'
TRUST = json.dumps(
    {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_http(url: str, timeout: float = 60.0, proc: subprocess.Popen[bytes] | None = None) -> float:
    """Seconds until `url` answers at all (any status)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            httpx.get(url, timeout=1)
            return time.perf_counter() - started
        except httpx.HTTPError:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"{url}: the server exited with {proc.returncode}") from None
            time.sleep(0.01)
    raise RuntimeError(f"{url} did not answer in {timeout} s")


class Server:
    """One emulator process on a free port, and boto3 clients for it."""

    def __init__(
        self,
        label: str,
        argv: list[str],
        env: dict[str, str],
        cwd: Path,
        keys: Callable[[], tuple[str, str]],
        ready_path: str = "/",
    ):
        self.label, self.argv, self.env, self.cwd = label, argv, env, cwd
        self.keys, self.ready_path = keys, ready_path
        self.port = free_port()
        self.argv = [a.replace("{port}", str(self.port)) for a in argv]
        self.env = {k: v.replace("{port}", str(self.port)) for k, v in env.items()}
        self.proc: subprocess.Popen[bytes] | None = None
        self.start_s = float("nan")

    def start(self, log: Path) -> Server:
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(
                self.argv,
                cwd=self.cwd,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.start_s = wait_http(f"http://127.0.0.1:{self.port}{self.ready_path}", proc=self.proc)
        return self

    def client(self, service: str) -> Any:
        key, secret = self.keys()
        return boto3.client(
            service,
            endpoint_url=f"http://127.0.0.1:{self.port}",
            region_name="us-east-1",
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            config=Config(retries={"max_attempts": 1}),
        )

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def owner_keys(config_dir: Path) -> Callable[[], tuple[str, str]]:
    def keys() -> tuple[str, str]:
        data = json.loads((config_dir / "local-cloud-credentials.json").read_text())
        return data["access_key_id"], data["secret_access_key"]

    return keys


def local_cloud(label: str, tree: Path, work: Path) -> Server:
    config = work / f"{label}-config"
    env = {**os.environ, "APIGW_WIZARD_CONFIG_DIR": str(config), "PYTHONPATH": str(tree)}
    return Server(
        label,
        [sys.executable, "-m", "tui", "local", "--port", "{port}", "--state-dir", str(work / f"{label}-state")],
        env,
        tree,
        owner_keys(config),
        "/_apigw-wizard/health",
    )


def moto_server(work: Path) -> Server:
    exe = shutil.which("moto_server", path=str(VENV_BIN)) or "moto_server"
    return Server(
        "moto_server", [exe, "-p", "{port}"], dict(os.environ), work, lambda: ("testing", "testing"), "/moto-api/"
    )


def ministack(python: Path, work: Path) -> Server:
    env = {**os.environ, "GATEWAY_PORT": "{port}", "LOG_LEVEL": "WARNING"}
    return Server(
        "ministack", [str(python), "-m", "ministack"], env, work, lambda: ("test", "test"), "/_localstack/health"
    )


def hello_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("lambda_function.py", HELLO)
    return buffer.getvalue()


def setup(server: Server) -> dict[str, Callable[[], Any]]:
    """The same boto3 code on every server: one function, one HTTP API;
    the reads to measure, warmed (connection, models, caches)."""
    iam, lam, apigw = server.client("iam"), server.client("lambda"), server.client("apigatewayv2")
    role = iam.create_role(RoleName="bench-role", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    lam.create_function(
        FunctionName="bench-fn",
        Runtime="python3.12",
        Role=role,
        Handler="lambda_function.lambda_handler",
        Code={"ZipFile": hello_zip()},
    )
    apigw.create_api(Name="bench-api", ProtocolType="HTTP")
    reads = {"get_apis": apigw.get_apis, "list_functions": lam.list_functions}
    for call in reads.values():
        for _ in range(50):
            call()
    return reads


def measure(server: Server, call: Callable[[], Any], calls: int) -> tuple[float, float]:
    """(calls/s, server CPU ms per call) of N sequential calls."""
    assert server.proc is not None
    cpu = proc_cpu(server.proc.pid)
    started = time.perf_counter()
    for _ in range(calls):
        call()
    elapsed = time.perf_counter() - started
    return calls / elapsed, (proc_cpu(server.proc.pid) - cpu) / calls * 1000


def control_plane(servers: list[Server], calls: int, rounds: int) -> dict[str, dict[str, float]]:
    """Every server runs at once and is measured in turn, round after
    round, so load from elsewhere on the machine falls on all of them
    alike; the figure is each server's median round."""
    reads = {server.label: setup(server) for server in servers}
    samples: dict[str, dict[str, list[float]]] = {server.label: {} for server in servers}
    for _ in range(rounds):
        for server in servers:
            for name, call in reads[server.label].items():
                per_s, cpu_ms = measure(server, call, max(1, calls // rounds))
                samples[server.label].setdefault(f"{name}_per_s", []).append(per_s)
                samples[server.label].setdefault(f"{name}_cpu_ms", []).append(cpu_ms)
    time.sleep(1.0)
    results = {}
    for server in servers:
        assert server.proc is not None
        figures = {key: statistics.median(values) for key, values in samples[server.label].items()}
        figures["idle_rss_mb"] = proc_rss_mb(server.proc.pid)
        figures["start_s"] = server.start_s
        results[server.label] = figures
    return results


def has_module(python: Path, module: str) -> bool:
    return (
        python.exists() and subprocess.run([str(python), "-c", f"import {module}"], capture_output=True).returncode == 0
    )


def row(label: str, values: dict[str, float], ref: dict[str, float] | None) -> str:
    cells = [f"{label:<22}"]
    for key, fmt in (
        ("get_apis_per_s", "{:8.0f}"),
        ("get_apis_cpu_ms", "{:8.2f}"),
        ("list_functions_per_s", "{:8.0f}"),
        ("list_functions_cpu_ms", "{:8.2f}"),
        ("idle_rss_mb", "{:8.0f}"),
        ("start_s", "{:8.2f}"),
    ):
        value = values.get(key, float("nan"))
        ratio = f" ({value / ref[key]:.2f}x)" if ref and ref.get(key) else "        "
        cells.append(fmt.format(value) + ratio)
    return " ".join(cells)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000, help="calls per operation and server")
    parser.add_argument("--rounds", type=int, default=5, help="turns each server gets, the calls split among them")
    parser.add_argument("--runs", type=int, default=5, help="deploy-from-nothing runs (median)")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the source tree measured (default: this one)")
    parser.add_argument("--baseline", type=Path, help="another source tree of this project, measured beside")
    parser.add_argument("--other-python", type=Path, default=OTHER_PYTHON, help="python of the venv with ministack")
    parser.add_argument("--skip-deploy", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="apigw-cp-bench-"))
    tree = args.tree.resolve()
    servers = [local_cloud("local cloud", tree, work)]
    if args.baseline:
        servers.append(local_cloud("local cloud (baseline)", args.baseline.resolve(), work))
    servers.append(moto_server(work))
    if has_module(args.other_python, "ministack"):
        servers.append(ministack(args.other_python, work))
    else:
        print(f"MiniStack skipped: not installed in {args.other_python}. Install it with:\n  {INSTALL_HINT}")
    results: dict[str, dict[str, float]] = {}
    try:
        for server in servers:
            server.start(work / f"{server.label.replace(' ', '_')}.log")
        results = control_plane(servers, args.calls, args.rounds)
        for server in servers:
            server.stop()
        for label, figures in results.items():
            print(f"measured {label}: {json.dumps({k: round(v, 3) for k, v in figures.items()})}", flush=True)
        ref = results.get("ministack")
        print(
            f"\nControl plane, {args.calls} sequential calls each in {args.rounds} interleaved rounds (median), "
            "one boto3 client; ratio = this / MiniStack (start_s: process start until it answers HTTP)"
        )
        print(
            f"{'server':<22} {'get_apis/s':>16} {'cpu ms/call':>16} {'list_fn/s':>16} {'cpu ms/call':>16} "
            f"{'idle MB':>16} {'start s':>16}"
        )
        for label, values in results.items():
            print(row(label, values, ref))
        if args.skip_deploy:
            return 0
        print(f"\nFrom nothing, median of {args.runs} (each: fresh config dir, state dir and port)")
        trees = [("deploy + first GET", tree)] + (
            [("deploy + first GET (baseline)", args.baseline.resolve())] if args.baseline else []
        )
        medians: dict[str, float] = {}
        for label, tree in trees:
            times = deploy_from_nothing(tree, work, args.runs)
            medians[label] = statistics.median(times)
            print(
                f"  {label:<32} median {medians[label]:.3f} s  runs {' '.join(f'{t:.2f}' for t in times)}", flush=True
            )
        if has_module(args.other_python, "chalice"):
            for flags, label in (((), "chalice local"), (("--no-autoreload",), "chalice local --no-autoreload")):
                times = chalice_first_200(args.other_python, work, args.runs, *flags)
                chalice = statistics.median(times)
                print(
                    f"  {label + ', first 200':<32} median {chalice:.3f} s  runs {' '.join(f'{t:.2f}' for t in times)}",
                    flush=True,
                )
                for mine, value in medians.items():
                    print(f"    {mine}: {value / chalice:.2f}x {label}'s")
        else:
            print(f"  chalice local skipped: not installed in {args.other_python} ({INSTALL_HINT})")
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
