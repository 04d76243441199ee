"""Enter is safe and deterministic: the installed `apigw-wizard` in tmux at
80x24, a fresh state dir and its own background cloud on a free port; Enter
every 100 ms from launch, never waiting for a screen. It must reach the test
step's 200 and "Hello from Lambda!" without any dialog opening on the way
(the F2 AWS CLI view, an error, a confirmation). A step added after Test
(Monitor) does not matter: the run stops at the first Hello."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import free_port, run_cli, wizard_exe
from tests.e2e.test_wizard_tmux import Tmux

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")

# Words only a dialog shows: the AWS CLI view, the error funnel, a
# confirmation, the welcome-back offer.
DIALOG_MARKS = (
    "The AWS CLI equivalent",
    "Could not ",
    "Copy all",
    "Create real AWS resources?",
    "resources?",
    "Welcome back",
)


def test_enter_every_100ms_from_launch_reaches_hello_without_a_dialog(tmp_path: Path) -> None:
    port = str(free_port())
    tmux = Tmux([*wizard_exe(), "--state-dir", str(tmp_path / "state"), "--port", port])
    screens: list[str] = []
    try:
        deadline = time.monotonic() + 150  # a loaded machine: cold start, deploy and first call
        presses = 0
        while time.monotonic() < deadline:
            tmux.keys("Enter")
            presses += 1
            time.sleep(0.1)
            screen = tmux.screen()
            screens.append(screen)
            opened = [mark for mark in DIALOG_MARKS if mark in screen]
            assert not opened, f"a dialog opened ({opened}) after {presses} presses:\n{screen}"
            assert "Traceback" not in screen, screen
            if '"Hello from Lambda!"' in screen and "200" in screen:
                break
        else:
            raise AssertionError(f"no Hello after {presses} presses; the screen was:\n{screens[-1]}")
        # Later presses keep sending from the same step: still no dialog.
        for _ in range(10):
            tmux.keys("Enter")
            time.sleep(0.1)
            screen = tmux.screen()
            assert not [mark for mark in DIALOG_MARKS if mark in screen], screen
        assert '"Hello from Lambda!"' in tmux.screen()
        tmux.keys("C-q")
    finally:
        tmux.close()
        run_cli("local", "--stop", "--port", port)
