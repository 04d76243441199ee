"""Soak test of a long-running local cloud: mixed load for a while, one row
every sample period, a summary with targets; exit 0 if every target holds.

    python bench/soak.py [--minutes 10] [--sample-s 10] [--rate 1500] [--connections 8]
                         [--update-s 30] [--probes 5] [--keep]

It starts its own `apigw-wizard local` on a free port, with
APIGW_WIZARD_CONFIG_DIR and APIGW_WIZARD_STATE_DIR pointed at a temporary
folder (so the user's key pair, ledgers and cloud are never touched), its
output going to <state>/local-cloud.log with the rotation the background
cloud gets. It deploys a hello function (`apigw-wizard deploy`, own names)
and then, until the time is up, runs side by side:

  - data plane: wrk -t1 -c8 against the hello function's invoke URL, one
    wrk per sample period (its end is the sample), every answer that is not
    200 with the console's hello body counted (a Lua response() hook), and
    socket errors too;
  - a code update of the hello function every --update-s (30 s):
    UpdateFunctionCode with a new zip (same answer, another CodeSha256), so
    its workers are retired and cold-started under load;
  - deploy cycles, back to back: `apigw-wizard deploy --yes --json`, `test
    --json`, `destroy --yes` on a config made from sample_config.yaml with its
    own function, API and route names; any exit code but 0 is counted;
  - control-plane probes: GetCallerIdentity and ListFunctions, --probes times
    each per sample period, SigV4-signed with the owner's key pair
    (localcloud.owner.load()), latency recorded.

The load: wrk paced to about --rate 1500 requests/s (a Lua delay() per
request: 8 connections x one request per ~5 ms), which is the soak run this
reproduces (886k requests in 10 minutes, ~1,480 req/s). Flat out (--rate 0),
wrk -t1 -c8 would keep the gateway process on one of the machine's 2 cores
at ~10k req/s and starve the deploy cycles (each a fresh Python process:
boto3 import, the deploy, the test, the destroy) and the probes, and the
probes' latency would measure CPU contention rather than the cloud's growth.
One wrk thread and 8 connections: one core's worth of client is plenty, and
8 connections exceed the one-worker-per-CPU pool, so queueing and scale-out
are exercised.

Each row: elapsed, data-plane requests so far, req/s in the period, unexpected
answers so far (data plane not 200 or wrong body, socket errors, deploy /
test / destroy exit code != 0, failed code updates or probes), RSS of the
cloud process and of its children (VmRSS from /proc), p50/p99 of the probes in
the period, sizes of the state dir (every file), control-plane.pickle,
logs.jsonl and the request log (local-cloud.log + .1), deploy cycles and code
updates done.

Targets (summary): no unexpected answer; RSS (cloud + workers) at the end <=
1.2 x RSS after the first minute; p99 of each probe in the last minute <= 2 x
its p99 in the first minute. Exits 1 naming what failed, 2 if it cannot run.
Needs `wrk` (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.local_cloud import free_port, wizard  # noqa: E402

HELLO_BODY = '"Hello from Lambda!"'
HELLO_CODE = """import json

def lambda_handler(event, context):
    # soak code update {n}
    return {{
        'statusCode': 200,
        'body': json.dumps('Hello from Lambda!')
    }}
"""
PACED_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  not200 = 0; badbody = 0
  pause = tonumber(args[1]) or 0
  whole = math.floor(pause); part = pause - whole
end
%(delay)sfunction response(status, headers, body)
  if status ~= 200 then not200 = not200 + 1
  elseif body ~= '%(body)s' then badbody = badbody + 1 end
end
function done(summary, latency, requests)
  local a, b = 0, 0
  for _, t in ipairs(threads) do a = a + t:get("not200"); b = b + t:get("badbody") end
  io.write(string.format("SOAK not200=%%d badbody=%%d\\n", a, b))
end
"""
DELAY_LUA = """
function delay()  -- a fractional pause: whole ms, one more at random
  if part > 0 and math.random() < part then return whole + 1 end
  return whole
end
"""
COMMAND_TIMEOUT_S = 180
REGION = "us-east-1"


# -- measurements ------------------------------------------------------------
def vm_rss_kb(pid: int) -> int:
    try:
        match = re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())
    except OSError:
        return 0
    return int(match.group(1)) if match else 0


def descendants(pid: int) -> list[int]:
    found: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = list(Path(f"/proc/{current}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except (OSError, ValueError):
                continue
            found.extend(children)
            todo.extend(children)
    return found


def tree_size(path: Path) -> int:
    """Sum of the sizes of every file under `path` (what `du -b` adds up)."""
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                continue  # removed while walking
    return total


def file_size(*paths: Path) -> int:
    total = 0
    for path in paths:
        try:
            total += path.stat().st_size
        except OSError:
            continue
    return total


def percentile(values: list[float], q: float) -> float:
    """Nearest rank; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def hello_zip(n: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("lambda_function.py", HELLO_CODE.format(n=n))
    return buffer.getvalue()


@dataclass
class Sample:
    elapsed: float
    requests: int
    rps: float
    unexpected: int
    cloud_kb: int
    workers_kb: int
    probes: dict[str, tuple[float, float]]
    state_bytes: int
    snapshot_bytes: int
    logs_bytes: int
    request_log_bytes: int
    cycles: int
    updates: int

    @property
    def rss_kb(self) -> int:
        return self.cloud_kb + self.workers_kb


@dataclass
class Tally:
    """What the background loops report, under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    unexpected: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)
    probes: list[tuple[float, str, float]] = field(default_factory=list)  # (elapsed, name, ms)
    cycles: int = 0
    cycle_seconds: list[float] = field(default_factory=list)
    updates: int = 0

    def bad(self, kind: str, count: int = 1, example: str = "") -> None:
        if count <= 0:
            return
        with self.lock:
            self.unexpected[kind] = self.unexpected.get(kind, 0) + count
            if example and len(self.examples.setdefault(kind, [])) < 3:
                self.examples[kind].append(example[:300])

    def total(self) -> int:
        with self.lock:
            return sum(self.unexpected.values())


# -- the run -----------------------------------------------------------------
class Soak:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.root = Path(tempfile.mkdtemp(prefix="apigw-soak-"))
        self.config_dir = self.root / "config"
        self.state = self.root / "state"
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "APIGW_WIZARD_CONFIG_DIR": str(self.config_dir),
            "APIGW_WIZARD_STATE_DIR": str(self.state),
        }
        for name in (
            "AWS_PROFILE",
            "AWS_ENDPOINT_URL",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
        ):
            self.env.pop(name, None)
        # This process signs with the same key pair as the processes it starts.
        os.environ["APIGW_WIZARD_CONFIG_DIR"] = str(self.config_dir)
        os.environ["APIGW_WIZARD_STATE_DIR"] = str(self.state)
        self.cloud: subprocess.Popen[bytes] | None = None
        self.children: set[subprocess.Popen[Any]] = set()
        self.children_lock = threading.Lock()
        self.stop = threading.Event()
        self.tally = Tally()
        self.started = 0.0
        self.url = ""

    # paths
    @property
    def cloud_dir(self) -> Path:
        return self.state / "local-cloud"

    @property
    def request_log(self) -> Path:
        return self.state / "local-cloud.log"

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    # processes
    def run(self, argv: list[str], timeout: float) -> tuple[int | None, str, str]:
        """Run a command to completion (None: killed at the end of the run
        or after `timeout`); its exit code, stdout and stderr."""
        proc = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=self.env,
            cwd=self.root,
        )
        with self.children_lock:
            self.children.add(proc)
        try:
            out, err = proc.communicate(timeout=timeout)
            return (None if proc.returncode < 0 and self.stop.is_set() else proc.returncode), out, err
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            return None, out, err + f"\n(killed after {timeout:.0f} s)"
        finally:
            with self.children_lock:
                self.children.discard(proc)

    def wizard(self, *argv: str, timeout: float = COMMAND_TIMEOUT_S) -> tuple[int | None, str, str]:
        return self.run([*wizard(), *argv, "--port", str(self.port)], timeout)

    def start_cloud(self) -> None:
        from localcloud import owner
        from localcloud.client import probe
        from localcloud.retention import LOG_FILE_ENV

        owner.load()  # the key pair, made in the temporary config folder
        self.state.mkdir(mode=0o700)
        log = os.open(self.request_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            # As the background cloud is started: output to a file it rotates.
            self.cloud = subprocess.Popen(
                [*wizard(), "local", "--port", str(self.port)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=self.state,
                env={**self.env, LOG_FILE_ENV: str(self.request_log)},
            )
        finally:
            os.close(log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if probe(self.port):
                return
            if self.cloud.poll() is not None:
                break
            time.sleep(0.05)
        tail = self.request_log.read_text(errors="replace").strip().splitlines()[-3:]
        raise RuntimeError(f"the local cloud did not start on port {self.port}: " + " / ".join(tail))

    def boto(self, service: str) -> Any:
        import boto3
        from botocore.config import Config

        from localcloud import owner

        creds = owner.load()
        assert creds is not None
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=creds.access_key_id,
            aws_secret_access_key=creds.secret_access_key,
            config=Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=10, read_timeout=30),
        )

    def write_config(self, name: str, function: str, api: str, route: str) -> Path:
        import yaml

        config = yaml.safe_load((ROOT / "sample_config.yaml").read_text())
        config["target"] = "local"
        config["function"]["name"] = function
        config["api"]["name"] = api
        config["api"]["routes"] = [f"ANY {route}"]
        config["test"]["path"] = route
        path = self.root / f"{name}.yaml"
        path.write_text(yaml.safe_dump(config, sort_keys=False))
        return path

    # background loops
    def updater(self, function: str) -> None:
        lam = self.boto("lambda")
        n = 0
        while not self.stop.wait(self.args.update_s):
            n += 1
            try:
                lam.update_function_code(FunctionName=function, ZipFile=hello_zip(n))
                with self.tally.lock:
                    self.tally.updates += 1
            except Exception as exc:  # noqa: BLE001 - counted and reported, the soak goes on
                if not self.stop.is_set():
                    self.tally.bad("code update", example=f"{type(exc).__name__}: {exc}")

    def cycler(self, config: Path) -> None:
        steps = (("deploy", ("--yes", "--json")), ("test", ("--json",)), ("destroy", ("--yes",)))
        while not self.stop.is_set():
            began = time.monotonic()
            for step, extra in steps:
                if self.stop.is_set():
                    return
                code, out, err = self.wizard(step, "--config", str(config), *extra)
                if code is None and self.stop.is_set():
                    return  # cut short by the end of the run: not counted
                if code != 0:
                    last = (err.strip() or out.strip()).splitlines()[-1:] or ["(no output)"]
                    self.tally.bad(step, example=f"exit {code} at {self.elapsed():.0f} s: {last[0]}")
                    self.stop.wait(1.0)  # no hot loop if the cloud is gone
            with self.tally.lock:
                self.tally.cycles += 1
                self.tally.cycle_seconds.append(time.monotonic() - began)

    def prober(self) -> None:
        sts, lam = self.boto("sts"), self.boto("lambda")
        calls = (("GetCallerIdentity", sts.get_caller_identity), ("ListFunctions", lam.list_functions))
        interval = self.args.sample_s / max(1, self.args.probes)
        while not self.stop.wait(interval):
            for name, call in calls:
                t0 = time.perf_counter()
                try:
                    call()
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    if not self.stop.is_set():
                        self.tally.bad(name, example=f"{type(exc).__name__}: {exc}")
                    continue
                ms = (time.perf_counter() - t0) * 1000
                with self.tally.lock:
                    self.tally.probes.append((self.elapsed(), name, ms))

    # the data plane, one wrk per sample period
    def wrk(self, seconds: int, script: Path, pause_ms: float) -> int:
        argv = [
            "wrk",
            "-t1",
            f"-c{self.args.connections}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(script),
            self.url,
            "--",
            f"{pause_ms:.3f}",
        ]
        code, out, err = self.run(argv, seconds + 60)
        match = re.search(r"(\d+) requests in", out)
        if code != 0 or not match:
            if not self.stop.is_set():
                self.tally.bad("wrk", example=f"exit {code}: {(err or out).strip()[-200:]}")
            return 0
        soak = re.search(r"SOAK not200=(\d+) badbody=(\d+)", out)
        if soak:
            self.tally.bad("data plane not 200", int(soak.group(1)))
            self.tally.bad("data plane wrong body", int(soak.group(2)))
        else:
            self.tally.bad("wrk", example="no SOAK line in wrk's output")
        sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
        if sock:
            self.tally.bad("data plane socket errors", sum(int(g) for g in sock.groups()), example=sock.group(0))
        return int(match.group(1))

    def sample(self, requests: int, period_requests: int, period_s: float, since: float) -> Sample:
        assert self.cloud is not None
        kids = descendants(self.cloud.pid)
        now = self.elapsed()
        with self.tally.lock:
            window = [(name, ms) for t, name, ms in self.tally.probes if since <= t <= now]
            cycles, updates = self.tally.cycles, self.tally.updates
        probes = {}
        for name in ("GetCallerIdentity", "ListFunctions"):
            values = [ms for n, ms in window if n == name]
            probes[name] = (percentile(values, 50), percentile(values, 99))
        return Sample(
            elapsed=now,
            requests=requests,
            rps=period_requests / period_s if period_s > 0 else 0.0,
            unexpected=self.tally.total(),
            cloud_kb=vm_rss_kb(self.cloud.pid),
            workers_kb=sum(vm_rss_kb(k) for k in kids),
            probes=probes,
            state_bytes=tree_size(self.state),
            snapshot_bytes=file_size(self.cloud_dir / "control-plane.pickle"),
            logs_bytes=file_size(self.cloud_dir / "logs.jsonl"),
            request_log_bytes=file_size(self.request_log, self.request_log.with_name("local-cloud.log.1")),
            cycles=cycles,
            updates=updates,
        )

    def soak(self) -> tuple[list[Sample], int]:
        args = self.args
        self.start_cloud()
        hello = self.write_config("soak-hello", "soak-hello-fn", "soak-hello-api", "/soak-hello")
        code, out, err = self.wizard("deploy", "--config", str(hello), "--yes", "--json")
        if code != 0:
            raise RuntimeError(f"deploying the hello function failed (exit {code}): {err.strip()[-300:]}")
        self.url = json.loads(out)["test_url"]
        code, out, err = self.wizard("test", "--config", str(hello), "--json")
        if code != 0 or json.loads(out).get("body") != HELLO_BODY:
            raise RuntimeError(f"the hello function does not answer as expected (exit {code}): {out[:200]}{err[:200]}")
        cycle = self.write_config("soak-cycle", "soak-cycle-fn", "soak-cycle-api", "/soak-cycle")
        # Each connection pauses between its requests; the pause is corrected
        # after every period by what the answers themselves took.
        cycle_ms = args.connections * 1000 / args.rate if args.rate > 0 else 0.0
        pause_ms = max(0.0, cycle_ms - 0.5)
        script = self.root / "soak.lua"
        script.write_text(PACED_LUA % {"delay": DELAY_LUA if args.rate > 0 else "", "body": HELLO_BODY})
        pacing = f"paced to ~{args.rate} req/s" if args.rate > 0 else "flat out"
        print(f"local cloud on {self.endpoint}, state in {self.state}")
        print(
            f"{args.minutes:g} min, a sample every {args.sample_s} s: wrk -t1 -c{args.connections} {pacing} on "
            f"{self.url}; "
            + ("no code updates; " if args.no_updates else f"a code update every {args.update_s:g} s; ")
            + ("no deploy cycles; " if args.no_cycles else "deploy/test/destroy cycles; ")
            + f"{args.probes} GetCallerIdentity + ListFunctions probes per sample",
            flush=True,
        )

        samples = [
            Sample(
                0.0,
                0,
                0.0,
                0,
                vm_rss_kb(self.cloud.pid),  # type: ignore[union-attr]
                sum(vm_rss_kb(k) for k in descendants(self.cloud.pid)),  # type: ignore[union-attr]
                {},
                tree_size(self.state),
                file_size(self.cloud_dir / "control-plane.pickle"),
                file_size(self.cloud_dir / "logs.jsonl"),
                file_size(self.request_log, self.request_log.with_name("local-cloud.log.1")),
                0,
                0,
            )
        ]
        print_header()
        print_row(samples[0])
        duration = args.minutes * 60
        self.started = time.monotonic()
        threads = [threading.Thread(target=self.prober, daemon=True)]
        if not args.no_updates:
            threads.append(threading.Thread(target=self.updater, args=("soak-hello-fn",), daemon=True))
        if not args.no_cycles:
            threads.append(threading.Thread(target=self.cycler, args=(cycle,), daemon=True))
        for thread in threads:
            thread.start()
        requests = 0
        took_ms: float | None = None
        try:
            while self.elapsed() < duration - 0.5 and self.cloud.poll() is None:  # type: ignore[union-attr]
                since = self.elapsed()
                seconds = max(1, min(args.sample_s, round(duration - since)))
                got = self.wrk(seconds, script, pause_ms)
                requests += got
                period = self.elapsed() - since
                if got and cycle_ms:
                    # What a request took beside the pause (smoothed), and the
                    # rate that brings the total back on course by the next row.
                    took = args.connections * period * 1000 / got - pause_ms
                    took_ms = took if took_ms is None else (took_ms + took) / 2
                    behind = args.rate * (self.elapsed() + args.sample_s) - requests
                    wanted = min(2 * args.rate, max(args.rate / 2, behind / args.sample_s))
                    pause_ms = min(1000.0, max(0.0, args.connections * 1000 / wanted - took_ms))
                samples.append(self.sample(requests, got, period, since))
                print_row(samples[-1])
            if self.cloud.poll() is not None:  # type: ignore[union-attr]
                self.tally.bad("local cloud exited", example=f"exit code {self.cloud.returncode}")  # type: ignore[union-attr]
        finally:
            self.stop.set()
            self.kill_children()
            for thread in threads:
                thread.join(timeout=15)
        return samples, requests

    def kill_children(self) -> None:
        with self.children_lock:
            running = list(self.children)
        for proc in running:
            if proc.poll() is None:
                proc.kill()

    def cleanup(self) -> None:
        self.stop.set()
        self.kill_children()
        if self.cloud is not None and self.cloud.poll() is None:
            kids = descendants(self.cloud.pid)
            self.cloud.send_signal(signal.SIGTERM)
            try:
                self.cloud.wait(timeout=20)
            except subprocess.TimeoutExpired:
                print(
                    f"the local cloud (pid {self.cloud.pid}) did not stop within 20 s of SIGTERM; killed it",
                    file=sys.stderr,
                )
                for pid in [self.cloud.pid, *kids]:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                self.cloud.wait()
        # A command that found no cloud on the port would have started one in
        # the background; stop whatever of this key pair answers there.
        subprocess.run(
            [*wizard(), "local", "--stop", "--port", str(self.port)], env=self.env, capture_output=True, timeout=30
        )
        if self.args.keep:
            print(f"kept {self.root}")
        else:
            shutil.rmtree(self.root, ignore_errors=True)


# -- output ------------------------------------------------------------------
COLUMNS = (
    "elapsed",
    "requests",
    "req/s",
    "unexp",
    "cloud MB",
    "workers MB",
    "STS p50/p99 ms",
    "List p50/p99 ms",
    "state KB",
    "snap KB",
    "logs KB",
    "reqlog KB",
    "cyc/upd",
)
WIDTHS = (7, 9, 6, 5, 8, 10, 14, 15, 8, 7, 7, 9, 7)


def print_header() -> None:
    print("  ".join(c.rjust(w) for c, w in zip(COLUMNS, WIDTHS)))


def print_row(s: Sample) -> None:
    def pair(name: str) -> str:
        p50, p99 = s.probes.get(name, (float("nan"), float("nan")))
        return "-" if math.isnan(p50) else f"{p50:.1f}/{p99:.1f}"

    cells = (
        f"{s.elapsed:.0f} s",
        f"{s.requests:,}",
        f"{s.rps:,.0f}",
        str(s.unexpected),
        f"{s.cloud_kb / 1024:.1f}",
        f"{s.workers_kb / 1024:.1f}",
        pair("GetCallerIdentity"),
        pair("ListFunctions"),
        f"{s.state_bytes / 1024:,.0f}",
        f"{s.snapshot_bytes / 1024:,.0f}",
        f"{s.logs_bytes / 1024:,.0f}",
        f"{s.request_log_bytes / 1024:,.0f}",
        f"{s.cycles}/{s.updates}",
    )
    print("  ".join(c.rjust(w) for c, w in zip(cells, WIDTHS)), flush=True)


def summarize(samples: list[Sample], requests: int, tally: Tally, duration: float) -> int:
    failed: list[str] = []
    window = min(60.0, duration / 2)
    end = samples[-1]
    after_first = next((s for s in samples[1:] if s.elapsed >= window - 0.5), end)
    print()
    print(
        f"summary ({end.elapsed:.0f} s, {requests:,} data-plane requests, {end.cycles} deploy/test/destroy cycles"
        + (f" of {percentile(tally.cycle_seconds, 50):.1f} s median" if tally.cycle_seconds else "")
        + f", {end.updates} code updates)"
    )
    total = tally.total()
    detail = ", ".join(f"{kind} {count}" for kind, count in sorted(tally.unexpected.items()))
    print(f"  zero unexpected answers:   {'yes' if total == 0 else 'no'} ({total}{': ' + detail if detail else ''})")
    for kind, examples in sorted(tally.examples.items()):
        for example in examples:
            print(f"      {kind}: {example}")
    if total:
        failed.append(f"{total} unexpected answers")
    ratio = end.rss_kb / after_first.rss_kb if after_first.rss_kb else float("inf")
    cloud_ratio = end.cloud_kb / after_first.cloud_kb if after_first.cloud_kb else float("inf")
    ok = ratio <= 1.2
    print(
        f"  RSS end / after {window:.0f} s:     {ratio:.2f} (target <= 1.2: {'ok' if ok else 'FAILED'}); cloud + workers "
        f"{after_first.rss_kb / 1024:.1f} -> {end.rss_kb / 1024:.1f} MB, cloud alone "
        f"{after_first.cloud_kb / 1024:.1f} -> {end.cloud_kb / 1024:.1f} MB ({cloud_ratio:.2f})"
    )
    if not ok:
        failed.append(f"RSS grew {ratio:.2f}x")
    with tally.lock:
        probes = list(tally.probes)
    last_start = end.elapsed - window
    for name in ("GetCallerIdentity", "ListFunctions"):
        first = [ms for t, n, ms in probes if n == name and t < window]
        last = [ms for t, n, ms in probes if n == name and last_start <= t <= end.elapsed]
        p_first, p_last = percentile(first, 99), percentile(last, 99)
        probe_ratio = p_last / p_first if first and last and p_first > 0 else float("nan")
        ok = probe_ratio <= 2.0
        print(
            f"  {name + ' p99:':<26} first {window:.0f} s {p_first:.1f} ms ({len(first)} calls), last {window:.0f} s "
            f"{p_last:.1f} ms ({len(last)} calls): {probe_ratio:.2f}x (target <= 2x: {'ok' if ok else 'FAILED'})"
        )
        if not ok:
            failed.append(f"{name} p99 {probe_ratio:.2f}x")
    start = samples[0]
    print(
        f"  state dir:                 start {start.state_bytes / 1024:,.0f} KB, after {window:.0f} s "
        f"{after_first.state_bytes / 1024:,.0f} KB, end {end.state_bytes / 1024:,.0f} KB "
        f"(control-plane.pickle {start.snapshot_bytes / 1024:,.0f} -> {after_first.snapshot_bytes / 1024:,.0f} -> "
        f"{end.snapshot_bytes / 1024:,.0f} KB; logs.jsonl {start.logs_bytes / 1024:,.0f} -> "
        f"{after_first.logs_bytes / 1024:,.0f} -> {end.logs_bytes / 1024:,.0f} KB; request log "
        f"{start.request_log_bytes / 1024:,.0f} -> {after_first.request_log_bytes / 1024:,.0f} -> "
        f"{end.request_log_bytes / 1024:,.0f} KB)"
    )
    if failed:
        print(f"FAILED: {'; '.join(failed)}")
        return 1
    print("all targets hold")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description="Soak test of a long-running local cloud (see the module docstring).")
    parser.add_argument("--minutes", type=float, default=10.0, help="how long the load runs (default 10)")
    parser.add_argument("--sample-s", type=int, default=10, help="seconds between rows (default 10)")
    parser.add_argument(
        "--rate", type=int, default=1500, help="data-plane requests/s wrk is paced to (default 1500; 0 = flat out)"
    )
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8, one thread)")
    parser.add_argument("--update-s", type=float, default=30.0, help="seconds between code updates (default 30)")
    parser.add_argument("--probes", type=int, default=5, help="probes of each kind per sample (default 5)")
    parser.add_argument("--no-updates", action="store_true", help="no code updates (to tell what grows)")
    parser.add_argument("--no-cycles", action="store_true", help="no deploy/test/destroy cycles (to tell what grows)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (state, logs) for a look")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    if args.minutes <= 0 or args.sample_s < 1 or args.connections < 1 or args.update_s <= 0 or args.rate < 0:
        print("--minutes, --sample-s, --connections and --update-s must be positive, --rate >= 0", file=sys.stderr)
        return 2
    soak = Soak(args)
    try:
        try:
            samples, requests = soak.soak()
        finally:
            soak.cleanup()
    except KeyboardInterrupt:
        print("\ninterrupted; everything this run started was stopped", file=sys.stderr)
        return 130
    except (RuntimeError, OSError, subprocess.SubprocessError, ValueError) as exc:
        print(f"soak could not run: {exc}", file=sys.stderr)
        return 2
    return summarize(samples, requests, soak.tally, args.minutes * 60)


if __name__ == "__main__":
    raise SystemExit(main())
