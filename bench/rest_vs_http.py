"""The REST API data plane beside the HTTP API one. Prints figures;
asserts nothing.

    python bench/rest_vs_http.py [--seconds 4] [--rounds 3] [--connections 16]

One local cloud, the console's hello function behind an HTTP API (route
ANY /my-function, $default stage with auto-deploy) and a REST API (resource
/my-function, method ANY, Lambda proxy, deployed to stage `dev`), both made
with boto3 as the console makes them. After a warm-up, the same load goes
to each in turn, `rounds` times, alternating, so what else the machine does
falls on both alike: wrk (-t2) if installed, else a concurrent httpx
client. Reported: medians of req/s, p50 and p99, the local cloud's own
CPU per request (less noisy than req/s on a busy machine), and REST / HTTP,
the figure (issue 14's target: REST within 15 % of HTTP, a ratio >= 0.85).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import time
from pathlib import Path
from statistics import median

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.cloudproc import ACCOUNT, BenchCloud, lambda_uri  # noqa: E402
from bench.local_cloud import cpu_seconds, wrk  # noqa: E402

# The Lambda console's default Python code (tui/services/packaging.py HELLO_CODE).
HELLO = """import json

def lambda_handler(event, context):
    # TODO implement
    return {
        'statusCode': 200,
        'body': json.dumps('Hello from Lambda!')
    }
"""


def http_api(cloud: BenchCloud, arn: str) -> str:
    apigw = cloud.client("apigatewayv2")
    api = apigw.create_api(Name="bench-http", ProtocolType="HTTP")["ApiId"]
    integration = apigw.create_integration(
        ApiId=api, IntegrationType="AWS_PROXY", IntegrationUri=arn, PayloadFormatVersion="2.0"
    )["IntegrationId"]
    apigw.create_route(ApiId=api, RouteKey="ANY /my-function", Target=f"integrations/{integration}")
    apigw.create_stage(ApiId=api, StageName="$default", AutoDeploy=True)
    cloud.allow("my-function", "http", f"arn:aws:execute-api:us-east-1:{ACCOUNT}:{api}/*/*/my-function")
    return f"{cloud.endpoint}/_aws/execute-api/{api}/my-function"


def rest_api(cloud: BenchCloud, arn: str) -> str:
    apigw = cloud.client("apigateway")
    api = apigw.create_rest_api(name="bench-rest", endpointConfiguration={"types": ["REGIONAL"]})["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    resource = apigw.create_resource(restApiId=api, parentId=root, pathPart="my-function")["id"]
    apigw.put_method(restApiId=api, resourceId=resource, httpMethod="ANY", authorizationType="NONE")
    apigw.put_integration(
        restApiId=api,
        resourceId=resource,
        httpMethod="ANY",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=lambda_uri(arn),
    )
    apigw.create_deployment(restApiId=api, stageName="dev")
    cloud.allow("my-function", "rest", f"arn:aws:execute-api:us-east-1:{ACCOUNT}:{api}/*/*/my-function")
    return f"{cloud.endpoint}/_aws/execute-api/{api}/dev/my-function"


async def _httpx_load(url: str, connections: int, seconds: float) -> dict[str, float]:
    """wrk's figures from a concurrent httpx client (where wrk is missing)."""
    times: list[float] = []
    errors = 0
    end = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def one() -> None:
            nonlocal errors
            while time.perf_counter() < end:
                t0 = time.perf_counter()
                status = (await client.get(url)).status_code
                times.append((time.perf_counter() - t0) * 1000)
                errors += status != 200

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(connections)))
        took = time.perf_counter() - started
    times.sort()
    return {
        "rps": len(times) / took,
        "p50_ms": times[len(times) // 2],
        "p99_ms": times[int(len(times) * 0.99)],
        "errors": errors,
        "requests": len(times),
    }


def load(url: str, connections: int, seconds: float) -> dict[str, float]:
    if shutil.which("wrk"):
        return wrk(url, connections, min(2, connections), seconds)
    return asyncio.run(_httpx_load(url, connections, seconds))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    with BenchCloud() as cloud:
        arn = cloud.function("my-function", HELLO)
        urls = {"HTTP API": http_api(cloud, arn), "REST API": rest_api(cloud, arn)}
        for label, url in urls.items():
            answer = httpx.get(url, timeout=30)
            if answer.status_code != 200 or answer.text != '"Hello from Lambda!"':
                raise SystemExit(f"{label}: {answer.status_code} {answer.text!r} before the run")
            load(url, args.connections, 1)  # warm-up: workers started, caches filled
        figures: dict[str, list[dict[str, float]]] = {label: [] for label in urls}
        for _ in range(args.rounds):
            for label, url in urls.items():
                before = cpu_seconds(cloud.port)
                found = load(url, args.connections, args.seconds)
                after = cpu_seconds(cloud.port)
                if before and after:
                    found["cpu_us"] = (after["gateway"] - before["gateway"]) / max(found["requests"], 1) * 1e6
                if found["errors"]:
                    print(f"  {label}: {found['errors']:.0f} errors", file=sys.stderr)
                figures[label].append(found)
    tool = "wrk -t2" if shutil.which("wrk") else "httpx"
    print(f"{tool}, {args.connections} connections, {args.rounds} alternating rounds of {args.seconds:g} s, medians:")
    print(f"{'API':<10} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'cloud CPU/req':>14}   rounds (req/s)")
    for label, runs in figures.items():
        each = " / ".join(f"{r['rps']:.0f}" for r in runs)
        rps, p50, p99, cpu = (
            median(r.get(k, float("nan")) for r in runs) for k in ("rps", "p50_ms", "p99_ms", "cpu_us")
        )
        print(f"{label:<10} {rps:8.0f} {p50:8.2f} {p99:8.2f} {cpu:11.0f} us   {each}")
    ratios = [r["rps"] / h["rps"] for r, h in zip(figures["REST API"], figures["HTTP API"])]
    print(f"REST / HTTP: {median(ratios):.2f} (each round: {' / '.join(f'{x:.2f}' for x in ratios)}; target >= 0.85)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
