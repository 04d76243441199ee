"""Benchmark of the local cloud. Prints figures; asserts nothing.

    python bench/local_cloud.py [--requests 20000] [--connections 16]

Measures, on this machine, in one run:
  - wall time of `apigw-wizard deploy` + the first GET, from a fresh
    process with no local cloud running (it starts one);
  - cold start: the first request after a code change, and Lambda's own
    Init Duration from the REPORT line;
  - warm latency at one connection (p50, p99) with wrk;
  - warm throughput at 16 connections (wrk -t2 -c16), errors counted, and
    the CPU the gateway process and its workers spent per request,
    beside a bare ASGI hello-world on uvicorn (uvloop + httptools) loaded
    the same way, so the ratio is the figure.
Needs `wrk` (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BARE_APP = """
async def app(scope, receive, send):
    await receive()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    await send({"type": "http.response.body", "body": b'"Hello from Lambda!"'})
"""


def owner_keys() -> dict[str, str]:
    """The local cloud accepts only calls signed with its owner's key pair."""
    from localcloud import owner

    creds = owner.load()
    assert creds is not None
    return {"aws_access_key_id": creds.access_key_id, "aws_secret_access_key": creds.secret_access_key}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wizard() -> list[str]:
    exe = shutil.which("apigw-wizard", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "tui"]


def wrk(url: str, connections: int, threads: int, seconds: float, extra: list[str] | None = None) -> dict[str, float]:
    """Run wrk (`extra`: more flags, e.g. -H headers); requests, req/s,
    p50/p99 ms and errors (socket + non-2xx)."""
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", *(extra or []), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = 0
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        errors += int(non2xx.group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return {"requests": requests, "rps": rps, "p50_ms": ms("50"), "p99_ms": ms("99"), "errors": errors}


def cpu_seconds(port: int) -> dict[str, float] | None:
    """CPU time so far of the local cloud on `port` and of its worker
    processes (Linux /proc), or None where that cannot be read."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    stats: dict[int, tuple[str, int, float]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (cmdline, int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    gateway = next(
        (pid for pid, (cmd, _, _) in stats.items() if " local " in f" {cmd} " and f"--port {port}" in cmd), None
    )
    if gateway is None:
        return None
    # Every descendant: a sandboxed handler runs two processes below the
    # worker the gateway started (the supervisor waits, PID 1 reaps).
    children: dict[int, list[int]] = {}
    for pid, (_cmd, ppid, _cpu) in stats.items():
        children.setdefault(ppid, []).append(pid)
    workers, todo = 0.0, list(children.get(gateway, []))
    while todo:
        pid = todo.pop()
        workers += stats[pid][2]
        todo.extend(children.get(pid, []))
    return {"gateway": stats[gateway][2], "workers": workers}


def process_cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def seconds_for(requests: int, expected_rps: float) -> float:
    return max(3.0, requests / expected_rps * 1.2)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20000, help="at least this many in the load run")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    state = Path(tempfile.mkdtemp(prefix="apigw-bench-"))
    port = free_port()
    common = ["--config", str(ROOT / "sample_config.yaml"), "--port", str(port), "--state-dir", str(state)]
    figures: dict[str, object] = {}
    try:
        # 1. deploy + first GET from a fresh process, nothing running yet.
        started = time.perf_counter()
        out = subprocess.run([*wizard(), "deploy", *common, "--json"], capture_output=True, text=True, check=True)
        url = json.loads(out.stdout)["test_url"]
        first = httpx.get(url)
        figures["deploy_plus_first_get_s"] = round(time.perf_counter() - started, 3)
        assert first.text == '"Hello from Lambda!"', first.text

        # 2. cold start: a configuration change retires the warm workers.
        lam = __import__("boto3").client(
            "lambda", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1", **owner_keys()
        )
        colds = []
        for i in range(5):
            lam.update_function_configuration(
                FunctionName="my-function", Description=f"bench {i}", Environment={"Variables": {"BENCH": str(i)}}
            )
            t0 = time.perf_counter()
            httpx.get(url)
            colds.append((time.perf_counter() - t0) * 1000)
        warm = []
        for _ in range(50):
            t0 = time.perf_counter()
            httpx.get(url)
            warm.append((time.perf_counter() - t0) * 1000)
        logs = __import__("boto3").client(
            "logs", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1", **owner_keys()
        )
        time.sleep(0.3)
        messages = [e["message"] for e in logs.filter_log_events(logGroupName="/aws/lambda/my-function")["events"]]
        inits = [float(m) for line in messages for m in re.findall(r"Init Duration: ([\d.]+) ms", line)]
        figures["cold_first_request_ms_median"] = round(sorted(colds)[len(colds) // 2], 1)
        figures["init_duration_ms_median"] = round(sorted(inits)[len(inits) // 2], 1) if inits else None
        figures["warm_single_request_ms_median_httpx"] = round(sorted(warm)[len(warm) // 2], 2)

        # 3. warm latency at one connection, then throughput under load.
        one = wrk(url, 1, 1, 5)
        figures["wrk_c1"] = one
        before = cpu_seconds(port)
        load = wrk(url, args.connections, 2, seconds_for(args.requests, 4000))
        figures["wrk_local_cloud"] = load
        after = cpu_seconds(port)
        if before and after:
            # Where the CPU goes: the gateway process, and its workers together.
            figures["cpu_us_per_request"] = {
                part: round((after[part] - before[part]) / load["requests"] * 1e6, 1)  # type: ignore[operator]
                for part in ("gateway", "workers")
            }
    finally:
        subprocess.run([*wizard(), "local", "--stop", "--port", str(port)], capture_output=True)
        shutil.rmtree(state, ignore_errors=True)

    # 4. the bare ASGI hello-world, same load generator, same run.
    bare_dir = Path(tempfile.mkdtemp(prefix="apigw-bare-"))
    (bare_dir / "bare.py").write_text(BARE_APP)
    bare_port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bare:app",
            "--port",
            str(bare_port),
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=bare_dir,
        env={**os.environ, "PYTHONPATH": str(bare_dir)},
    )
    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{bare_port}/")
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        before_bare = process_cpu(server.pid)
        bare = wrk(f"http://127.0.0.1:{bare_port}/", args.connections, 2, seconds_for(args.requests, 15000))
        figures["wrk_bare_asgi"] = bare
        after_bare = process_cpu(server.pid)
        if before_bare is not None and after_bare is not None:
            figures["bare_cpu_us_per_request"] = round((after_bare - before_bare) / bare["requests"] * 1e6, 1)
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(bare_dir, ignore_errors=True)

    load, bare = figures["wrk_local_cloud"], figures["wrk_bare_asgi"]
    figures["throughput_ratio"] = round(load["rps"] / bare["rps"], 3)  # type: ignore[index]
    print(json.dumps(figures, indent=2))
    print()
    print(f"deploy + first GET (fresh process, cloud not running): {figures['deploy_plus_first_get_s']} s")
    print(
        f"cold start: first request {figures['cold_first_request_ms_median']} ms (median of 5); "
        f"Init Duration {figures['init_duration_ms_median']} ms"
    )
    print(f"warm, 1 connection: p50 {one['p50_ms']:.3f} ms, p99 {one['p99_ms']:.3f} ms")
    print(
        f"warm, {args.connections} connections: {load['rps']:.0f} req/s, p50 {load['p50_ms']:.2f} ms, "  # type: ignore[index]
        f"p99 {load['p99_ms']:.2f} ms, {load['requests']} requests, {load['errors']} errors"
    )  # type: ignore[index]
    if "cpu_us_per_request" in figures:
        cpu = figures["cpu_us_per_request"]
        print(
            f"CPU per request under load: gateway process {cpu['gateway']} us, "  # type: ignore[index]
            f"workers {cpu['workers']} us"
        )  # type: ignore[index]
    print(
        f"bare ASGI hello-world: {bare['rps']:.0f} req/s, p50 {bare['p50_ms']:.2f} ms"  # type: ignore[index]
        + (
            f", {figures['bare_cpu_us_per_request']} us of CPU per request"
            if "bare_cpu_us_per_request" in figures
            else ""
        )
    )
    print(f"ratio: {figures['throughput_ratio']:.1%} of the bare server")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
