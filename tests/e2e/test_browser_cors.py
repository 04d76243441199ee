"""CORS as a browser meets it: a page on another origin (a loopback port
of its own) calls the local cloud's HTTP API with fetch in headless
Chromium. A custom header makes the call preflighted, so both CORS steps
are exercised; the fetch works exactly when the API's CorsConfiguration
allows the page's origin (http-api-cors; localcloud/apigatewayv2/cors.py)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browserkit import CHROMIUM
from tests.cloudproc import Deployed, deploy
from tests.conftest import free_port

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is installed by .ci/run")

HANDLER = """
def lambda_handler(event, context):
    return {"statusCode": 200, "body": "hello " + event["headers"].get("x-test", "?")}
"""
PAGE = b"<!doctype html><title>front end</title><p>a page on its own origin</p>"


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def front_end() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _api(cloud: Any, cors: dict[str, Any] | None) -> Deployed:
    deployed = deploy(cloud, HANDLER, routes=("GET /items",))
    if cors is not None:
        cloud.client("apigatewayv2").update_api(ApiId=deployed.api_id, CorsConfiguration=cors)
    return deployed


def fetch_from_page(origin: str, url: str) -> str:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(origin + "/")
            result: str = page.evaluate(
                """async (url) => {
                  try {
                    const r = await fetch(url, {headers: {"x-test": "from-the-page"}});
                    return r.status + " " + await r.text();
                  } catch (e) { return "blocked: " + e; }
                }""",
                url,
            )
            return result
        finally:
            browser.close()


def test_fetch_works_when_cors_allows_the_origin(cloud: Any, front_end: str) -> None:
    api = _api(cloud, {"AllowOrigins": [front_end], "AllowMethods": ["GET"], "AllowHeaders": ["x-test"]})
    assert fetch_from_page(front_end, api.base + "/items") == "200 hello from-the-page"


@pytest.mark.parametrize(
    "cors",
    [
        None,  # no CORS: the preflight is a 404 and no allow-origin ever comes
        {"AllowOrigins": ["https://someone-else.example"], "AllowHeaders": ["x-test"]},
        {"AllowOrigins": ["*"]},  # the origin is allowed, but not the x-test header the page sends
    ],
    ids=["no-cors", "other-origin", "header-not-allowed"],
)
def test_fetch_is_blocked_when_cors_does_not_allow_it(cloud: Any, front_end: str, cors: dict[str, Any] | None) -> None:
    api = _api(cloud, cors)
    result = fetch_from_page(front_end, api.base + "/items")
    assert result.startswith("blocked: TypeError"), result
