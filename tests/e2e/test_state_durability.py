"""The local cloud's state under stress: a full or read-only disk, two
clouds on one folder, two deploys at once, a restart on another port,
damaged files, steady traffic and kill -9. Real cloud processes throughout."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.exceptions
import httpx
import pytest

from tests.conftest import free_port, run_cli, wizard_exe
from tests.cloudproc import ECHO, LocalCloudProcess, create_function, deploy, zip_files
from tests.e2e.test_fault_matrix import inventory, stack_config


@contextlib.contextmanager
def tmpfs(path: Path, size: str = "4m", options: str = "") -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}{options}", "tmpfs", str(path)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs to fill up ({mounted.stderr.strip() or 'mount failed'}); needs root")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(folder: Path) -> Path:
    """Write until the disk is full; the filler file, to delete to free it."""
    filler = folder / "filler"
    with open(filler, "wb") as out:
        chunk = b"\0" * 65536
        try:
            while True:
                out.write(chunk)
                out.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    with contextlib.suppress(OSError), open(filler, "ab") as out:  # the last bytes too
        while True:
            out.write(b"\0")
            out.flush()
    return filler


def write_config(tmp_path: Path, config: Any) -> Path:
    path = tmp_path / f"{config.function.name}.yaml"
    path.write_text(
        f"function:\n  name: {config.function.name}\napi:\n  name: {config.api.name}\n"
        f'  routes: ["{config.api.routes[0]}"]\n'
    )
    return path


def no_traceback(proc: subprocess.CompletedProcess[str]) -> str:
    text = proc.stdout + proc.stderr
    assert "Traceback" not in text, text
    return proc.stderr.strip()


# -- a full disk -----------------------------------------------------------
def test_a_full_disk_undoes_the_change_and_answers_in_each_protocol(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "state" / "local-cloud") as disk:
        cloud = LocalCloudProcess(tmp_path / "state").start()
        try:
            kept = deploy(
                cloud, "def lambda_handler(e, c):\n    print('line', e.get('rawQueryString'))\n    return 'ok'\n"
            )
            assert kept.get("/echo?before").text == "ok"
            filler = fill(disk)
            lam, iam = cloud.client("lambda"), cloud.client("iam")
            role = iam.get_role(RoleName=f"{kept.function}-role")["Role"]["Arn"]
            with pytest.raises(botocore.exceptions.ClientError) as failed:
                lam.create_function(
                    FunctionName="on-full-disk",
                    Runtime="python3.14",
                    Role=role,
                    Handler="lambda_function.lambda_handler",
                    Code={"ZipFile": zip_files({"lambda_function.py": ECHO})},
                )
            assert failed.value.response["Error"]["Code"] == "ServiceException"
            assert "control-plane.pickle" in failed.value.response["Error"]["Message"]
            assert "on-full-disk" not in [f["FunctionName"] for f in lam.list_functions()["Functions"]]
            # A query-protocol API gets XML botocore can parse.
            with pytest.raises(botocore.exceptions.ClientError) as refused:
                iam.create_role(RoleName="on-full-disk-role", AssumeRolePolicyDocument="{}")
            assert refused.value.response["Error"]["Code"] == "ServiceFailure"
            with pytest.raises(iam.exceptions.NoSuchEntityException):
                iam.get_role(RoleName="on-full-disk-role")
            assert kept.get("/echo?during").text == "ok"  # the data plane goes on
            time.sleep(4)  # a log save fails meanwhile
            filler.unlink()
            # Housekeeping survived the failed save: the logs reach the disk now.
            logs = disk / "logs.jsonl"
            deadline = time.monotonic() + 10
            while not (logs.exists() and b"during" in logs.read_bytes()) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert b"during" in logs.read_bytes()
            assert lam.create_function(
                FunctionName="after-full-disk",
                Runtime="python3.14",
                Role=role,
                Handler="lambda_function.lambda_handler",
                Code={"ZipFile": zip_files({"lambda_function.py": ECHO})},
            )
            assert cloud.stop() == 0
            log = cloud.log.read_text()
            assert "could not save the local cloud's state to" in log and "No space left on device" in log
            cloud.start()
            names = [f["FunctionName"] for f in lam.list_functions()["Functions"]]
            assert "on-full-disk" not in names and "after-full-disk" in names and kept.function in names
        finally:
            if cloud.proc and cloud.proc.poll() is None:
                cloud.stop()


def test_a_read_only_state_dir_is_one_sentence(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "state" / "local-cloud", options=",ro"):
        proc = run_cli("local", "--port", str(free_port()), "--state-dir", str(tmp_path / "state"), timeout=60)
    message = no_traceback(proc)
    assert proc.returncode == 1 and len(message.splitlines()) == 1
    assert "Read-only file system" in message and str(tmp_path / "state") in message


# -- one cloud per state dir; ledgers ----------------------------------------
def test_a_second_cloud_on_the_same_state_dir_exits_naming_the_first(tmp_path: Path) -> None:
    first = LocalCloudProcess(tmp_path / "state").start()
    try:
        proc = run_cli("local", "--port", str(free_port()), "--state-dir", str(tmp_path / "state"), timeout=60)
        message = no_traceback(proc)
        assert proc.returncode == 1
        assert f"pid {first.proc.pid}" in message and "--state-dir" in message  # type: ignore[union-attr]
        assert httpx.get(f"{first.endpoint}/_apigw-wizard/health").status_code == 200
    finally:
        first.stop()


def test_concurrent_deploys_of_one_config_create_one_stack(tmp_path: Path) -> None:
    cloud = LocalCloudProcess(tmp_path / "state").start()
    try:
        config = stack_config()
        path = write_config(tmp_path, config)
        args = [*wizard_exe(), "deploy", "--config", str(path), "--port", str(cloud.port), "--yes", "--json"]
        runs = [
            subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=180) for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
        assert json.loads(outputs[0][0])["api_id"] == json.loads(outputs[1][0])["api_id"]
        counts = inventory(cloud, config)
        assert counts["functions"] == 1 and counts["apis"] == 1 and counts["roles"] == 1, counts
        policies = cloud.client("iam").list_policies(Scope="Local")["Policies"]  # a fresh cloud: only this stack's
        assert len(policies) == 1, policies
    finally:
        cloud.stop()


def test_destroy_finds_everything_after_a_restart_on_another_port(tmp_path: Path) -> None:
    cloud = LocalCloudProcess(tmp_path / "state").start()
    config = stack_config()
    path = write_config(tmp_path, config)
    try:
        deployed = run_cli("deploy", "--config", str(path), "--port", str(cloud.port), "--yes", "--json")
        assert deployed.returncode == 0, deployed.stderr
    finally:
        cloud.stop()
    moved = LocalCloudProcess(tmp_path / "state", port=free_port()).start()
    try:
        assert moved.port != cloud.port
        gone = run_cli("destroy", "--config", str(path), "--port", str(moved.port), "--yes")
        assert gone.returncode == 0, gone.stderr
        assert "Deleted 8 resources" in gone.stdout and "Deleted function" in gone.stderr, gone
        assert not any(inventory(moved, config).values()), inventory(moved, config)
    finally:
        moved.stop()


# -- damaged files -------------------------------------------------------------
@pytest.mark.parametrize("content", [b"\x80\x05garbage", b"", b"\x80\x05]\x94.", "truncated"])
def test_a_damaged_state_file_is_set_aside_with_one_sentence(tmp_path: Path, content: Any) -> None:
    state = tmp_path / "state" / "local-cloud"
    if content == "truncated":
        cloud = LocalCloudProcess(tmp_path / "state").start()
        create_function(cloud, ECHO)
        cloud.stop()
        content = (state / "control-plane.pickle").read_bytes()[:-200]
    state.mkdir(parents=True, exist_ok=True)
    (state / "control-plane.pickle").write_bytes(content)
    proc = run_cli("local", "--port", str(free_port()), "--state-dir", str(tmp_path / "state"), timeout=60)
    message = no_traceback(proc)
    assert proc.returncode == 1 and len(message.splitlines()) == 1, message
    assert "control-plane.pickle" in message and "damaged" in message
    aside = list(state.glob("control-plane.pickle.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == content
    assert not (state / "control-plane.pickle").exists()


def test_a_damaged_ledger_is_set_aside_with_one_sentence(tmp_path: Path) -> None:
    cloud = LocalCloudProcess(tmp_path / "state").start()
    try:
        config = stack_config()
        path = write_config(tmp_path, config)
        assert run_cli("deploy", "--config", str(path), "--port", str(cloud.port), "--yes").returncode == 0
        ledger = next((tmp_path / "state" / "ledgers").glob(f"*{config.function.name}*.json"))
        good = ledger.read_bytes()
        for bad in (b"[]", b'{"resources": 5}', os.urandom(64)):
            ledger.write_bytes(bad)
            for command in ("destroy", "deploy"):
                proc = run_cli(command, "--config", str(path), "--port", str(cloud.port), "--yes")
                message = no_traceback(proc)
                assert proc.returncode == 1 and ledger.name in message and "damaged" in message, message
                aside = list(ledger.parent.glob(ledger.name + ".corrupt-*"))
                assert len(aside) == 1 and aside[0].read_bytes() == bad
                aside[0].unlink()
                ledger.write_bytes(bad)
        ledger.write_bytes(good)
        assert run_cli("destroy", "--config", str(path), "--port", str(cloud.port), "--yes").returncode == 0
    finally:
        cloud.stop()


# -- bounded snapshot, reads that write nothing, logs under traffic -----------------
def test_the_snapshot_does_not_grow_with_traffic_and_reads_do_not_rewrite_it(tmp_path: Path) -> None:
    cloud = LocalCloudProcess(tmp_path / "state").start()
    try:
        api = deploy(cloud, "def lambda_handler(e, c):\n    print('x' * 200)\n    return 'ok'\n")
        snapshot = tmp_path / "state" / "local-cloud" / "control-plane.pickle"
        before = snapshot.stat().st_size
        with httpx.Client(timeout=30) as client:
            for _ in range(2000):
                assert client.get(api.base + "/echo").status_code == 200
        time.sleep(4)  # a log save
        assert (tmp_path / "state" / "local-cloud" / "logs.jsonl").stat().st_size > 2000 * 200
        assert snapshot.stat().st_size < before + 4096, (before, snapshot.stat().st_size)
        stamp = snapshot.stat().st_mtime_ns
        sts, lam, apigw = cloud.client("sts"), cloud.client("lambda"), cloud.client("apigatewayv2")
        for _ in range(5):
            sts.get_caller_identity()
            lam.list_functions()
            lam.get_function(FunctionName=api.function)
            apigw.get_apis()
            cloud.client("logs").filter_log_events(logGroupName=f"/aws/lambda/{api.function}", limit=5)
        assert snapshot.stat().st_mtime_ns == stamp
        cloud.client("iam").create_role(RoleName=f"r-{uuid.uuid4().hex[:6]}", AssumeRolePolicyDocument="{}")
        assert snapshot.stat().st_mtime_ns != stamp  # a change is saved before it is answered
    finally:
        cloud.stop()


def test_create_and_delete_cycles_leave_the_snapshot_as_it_was(tmp_path: Path) -> None:
    """A cloud that sees deploy/destroy all day: what is deleted leaves
    nothing behind (moto kept every deleted API's tags: ~100 bytes a cycle)."""
    cloud = LocalCloudProcess(tmp_path / "state").start()
    try:
        apigw = cloud.client("apigatewayv2")
        # The cloud's start-up warm-up reads each service once, which makes
        # moto create that service's (empty) backend, whenever it gets there:
        # make the same reads first, so only the cycles can change the size.
        cloud.client("sts").get_caller_identity()
        cloud.client("iam").list_roles()
        cloud.client("lambda").list_functions()
        cloud.client("logs").describe_log_groups()
        apigw.get_apis()
        snapshot = tmp_path / "state" / "local-cloud" / "control-plane.pickle"
        sizes = []
        for i in range(6):
            api = apigw.create_api(Name=f"cycle-{i}", ProtocolType="HTTP", Tags={"apigw-wizard:stack": "x" * 40})
            apigw.delete_api(ApiId=api["ApiId"])
            sizes.append(snapshot.stat().st_size)
        assert sizes[-1] == sizes[1], sizes
        assert apigw.get_apis()["Items"] == []
    finally:
        cloud.stop()


def test_logs_survive_kill_9_under_steady_traffic(tmp_path: Path) -> None:
    cloud = LocalCloudProcess(tmp_path / "state").start()
    api = deploy(cloud, "def lambda_handler(e, c):\n    print('marker', e['rawQueryString'])\n    return 'ok'\n")
    stop = threading.Event()
    sent: list[int] = []

    def traffic() -> None:
        with httpx.Client(timeout=5) as client:
            n = 0
            while not stop.is_set():
                with contextlib.suppress(httpx.HTTPError):
                    client.get(f"{api.base}/echo?n{n}")
                    sent.append(n)
                n += 1

    sender = threading.Thread(target=traffic)
    sender.start()
    try:
        time.sleep(4.5)  # no idle moment: the requests never pause
        cloud.stop(signal.SIGKILL)
    finally:
        stop.set()
        sender.join()
    assert len(sent) > 100
    cloud.start()
    try:
        lines = api.logs()
        markers = [line for line in lines if line.startswith("marker n")]
        assert len(markers) > len(sent) // 4, (len(markers), len(sent))
    finally:
        cloud.stop()


def test_a_local_cognito_authorizer_still_takes_tokens_after_a_restart(tmp_path: Path) -> None:
    """The user pool is the authorizer's issuer: a restart that lost it left
    every token refused (401) until the next deploy made a new pool."""
    cloud = LocalCloudProcess(tmp_path / "state").start()
    path = tmp_path / "c.yaml"
    path.write_text("api:\n  authorizer: {type: jwt, issuer: local-cognito}\n")
    where = ["--config", str(path), "--state-dir", str(tmp_path / "state")]
    try:
        deployed = run_cli("deploy", *where, "--port", str(cloud.port), "--yes")
        assert deployed.returncode == 0, deployed.stderr
    finally:
        cloud.stop()
    again = LocalCloudProcess(tmp_path / "state").start()
    try:
        sent = run_cli("test", "--token", *where, "--port", str(again.port))
        assert sent.returncode == 0 and "200" in sent.stdout, sent.stdout + sent.stderr
    finally:
        run_cli("destroy", "--yes", *where, "--port", str(again.port))
        again.stop()
