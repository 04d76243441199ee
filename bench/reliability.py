"""Reliability report: loads, faults and hostile input tried against a real
local cloud, and the outcome of each, as a Markdown table.

    python bench/reliability.py [--requests 50000] [--connections 64] [--no-suites]

Needs `wrk`. Runs in about three minutes on 2 cores (--no-suites: one).
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import boto3
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.local_cloud import free_port, owner_keys, wizard, wrk  # noqa: E402


def rss_mb(pid: int) -> float:
    """RSS of the local cloud and its worker processes."""
    total = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, AttributeError):
            continue
    return total / 1024


class Cloud:
    def __init__(self, state: Path):
        self.state = state
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.start()

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [*wizard(), "local", "--port", str(self.port), "--state-dir", str(self.state)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(300):
            try:
                httpx.get(f"{self.endpoint}/_apigw-wizard/health", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("the local cloud did not start")

    def client(self, service: str) -> object:
        return boto3.client(service, endpoint_url=self.endpoint, region_name="us-east-1", **owner_keys())


def deploy(cloud: Cloud, code: str, timeout: int = 3, memory: int = 128) -> str:
    """A function behind `ANY /x` with its permission; returns the URL."""
    from tests.cloudproc import LocalCloudProcess, deploy as make

    shim = LocalCloudProcess(cloud.state, cloud.port)
    return make(shim, code, routes=("ANY /x",), timeout=timeout, memory=memory).base + "/x"


def run_suite(paths: list[str]) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "2", "-p", "no:cacheprovider", *paths],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    lines = [line for line in out.stdout.splitlines() if " passed" in line or " failed" in line]
    return lines[-1].strip("= ") if lines else out.stdout[-200:]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--no-suites", action="store_true", help="skip the pytest fault/interruption/hostile suites")
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []
    state = Path(tempfile.mkdtemp(prefix="apigw-reliability-"))
    cloud = Cloud(state)
    try:
        hello = deploy(cloud, "def lambda_handler(e, c):\n    return {'statusCode': 200, 'body': 'hi'}\n")
        httpx.get(hello)
        wrk(hello, args.connections, 2, 3)  # warm: every worker started
        before = rss_mb(cloud.proc.pid)
        seconds = max(5, round(args.requests / 6000))
        first = wrk(hello, args.connections, 2, seconds)
        middle = rss_mb(cloud.proc.pid)
        second = wrk(hello, args.connections, 2, seconds)
        after = rss_mb(cloud.proc.pid)
        rows.append(
            (
                f"{first['requests']:,} + {second['requests']:,} GETs at {args.connections} connections "
                f"(wrk -t2 -c{args.connections})",
                f"{first['errors'] + second['errors']} errors; {first['rps']:,.0f} and {second['rps']:,.0f} req/s; "
                f"memory (cloud + workers) {before:.0f} -> {middle:.0f} -> {after:.0f} MB",
            )
        )

        def outcome(url: str, **kwargs: object) -> str:
            try:
                reply = httpx.request(kwargs.pop("method", "GET"), url, timeout=40, **kwargs)  # type: ignore[arg-type]
            except httpx.HTTPError as exc:
                return f"client error {type(exc).__name__}"
            return f"{reply.status_code} {reply.text[:40]}"

        cases = [
            ("handler calls os._exit(1)", "import os\ndef lambda_handler(e, c):\n    os._exit(1)\n", 3, 128),
            (
                "handler loops forever (timeout 1 s)",
                "def lambda_handler(e, c):\n    while True:\n        pass\n",
                1,
                128,
            ),
            ("handler raises", "def lambda_handler(e, c):\n    raise ValueError('boom')\n", 3, 128),
            (
                "handler prints 10 MB",
                "def lambda_handler(e, c):\n    print('x' * 10_000_000)\n    return 'ok'\n",
                10,
                128,
            ),
            (
                "handler allocates 300 MB (memory size 128 MB)",
                "def lambda_handler(e, c):\n    b = bytearray(300 * 1024 * 1024)\n    return len(b)\n",
                10,
                128,
            ),
        ]
        for label, code, timeout, memory in cases:
            url = deploy(cloud, code, timeout=timeout, memory=memory)
            started = time.perf_counter()
            first_answer = outcome(url)
            took = time.perf_counter() - started
            served = outcome(hello)
            rows.append((label, f"{first_answer} in {took:.2f} s; meanwhile and after, hello answers {served}"))
        rows.append(
            ("request body of 10 MB + 1 byte", outcome(hello, method="POST", content=b"x" * (10 * 1024 * 1024 + 1)))
        )
        with socket.create_connection(("127.0.0.1", cloud.port), timeout=5) as sock:
            sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
            rows.append(("malformed HTTP", sock.recv(64).split(b"\r\n")[0].decode()))
        slow = socket.create_connection(("127.0.0.1", cloud.port), timeout=5)
        slow.sendall(b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nabc")
        started = time.perf_counter()
        answers = [outcome(hello) for _ in range(20)]
        rows.append(
            (
                "a client that sends 3 of 100,000 body bytes and stalls",
                f"20 other GETs answered in {time.perf_counter() - started:.2f} s ({answers[0]})",
            )
        )
        slow.close()
        lam = cloud.client("lambda")
        name = f"keep-{uuid.uuid4().hex[:6]}"
        iam = cloud.client("iam")
        role = iam.create_role(RoleName=name, AssumeRolePolicyDocument="{}")["Role"]["Arn"]  # type: ignore[attr-defined]
        from tests.cloudproc import zip_files

        lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="lambda_function.lambda_handler",  # type: ignore[attr-defined]
            Code={"ZipFile": zip_files({"lambda_function.py": "def lambda_handler(e, c):\n    return 1\n"})},
        )
        cloud.proc.send_signal(signal.SIGKILL)
        cloud.proc.wait()
        cloud.start()
        survived = outcome(hello)
        names = [f["FunctionName"] for f in cloud.client("lambda").list_functions()["Functions"]]  # type: ignore[attr-defined]
        rows.append(
            (
                "local cloud killed with SIGKILL, then restarted",
                f"same invoke URL answers {survived}; function created just before the kill: "
                f"{'present' if name in names else 'LOST'}",
            )
        )
    finally:
        cloud.proc.send_signal(signal.SIGTERM)
        cloud.proc.wait()
        shutil.rmtree(state, ignore_errors=True)

    if not args.no_suites:
        rows.append(
            (
                "fault matrix: every create and delete call x throttle, dropped connection, lost response, "
                "timeout, conflict, AccessDenied, IAM propagation (tests/e2e/test_fault_matrix.py)",
                run_suite(["tests/e2e/test_fault_matrix.py"]),
            )
        )
        rows.append(
            (
                "deploy killed (SIGKILL/SIGINT) mid-call at each step; local cloud killed mid-write x10 "
                "(tests/e2e/test_interruption.py)",
                run_suite(["tests/e2e/test_interruption.py"]),
            )
        )
        rows.append(
            (
                "hostile config files, route keys, paths, queries and headers (hypothesis; "
                "tests/unit/test_hostile_input.py, tests/e2e/test_local_faults.py)",
                run_suite(["tests/unit/test_hostile_input.py", "tests/e2e/test_local_faults.py"]),
            )
        )

    print("| fault, load or input | outcome |")
    print("|---|---|")
    for what, result in rows:
        print(f"| {what} | {result.replace('|', '/')} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
