"""api.cors from the config, through `deploy`, onto a real local cloud:
created with the API, changed in place, turned off (DeleteCorsConfiguration,
the console's Clear, reference F1), each reported as an update; the
preflight answers follow (localcloud/apigatewayv2/cors.py cites AWS)."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.conftest import deploy_json, free_port, run_cli


def preflight(url: str, origin: str) -> httpx.Response:
    return httpx.options(url, headers={"Origin": origin, "Access-Control-Request-Method": "GET"}, timeout=30)


def test_cors_is_created_changed_and_cleared_by_deploy(tmp_path: Path) -> None:
    port = str(free_port())
    config = tmp_path / "c.yaml"
    where = ["--config", str(config), "--port", port, "--state-dir", str(tmp_path / "state")]
    # A GET route: a preflight (OPTIONS) matches no route, so API Gateway answers it.
    base = "api:\n  routes: [GET /my-function]\n"
    try:
        config.write_text(base + "  cors:\n    allow_origins: [https://app.example.com]\n    max_age_s: 60\n")
        first = deploy_json(*where)
        url = str(first["test_url"])
        allowed = preflight(url, "https://app.example.com")
        assert allowed.status_code == 204
        assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
        assert allowed.headers["access-control-max-age"] == "60"
        assert "access-control-allow-origin" not in preflight(url, "https://other.example").headers

        config.write_text(base + "  cors:\n    allow_origins: [https://other.example]\n")
        proc = run_cli("deploy", "--yes", *where)
        assert proc.returncode == 0, proc.stderr
        assert "~ Set CORS on HTTP API" in proc.stderr
        assert preflight(url, "https://other.example").headers["access-control-allow-origin"] == "https://other.example"

        unchanged = run_cli("deploy", "--yes", *where)
        assert unchanged.returncode == 0 and "CORS" not in unchanged.stderr  # nothing to change, nothing said

        config.write_text(base)
        proc = run_cli("deploy", "--yes", *where)
        assert proc.returncode == 0 and "~ Turned CORS off on HTTP API" in proc.stderr, proc.stderr
        assert preflight(url, "https://other.example").status_code == 404  # no route, no CORS: nothing answers
    finally:
        run_cli("destroy", "--yes", *where)
        run_cli("local", "--stop", "--port", port)
