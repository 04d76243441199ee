"""The CLI's answer to a bad config or flag: exit 2, one line naming the
field and what is allowed, no traceback (run as a user runs it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.unit.test_config import variant


def test_missing_config_file_is_exit_2(tmp_path: Path) -> None:
    proc = run_cli("deploy", "--config", str(tmp_path / "nope.yaml"), "--target", "aws")
    assert proc.returncode == 2
    assert "no such file" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("name: my-function ", "name: 'bad name' "),
        ("runtime: python3.14", "runtime: python2"),
        ("memory_mb: 128", "memory_mb: 64"),
        ('"ANY /my-function"', '"FOO /x"'),
        ("stage: $default", "stage: a b"),
        ("code: hello", "code: missing.py"),
        ("target: local", "target: [local"),
        ("region: us-east-1", "unknown_key: 1"),
    ],
)
def test_cli_exits_2_with_one_line_and_no_traceback(tmp_path: Path, old: str, new: str) -> None:
    proc = run_cli(
        "deploy",
        "--config",
        str(variant(tmp_path, old, new)),
        "--yes",
        "--json",
        "--state-dir",
        str(tmp_path / "state"),
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "allowed" in lines[0] or "YAML syntax error" in lines[0]
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_cli_flag_overrides_are_validated(tmp_path: Path) -> None:
    proc = run_cli("deploy", "--region", "nowhere", "--state-dir", str(tmp_path))
    assert proc.returncode == 2 and "--region" in proc.stderr and "us-east-1" in proc.stderr


def test_a_rejected_config_leaves_no_local_cloud_running(tmp_path: Path) -> None:
    """deploy starts the local cloud while it validates the config; when
    the config is refused, the cloud it started is stopped again."""
    import socket

    from tests.conftest import free_port

    port = free_port()
    proc = run_cli(
        "deploy",
        "--config",
        str(variant(tmp_path, "memory_mb: 128", "memory_mb: 64")),
        "--yes",
        "--port",
        str(port),
        "--state-dir",
        str(tmp_path / "state"),
    )
    assert proc.returncode == 2, proc.stderr
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0  # nothing listens there
