"""The Test step of a REST API whose methods need an API key, driven by
Textual's pilot against a real local cloud: the request carries x-api-key,
read with GetApiKey includeValue for the key the ledger recorded, and the
key is never shown in full, not even where the function echoes it.

The REST API is made here with boto3 (tests/e2e/test_local_rest_api.py's
console flow) and the key's ledger entry written as the REST kinds write
it, so this runs whether or not the wizard's REST deploy is there yet."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

from textual.widgets import Static

from tui.app import WizardApp
from tui.backend import API_KEY_TYPE
from tui.config import Config, api_for_type
from tui.stack.ledger import Resource
from tui.stack.outcome import DeployResult
from tui.state import WizardState
from tui.widgets.resume import ResumeModal
from tests.e2e.test_local_rest_api import ECHO, console_api
from tests.e2e.test_wizard_pilot import SIZE, screen_is, until


def _all_text(app: WizardApp) -> str:
    return "\n".join(str(s.render()) for s in app.screen.query(Static))


async def test_the_request_carries_the_key_and_the_screen_never_shows_it(cloud: Any, tmp_path: Path) -> None:
    api = console_api(cloud, ECHO)
    key = cloud.client("apigateway").create_api_key(name=f"key-{uuid.uuid4().hex[:6]}", enabled=True)
    secret = key["value"]
    config = Config(api=api_for_type("rest", name=f"rest-{api.function}", api_key=True))
    state = WizardState(config, tmp_path / "state", cloud.port)
    state.update("function", name=api.function)
    app = WizardApp(state)
    await asyncio.to_thread(app.backend.connect)
    ledger = await asyncio.to_thread(app.backend.ledger, lambda _e: None)
    ledger.add(Resource(API_KEY_TYPE, key["id"]))
    ledger.close()
    state.result = DeployResult("local", "us-east-1", "123456789012", api.function, function_arn=api.function_arn)
    state.result.api_id = api.api_id
    state.result.invoke_url = api.url("/test")
    async with app.run_test(size=SIZE) as pilot:
        # The ledger written above is a stack to resume: the dialog asks first.
        await until(pilot, lambda: isinstance(app.screen, ResumeModal), "the resume question")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ResumeModal), "the dialog closed")
        app.goto("test")
        await until(pilot, screen_is(app, "test"), "the test step")
        await pilot.press("enter")  # Send
        await until(pilot, lambda: bool(state.history), "the response", timeout=60)
        assert state.history[-1].status == 200, state.history[-1]
        body = str(app.screen.query_one("#out-body", Static).render())
        # The function got the key (its event, echoed back), and the screen shows it masked.
        assert '"x-api-key": "••••' + secret[-4:] + '"' in body, body
        await until(
            pilot,
            lambda: '"x-api-key"' in str(app.screen.query_one("#out-event", Static).render()),
            "the event the function received",
        )
        assert secret not in _all_text(app)
