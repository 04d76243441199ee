"""The Test step's hot reload (F6), driven by Textual's pilot against the
real local cloud: with code from a folder, F6 says what it watches, a save
updates the function (the line says when), and Send then gets the new
code's answer; F6 again turns it off. With the console's built-in code it
says why there is nothing to watch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Static

from tests.e2e.test_wizard_pilot import SIZE, enter_through_to_test, local_state, until  # noqa: F401
from tui.app import WizardApp
from tui.state import WizardState

HANDLER = 'def lambda_handler(event, context):\n    return {{"statusCode": 200, "body": "{body}"}}\n'


def text(app: WizardApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_f6_reloads_the_function_on_save(
    cloud: Any,
    local_state: WizardState,  # noqa: F811
    tmp_path: Path,
) -> None:
    code = tmp_path / "code"
    code.mkdir()
    (code / "lambda_function.py").write_text(HANDLER.format(body="first"))
    local_state.update("function", code=str(code))
    app = WizardApp(local_state)
    async with app.run_test(size=SIZE) as pilot:
        await enter_through_to_test(pilot, app)
        await pilot.press("f6")
        await until(pilot, lambda: "Hot reload on" in text(app, "#reload-status"), "hot reload on", timeout=30)
        assert str(code) in text(app, "#reload-status")
        # At once: a save before the OS watch is set up is caught up when it is.
        (code / "lambda_function.py").write_text(HANDLER.format(body="second"))
        fn = local_state.config.function.name
        await until(pilot, lambda: f"Reloaded {fn} from {code}" in text(app, "#reload-status"), "the reload", 30)
        await pilot.press("enter")  # Send
        await until(pilot, lambda: "200 OK" in text(app, "#status"), "the answer", timeout=30)
        assert text(app, "#out-body") == "second"
        await pilot.press("f6")
        await until(pilot, lambda: text(app, "#reload-status") == "Hot reload off.", "hot reload off")


async def test_f6_with_the_built_in_code_says_why_not(
    cloud: Any,
    local_state: WizardState,  # noqa: F811
) -> None:
    app = WizardApp(local_state)
    async with app.run_test(size=SIZE) as pilot:
        await enter_through_to_test(pilot, app)
        await pilot.press("f6")
        await until(pilot, lambda: "Hot reload off: " in text(app, "#reload-status"), "the reason")
        assert "built-in code" in text(app, "#reload-status")
        assert app.screen.name == "test"  # no dialog: the step stays usable
