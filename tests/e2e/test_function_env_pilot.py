"""The function step's environment variables, by keyboard against the real
local cloud: a name, Enter, a value, Enter sets a row; a secret-looking
name's value is typed hidden and shown as dots, never in clear on screen;
a reserved or malformed name is refused with the config file's words; Enter
on a row loads it to change; Remove deletes; Create sends the variables
(GetFunctionConfiguration reads them back)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Collapsible, DataTable, Input, Static

from tests.e2e.test_wizard_pilot import SIZE, local_state, screen_is, until, to_function_step  # noqa: F401
from tui.app import WizardApp
from tui.state import WizardState


def table_text(app: WizardApp) -> list[tuple[str, str]]:
    table = app.screen.query_one("#env-table", DataTable)
    return [(str(table.get_row_at(i)[0]), str(table.get_row_at(i)[1])) for i in range(table.row_count)]


async def test_variables_set_by_keyboard_reach_the_function_and_secrets_stay_hidden(
    cloud: Any,
    local_state: WizardState,  # noqa: F811
) -> None:
    app = WizardApp(local_state)
    async with app.run_test(size=SIZE) as pilot:
        await to_function_step(pilot, app)
        screen = app.screen
        screen.query_one(Collapsible).collapsed = False
        await pilot.pause()
        screen.query_one("#env-name", Input).focus()
        await pilot.press(*"AWS_REGION", "enter", *"x", "enter")
        error = screen.query_one("#env-error", Static)
        await until(pilot, lambda: "AWS_REGION is reserved by Lambda" in str(error.render()), "the refusal")
        assert app.focused is screen.query_one("#env-name", Input)  # back on the name to fix it
        await pilot.press("ctrl+a", "ctrl+k", *"API_TOKEN", "enter")
        assert screen.query_one("#env-value", Input).password  # typed hidden
        await pilot.press(*"s3cr3t-value", "enter", *"TABLE", "enter", *"orders", "enter")
        await until(pilot, lambda: len(table_text(app)) == 2, "two rows")
        assert table_text(app) == [("API_TOKEN", "••••••••"), ("TABLE", "orders")]
        assert "s3cr3t-value" not in app.export_screenshot()
        table = screen.query_one("#env-table", DataTable)
        table.focus()
        await pilot.press("down", "enter")  # TABLE's row: its value into the boxes
        assert screen.query_one("#env-value", Input).value == "orders"
        await pilot.press("ctrl+a", "ctrl+k", *"orders-v2", "enter")
        await until(pilot, lambda: ("TABLE", "orders-v2") in table_text(app), "the changed value")
        await pilot.press(*"TEMP", "enter", *"1", "enter")
        await until(pilot, lambda: len(table_text(app)) == 3, "three rows")
        table.focus()
        await pilot.press("down", "down")  # TEMP
        screen.query_one("#env-remove").press()
        await until(pilot, lambda: len(table_text(app)) == 2, "TEMP removed")
        screen.query_one("#create").press()
        await until(pilot, lambda: app.state.step_done("function"), "the function", timeout=60)
        found = cloud.client("lambda").get_function_configuration(FunctionName=local_state.config.function.name)
        assert found["Environment"]["Variables"] == {"API_TOKEN": "s3cr3t-value", "TABLE": "orders-v2"}


async def test_a_public_url_a_version_and_an_alias_chosen_in_advanced(
    cloud: Any,
    local_state: WizardState,  # noqa: F811
) -> None:
    import httpx
    from textual.widgets import Select

    from tui.widgets.progress import ProgressLog

    app = WizardApp(local_state)
    async with app.run_test(size=SIZE) as pilot:
        await to_function_step(pilot, app)
        screen = app.screen
        screen.query_one(Collapsible).collapsed = False
        await pilot.pause()
        screen.query_one("#url", Select).focus()
        await pilot.press("enter", "down", "enter")  # Off -> Public
        await until(pilot, lambda: screen.query_one("#url", Select).value == "NONE", "Public chosen")
        screen.query_one("#publish", Select).focus()
        await pilot.press("enter", "down", "enter", "tab", *"live")  # publish a version; alias live
        await until(pilot, lambda: screen.query_one("#publish", Select).value == "yes", "publish chosen")
        screen.query_one("#create").press()
        await until(pilot, lambda: app.state.step_done("function"), "the function", timeout=60)
        result = app.state.result
        assert result is not None and result.function_url_local
        progress = screen.query_one(ProgressLog)
        await until(pilot, lambda: "Function URL: " in progress.text, "the URL in the progress log")
        log = progress.text
        assert f"Function URL: {result.function_url_local}" in log and "Version 1, alias live" in log, log
        alias = cloud.client("lambda").get_alias(FunctionName=local_state.config.function.name, Name="live")
        assert alias["FunctionVersion"] == "1"
        reply = httpx.get(result.function_url_local, timeout=40)
        assert reply.status_code == 200 and reply.text == '"Hello from Lambda!"'
