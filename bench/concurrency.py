"""Concurrency as Lambda scales it. Prints figures; asserts nothing.

    python bench/concurrency.py [--seconds 6]

A handler that sleeps 50 ms (a typical database or HTTP call) behind an HTTP
API route, loaded with wrk at 16 and at 64 connections after a warm-up;
the reference in the same run is the ideal, connections / 0.05 s, as on
AWS, where every concurrent request has its own execution environment
(the issue's target: >= 80 % of it). Then reserved concurrency 2 with 8
callers: how many run at once and how many are throttled.
Needs `wrk` (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.local_cloud import free_port, owner_keys, wizard, wrk  # noqa: E402

SLEEPER = "import time\n\ndef lambda_handler(event, context):\n    time.sleep(0.05)\n    return 'ok'\n"


def main() -> int:
    import subprocess

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=6)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "code").mkdir()
        (work / "code" / "lambda_function.py").write_text(SLEEPER)
        config = work / "c.yaml"
        config.write_text("function:\n  name: bench-sleep\n  code: code\n  timeout_s: 10\napi:\n  name: bench-sleep\n")
        where = ["--port", str(port), "--state-dir", str(work / "state")]
        out = subprocess.run(
            [*wizard(), "deploy", "--yes", "--json", "--config", str(config), *where],
            capture_output=True,
            text=True,
            check=True,
        )
        url = json.loads(out.stdout)["test_url"]
        try:
            rows = []
            for connections in (16, 64):
                wrk(url, connections, 2, 3)  # warm: the environments this load needs are started
                found = wrk(url, connections, 2, args.seconds)
                ideal = connections / 0.05
                rows.append((connections, found["rps"], ideal, found["p50_ms"], found["errors"]))
            lam = boto3.client(
                "lambda",
                endpoint_url=f"http://127.0.0.1:{port}",
                region_name="us-east-1",
                config=Config(retries={"total_max_attempts": 1}),
                **owner_keys(),
            )
            lam.put_function_concurrency(FunctionName="bench-sleep", ReservedConcurrentExecutions=2)

            def one(_i: int) -> str:
                try:
                    lam.invoke(FunctionName="bench-sleep", Payload=b"{}")
                    return "ran"
                except lam.exceptions.TooManyRequestsException:
                    return "throttled"

            time.sleep(0.2)
            with ThreadPoolExecutor(8) as pool:
                outcomes = list(pool.map(one, range(8)))
        finally:
            subprocess.run([*wizard(), "local", "--stop", "--port", str(port)], capture_output=True)
    print("a 50 ms handler through an HTTP API, wrk -t2:")
    print(f"{'connections':>12} {'req/s':>8} {'ideal':>8} {'of ideal':>9} {'p50 ms':>8} {'errors':>7}")
    for connections, rps, ideal, p50, errors in rows:
        print(f"{connections:>12} {rps:8.0f} {ideal:8.0f} {rps / ideal:9.0%} {p50:8.1f} {errors:7.0f}")
    print(
        f"reserved concurrency 2, 8 callers at once: {outcomes.count('ran')} ran, "
        f"{outcomes.count('throttled')} throttled"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
