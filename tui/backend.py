"""Everything the wizard does to a cloud, as blocking calls. The screens
call these from thread workers only, never on the event loop. No Textual
import here: the same object serves tests and could serve any other UI."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .stack.outcome import DeployResult, Event
from .state import WizardState

API_KEY_TYPE = "AWS::ApiGateway::ApiKey"  # the REST kinds' ledger type for api.api_key's key

if TYPE_CHECKING:  # the stack model loads with the first step that uses it, after the first frame
    from .stack.engine import Deployer


class Backend:
    def __init__(self, state: WizardState):
        self.state = state
        self._conn: Any = None

    # -- target ------------------------------------------------------------
    def connect(self) -> Any:
        """Connect (starting the local cloud if needed) and check who we are."""
        from .targets import connect

        state = self.state
        conn = connect(state.config, state.state_dir, state.port, state.endpoint_url, not state.state_dir_named)
        identity = conn.cloud.identity()
        self._conn = conn
        state.ledger_dir = conn.state_dir or state.state_dir
        state.identity = identity
        state.notes = list(conn.notes)
        return identity

    # -- the local cloud on a port (the Target step) ----------------------------
    def cloud_status(self, port: int) -> Any:
        """targets.CloudStatus of `port`: who runs a cloud there, its state dir."""
        from .targets import cloud_status

        return cloud_status(port, self.state.state_dir, not self.state.state_dir_named)

    def start_cloud(self, port: int) -> Any:
        from .targets import start_cloud

        return start_cloud(port, self.state.state_dir, not self.state.state_dir_named)

    def stop_cloud(self, port: int) -> Any:
        from .targets import stop_cloud

        return stop_cloud(port, self.state.state_dir, not self.state.state_dir_named)

    def restart_cloud(self, port: int) -> Any:
        self.stop_cloud(port)
        return self.start_cloud(port)

    @property
    def conn(self) -> Any:
        if self._conn is None:
            self.connect()
        return self._conn

    def reset(self) -> None:
        """Forget the connection (the target, profile or region changed)."""
        self._conn = None
        self.state.identity = None

    def ledger(self, on_event: Callable[[Event], None] | None = None) -> Any:
        """The stack's ledger; with `on_event`, locked for a step that creates
        or deletes (a CLI deploy of the same stack waits, and so do we)."""
        from .stack.scope import open_ledger

        lock = on_event is not None
        return open_ledger(
            self.conn.cloud,
            self.state.config,
            self.state.ledger_dir or self.state.state_dir,
            lock=lock,
            on_wait=lambda m: on_event(Event("ledger", "info", m)) if on_event else None,
        )

    def profiles(self) -> list[str]:
        from .services.session import list_profiles

        return list_profiles()

    # -- create --------------------------------------------------------------
    def _deployer(self, on_event: Callable[[Event], None]) -> Deployer:
        from .stack.engine import Deployer

        ledger = self.ledger(on_event)
        deployer = Deployer(self.conn.cloud, self.state.config, ledger, on_event, self.conn.url_for)
        deployer.integration_function = self.state.integration_function
        if self.state.result is not None:
            # Carry over what earlier steps found, so each step reuses it.
            deployer.result = replace(self.state.result, created=[], updated=[], reused=[])
        return deployer

    def create_function(self, on_event: Callable[[Event], None]) -> DeployResult:
        from .stack import plans

        deployer = self._deployer(on_event)
        try:
            deployer.apply(plans.FUNCTION)
        finally:
            deployer.ledger.close()
        self.state.result = deployer.result
        return deployer.result

    def create_api(self, on_event: Callable[[Event], None]) -> DeployResult:
        from .stack import plans

        deployer = self._deployer(on_event)
        try:
            if not deployer.result.function_arn and not self.state.integration_function:
                deployer.apply(plans.FUNCTION)
            deployer.apply(plans.API)
        finally:
            deployer.ledger.close()
        on_event(Event("done", "done", f"Invoke URL: {deployer.result.invoke_url}", deployer.result.invoke_url))
        self.state.result = deployer.result
        return deployer.result

    def resume(self) -> DeployResult | None:
        """Continue from the ledger: reuse what exists and create only what
        an earlier run did not finish (the deploy steps are idempotent)."""
        ledger = self.ledger()
        if not ledger.resources:
            return None
        return (
            self.create_api(lambda _e: None)
            if ledger.find("AWS::ApiGatewayV2::Api") or ledger.find("AWS::ApiGateway::RestApi")
            else self.create_function(lambda _e: None)
        )

    # -- lists for pickers -------------------------------------------------
    def functions(self) -> list[str]:
        from .services import functions

        return sorted(f["FunctionName"] for f in functions.list_functions(self.conn.cloud))

    def roles(self) -> list[str]:
        from .services import roles

        return sorted(r["RoleName"] for r in roles.list_lambda_roles(self.conn.cloud))

    # -- clean up ------------------------------------------------------------
    def auth_headers(
        self, kind: str, method: str, url: str, headers: tuple[tuple[str, str], ...], body: bytes
    ) -> tuple[tuple[str, str], ...]:
        """The test request's headers with what `kind` adds: "token" (the
        local-cognito test user's access token, or the sample Lambda
        authorizer's) or "sign" (SigV4)."""
        from .services import testauth

        if kind == "token":
            return (*headers, testauth.bearer(self.conn.cloud, self.ledger(), self.state.config.api.authorizer))
        if kind == "sign":
            return testauth.sign(self.conn.cloud, method, url, headers, body)
        return headers

    def api_key(self) -> str:
        """The value of the REST API's key (api.api_key): the one the ledger
        recorded (AWS::ApiGateway::ApiKey), read with GetApiKey includeValue."""
        from .services import apikey

        found = self.ledger().find(API_KEY_TYPE)
        if found is None:
            raise ValueError("the REST API has no API key yet: create (or update) the API on the API step")
        return apikey.value(self.conn.cloud, found.id)

    def ledger_items(self) -> list[str]:
        from .stack.destroy import describe, plan

        ledger = self.ledger()
        return [describe(r) for r in plan(ledger)]

    def destroy(self, on_event: Callable[[Event], None]) -> list[str]:
        from .stack.destroy import destroy

        ledger = self.ledger(on_event)
        try:
            deleted = destroy(self.conn.cloud, ledger, on_event)
        finally:
            ledger.close()
        self.state.result = None
        return deleted

    # -- test ----------------------------------------------------------------
    def logs_since(self, function: str, since_ms: int) -> list[str]:
        from .services import logs

        return [e.message for e in logs.recent_events(self.conn.cloud, function, since_ms=since_ms)]

    def invocation(self, apigw_request_id: str) -> dict[str, Any] | None:
        """On the local target: the event the function got and what it
        returned (the local cloud keeps the last few hundred)."""
        if self.state.config.target != "local" or not apigw_request_id:
            return None
        from localcloud.client import invocation

        return invocation(self.state.port, apigw_request_id)

    def request_logs(self, function: str, sent_ms: int, lambda_request_id: str | None) -> list[str]:
        """The function's log lines for one request: by Lambda request id
        where known (local), else everything logged since it was sent."""
        for _ in range(10):
            lines = self.logs_since(function, sent_ms - 1000)
            if not lambda_request_id:
                return lines
            picked = _between(lines, lambda_request_id)
            if picked:
                return picked
            time.sleep(0.1)
        return []

    def access_log_lines(self, apigw_request_id: str, sent_ms: int) -> list[str]:
        """The stage's access log line(s) for one request, when the config
        turns access logs on (every format carries $context.requestId)."""
        if not self.state.config.api.access_log or not apigw_request_id:
            return []
        from .services import logs

        group = logs.access_log_group(self.state.config.api.name)
        for _ in range(10):
            found = logs.group_events(self.conn.cloud, group, "the access logs", since_ms=sent_ms - 1000)
            picked = [e.message for e in found if apigw_request_id in e.message]
            if picked:
                return picked
            time.sleep(0.1)
        return []

    def invoke_function(self, payload: bytes) -> Any:
        """services.invoke.Invocation of the function, invoked directly."""
        from .services.invoke import invoke

        return invoke(self.conn.cloud, self.state.config.function.name, payload)

    # -- hot reload (the Test step's F6) ------------------------------------
    def hot_reloader(self, on_reload: Callable[[Any], None]) -> Any:
        """A services.hotreload.Reloader for the function's code, scanned
        (run() it in a thread; set its stop to end it); ValueError says why
        there is nothing to watch."""
        from .services.hotreload import Reloader
        from .services.packaging import BUILTINS

        code = self.state.config.function.code
        if code in BUILTINS:
            raise ValueError(
                f"the function runs built-in code ({code}); choose a code folder or .py file on the "
                "Create function step to reload it on save"
            )
        reloader = Reloader(self.conn.cloud, [code], on_reload)
        reloader.scan()
        return reloader

    # -- monitor -------------------------------------------------------------
    def metrics(self, minutes: int = 10) -> Any:
        """services.metrics.Metrics of the deployed API (ApiId + Stage) and
        its function, with GetMetricData on either target (the local cloud
        publishes AWS's metrics too): one-minute periods on AWS, as API
        Gateway and Lambda publish them; 10 s locally, for a live chart."""
        from .services import metrics

        result = self.state.result
        if result is None or not result.api_id:
            raise ValueError("there is no API to monitor yet: create one on the API step")
        function = self.state.integration_function or result.function_name
        period_s = 10 if self.state.config.target == "local" else 60
        return metrics.read(self.conn.cloud, result.api_id, result.stage, function, minutes, period_s)


def _between(lines: list[str], request_id: str) -> list[str]:
    """START ... REPORT of one request (or, with LogFormat JSON, its
    platform.start ... platform.report records)."""
    out: list[str] = []
    inside = False
    for line in lines:
        json_line = line.startswith("{") and request_id in line
        if line.startswith(f"START RequestId: {request_id}") or (json_line and '"platform.start"' in line):
            inside = True
        if inside:
            out.append(line)
            if line.startswith(f"REPORT RequestId: {request_id}") or (json_line and '"platform.report"' in line):
                break
    return out
