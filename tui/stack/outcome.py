"""What a deploy reports: progress events and the result (deploy --json)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from ..services import http_api


@dataclass(frozen=True)
class Event:
    """One line of progress. status: start | info | created | reused |
    updated | deleted | done | failed."""

    step: str
    status: str
    message: str
    resource: str | None = None


OnEvent = Callable[[Event], None]
UrlFor = Callable[[str, str, str], str]  # (api_endpoint, api_id, stage) -> invoke URL


def aws_invoke_url(api_endpoint: str, api_id: str, stage: str) -> str:
    return http_api.invoke_url(api_endpoint, stage)


@dataclass
class DeployResult:
    target: str
    region: str
    account: str
    function_name: str
    function_arn: str = ""
    role_arn: str = ""
    api_id: str = ""
    api_endpoint: str = ""
    integration_id: str = ""
    stage: str = ""
    routes: list[str] = field(default_factory=list)
    invoke_url: str = ""
    test_url: str = ""
    connections_url: str = ""  # a WebSocket API's @connections base (reference K2)
    jwt_issuer: str = ""  # the local-cognito pool's issuer, when the config asks for one
    function_version: str = ""  # the version function.publish published (or found current)
    function_alias_arn: str = ""  # function.alias's ARN
    function_url: str = ""  # function.url's FunctionUrl (AWS's form)
    function_url_local: str = ""  # on the local cloud: where that URL is served (no DNS needed)
    access_log_group: str = ""  # where the stage's access logs go, when the config asks for them
    api_key_id: str = ""  # REST with api.api_key: the key's id (never its value, a secret)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)
