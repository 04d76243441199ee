"""api.throttling and api.stage_variables from the config, through `deploy`,
onto a real local cloud: created with the stage, updated in place (reported
as an update), cleared when removed; the data plane follows (429 past the
burst, reference H2; event["stageVariables"], H1)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.conftest import deploy_json, free_port, run_cli

ECHO = """import json


def lambda_handler(event, context):
    return {"statusCode": 200, "body": json.dumps(event.get("stageVariables"))}
"""


def statuses(url: str, count: int) -> list[int]:
    with httpx.Client(timeout=40) as client:
        return [client.get(url).status_code for _ in range(count)]


def test_stage_settings_are_created_updated_and_cleared(tmp_path: Path) -> None:
    port = str(free_port())
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "lambda_function.py").write_text(ECHO)
    config = tmp_path / "c.yaml"
    where = ["--config", str(config), "--port", port, "--state-dir", str(tmp_path / "state")]
    base = "function:\n  code: code/lambda_function.py\napi:\n"
    try:
        # Rate 0.2/s: a token every 5 s, so the burst is all a quick run of requests gets.
        config.write_text(base + "  throttling: {burst: 2, rate: 0.2}\n  stage_variables: {table: orders-dev}\n")
        url = str(deploy_json(*where)["test_url"])
        assert httpx.get(url, timeout=40).status_code in (200, 429)  # a cold start, and a token spent
        replies = statuses(url, 3)
        assert replies[-1] == 429, replies

        config.write_text(base + "  throttling: {burst: 50, rate: 100}\n  stage_variables: {table: orders-test}\n")
        proc = run_cli("deploy", "--yes", *where)
        assert proc.returncode == 0, proc.stderr
        assert (
            "~ Updated stage $default: auto-deploy on, throttling burst 50, rate 100.0/s, 1 stage variables"
            in proc.stderr
        )
        assert statuses(url, 5) == [200] * 5  # a changed limit starts a full bucket of the new size
        assert json.loads(httpx.get(url, timeout=40).text) == {"table": "orders-test"}

        config.write_text(base)
        proc = run_cli("deploy", "--yes", *where)
        assert proc.returncode == 0 and "~ Updated stage $default" in proc.stderr, proc.stderr
        reply = httpx.get(url, timeout=40)
        assert reply.status_code == 200 and reply.text == "null"  # payload 2.0 omits the key: .get gives None
        again = run_cli("deploy", "--yes", *where)
        assert again.returncode == 0 and "Updated stage" not in again.stderr  # nothing changed, nothing said
    finally:
        run_cli("destroy", "--yes", *where)
        run_cli("local", "--stop", "--port", port)
