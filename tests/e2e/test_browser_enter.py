"""Enter is safe and deterministic in the browser too: `apigw-wizard serve`
in headless Chromium (Debian's, driven by Playwright), Enter every 100 ms
from the moment the page's terminal exists, never waiting for a screen. It
must reach the test step's 200 and "Hello from Lambda!" without any dialog
opening on the way. The browser shows only the terminal's text, so a dialog
is recognised by words only a dialog draws, in any frame read between
presses."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browserkit import CHROMIUM, Served, open_wizard, serving
from tests.e2e.test_enter_through import DIALOG_MARKS

pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]

# The tmux test's marks, plus the titles of the dialogs it does not name:
# the help view (F1), the clean-up step's typed-name delete confirmation.
TITLES = re.compile(r"Help: |Delete \d+ resources?\?|Type \S+ to confirm")
HELLO = '"Hello from Lambda!"'


def _dialog(screen: str) -> list[str]:
    return [mark for mark in DIALOG_MARKS if mark in screen] + TITLES.findall(screen)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with serving(tmp_path) as running:
        yield running


def test_enter_every_100ms_in_chromium_reaches_hello_without_a_dialog(served: Served) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = open_wizard(context, served)
            started = time.monotonic()
            deadline = started + 120  # a loaded 2-core machine: cold start, deploy and first call
            presses, frames, screen = 0, 0, ""
            while time.monotonic() < deadline:
                page.key("Enter")
                presses += 1
                time.sleep(0.1)  # the pace under test, not a wait for any screen
                screen = page.screen()
                frames += 1
                opened = _dialog(screen)
                assert not opened, f"a dialog opened ({opened}) after {presses} presses:\n{screen}"
                assert "Traceback" not in screen, screen
                # The Test pane's status line, not the sidebar's "200 GET" that
                # stays from an earlier call while a new one is sent.
                if HELLO in screen and "200 OK" in screen:
                    break
            else:
                log = served.log.read_text()[-3000:]  # textual-serve writes the wizard's stderr here
                raise AssertionError(
                    f"no Hello after {presses} presses in 120 s; the terminal showed:\n{screen}\n{log}"
                )
            took = time.monotonic() - started
            # Later presses send again from the same step: still no dialog.
            for _ in range(10):
                page.key("Enter")
                time.sleep(0.1)
                screen = page.screen()
                assert not _dialog(screen), screen
            assert HELLO in screen and "Traceback" not in screen, screen
            print(f"Hello after {took:.1f} s and {presses} Enter presses ({frames} frames read)")
        finally:
            browser.close()
    assert served.stop() == 0
    assert "Traceback" not in served.log.read_text()
