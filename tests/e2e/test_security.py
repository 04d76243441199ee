"""Security checks, as tests: loopback only, no host environment or
credentials in handlers, no secret in any file or output, private files,
permissions scoped to the API and the function's own log group."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLE, deploy_json, run_cli
from tests.cloudproc import HOST_SECRET, create_function, deploy

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETzz"


def _listening_inodes() -> dict[str, str]:
    """inode -> local address of every listening TCP socket on the machine."""
    found = {}
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                found[fields[9]] = fields[1][:width]
    return found


def _process_tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        for child in children:
            pids.extend(_process_tree(int(child)))
    return pids


@pytest.mark.skipif(not os.path.exists("/proc/net/tcp"), reason="needs Linux /proc")
def test_every_listening_socket_is_loopback(cloud: Any) -> None:
    deploy(cloud, "def lambda_handler(e, c):\n    return 1\n").get("/echo")  # workers running too
    listening = _listening_inodes()
    seen = []
    for pid in _process_tree(cloud.proc.pid):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            inode = target[len("socket:[") : -1] if target.startswith("socket:[") else None
            if inode in listening:
                seen.append(listening[inode])
    assert seen, "found no listening socket for the local cloud"
    loopback_v4, loopback_v6 = "0100007F", "00000000000000000000000001000000"
    assert all(address in (loopback_v4, loopback_v6) for address in seen), seen


ALLOWED_ENV = {
    "PATH",
    "LANG",
    "TZ",
    "HOME",
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
    "AWS_ACCESS_KEY_ID",
    "AWS_ACCESS_KEY",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "LC_CTYPE",  # set by CPython itself on some platforms
    "AWS_XRAY_CONTEXT_MISSING",  # X-Ray's, as Lambda's Python runtime sets them
    "AWS_XRAY_DAEMON_ADDRESS",
    "_AWS_XRAY_DAEMON_ADDRESS",
    "_AWS_XRAY_DAEMON_PORT",
}


def test_handlers_see_only_lambdas_environment(cloud: Any) -> None:
    name, _ = create_function(
        cloud, "import os\ndef lambda_handler(e, c):\n    return dict(os.environ)\n", env={"MINE": "1"}
    )
    env = json.loads(cloud.client("lambda").invoke(FunctionName=name)["Payload"].read())
    assert set(env) - ALLOWED_ENV == {"MINE"}
    assert HOST_SECRET not in json.dumps(env)
    assert env["AWS_CONFIG_FILE"] == os.devnull and env["AWS_SHARED_CREDENTIALS_FILE"] == os.devnull
    assert not env["HOME"].startswith(os.path.expanduser("~") + os.sep + ".aws")


def test_no_secret_reaches_files_or_output(aws_env: dict[str, str], tmp_path: Path) -> None:
    env = {**aws_env, "AWS_SECRET_ACCESS_KEY": SECRET}
    out = run_cli("deploy", "--target", "aws", "--config", str(SAMPLE), "--yes", "--json", env=env)
    assert out.returncode == 0, out.stderr
    tested = run_cli("test", "--target", "aws", "--config", str(SAMPLE), env=env)
    gone = run_cli("destroy", "--target", "aws", "--config", str(SAMPLE), "--yes", env=env)
    for proc in (out, tested, gone):
        assert SECRET not in proc.stdout + proc.stderr
    for path in Path(aws_env["APIGW_WIZARD_STATE_DIR"]).rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_local_cloud_state_and_logs_hold_no_host_secret_and_are_private(cloud: Any) -> None:
    deploy(cloud, "def lambda_handler(e, c):\n    return 1\n").get("/echo")
    product = cloud.state_dir / "local-cloud"  # what the local cloud writes (not the harness's own log)
    files = [p for p in product.rglob("*") if p.is_file()]
    assert any(p.suffix == ".pickle" for p in files)
    for path in files:
        if "code" not in path.relative_to(product).parts:
            assert HOST_SECRET.encode() not in path.read_bytes(), path
            if path.suffix in (".pickle", ".json") or path.name.endswith(".log"):
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_ledger_files_are_private(aws_env: dict[str, str]) -> None:
    deploy_json("--target", "aws", "--config", str(SAMPLE), env=aws_env)
    ledgers = list((Path(aws_env["APIGW_WIZARD_STATE_DIR"]) / "ledgers").glob("*.json"))
    assert ledgers and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in ledgers)
    assert stat.S_IMODE(ledgers[0].parent.stat().st_mode) == 0o700
    run_cli("destroy", "--target", "aws", "--config", str(SAMPLE), "--yes", env=aws_env)


def test_permission_and_role_policy_are_scoped(aws_env: dict[str, str], clients: dict[str, Any]) -> None:
    out = deploy_json("--target", "aws", "--config", str(SAMPLE), env=aws_env)
    policy = json.loads(clients["lambda"].get_policy(FunctionName="my-function")["Policy"])
    for statement in policy["Statement"]:
        source = statement["Condition"]["ArnLike"]["AWS:SourceArn"]
        assert source.startswith(f"arn:aws:execute-api:us-east-1:123456789012:{out['api_id']}/")
        assert source != "*" and not source.endswith(f"{out['api_id']}/*")
    [local] = clients["iam"].list_policies(Scope="Local")["Policies"]
    document = clients["iam"].get_policy_version(PolicyArn=local["Arn"], VersionId=local["DefaultVersionId"])
    write = document["PolicyVersion"]["Document"]["Statement"][1]
    assert write["Resource"] == ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my-function:*"]
    run_cli("destroy", "--target", "aws", "--config", str(SAMPLE), "--yes", env=aws_env)


async def test_no_secret_is_ever_on_the_wizards_screen(
    aws_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.e2e.test_wizard_pilot import enter_through_to_test, until
    from tui.app import WizardApp
    from tui.config import Config
    from tui.state import WizardState

    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", "session-token-canary-" + SECRET[:10])
    state = WizardState(Config(target="aws"), tmp_path / "state", 1)
    app = WizardApp(state)
    screens: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        original = pilot.press

        async def press_and_look(*keys: str) -> None:
            await original(*keys)
            screens.append(app.export_screenshot())

        pilot.press = press_and_look  # type: ignore[method-assign]
        await enter_through_to_test(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: bool(state.history), "the response")
        await pilot.press("f2")  # the AWS CLI equivalent
        screens.append(app.export_screenshot())
    assert len(screens) > 8
    for shot in screens:
        assert SECRET not in shot and "session-token-canary" not in shot
