"""Export of REST API configs (api.type rest), end to end as
tests/e2e/test_export.py does it for HTTP APIs: cfn-lint and shellcheck
find nothing, and the exported script, run with the AWS CLI against a real
local cloud, makes an API that answers as reference J3 and J6 say."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from tests.cloudproc import LocalCloudProcess
from tests.e2e import test_export
from tests.e2e.test_export import BIN, export, run_script, tool

pytestmark = pytest.mark.slow
local_cloud = test_export.local_cloud  # the fixture: one local cloud for this module

CONFIGS = {
    "rest": "api:\n  type: rest\n",
    "rest-key": "api:\n  type: rest\n  api_key: true\n",
    "rest-binary": "api:\n  type: rest\n  binary_media_types: [image/png, '*/*']\n",
    "rest-paths": (
        "api:\n  type: rest\n  name: shop\n  stage: v1\n  stage_variables: {table: orders}\n"
        "  routes: ['ANY /my-function', 'GET /items/{id}', 'ANY /{proxy+}', 'GET /']\n"
    ),
}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return path


def test_rest_templates_pass_cfn_lint_and_scripts_shellcheck(tmp_path: Path) -> None:
    configs = [write(tmp_path, name, text) for name, text in CONFIGS.items()]
    templates = [
        export(config, fmt, tmp_path / f"{config.stem}-{fmt}.yaml")
        for config in configs
        for fmt in ("cloudformation", "sam")
    ]
    # The project's pinned cfn-lint (an older one on PATH warns W3005 on SAM's own usage plan DependsOn).
    lint = str(BIN / "cfn-lint") if (BIN / "cfn-lint").exists() else tool("cfn-lint")
    proc = subprocess.run([lint, *map(str, templates)], capture_output=True, text=True, timeout=300)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", ""), proc.stdout
    scripts = [export(config, "cli", tmp_path / f"{config.stem}.sh") for config in configs]
    for script in scripts:
        syntax = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
        assert syntax.returncode == 0, syntax.stderr
    proc = subprocess.run([tool("shellcheck"), *map(str, scripts)], capture_output=True, text=True, timeout=120)
    assert (proc.returncode, proc.stdout) == (0, "")


def test_the_rest_script_makes_an_api_that_says_hello(local_cloud: LocalCloudProcess, tmp_path: Path) -> None:
    config = write(
        tmp_path,
        "hello",
        "function:\n  name: rest-fn\napi:\n  type: rest\n  name: rest-api\n  routes: ['ANY /rest-fn']\n"
        "test:\n  path: /rest-fn\n",
    )
    urls = run_script(export(config, "cli", tmp_path / "deploy.sh"), local_cloud, tmp_path)
    assert urls["local"].endswith("/dev") and urls["aws"].endswith(".execute-api.us-east-1.amazonaws.com/dev")
    reply = httpx.get(urls["local"] + "/rest-fn", timeout=40)
    assert (reply.status_code, reply.json()) == (200, "Hello from Lambda!")
    # J3 [R]: no such resource is 403 Missing Authentication Token.
    missing = httpx.get(urls["local"] + "/other", timeout=40)
    assert (missing.status_code, missing.json()) == (403, {"message": "Missing Authentication Token"})


def test_the_keyed_rest_script_needs_the_key(local_cloud: LocalCloudProcess, tmp_path: Path) -> None:
    config = write(
        tmp_path,
        "keyed",
        "function:\n  name: keyed-fn\napi:\n  type: rest\n  name: keyed-api\n  api_key: true\n"
        "  routes: ['ANY /keyed-fn']\ntest:\n  path: /keyed-fn\n",
    )
    urls = run_script(export(config, "cli", tmp_path / "deploy.sh"), local_cloud, tmp_path)
    url = urls["local"] + "/keyed-fn"
    # J6 [D]: a method that requires a key, asked without one: 403 Forbidden.
    reply = httpx.get(url, timeout=40)
    assert (reply.status_code, reply.json()) == (403, {"message": "Forbidden"})
    gw = local_cloud.client("apigateway")
    [key] = gw.get_api_keys(nameQuery="keyed-api-key", includeValues=True)["items"]
    reply = httpx.get(url, headers={"x-api-key": key["value"]}, timeout=40)
    assert (reply.status_code, reply.json()) == (200, "Hello from Lambda!")


def test_the_rest_script_sets_the_binary_media_types(local_cloud: LocalCloudProcess, tmp_path: Path) -> None:
    config = write(
        tmp_path,
        "binary",
        "function:\n  name: bin-fn\napi:\n  type: rest\n  name: bin-api\n  binary_media_types: [image/png, '*/*']\n"
        "  routes: ['ANY /bin-fn']\ntest:\n  path: /bin-fn\n",
    )
    run_script(export(config, "cli", tmp_path / "deploy.sh"), local_cloud, tmp_path)
    [api] = [a for a in local_cloud.client("apigateway").get_rest_apis()["items"] if a["name"] == "bin-api"]
    assert api["binaryMediaTypes"] == ["image/png", "*/*"]
