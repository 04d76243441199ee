"""WebSocket APIs in the local cloud, beside a plain `websockets` echo
server measured by the same client in the same run. Prints figures;
asserts nothing.

    python bench/websocket.py [--connections 1000] [--hold 30] [--messages 1000]

The API: route $default, two-way (RouteResponseSelectionExpression
"$default" and a $default route response, reference K1), whose function
returns the message as its body; no $connect route, so a connection costs
the data plane only. The reference: `websockets`' own asyncio echo server
in its own process.

1. Held connections: `--connections` opened at once (at most 200
   handshakes in flight), held `--hold` seconds, then every one sends a
   message and must get it back (all still open and answering). Reported:
   connections per second while opening, the server process's resident
   memory before and while holding them (per connection), and how many
   answered.
2. Echo latency at one connection: `--messages` messages one after another
   after 100 of warm-up, each timed from send to its echo: p50/p90/p99 ms,
   and the local cloud's p50 as a ratio to the plain server's. Issue 14's
   target: p50 under 2 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import subprocess
import sys
import time
from pathlib import Path
from statistics import quantiles

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.cloudproc import ACCOUNT, BenchCloud, lambda_uri, rss_kb  # noqa: E402
from bench.local_cloud import free_port  # noqa: E402

ECHO = """def lambda_handler(event, context):
    return {"statusCode": 200, "body": event["body"]}
"""
PLAIN_SERVER = """
import asyncio, sys
from websockets.asyncio.server import serve

async def echo(ws):
    async for message in ws:
        await ws.send(message)

async def main():
    async with serve(echo, "127.0.0.1", int(sys.argv[1]), ping_interval=None, compression=None):
        await asyncio.Future()

asyncio.run(main())
"""


def more_open_files() -> None:
    """This client holds a socket per connection: the soft limit up to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 1 << 20
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def echo_api(cloud: BenchCloud) -> str:
    arn = cloud.function("ws-echo", ECHO)
    apigw = cloud.client("apigatewayv2")
    api = apigw.create_api(Name="bench-ws", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action")
    api_id = api["ApiId"]
    integration = apigw.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=lambda_uri(arn))
    route = apigw.create_route(
        ApiId=api_id,
        RouteKey="$default",
        Target=f"integrations/{integration['IntegrationId']}",
        RouteResponseSelectionExpression="$default",
    )
    apigw.create_route_response(ApiId=api_id, RouteId=route["RouteId"], RouteResponseKey="$default")
    apigw.create_stage(ApiId=api_id, StageName="prod", AutoDeploy=True)
    cloud.allow("ws-echo", "ws", f"arn:aws:execute-api:us-east-1:{ACCOUNT}:{api_id}/*")
    return f"ws://127.0.0.1:{cloud.port}/_aws/execute-api/{api_id}/prod"


async def hold(url: str, pid: int, count: int, seconds: float) -> dict[str, float]:
    from websockets.asyncio.client import connect

    before = rss_kb(pid)
    gate = asyncio.Semaphore(200)

    async def open_one() -> object:
        async with gate:
            return await connect(url, open_timeout=60, ping_interval=None, compression=None, max_queue=None)

    started = time.perf_counter()
    opened = await asyncio.gather(*(open_one() for _ in range(count)), return_exceptions=True)
    took = time.perf_counter() - started
    clients = [c for c in opened if not isinstance(c, BaseException)]
    await asyncio.sleep(seconds)
    held = rss_kb(pid)

    async def answers(i: int, client: object) -> bool:
        try:
            await client.send(f"still here {i}")  # type: ignore[attr-defined]
            return await asyncio.wait_for(client.recv(), 60) == f"still here {i}"  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - a connection that failed is counted, not raised
            return False

    # A few at a time: a burst of 1,000 messages at once would be 1,000
    # concurrent invocations, each given its own environment as Lambda
    # scales (README, concurrency): cold starts, not the connections, measured.
    paced = asyncio.Semaphore(8)

    async def paced_answers(i: int, client: object) -> bool:
        async with paced:
            return await answers(i, client)

    t0 = time.perf_counter()
    answered = sum(await asyncio.gather(*(paced_answers(i, c) for i, c in enumerate(clients))))
    round_trip = time.perf_counter() - t0
    await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)  # type: ignore[attr-defined]
    return {
        "opened": len(clients),
        "connect_per_s": len(clients) / took,
        "rss_before_mb": before / 1024,
        "rss_held_mb": held / 1024,
        "kb_per_connection": (held - before) / max(len(clients), 1),
        "answered": answered,
        "answer_all_s": round_trip,
    }


async def latency(url: str, messages: int) -> dict[str, float]:
    from websockets.asyncio.client import connect

    async with connect(url, open_timeout=60, ping_interval=None, compression=None) as client:
        for i in range(100):  # warm-up: the function's worker started, caches filled
            await client.send(f"warm {i}")
            await client.recv()
        times = []
        for i in range(messages):
            text = f"message {i}"
            t0 = time.perf_counter()
            await client.send(text)
            got = await client.recv()
            times.append((time.perf_counter() - t0) * 1000)
            if got != text:
                raise SystemExit(f"echo of {text!r} was {got!r}")
    cuts = quantiles(times, n=100)
    return {"p50": cuts[49], "p90": cuts[89], "p99": cuts[98]}


def plain_server() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", PLAIN_SERVER, str(port)])
    return proc, f"ws://127.0.0.1:{port}/"


async def wait_open(url: str) -> None:
    from websockets.asyncio.client import connect

    for _ in range(200):
        try:
            async with connect(url, open_timeout=5):
                return
        except OSError:
            await asyncio.sleep(0.05)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--hold", type=float, default=30)
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()
    more_open_files()
    results: dict[str, dict[str, dict[str, float]]] = {}
    server, plain_url = plain_server()
    try:
        asyncio.run(wait_open(plain_url))
        with BenchCloud() as cloud:
            assert cloud.proc is not None
            url = echo_api(cloud)
            # Alternating: latency on both, then the held connections on both.
            results["local cloud"] = {"latency": asyncio.run(latency(url, args.messages))}
            results["plain websockets"] = {"latency": asyncio.run(latency(plain_url, args.messages))}
            results["local cloud"]["hold"] = asyncio.run(hold(url, cloud.proc.pid, args.connections, args.hold))
            results["plain websockets"]["hold"] = asyncio.run(hold(plain_url, server.pid, args.connections, args.hold))
    finally:
        server.terminate()
        server.wait()
    print(f"{args.connections} connections held {args.hold:g} s:")
    print(
        f"{'server':<17} {'opened':>7} {'conn/s':>8} {'answered':>9} {'RSS before':>11} {'RSS held':>9} {'KB/conn':>8}"
    )
    for label, found in results.items():
        h = found["hold"]
        print(
            f"{label:<17} {h['opened']:7.0f} {h['connect_per_s']:8.0f} {h['answered']:9.0f} "
            f"{h['rss_before_mb']:9.1f} MB {h['rss_held_mb']:6.1f} MB {h['kb_per_connection']:8.1f}"
        )
    print(f"echo latency at one connection, {args.messages} messages after 100 of warm-up (ms):")
    print(f"{'server':<17} {'p50':>7} {'p90':>7} {'p99':>7}")
    for label, found in results.items():
        lat = found["latency"]
        print(f"{label:<17} {lat['p50']:7.3f} {lat['p90']:7.3f} {lat['p99']:7.3f}")
    ratio = results["local cloud"]["latency"]["p50"] / results["plain websockets"]["latency"]["p50"]
    print(f"p50 local cloud / plain server: {ratio:.1f}x (target: local cloud p50 < 2 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
