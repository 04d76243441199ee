"""The wizard served to headless Chromium, shared by the browser tests:
`apigw-wizard serve` on free ports with a private state dir, and a page
whose xterm.js Terminal is published so its text can be read (its rows are
drawn on a canvas): the test patches one statement of textual-serve's
textual.js as it is served to this browser."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.conftest import free_port, run_cli, wizard_exe

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# textual.js (textual-serve 1.1.3) makes its Terminal in a closure; this is
# the statement that opens it, which the test extends to publish it.
OPEN_TERMINAL = "this.terminal.open(e),"
SCREEN_JS = """() => {
  const buffer = window.__wizardTerminal.buffer.active;
  const rows = [];
  for (let y = 0; y < window.__wizardTerminal.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
}"""


class Served:
    def __init__(self, tmp_path: Path):
        self.web_port, self.cloud_port = free_port(), free_port()
        self.log = tmp_path / "serve.log"
        args = ["serve", "--web-port", str(self.web_port), "--port", str(self.cloud_port)]
        args += ["--state-dir", str(tmp_path / "state")]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [*wizard_exe(), *args], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        self.url = self._wait_for_url()

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = re.search(r"http://127\.0\.0\.1:\d+/\?token=[\w-]+", self.log.read_text())
            if found:
                return found.group(0)
            assert self.proc.poll() is None, self.log.read_text()
            time.sleep(0.1)
        raise AssertionError(f"serve printed no URL: {self.log.read_text()}")

    def stop(self) -> int:
        self.proc.terminate()
        try:
            return self.proc.wait(timeout=30)
        finally:
            run_cli("local", "--stop", "--port", str(self.cloud_port))


@contextmanager
def serving(tmp_path: Path) -> Iterator[Served]:
    """A served wizard that is stopped (with its cloud) however the test ends."""
    running = Served(tmp_path)
    try:
        yield running
    finally:
        if running.proc.poll() is None:
            running.stop()
        else:
            run_cli("local", "--stop", "--port", str(running.cloud_port))


class Page:
    def __init__(self, tab: Any):
        self.tab = tab

    def screen(self) -> str:
        return str(self.tab.evaluate(SCREEN_JS))

    def wait_for(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the terminal showed:\n{self.screen()}")

    def key(self, key: str) -> None:
        self.tab.keyboard.press(key)


def expose_terminal(route: Any) -> None:
    response = route.fetch()
    source = response.text()
    assert source.count(OPEN_TERMINAL) == 1, "textual.js changed: update OPEN_TERMINAL"
    patched = source.replace(OPEN_TERMINAL, OPEN_TERMINAL + "window.__wizardTerminal=this.terminal,")
    route.fulfill(response=response, body=patched)


def open_wizard(context: Any, served: Served) -> Page:
    """A tab on the served URL, its Terminal published and focused; it does
    not wait for the wizard's first screen."""
    tab = context.new_page()
    tab.route("**/static/js/textual.js", expose_terminal)
    tab.goto(served.url)
    assert tab.url == f"http://127.0.0.1:{served.web_port}/"  # the token became a cookie and left the address bar
    tab.wait_for_function("window.__wizardTerminal !== undefined", timeout=30000)
    tab.locator(".xterm-helper-textarea").focus()  # where xterm.js takes keystrokes
    return Page(tab)


def wizards(cloud_port: int) -> list[str]:
    """The command lines of running `python -m tui --port CLOUD_PORT` (each tab's wizard)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue  # it ended while we looked
        if b"tui" in argv and b"--port" in argv and str(cloud_port).encode() in argv:
            found.append(" ".join(a.decode(errors="replace") for a in argv))
    return found
