"""Export, end to end: `apigw-wizard export` run as a user runs it, its
templates checked by cfn-lint, its scripts by bash -n and shellcheck, and
the script run against a real local cloud with the AWS CLI until the
invoke URL answers as the handler says."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.cloudproc import LocalCloudProcess, owner_env
from tests.conftest import SAMPLE, run_cli
from tests.unit.test_export_render import folder_config
from tui.config import Config
from tui.services.packaging import build
from tui.stack.kinds.function import package
from tui.stack.render.context import RenderContext

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent  # the venv's cfn-lint and aws

ITEMS = """import json


def handler(event, context):
    body = {"route": event["routeKey"], "stage": event["requestContext"]["stage"],
            "id": (event.get("pathParameters") or {}).get("id")}
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}
"""


def configs(tmp_path: Path) -> dict[str, Path]:
    """The tutorial, a folder of code with two routes on the stage dev,
    without and with auto-deploy, and names made to break out of quotes
    and comments."""
    off, on = tmp_path / "off", tmp_path / "on"
    off.mkdir()
    on.mkdir()
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text('api:\n  name: "x\\nrm -rf ~\\r$(id) `id` \\"q\'"\ntest:\n  path: \'/a"$(id)`x`\'\n')
    cors = tmp_path / "cors.yaml"
    cors.write_text(
        "api:\n  cors:\n    allow_origins: [https://app.example.com]\n    allow_methods: [GET, POST]\n"
        "    allow_headers: [content-type]\n    expose_headers: [x-request-id]\n    max_age_s: 300\n"
        "    allow_credentials: true\n  throttling: {burst: 20, rate: 10.5}\n"
        "  stage_variables: {table: orders-dev, mode: test}\n  access_log: xml\n"
    )
    cognito = tmp_path / "auth-cognito.yaml"
    cognito.write_text("api:\n  authorizer: {type: jwt, issuer: local-cognito, scopes: [orders/read]}\n")
    issuer = tmp_path / "auth-issuer.yaml"
    issuer.write_text(
        "api:\n  stage: dev\n  authorizer: {type: jwt, issuer: 'https://login.example.com/tenant', audience: [api]}\n"
    )
    iam = tmp_path / "auth-iam.yaml"
    iam.write_text("api:\n  authorizer: {type: iam}\n")
    sample = tmp_path / "auth-lambda.yaml"
    sample.write_text("api:\n  authorizer: {type: lambda}\n")
    (tmp_path / "authz").mkdir()
    (tmp_path / "authz" / "check.py").write_text("def handler(event, context):\n    return {'isAuthorized': True}\n")
    url = tmp_path / "function-url.yaml"
    url.write_text(
        "function:\n  url: {auth: NONE, cors: {allow_origins: ['https://app.example.com'], max_age_s: 60}}\n"
        "  ephemeral_storage_mb: 2048\n"
    )
    published = tmp_path / "versions.yaml"
    published.write_text("function:\n  publish: true\n  alias: live\n  log_format: JSON\n")
    latest = tmp_path / "alias-latest.yaml"
    latest.write_text("function:\n  alias: dev\n")
    own = tmp_path / "auth-lambda-own.yaml"
    own.write_text(
        "api:\n  authorizer: {type: lambda, code: authz, handler: check.handler, payload_format: '1.0',"
        " simple_responses: false, identity_source: [$request.header.x-key, $request.querystring.k], ttl_s: 0}\n"
    )
    return {
        "sample": SAMPLE,
        "auth-cognito": cognito,
        "auth-issuer": issuer,
        "auth-iam": iam,
        "auth-lambda": sample,
        "auth-lambda-own": own,
        "function-url": url,
        "versions": published,
        "alias-latest": latest,
        "folder": folder_config(off, auto_deploy=False),
        "folder-auto": folder_config(on, auto_deploy=True),
        "hostile": hostile,
        "cors": cors,
    }


def export(config: Path, fmt: str, out: Path) -> Path:
    proc = run_cli("export", "--config", str(config), "--format", fmt, "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and out.exists()
    return out


def tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(BIN))
    assert found, f"{name} is not installed (.ci/run installs it: apt-get install {name})"
    return found


def test_templates_pass_cfn_lint_with_no_findings(tmp_path: Path) -> None:
    templates = [
        export(config, fmt, tmp_path / f"{name}-{fmt}.yaml")
        for name, config in configs(tmp_path).items()
        for fmt in ("cloudformation", "sam")
    ]
    proc = subprocess.run([tool("cfn-lint"), *map(str, templates)], capture_output=True, text=True, timeout=300)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_a_broken_template_does_fail_cfn_lint(tmp_path: Path) -> None:
    """The check above can fail: a template referring to nothing is an error."""
    broken = export(SAMPLE, "cloudformation", tmp_path / "t.yaml")
    broken.write_text(broken.read_text().replace("!Ref MyHttpApi", "!Ref NoSuchApi", 1))
    proc = subprocess.run([tool("cfn-lint"), str(broken)], capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0 and "NoSuchApi" in proc.stdout


def test_scripts_pass_bash_n_and_shellcheck(tmp_path: Path) -> None:
    scripts = [export(config, "cli", tmp_path / f"{name}.sh") for name, config in configs(tmp_path).items()]
    for script in scripts:
        syntax = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
        assert syntax.returncode == 0, syntax.stderr
    proc = subprocess.run([tool("shellcheck"), *map(str, scripts)], capture_output=True, text=True, timeout=120)
    assert (proc.returncode, proc.stdout) == (0, "")


def test_the_script_zips_a_folder_as_deploy_does(tmp_path: Path) -> None:
    code = tmp_path / "code"
    for name in (
        "app.py",
        "pkg/__init__.py",
        "pkg/util.py",
        "pkg/__pycache__/util.cpython-311.pyc",
        "__pycache__/app.cpython-311.pyc",
        ".git/HEAD",
        "venv/lib/x.py",
        "data/.hidden",
        "old.pyc",
    ):
        (code / name).parent.mkdir(parents=True, exist_ok=True)
        (code / name).write_text("x = 1\n")
    work = tmp_path / "work"
    work.mkdir()
    lines = [f"WORK={work}", *package(str(code), "${WORK}")]
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", "\n".join(lines)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(work / "function.zip") as archive:
        files = sorted(n for n in archive.namelist() if not n.endswith("/"))
    assert files == sorted(build(str(code)).files) == ["app.py", "data/.hidden", "pkg/__init__.py", "pkg/util.py"]


def test_shell_words_reach_bash_unchanged() -> None:
    """What the script passes to the AWS CLI is exactly the value meant,
    with the captured ids substituted and nothing else expanded."""
    words = [
        "a\nb\rc $(id)",
        "$default",
        "ANY /my-function",
        "it's",
        'a "b" `c` \\d $e !f *',
        '{"a":"${ACCOUNT_ID}:x"}',
        "arn:aws:execute-api:us-east-1:${ACCOUNT_ID}:${API_ID}/*/$default",
        "${API_ID}",
        "é ü",
        "-x",
    ]
    ctx = RenderContext.for_script(Config())
    lines = ["ACCOUNT_ID=123456789012 API_ID=abc123", *(f"printf '%s\\0' {ctx.sh(w)}" for w in words)]
    # Bytes, not text: text mode would turn the \r into \n.
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", "\n".join(lines)], capture_output=True)
    assert proc.returncode == 0, proc.stderr
    wanted = [w.replace("${ACCOUNT_ID}", "123456789012").replace("${API_ID}", "abc123") for w in words]
    assert proc.stdout.decode().split("\0")[:-1] == wanted


@pytest.fixture(scope="module")
def local_cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloudProcess]:
    cloud = LocalCloudProcess(tmp_path_factory.mktemp("export-cloud")).start()
    yield cloud
    cloud.stop()


def run_bash(script: Path, cloud: LocalCloudProcess, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run it as a user would after `eval "$(apigw-wizard local --env)"`:
    the AWS CLI on PATH, the owner's keys, no profile or config of theirs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(owner_env(cloud.port))
    env.update(
        {
            "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            "AWS_CONFIG_FILE": str(tmp_path / "none"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        }
    )
    proc = subprocess.run(["bash", str(script)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def run_script(script: Path, cloud: LocalCloudProcess, tmp_path: Path) -> dict[str, str]:
    """run_bash, then the URLs the script printed."""
    proc = run_bash(script, cloud, tmp_path)
    assert "Creating the invoke permission" in proc.stderr  # progress on stderr
    urls = {
        line.split()[0]: line.split()[2]
        for line in proc.stdout.splitlines()
        if line.startswith(("Invoke URL ", "Local URL "))
    }
    assert set(urls) == {"Invoke", "Local"}, proc.stdout
    return {"aws": urls["Invoke"], "local": urls["Local"]}


def test_the_sample_script_makes_a_stack_that_says_hello(local_cloud: LocalCloudProcess, tmp_path: Path) -> None:
    urls = run_script(export(SAMPLE, "cli", tmp_path / "deploy.sh"), local_cloud, tmp_path)
    api_id = urls["local"].rstrip("/").rsplit("/", 1)[1]
    assert urls["local"] == f"{local_cloud.endpoint}/_aws/execute-api/{api_id}/"
    reply = httpx.get(urls["local"] + "my-function", timeout=40)
    assert (reply.status_code, reply.json()) == (200, "Hello from Lambda!")
    # What the script made is what deploy makes: the console's role and policy, scoped permission.
    iam, lam = local_cloud.client("iam"), local_cloud.client("lambda")
    role = lam.get_function_configuration(FunctionName="my-function")["Role"]
    assert ":role/service-role/my-function-role-" in role
    attached = iam.list_attached_role_policies(RoleName=role.rsplit("/", 1)[1])["AttachedPolicies"]
    assert [p["PolicyName"][:28] for p in attached] == ["AWSLambdaBasicExecutionRole-"]
    policy = json.loads(lam.get_policy(FunctionName="my-function")["Policy"])
    assert [
        s["Condition"]["ArnLike"]["AWS:SourceArn"].endswith(f":{api_id}/*/*/my-function") for s in policy["Statement"]
    ] == [True]


def test_the_folder_script_serves_each_route_on_its_stage(local_cloud: LocalCloudProcess, tmp_path: Path) -> None:
    config = folder_config(tmp_path, auto_deploy=False)
    (tmp_path / "app" / "app.py").write_text(ITEMS)
    urls = run_script(export(config, "cli", tmp_path / "deploy.sh"), local_cloud, tmp_path)
    base = urls["local"]
    assert base.endswith("/dev") and urls["aws"].endswith("/dev")
    hello = httpx.get(f"{base}/hello", timeout=40)
    assert (hello.status_code, hello.json()) == (200, {"route": "GET /hello", "stage": "dev", "id": None})
    item = httpx.post(f"{base}/items/42", timeout=40)
    assert (item.status_code, item.json()) == (200, {"route": "POST /items/{id}", "stage": "dev", "id": "42"})
    assert httpx.get(f"{base}/items/42", timeout=40).status_code == 404  # only the configured routes


def test_the_lambda_authorizer_script_guards_the_route_and_logs_access(
    local_cloud: LocalCloudProcess, tmp_path: Path
) -> None:
    config = tmp_path / "auth.yaml"
    config.write_text(
        "function:\n  name: guarded-fn\napi:\n  name: guarded-api\n  authorizer: {type: lambda}\n"
        "  access_log: csv\ntest:\n  path: /guarded-fn\n"
    )
    config.write_text(config.read_text().replace("api:\n", "api:\n  routes: ['ANY /guarded-fn']\n", 1))
    urls = run_script(export(config, "cli", tmp_path / "deploy.sh"), local_cloud, tmp_path)
    url = urls["local"] + "guarded-fn"
    # No Authorization header: 401 without running the authorizer (reference G2).
    assert httpx.get(url, timeout=40).status_code == 401
    assert httpx.get(url, headers={"authorization": "nope"}, timeout=40).status_code == 403
    allowed = httpx.get(url, headers={"authorization": "secretToken"}, timeout=40)
    assert (allowed.status_code, allowed.json()) == (200, "Hello from Lambda!")
    logs = local_cloud.client("logs")
    group = "/aws/apigateway/guarded-api/access-logs"
    deadline = time.monotonic() + 30
    lines: list[str] = []
    while len(lines) < 3 and time.monotonic() < deadline:
        lines = [e["message"] for e in logs.filter_log_events(logGroupName=group)["events"]]
        time.sleep(0.2)
    # The console's CSV preset: ip,time,method,routeKey,protocol,status,length,requestId
    assert sorted(line.split(",")[5] for line in lines) == ["200", "401", "403"], lines


def test_bad_input_through_the_installed_command(tmp_path: Path) -> None:
    proc = run_cli("export", "--config", str(SAMPLE), "--format", "xml")
    assert proc.returncode == 2 and "cloudformation" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("export", "--config", str(tmp_path / "nope.yaml"), "--format", "sam")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "nope.yaml" in proc.stderr
    proc = run_cli("export", "--format", "cli", "--out", str(tmp_path / "missing" / "deploy.sh"))
    assert proc.returncode == 2 and "--out" in proc.stderr and "Traceback" not in proc.stderr
