"""A hostile web page in real headless Chromium (Debian's, driven by
Playwright) tries what any site a developer visits could try against a
local cloud left running: "simple" cross-origin requests that need no
preflight (reset state, start moto's recorder, invoke a function, stop the
cloud), reading AWS API answers, and DNS rebinding (a page whose host name
resolves to 127.0.0.1). None of it may work; the data plane, a public API,
stays reachable from the page."""

from __future__ import annotations

import json
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.conftest import free_port
from tests.cloudproc import ECHO, deploy

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]

ATTACK = """
<script>
async function attempt(name, url, init) {
  try { const r = await fetch(url, init); results[name] = init.mode === "no-cors" ? "sent" : (await r.text()); }
  catch (e) { results[name] = "blocked: " + e; }
}
const results = {};
const cloud = "CLOUD";
const simple = {method: "POST", mode: "no-cors", headers: {"content-type": "text/plain"}};
(async () => {
  await attempt("reset", cloud + "/moto-api/reset", {...simple, body: "x"});
  await attempt("record", cloud + "/moto-api/recorder/start-recording", {...simple, body: "x"});
  await attempt("invoke", cloud + "/2015-03-31/functions/FUNCTION/invocations", {...simple, body: "{}"});
  await attempt("read_logs", cloud + "/", {method: "POST", body: JSON.stringify({logGroupName: "/aws/lambda/FUNCTION"}),
      headers: {"content-type": "application/x-amz-json-1.1", "x-amz-target": "Logs_20140328.FilterLogEvents"}});
  await attempt("rebound_invoke", "REBOUND/2015-03-31/functions/FUNCTION/invocations", {...simple, body: "{}"});
  await attempt("data_plane", "DATAPLANE", {method: "GET"});
  await attempt("shutdown", cloud + "/_apigw-wizard/shutdown", {...simple, body: ""});
  document.title = "done";
  window.results = results;
})();
</script>
"""


class _Page(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *_args: Any) -> None:
        pass


def _starts(cloud: Any, function: str) -> int:
    logs = cloud.client("logs")
    try:
        events = logs.filter_log_events(logGroupName=f"/aws/lambda/{function}")["events"]
    except logs.exceptions.ResourceNotFoundException:
        return 0
    return sum(e["message"].startswith("START ") for e in events)


def test_a_hostile_page_can_neither_change_nor_read_nor_stop_the_cloud(cloud: Any) -> None:
    from playwright.sync_api import sync_playwright

    deployed = deploy(cloud, ECHO)
    assert deployed.get("/echo").status_code == 200
    time.sleep(0.5)
    before = _starts(cloud, deployed.function)
    # CORS for the data plane is the API's business (its own config), not
    # the cloud's; this page only needs the request to reach the function.
    page = (
        ATTACK.replace("CLOUD", cloud.endpoint)
        .replace("FUNCTION", deployed.function)
        .replace("REBOUND", f"http://evil.test:{cloud.port}")
        .replace("DATAPLANE", f"{deployed.base}/echo")
    ).encode()
    _Page.body = page
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                # evil.test resolves to loopback, as a rebinding DNS server makes it.
                args=["--no-sandbox", "--host-resolver-rules=MAP evil.test 127.0.0.1"],
            )
            try:
                tab = browser.new_page()
                tab.goto(f"http://evil.test:{server.server_address[1]}/")
                tab.wait_for_function("document.title === 'done'", timeout=30000)
                results = tab.evaluate("window.results")
            finally:
                browser.close()
    finally:
        server.shutdown()
    assert results["read_logs"].startswith("blocked"), results  # no AWS answer readable
    assert results["data_plane"].startswith("blocked"), results  # sent, but ECHO sets no CORS headers
    time.sleep(1)
    assert cloud.proc.poll() is None, "the page stopped the cloud"
    assert cloud.client("lambda").get_function(FunctionName=deployed.function)  # not reset
    log = cloud.log_text("(DNS rebinding?)")
    for path in (
        "/moto-api/reset",
        "/moto-api/recorder/start-recording",
        "/_apigw-wizard/shutdown",
        f"/2015-03-31/functions/{deployed.function}/invocations",
    ):
        assert f"POST {path} -> 403" in log, path  # refused, and the log says why
    assert "a page on 'http://evil.test:" in log and "(DNS rebinding?)" in log
    # Only the data-plane request ran the function; the page's invoke did not.
    assert _starts(cloud, deployed.function) == before + 1
    assert json.loads(deployed.get("/echo").text)["rawPath"] == "/echo"
