"""api.access_log from the config, through `deploy`, onto a real local cloud
(reference H3): deploy makes the log group, points the stage's
AccessLogSettings at it in the console's format, and the lines are read
back with CloudWatch Logs' filter_log_events as `aws logs` reads them;
another format updates the stage in place; removing the key turns access
logs off with DeleteAccessLogSettings and keeps the group (its logs are the
user's) until destroy deletes it."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import boto3
import httpx

from tests.cloudproc import owner_kw
from tests.conftest import deploy_json, free_port, run_cli

GROUP = "/aws/apigateway/my-http-api/access-logs"


def lines(logs: Any, count: int) -> list[str]:
    deadline = time.monotonic() + 30
    found: list[str] = []
    while time.monotonic() < deadline:
        found = [e["message"] for e in logs.filter_log_events(logGroupName=GROUP)["events"]]
        if len(found) >= count:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{len(found)} access log lines, wanted {count}")


def test_access_logs_are_made_changed_turned_off_and_destroyed(tmp_path: Path) -> None:
    port = free_port()
    config = tmp_path / "c.yaml"
    where = ["--config", str(config), "--port", str(port), "--state-dir", str(tmp_path / "state")]
    try:
        config.write_text("api:\n  access_log: clf\n")
        out = deploy_json(*where)
        assert out["access_log_group"] == GROUP
        assert "access_log_group:" + GROUP in out["created"]
        kw = owner_kw(port)
        logs, apigw = boto3.client("logs", **kw), boto3.client("apigatewayv2", **kw)
        settings = apigw.get_stage(ApiId=out["api_id"], StageName="$default")["AccessLogSettings"]
        assert settings["DestinationArn"] == f"arn:aws:logs:us-east-1:{out['account']}:log-group:{GROUP}"
        first = httpx.get(str(out["test_url"]), timeout=40)
        assert first.status_code == 200
        # The console's CLF preset (http-api-logging): ip - - [time] "method routeKey protocol" status length id
        assert re.fullmatch(
            r'127\.0\.0\.1 - - \[[^\]]+\] "GET ANY /my-function HTTP/1\.1" 200 20 '
            + re.escape(first.headers["apigw-requestid"]),
            lines(logs, 1)[0],
        ), lines(logs, 1)

        config.write_text("api:\n  access_log: json\n")
        proc = run_cli("deploy", "--yes", *where)
        assert proc.returncode == 0 and "access logs JSON" in proc.stderr, proc.stderr
        second = httpx.get(str(out["test_url"]), timeout=40)
        entry = json.loads(lines(logs, 2)[1])
        assert entry["requestId"] == second.headers["apigw-requestid"] and entry["status"] == "200"

        config.write_text("api: {}\n")
        proc = run_cli("deploy", "--yes", *where)
        assert proc.returncode == 0 and "access logs off" in proc.stderr, proc.stderr
        assert "AccessLogSettings" not in apigw.get_stage(ApiId=out["api_id"], StageName="$default")
        assert httpx.get(str(out["test_url"]), timeout=40).status_code == 200
        time.sleep(1.5)  # a line written for it, if any, is readable by now
        assert len(lines(logs, 2)) == 2  # off: no third line; the group and its lines stay

        config.write_text("api:\n  access_log: csv\n")
        again = deploy_json(*where)
        assert "access_log_group:" + GROUP in again["reused"]  # the group the ledger kept

        proc = run_cli("destroy", "--yes", *where)
        assert proc.returncode == 0, proc.stderr
        assert logs.describe_log_groups(logGroupNamePrefix=GROUP)["logGroups"] == []
    finally:
        run_cli("destroy", "--yes", *where)
        run_cli("local", "--stop", "--port", str(port))


def test_a_bad_format_names_the_key_and_the_allowed_values(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("api:\n  name: my-http-api\n  access_log: apache\n")
    proc = run_cli("deploy", "--yes", "--config", str(config), "--state-dir", str(tmp_path / "s"))
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert f"{config}:3" in proc.stderr and "api.access_log" in proc.stderr, proc.stderr
    assert "allowed: null, clf, json, xml, csv" in proc.stderr, proc.stderr
