"""`?` explains the current step, Esc closes the Keys panel before it goes
back, and Screenshot saves where it can and says where (issue 11's small
items), driven by Textual's pilot at 80x24."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_wizard_snapshots import make_app
from tui.widgets.modals import TextModal
from tui.widgets.stephelp import STEP_HELP


async def test_question_mark_explains_the_step_and_esc_closes_it(tmp_path: Path) -> None:
    app = make_app(tmp_path, "api")
    async with app.run_test(size=(80, 24)) as pilot:
        app.goto("api")
        await pilot.pause(0.3)
        app.screen.query_one("#next").focus()  # not a text field: ? is a key here
        await pilot.press("question_mark")
        await pilot.pause(0.2)
        assert isinstance(app.screen, TextModal) and app.screen.text.startswith(STEP_HELP["api"])
        close = app.screen.query_one("#close").region
        assert close.bottom <= 24 and close.right <= 80  # fits 80x24
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, TextModal) and app.step == "api"


async def test_esc_closes_the_keys_panel_before_going_back(tmp_path: Path) -> None:
    app = make_app(tmp_path, "function")
    async with app.run_test(size=(80, 24)) as pilot:
        app.goto("function")
        await pilot.pause(0.3)
        app.action_show_help_panel()
        await pilot.pause(0.2)
        assert app.screen.query("HelpPanel")
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert not app.screen.query("HelpPanel") and app.step == "function"  # closed, did not go back


async def test_screenshot_without_downloads_saves_in_the_state_folder_and_says_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/Downloads
    app = make_app(tmp_path, "target")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        app.action_screenshot()
        await pilot.pause(0.2)
        saved = list((tmp_path / "state" / "screenshots").glob("*.svg"))
        assert len(saved) == 1 and saved[0].read_text().startswith("<svg")
        assert any(str(saved[0]) in str(n.message) for n in app._notifications)


async def test_a_question_mark_typed_in_a_field_stays_in_the_field(tmp_path: Path) -> None:
    app = make_app(tmp_path, "test")
    async with app.run_test(size=(80, 24)) as pilot:
        app.goto("test")
        await pilot.pause(0.3)
        box = app.screen.query_one("#path")
        box.focus()
        await pilot.press("end", "question_mark", "a")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, TextModal) and box.value.endswith("?a")  # type: ignore[attr-defined]
