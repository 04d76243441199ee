"""Real handler frameworks, unmodified, packaged into the function's zip as
a user would (pip install --target): an ASGI app behind Mangum, and
aws-lambda-powertools' APIGatewayHttpResolver."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cloudproc import Deployed, deploy, zip_folder

# The worker must run the interpreter pip built the packages for.
RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"

ASGI_APP = """
from mangum import Mangum
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route


async def hello(request):
    return JSONResponse({"hello": request.path_params["name"], "q": request.query_params.get("q"),
                         "cookie": request.cookies.get("session")})


async def echo(request):
    body = await request.body()
    response = PlainTextResponse(body.decode()[::-1], status_code=201)
    response.set_cookie("seen", "yes")
    return response


app = Starlette(routes=[Route("/hello/{name}", hello), Route("/echo", echo, methods=["POST"])])
handler = Mangum(app, lifespan="off")
"""

POWERTOOLS_APP = """
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.exceptions import NotFoundError

app = APIGatewayHttpResolver()


@app.get("/todos/<todo_id>")
def get_todo(todo_id: str):
    if todo_id == "404":
        raise NotFoundError("no such todo")
    return {"id": todo_id, "ua": app.current_event.request_context.http.user_agent}


@app.post("/todos")
def create_todo():
    return {"created": app.current_event.json_body["title"]}, 201


def lambda_handler(event, context):
    return app.resolve(event, context)
"""


def _package(tmp: Path, source: str, *requirements: str) -> bytes:
    (tmp / "app.py").write_text(source)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--target",
            str(tmp),
            *requirements,
        ],
        check=True,
        timeout=300,
    )
    return zip_folder(tmp)


@pytest.fixture(scope="module")
def mangum_api(cloud: Any, tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    data = _package(tmp_path_factory.mktemp("mangum"), ASGI_APP, "mangum==0.22.0", "starlette==1.10.0")
    return deploy(cloud, data, handler="app.handler", routes=("ANY /{proxy+}",), runtime=RUNTIME, timeout=10)


@pytest.fixture(scope="module")
def powertools_api(cloud: Any, tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    data = _package(tmp_path_factory.mktemp("powertools"), POWERTOOLS_APP, "aws-lambda-powertools==3.37.0")
    return deploy(cloud, data, handler="app.lambda_handler", routes=("ANY /{proxy+}",), runtime=RUNTIME, timeout=10)


def test_mangum_get_with_path_query_and_cookie(mangum_api: Deployed) -> None:
    response = mangum_api.get("/hello/world?q=1", headers={"Cookie": "session=abc"})
    assert response.status_code == 200, response.text
    assert response.json() == {"hello": "world", "q": "1", "cookie": "abc"}
    assert response.headers["content-type"] == "application/json"


def test_mangum_post_body_status_and_set_cookie(mangum_api: Deployed) -> None:
    response = mangum_api.request("POST", "/echo", content=b"abc", headers={"Content-Type": "text/plain"})
    assert (response.status_code, response.text) == (201, "cba")
    assert response.cookies.get("seen") == "yes"


def test_mangum_unknown_path_is_the_apps_own_404(mangum_api: Deployed) -> None:
    response = mangum_api.get("/missing")
    assert response.status_code == 404 and response.text == "Not Found"


def test_powertools_resolver(powertools_api: Deployed) -> None:
    response = powertools_api.get("/todos/7", headers={"User-Agent": "pt-test"})
    assert response.status_code == 200, response.text
    assert response.json() == {"id": "7", "ua": "pt-test"}
    created = powertools_api.request("POST", "/todos", json={"title": "write tests"})
    assert created.status_code == 201 and created.json() == {"created": "write tests"}
    missing = powertools_api.get("/todos/404")
    assert missing.status_code == 404 and missing.json()["message"] == "no such todo"
