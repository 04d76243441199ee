"""A 4xx/5xx on the test step says why the local cloud answered so.

AWS's own bodies say only {"message":"Not Found"} or {"message":"Internal
Server Error"} (reference B5; HTTP API docs "Troubleshooting issues with
HTTP API Lambda integrations"); the cloud's request log knows the reason,
and the test step shows it under the status line."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from textual.widgets import Input, Static

from tests.e2e.test_wizard_pilot import SIZE, enter_through_to_test, local_state, until  # noqa: F401
from tui.app import WizardApp
from tui.state import WizardState

FAILING = "def lambda_handler(event, context):\n    raise ValueError('boom: the order id is missing')\n"


def _zip(source: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("lambda_function.py", source)
    return out.getvalue()


def _status(app: WizardApp) -> str:
    return str(app.screen.query_one("#status", Static).render())


async def test_a_404_and_a_function_error_say_why(cloud: Any, local_state: WizardState) -> None:  # noqa: F811
    app = WizardApp(local_state)
    async with app.run_test(size=SIZE) as pilot:
        await enter_through_to_test(pilot, app)
        app.screen.query_one("#path", Input).value = "/no-such-route"
        await pilot.pause()
        app.screen.query_one("#send").press()
        await until(pilot, lambda: "Why:" in _status(app), "the reason for the 404")
        assert "404 Not Found" in _status(app)
        assert "no route matches GET /no-such-route" in _status(app)
        body = str(app.screen.query_one("#out-body", Static).render())
        assert '"message": "Not Found"' in body  # what AWS sends is shown unchanged

        name = local_state.config.function.name
        client = cloud.client("lambda")
        client.update_function_code(FunctionName=name, ZipFile=_zip(FAILING))
        client.get_waiter("function_updated_v2").wait(FunctionName=name)
        app.screen.query_one("#path", Input).value = local_state.config.test.path
        await pilot.pause()
        app.screen.query_one("#send").press()
        await until(pilot, lambda: "500" in _status(app) and "Why:" in _status(app), "the reason for the 500")
        assert "ValueError" in _status(app) and "boom: the order id is missing" in _status(app)

        # A success afterwards clears the reason.
        client.update_function_code(
            FunctionName=name, ZipFile=_zip("def lambda_handler(event, context):\n    return 'fixed'\n")
        )
        client.get_waiter("function_updated_v2").wait(FunctionName=name)
        app.screen.query_one("#send").press()
        await until(pilot, lambda: "200 OK" in _status(app), "the fixed function")
        await pilot.pause(0.5)
        assert "Why:" not in _status(app)
