"""The pool after failures, under load: a plain handler behind an HTTP API
is sent one crash, one timeout and one 600 MB allocation (memory size
128 MB), each on a worker that has answered before; then `wrk -t2 -c64`
runs --runs times in a row; then --updates code updates land while
`wrk -t2 -c32` runs. Every wrk answer must be 2xx.

    python bench/after_faults.py [--runs 10] [--seconds 10] [--updates 25]

Needs `wrk`. Exits 1 if any target is missed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.local_cloud import wrk  # noqa: E402
from bench.reliability import Cloud, deploy  # noqa: E402
from tests.cloudproc import PLAIN  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--updates", type=int, default=25)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("needs wrk (apt-get install wrk)", file=sys.stderr)
        return 2
    state = Path(tempfile.mkdtemp(prefix="apigw-after-faults-"))
    cloud = Cloud(state)
    failed: list[str] = []
    try:
        url = deploy(cloud, PLAIN.replace("VERSION", "v0"), timeout=5, memory=128)
        function = _function_of(cloud)
        wrk(url, 64, 2, 2)  # warm: the workers a burst starts
        print("| step | outcome |\n|---|---|")
        for mode in ("crash", "timeout", "big"):
            warm = [httpx.get(url, timeout=40).status_code for _ in range(3)]
            started = time.perf_counter()
            answer = httpx.get(f"{url}?{mode}", timeout=40)
            print(
                f"| {mode} after {warm.count(200)} warm 200s | {answer.status_code} {answer.text} "
                f"in {time.perf_counter() - started:.2f} s |"
            )
            if answer.status_code != 500:
                failed.append(f"{mode} answered {answer.status_code}")
        totals = []
        for run in range(args.runs):
            result = wrk(url, 64, 2, args.seconds)
            totals.append(result)
            print(
                f"| wrk -t2 -c64 -d{args.seconds}s run {run + 1} | {result['requests']:,.0f} requests, "
                f"{result['rps']:,.0f} req/s, {result['errors']:.0f} non-2xx or socket errors |"
            )
            if result["errors"]:
                failed.append(f"run {run + 1}: {result['errors']:.0f} errors")
        lam = cloud.client("lambda")
        load: dict[str, float] = {}
        seconds = max(10, args.updates // 2 + 6)
        runner = threading.Thread(target=lambda: load.update(wrk(url, 32, 2, seconds)))
        runner.start()
        time.sleep(1)
        from tests.cloudproc import zip_files

        for version in range(1, args.updates + 1):
            lam.update_function_code(
                FunctionName=function,  # type: ignore[attr-defined]
                ZipFile=zip_files({"lambda_function.py": PLAIN.replace("VERSION", f"v{version}")}),
            )
            time.sleep(0.3)
        runner.join()
        serving = httpx.get(url, timeout=40).text
        print(
            f"| {args.updates} code updates under wrk -t2 -c32 -d{seconds}s | {load['requests']:,.0f} requests, "
            f"{load['errors']:.0f} non-2xx or socket errors; now serving {serving} |"
        )
        if load["errors"]:
            failed.append(f"updates: {load['errors']:.0f} errors")
        if serving != f"v{args.updates}":
            failed.append(f"after the updates the API serves {serving}")
    finally:
        cloud.proc.terminate()
        cloud.proc.wait()
        shutil.rmtree(state, ignore_errors=True)
    print("\nall targets met" if not failed else "\nFAILED: " + "; ".join(failed))
    return 1 if failed else 0


def _function_of(cloud: Cloud) -> str:
    functions = cloud.client("lambda").list_functions()["Functions"]  # type: ignore[attr-defined]
    return str(functions[0]["FunctionName"])


if __name__ == "__main__":
    raise SystemExit(main())
