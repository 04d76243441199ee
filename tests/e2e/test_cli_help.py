"""The CLI's small promises: every command's --help says what it does in
one line and shows an example; `serve` refuses what it must before it
listens (a non-loopback host, a bad config, a missing extra, a taken port)
with one line and exit 2 (1 for the port); `destroy --yes` lists each
deletion once; `local` in the foreground says how to stop it."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from tests.conftest import free_port, run_cli
from tests.cloudproc import LocalCloudProcess
from tui import cli

COMMANDS = ("deploy", "test", "destroy", "export", "local", "serve")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_has_a_one_line_description_and_an_example(command: str) -> None:
    proc = run_cli(command, "--help")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    usage_end = text.index("\n\n")  # usage, a blank line, then the description
    description = text[usage_end + 2 :].split("\n\n")[0]
    assert description.count("\n") == 0 and description.endswith("."), description
    examples = text.split("examples:\n", 1)[1]
    assert f"  apigw-wizard {command}" in examples, text


def test_the_top_level_help_points_at_each_commands_help() -> None:
    proc = run_cli("--help")
    assert proc.returncode == 0
    assert "apigw-wizard serve" in proc.stdout and "COMMAND --help" in proc.stdout


def test_serve_help_tells_the_web_port_from_the_cloud_port() -> None:
    text = " ".join(run_cli("serve", "--help").stdout.split())  # argparse wraps to the terminal's width
    assert "--web-port N" in text and "not the cloud's --port" in text
    assert "local cloud port" in text and "--allow-remote" in text


def _one_clean_line(proc: object) -> str:
    stderr = proc.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    return str(stderr)


@pytest.mark.parametrize("host", ["0.0.0.0", "8.8.8.8"])
def test_serve_refuses_a_non_loopback_host_without_allow_remote(host: str) -> None:
    proc = run_cli("serve", "--host", host, "--web-port", str(free_port()))
    assert proc.returncode == 2
    assert "not a loopback address" in _one_clean_line(proc) and "--allow-remote" in proc.stderr


def test_serve_refuses_a_host_that_does_not_resolve_and_a_bad_port() -> None:
    proc = run_cli("serve", "--host", "no-such-host.invalid")
    assert proc.returncode == 2 and "--host" in _one_clean_line(proc)
    proc = run_cli("serve", "--web-port", "70000")
    assert proc.returncode == 2 and "out of range" in _one_clean_line(proc)
    proc = run_cli("serve", "--web-port", "4600", "--port", "4600")
    assert proc.returncode == 2 and "local cloud's --port" in _one_clean_line(proc)


def test_serve_checks_the_config_before_it_listens(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("function:\n  runtime: cobol9\n")
    port = free_port()
    proc = run_cli("serve", "--config", str(bad), "--web-port", str(port))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "runtime" in proc.stderr
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # nothing was left listening


def test_serve_says_which_port_is_taken() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = run_cli("serve", "--web-port", str(port))
    assert proc.returncode == 1
    assert f"--web-port {port + 1}" in _one_clean_line(proc)


def test_serve_without_the_extra_names_the_pip_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve", None)  # import fails as if not installed
    assert cli.main(["serve", "--web-port", str(free_port())]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'apigw-wizard[serve]'" in err


def test_serve_knows_loopback_names() -> None:
    from tui.serve_command import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.3.2.1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10") and not is_loopback("no-such-host.invalid")


def test_destroy_yes_lists_each_deletion_once(tmp_path: Path) -> None:
    port = str(free_port())
    where = ["--port", port, "--state-dir", str(tmp_path / "state")]
    try:
        assert run_cli("deploy", "--yes", *where).returncode == 0
        refused = run_cli("destroy", *where)  # no terminal, no --yes: the list goes with the refusal
        assert refused.returncode == 2 and "This deletes: " in refused.stderr and "--yes" in refused.stderr
        proc = run_cli("destroy", "--yes", *where)
    finally:
        run_cli("local", "--stop", "--port", port)
    assert proc.returncode == 0, proc.stderr
    assert "This deletes" not in proc.stderr
    deleted = [line.split("Deleted ", 1)[1] for line in proc.stderr.splitlines() if "- Deleted " in line]
    assert len(deleted) == 8, proc.stderr
    output = proc.stdout + proc.stderr
    for resource in deleted:
        name = resource.removesuffix(" (with its parent)")
        assert output.count(name) == 1, f"{name!r} printed more than once:\n{output}"
    assert proc.stdout == "Deleted 8 resources for my-function + my-http-api.\n"


def test_local_in_the_foreground_says_how_to_stop_it(tmp_path: Path) -> None:
    cloud = LocalCloudProcess(tmp_path / "cloud").start()
    try:
        log = cloud.log_text("Ctrl+C to stop")
    finally:
        assert cloud.stop() == 0
    first = log.splitlines()[0]
    assert first.startswith("Local cloud listening on") and first.endswith("Ctrl+C to stop"), log
