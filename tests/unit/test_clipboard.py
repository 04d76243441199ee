"""Copy tells the truth under tmux: a real tmux server on a private socket
answers the set-clipboard question (tmux(1): the default "external" ignores
OSC 52 from applications; "on" passes it to the terminal)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_wizard_snapshots import make_app
from tests.pilotclick import click
from tui.widgets.clipboard import tmux_blocks_copy

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is installed by .ci/run")


@pytest.fixture
def tmux_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    # A short socket path: AF_UNIX paths are limited to about 100 bytes.
    sock = Path(f"/tmp/apigw-clip-{os.getpid()}-{tmp_path.name[-6:]}")
    subprocess.run(["tmux", "-f", "/dev/null", "-S", str(sock), "new-session", "-d", "sleep 600"], check=True)
    monkeypatch.setenv("TMUX", f"{sock},{os.getpid()},0")  # what tmux sets inside its panes
    yield sock
    subprocess.run(["tmux", "-S", str(sock), "kill-server"], check=False)
    sock.unlink(missing_ok=True)


def test_the_default_setting_blocks_and_on_does_not(tmux_server: Path) -> None:
    assert tmux_blocks_copy() == "external"
    subprocess.run(["tmux", "-S", str(tmux_server), "set", "-g", "set-clipboard", "on"], check=True)
    assert tmux_blocks_copy() is None


def test_outside_tmux_nothing_is_claimed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TMUX", raising=False)
    assert tmux_blocks_copy() is None


async def test_copy_curl_under_default_tmux_says_it_did_not_copy(tmux_server: Path, tmp_path: Path) -> None:
    app = make_app(tmp_path, "test")
    async with app.run_test(size=(80, 24)) as pilot:
        app.goto("test")
        await click(pilot, "#copy-curl")
        for _ in range(100):
            await pilot.pause(0.05)
            if app._notifications:
                break
        messages = [str(n.message) for n in app._notifications]
        assert any("NOT copied" in m and "set-clipboard on" in m for m in messages), messages
        assert app.clipboard.startswith("curl -i -X GET")  # what the app asked the terminal to copy
