"""The wizard in a browser, as `apigw-wizard serve` gives it: headless
Chromium (Debian's, driven by Playwright) opens the printed URL and a person's
keystrokes go from the Target step to "Hello from Lambda!", then copy the
invoke URL. The terminal's text is read from xterm.js's own buffer (its rows
are drawn on a canvas): the test exposes the page's Terminal by patching one
statement of textual-serve's textual.js as it is served to this browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import free_port, run_cli, wizard_exe

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]

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


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
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


def _expose_terminal(route: Any) -> None:
    response = route.fetch()
    source = response.text()
    assert source.count(OPEN_TERMINAL) == 1, "textual.js changed: update OPEN_TERMINAL"
    patched = source.replace(OPEN_TERMINAL, OPEN_TERMINAL + "window.__wizardTerminal=this.terminal,")
    route.fulfill(response=response, body=patched)


def test_keystrokes_in_chromium_reach_hello_from_lambda_and_copy_the_url(served: Served) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            origin = f"http://127.0.0.1:{served.web_port}"
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
            tab = context.new_page()
            tab.route("**/static/js/textual.js", _expose_terminal)
            tab.goto(served.url)
            assert tab.url == origin + "/"  # the token became a cookie and left the address bar
            tab.wait_for_function("window.__wizardTerminal !== undefined", timeout=30000)
            page = Page(tab)
            tab.locator(".xterm-helper-textarea").focus()  # where xterm.js takes keystrokes
            page.wait_for("Where should the function and the API be created?")
            assert len(_wizards(served.cloud_port)) == 1  # the tab's own wizard, which the check below looks for
            time.sleep(0.5)  # the step's primary button takes focus once the screen is up
            page.key("Enter")
            page.wait_for("author from scratch")
            page.key("Enter")
            page.wait_for("Function ARN")
            page.key("Enter")
            page.wait_for("1 Integrations")
            # The API step's sub-steps: integration, routes, stages, review.
            for pane_text in ("New route", "has no stage segment", "Permission lambda:InvokeFunction"):
                time.sleep(0.3)  # the pane's primary widget takes focus just after it is drawn
                page.key("Enter")
                page.wait_for(pane_text)
            page.key("Enter")
            page.wait_for("Next: Test")
            page.key("Enter")
            page.wait_for("Press Enter to send")
            page.key("Enter")
            screen = page.wait_for('"Hello from Lambda!"')
            assert "200 OK" in screen and "Traceback" not in screen
            url = re.search(r"http://127\.0\.0\.1:\d+/\S+", screen)
            assert url is not None, screen
            page.key("Tab")  # from Send to Copy URL
            page.key("Enter")
            page.wait_for("URL copied")
            copied = tab.evaluate("navigator.clipboard.readText()")
            assert copied == url.group(0)
            assert httpx.get(copied, timeout=30).text.strip('"') == "Hello from Lambda!"
        finally:
            browser.close()
    assert served.stop() == 0
    assert "Traceback" not in served.log.read_text()
    assert _wizards(served.cloud_port) == [], "a tab's wizard outlived the server"


def _wizards(cloud_port: int) -> list[str]:
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


def test_a_page_without_the_token_or_from_another_origin_gets_nothing(served: Served) -> None:
    base = f"http://127.0.0.1:{served.web_port}"
    assert httpx.get(base + "/").status_code == 403
    assert httpx.get(base + "/?token=wrong").status_code == 403
    assert httpx.get(base + "/static/js/textual.js").status_code == 200  # public package file
    rebound = httpx.get(base + "/static/js/textual.js", headers={"Host": f"evil.test:{served.web_port}"})
    assert rebound.status_code == 403
    token = served.url.split("token=")[1]
    cookies = {f"apigw_wizard_{served.web_port}": token}
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13"}
    upgrade["Sec-WebSocket-Key"] = "dGhlIHNhbXBsZSBub25jZQ=="
    foreign = httpx.get(base + "/ws", headers={**upgrade, "Origin": "http://evil.test"}, cookies=cookies)
    assert foreign.status_code == 403
    no_cookie = httpx.get(base + "/ws", headers={**upgrade, "Origin": base})
    assert no_cookie.status_code == 403
    assert httpx.get(base + "/", cookies=cookies).status_code == 200
    assert "fonts.googleapis.com" not in httpx.get(base + "/", cookies=cookies).text
    assert os.environ.get("APIGW_WIZARD_CONFIG_DIR")  # the keys are the test's, not the developer's
