"""The function step's Test dialog (the Lambda console's Test tab), driven
by Textual's pilot against the real local cloud: Invoke with the
hello-world template runs the function directly and shows its result, the
REPORT figures and the log tail; a saved event is kept 0600 in the state
folder and offered again; JSON that is not JSON is refused before any call."""

from __future__ import annotations

import json
import stat
from typing import Any

from textual.widgets import Input, Select, Static, TextArea

from tests.e2e.test_wizard_pilot import SIZE, local_state, screen_is, until, to_function_step  # noqa: F401
from tui.app import WizardApp
from tui.state import WizardState
from tui.widgets.invokemodal import InvokeModal


async def test_invoke_save_and_reload_an_event(
    cloud: Any,
    local_state: WizardState,  # noqa: F811
) -> None:
    app = WizardApp(local_state)
    fn = local_state.config.function.name
    async with app.run_test(size=SIZE) as pilot:
        await to_function_step(pilot, app, create=True)
        app.screen.query_one("#test-event").press()
        await until(pilot, lambda: isinstance(app.screen, InvokeModal), "the Test dialog")
        dialog = app.screen
        summary = lambda: str(dialog.query_one("#invoke-summary", Static).render())  # noqa: E731
        await pilot.press("enter")  # Invoke has the focus
        await until(pilot, lambda: summary().startswith("Succeeded"), "the invocation", timeout=60)
        assert "Duration" in summary() and "Billed" in summary() and "Max memory" in summary()
        output = str(dialog.query_one("#invoke-output", Static).render())
        # The console's code answers {"statusCode": 200, "body": "\"Hello from Lambda!\""} (reference A1).
        assert '"statusCode": 200' in output and "Hello from Lambda!" in output
        assert "START RequestId:" in output and "REPORT RequestId:" in output

        dialog.query_one("#event", TextArea).text = '{"key1": '
        dialog.query_one("#invoke").press()
        await until(pilot, lambda: "is not JSON" in summary(), "the refusal")

        dialog.query_one("#event", TextArea).text = '{"order": 42}'
        dialog.query_one("#event-name", Input).value = "order-42"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Saved the event order-42" in summary(), "the save")
        saved = app.state.ledger_dir / "test-events" / f"{fn}.json"
        assert json.loads(saved.read_text()) == {"order-42": '{"order": 42}'}
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        await pilot.press("escape")
        await until(pilot, lambda: screen_is(app, "function")(), "the function step again")

        app.screen.query_one("#test-event").press()
        await until(pilot, lambda: isinstance(app.screen, InvokeModal), "the Test dialog again")
        choice = app.screen.query_one("#event-choice", Select)
        await until(pilot, lambda: choice.value == "saved:order-42", "the saved event first")
        assert app.screen.query_one("#event", TextArea).text == '{"order": 42}'
