"""Handlers are confined as Lambda confines them (localcloud/sandbox.py): a
hostile handler on the real local cloud tries each escape and reports what it
managed. Every assertion here fails with APIGW_WIZARD_SANDBOX=0."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from tests.cloudproc import HOST_CANARY, HOST_SECRET, LocalCloudProcess, create_function

pytestmark = pytest.mark.slow

HOSTILE = r"""
import errno, os, signal
def lambda_handler(event, context):
    got = {"read": [], "wrote": [], "signalled": [], "tmp_error": None}
    own = os.environ["LAMBDA_TASK_ROOT"]
    pids = {int(p) for p in os.listdir("/proc") if p.isdigit()} | set(event["pids"]) | {os.getppid()}
    for pid in pids - {os.getpid()}:
        try:
            text = open(f"/proc/{pid}/environ", "rb").read()
            if event["secret"].encode() in text or event["canary"].encode() in text:
                got["read"].append(f"/proc/{pid}/environ")
        except OSError:
            pass
        try:
            os.kill(pid, 0)  # permission check only: nothing is actually killed
            if pid > 1:
                got["signalled"].append(pid)
        except OSError:
            pass
    targets = list(event["files"])
    for top, _dirs, files in os.walk(event["state_dir"]):
        targets += [os.path.join(top, f) for f in files if not os.path.join(top, f).startswith(own)]
    for path in targets:
        try:
            with open(path, "rb") as f:
                f.read(1)
            got["read"].append(path)
        except OSError:
            pass
    for folder in event["write_dirs"] + [own]:
        try:
            with open(os.path.join(folder, "planted.pickle"), "wb") as f:
                f.write(b"x")
            got["wrote"].append(folder)
        except OSError:
            pass
    for path in event["victim_files"]:
        try:
            with open(path, "ab") as f:
                f.write(b"#")
            got["wrote"].append(path)
        except OSError:
            pass
    got["chmodded"] = []
    for path in event["files"] + event["victim_files"]:
        try:
            os.chmod(path, 0o666)  # loosened, another local user could read it
            got["chmodded"].append(path)
        except OSError:
            pass
    try:
        with open("/tmp/fill", "wb") as f:
            for _ in range(700):
                f.write(b"\0" * (1 << 20))
                f.flush()
    except OSError as exc:
        got["tmp_error"] = errno.errorcode.get(exc.errno)
    finally:
        os.remove("/tmp/fill")
    return got
"""
VICTIM = "import os\nSECRET = 'VICTIM_CODE'\ndef lambda_handler(e, c):\n    return os.getpid()\n"


@pytest.fixture(scope="module")
def jailed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalCloudProcess, Path]]:
    """A cloud whose HOME holds credentials and an SSH key (not root's real
    ones). HOME and the state dir are outside /tmp, as ~ and ~/.local/share
    are: under /tmp the sandbox's private /tmp would hide them anyway, and the
    test would prove less."""
    base = Path(tempfile.mkdtemp(prefix="apigw-sandbox-test-", dir="/var/tmp"))
    home = base / "home"
    home.mkdir()
    for name, text in (
        (".aws/credentials", "[default]\naws_secret_access_key = HOME_SECRET\n"),
        (".ssh/id_ed25519", "PRIVATE KEY\n"),
    ):
        (home / name).parent.mkdir(exist_ok=True)
        (home / name).write_text(text)
        (home / name).chmod(0o600)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        cloud = LocalCloudProcess(base / "jail").start()
        try:
            yield cloud, home
        finally:
            cloud.stop()
            shutil.rmtree(base, ignore_errors=True)


def _invoke(cloud: LocalCloudProcess, name: str, event: Any = None) -> Any:
    reply = cloud.client("lambda").invoke(FunctionName=name, Payload=json.dumps(event or {}).encode())
    return json.loads(reply["Payload"].read())


def _worker_pids(pid: int) -> list[int]:
    found = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        found += [int(child), *_worker_pids(int(child))]
    return found


def test_a_hostile_handler_reaches_nothing_outside_its_sandbox(jailed: tuple[LocalCloudProcess, Path]) -> None:
    cloud, home = jailed
    victim, _ = create_function(cloud, VICTIM)
    assert isinstance(_invoke(cloud, victim), int)  # extracted, and a sibling worker running
    hostile, _ = create_function(cloud, HOSTILE, timeout=60, memory=256)
    state = cloud.state_dir / "local-cloud"
    code = [p for p in (state / "code").iterdir() if p.is_dir()] if (state / "code").exists() else []
    victim_files = [str(p) for p in (state / "code").rglob("lambda_function.py") if b"VICTIM_CODE" in p.read_bytes()]
    assert victim_files
    event = {
        "secret": HOST_SECRET,
        "canary": HOST_CANARY,
        "pids": [cloud.proc.pid, *_worker_pids(cloud.proc.pid)],
        "files": [str(home / ".aws/credentials"), str(home / ".ssh/id_ed25519")],
        "state_dir": str(cloud.state_dir),
        "write_dirs": [
            str(cloud.state_dir),
            str(state),
            str(home),
            str(state / "pycache"),
            str(state / "lambda-home"),
            *(str(p) for p in code),
        ],
        "victim_files": victim_files,
    }
    got = _invoke(cloud, hostile, event)
    assert got["read"] == [], got["read"]  # no environ, no HOME secrets, no state or other code
    # Judged on the host: a state dir under /tmp (as here) shows up inside the
    # sandbox's private /tmp, where writing changes nothing outside.
    planted = [d for d in event["write_dirs"] if (Path(d) / "planted.pickle").exists()]
    assert planted == [] and not any(p in got["wrote"] for p in victim_files), (planted, got["wrote"])
    assert got["signalled"] == [], got["signalled"]
    assert got["chmodded"] == [], got["chmodded"]
    assert all(Path(p).stat().st_mode & 0o077 == 0 for p in event["files"])
    assert got["tmp_error"] in ("ENOSPC", "EFBIG"), got["tmp_error"]  # /tmp is capped at 512 MB
    assert isinstance(_invoke(cloud, victim), int)  # the cloud and the sibling answer still
    assert all(
        b"VICTIM_CODE'\ndef" in Path(p).read_bytes() and Path(p).stat().st_mode & 0o222 == 0 for p in victim_files
    )


def test_ordinary_handlers_still_work(jailed: tuple[LocalCloudProcess, Path]) -> None:
    cloud, _home = jailed
    from tui.services.packaging import HELLO_CODE

    name, _ = create_function(cloud, HELLO_CODE)
    hello = _invoke(cloud, name, {})
    assert hello["statusCode"] == 200 and "errorType" not in hello, hello
    code = (
        "import os, json, hashlib, decimal\n"
        "def lambda_handler(e, c):\n"
        "    own = open(os.path.join(os.environ['LAMBDA_TASK_ROOT'], 'data.txt')).read()\n"
        "    with open('/tmp/note', 'w') as f:\n        f.write(own + '!')\n"
        "    return {'own': own, 'tmp': open('/tmp/note').read(), 'sha': hashlib.sha256(b'x').hexdigest()[:8],\n"
        "            'pid_is_1': os.getpid() == 1}\n"
    )
    name, _ = create_function(cloud, {"lambda_function.py": code, "data.txt": "mine"})
    assert _invoke(cloud, name) == {"own": "mine", "tmp": "mine!", "sha": "2d711642", "pid_is_1": False}


def test_exit_status_and_kill_reach_the_cloud_through_the_sandbox(jailed: tuple[LocalCloudProcess, Path]) -> None:
    cloud, _home = jailed
    code = "import os, signal\ndef lambda_handler(e, c):\n    if e.get('kill'):\n        os.kill(os.getpid(), signal.SIGKILL)\n    os._exit(3)\n"
    name, _ = create_function(cloud, code)
    assert _invoke(cloud, name)["errorMessage"].endswith("exit status 3")
    # Lambda's Go runtime words SIGKILL "signal: killed".
    killed = _invoke(cloud, name, {"kill": 1})
    assert killed["errorMessage"].endswith("signal: killed")
    assert killed["errorType"] == "Runtime.ExitError"  # not out of memory: it killed itself


def test_protections_are_reported() -> None:
    from localcloud import sandbox, sandboxprobe

    found = sandboxprobe.protections()
    assert set(found) == set(sandboxprobe.MISSING_TEXT)
    assert sandboxprobe.missing_protections() == [sandboxprobe.MISSING_TEXT[k] for k, on in found.items() if not on]
    if sandbox.landlock_abi() >= 6:  # this CI machine: everything is on
        assert sandboxprobe.missing_protections() == []


@pytest.mark.skipif(not shutil.which("unshare"), reason="needs util-linux's unshare")
def test_without_user_namespaces_the_cloud_runs_and_says_what_is_off(tmp_path: Path) -> None:
    """A kernel (or container) that allows no user namespaces: the cloud
    still starts and serves, says at start which protections are off, the
    CLI shows it, and Landlock still keeps HOME secrets out of reach. The
    cloud runs in a user namespace whose own limit allows no nested ones."""
    import subprocess

    from tests.conftest import SAMPLE, free_port, run_cli, wizard_exe

    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "credentials").write_text("SECRET_IN_HOME\n")
    port = free_port()
    inner = " ".join([*wizard_exe(), "local", "--port", str(port), "--state-dir", str(tmp_path / "state")])
    log = tmp_path / "cloud.log"
    probe = subprocess.run(["unshare", "-U", "--map-root-user", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("unprivileged user namespaces are off here already")
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                "unshare",
                "-U",
                "--map-root-user",
                "sh",
                "-c",
                f"echo 0 > /proc/sys/user/max_user_namespaces && exec {inner}",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "HOME": str(home)},
        )
    try:
        env = {"APIGW_WIZARD_STATE_DIR": str(tmp_path / "state")}
        for _ in range(200):
            if "Local cloud listening" in log.read_text():
                break
            time.sleep(0.1)
        assert "Sandbox protection off: no user namespace" in log.read_text(), log.read_text()
        deployed = run_cli("deploy", "--config", str(SAMPLE), "--port", str(port), "--json", env=env)
        assert deployed.returncode == 0, deployed.stderr
        assert "protections off" in deployed.stderr  # the CLI (and the wizard's Target step) show it
        assert httpx.get(json.loads(deployed.stdout)["test_url"], timeout=30).text == '"Hello from Lambda!"'
        reader = LocalCloudProcess(tmp_path / "state", port)
        name, _ = create_function(
            reader,
            "def lambda_handler(e, c):\n    try:\n"
            f"        return open({str(home / '.aws' / 'credentials')!r}).read()\n"
            "    except OSError as exc:\n        return type(exc).__name__\n",
        )
        assert _invoke(reader, name) == "PermissionError"  # Landlock still holds
    finally:
        proc.terminate()
        proc.wait(timeout=30)
