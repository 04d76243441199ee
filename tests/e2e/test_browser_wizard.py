"""The wizard in a browser, as `apigw-wizard serve` gives it: headless
Chromium (Debian's, driven by Playwright) opens the printed URL and a person's
keystrokes go from the Target step to "Hello from Lambda!", then copy the
invoke URL. The terminal's text is read from xterm.js's own buffer
(tests/browserkit.py)."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.browserkit import CHROMIUM, Served, open_wizard, serving, wizards

pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with serving(tmp_path) as running:
        yield running


def test_keystrokes_in_chromium_reach_hello_from_lambda_and_copy_the_url(served: Served) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            origin = f"http://127.0.0.1:{served.web_port}"
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
            page = open_wizard(context, served)
            tab = page.tab
            page.wait_for("Where should the function and the API be created?")
            assert len(wizards(served.cloud_port)) == 1  # the tab's own wizard, which the check below looks for
            time.sleep(0.5)  # the step's primary button takes focus once the screen is up
            page.key("Enter")
            page.wait_for("author from scratch")
            page.key("Enter")
            page.wait_for("Function ARN")
            page.key("Enter")
            page.wait_for("Choose an API type")
            # The API step's sub-steps: type, integration, routes, stages, access, review.
            for pane_text in (
                "Lambda integration (payload 2.0",
                "New route",
                "has no stage segment",
                "Authorization, CORS and throttling",
                "Permission lambda:InvokeFunction",
            ):
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
    assert wizards(served.cloud_port) == [], "a tab's wizard outlived the server"


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
