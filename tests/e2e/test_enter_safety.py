"""Focus is a contract (issue 11), driven by Textual's pilot against a
scripted backend (no cloud): Enter while a step runs keeps focus on the
step's primary action and opens nothing; buttons that change AWS say so;
dangerous questions start on Cancel; after a clean-up the steps say what
exists now; error dialogs can be left and leave focus where Enter acts."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from textual.widgets import Button, Input, Static

from tests.e2e.test_wizard_pilot import until
from tests.e2e.test_wizard_snapshots import FixedBackend, make_app
from tui.app import WizardApp
from tui.services.errors import WizardError
from tui.state import TestRecord
from tui.widgets.modals import ConfirmModal, ErrorModal
from tests.pilotclick import click

SIZE = (80, 24)


class SlowBackend(FixedBackend):
    """Create blocks until the test lets it finish."""

    def __init__(self, state: Any) -> None:
        super().__init__(state)
        self.release = threading.Event()
        self.creates = 0

    def create_function(self, on_event: Any) -> Any:
        self.creates += 1
        self.release.wait(30)
        self.state.result = _result()
        return self.state.result

    def create_api(self, on_event: Any) -> Any:
        self.creates += 1
        self.release.wait(30)
        result = self.state.result
        result.api_id = "a1b2c3d4e5"
        result.invoke_url = "http://127.0.0.1:4580/_aws/execute-api/a1b2c3d4e5/"
        return result

    def destroy(self, on_event: Any) -> list[str]:
        self.state.result = None
        return self.ledger_items()


def _result() -> Any:
    from tui.stack.engine import DeployResult

    return DeployResult(
        "local",
        "us-east-1",
        "123456789012",
        "my-function",
        function_arn="arn:aws:lambda:us-east-1:123456789012:function:my-function",
    )


def _focused_id(app: WizardApp) -> str | None:
    return app.focused.id if app.focused is not None else None


async def test_enter_while_the_function_is_created_keeps_focus_on_create(tmp_path: Path) -> None:
    app = make_app(tmp_path, "function")
    backend = SlowBackend(app.state)
    app.backend = backend
    async with app.run_test(size=SIZE) as pilot:
        app.goto("function")
        await until(pilot, lambda: _focused_id(app) == "create", "focus on Create")
        for _ in range(12):  # the 24 presses of the issue, half of them while it runs
            await pilot.press("enter")
            await pilot.pause(0.02)
        assert app.screen.name == "function" and _focused_id(app) == "create"
        assert str(app.screen.query_one("#create", Button).label) == "Creating..."
        assert backend.creates == 1  # presses while it runs are ignored, not queued
        backend.release.set()
        await until(pilot, lambda: _focused_id(app) == "next", "focus on Next once created")
        assert str(app.screen.query_one("#create", Button).label) == "Update function"
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.name == "api", "Next only navigates")
        assert backend.creates == 1


async def test_enter_while_the_api_is_created_opens_no_dialog(tmp_path: Path) -> None:
    """The issue's race: Create on the review disabled itself, focus jumped
    to "AWS CLI", and the next Enter opened that dialog."""
    app = make_app(tmp_path, "api")
    backend = SlowBackend(app.state)
    app.backend = backend
    async with app.run_test(size=SIZE) as pilot:
        app.goto("api")
        await until(pilot, lambda: app.screen.name == "api", "the API step")
        screen: Any = app.screen
        for _ in range(5):  # type -> integrations -> routes -> stages -> access -> review
            await pilot.press("enter")
            await pilot.pause(0.05)
        await until(pilot, lambda: screen.pane == "review", "the review")
        for _ in range(6):
            await pilot.press("enter")
            await pilot.pause(0.05)
        assert app.screen is screen and _focused_id(app) == "next", app.screen
        assert str(screen.query_one("#next", Button).label) == "Creating..." and backend.creates == 1
        backend.release.set()
        await until(pilot, lambda: str(screen.query_one("#next", Button).label) == "Next: Test", "created")
        assert _focused_id(app) == "next"


async def test_review_labels_say_what_changes_and_follow_a_clean_up(tmp_path: Path) -> None:
    app = make_app(tmp_path, "api")
    backend = SlowBackend(app.state)
    backend.release.set()
    app.backend = backend
    async with app.run_test(size=SIZE) as pilot:
        app.goto("api")
        await until(pilot, lambda: app.screen.name == "api", "the API step")
        screen: Any = app.screen
        label = lambda: str(screen.query_one("#next", Button).label)  # noqa: E731
        for _ in range(5):  # type -> integrations -> routes -> stages -> access -> review
            await pilot.press("enter")
            await pilot.pause(0.05)
        await until(pilot, lambda: screen.pane == "review", "the review")
        assert label() == "Create" and "nothing yet" in str(screen.query_one("#summary", Static).render())
        await pilot.press("enter")
        await until(pilot, lambda: label() == "Next: Test", "the API created")
        assert _focused_id(app) == "next" and backend.creates == 1
        # A route change: the button now says it updates the API.
        screen.pane = "routes"
        screen._show()
        await pilot.pause()
        app.screen.query_one("#new-route", Input).value = "GET /pets"
        await pilot.press("enter")
        screen.pane = "review"
        screen._show()
        await pilot.pause()
        assert label() == "Update API"
        # After a clean-up the review says nothing exists and offers Create.
        backend.destroy(lambda _e: None)
        app.goto("cleanup")
        await until(pilot, lambda: app.screen.name == "cleanup", "the clean-up step")
        app.goto("api")
        await until(pilot, lambda: app.screen.name == "api", "the API step again")
        assert label() == "Create" and "nothing yet" in str(screen.query_one("#summary", Static).render())


async def test_delete_starts_on_cancel_and_says_how_many(tmp_path: Path) -> None:
    app = make_app(tmp_path, "cleanup")
    async with app.run_test(size=SIZE) as pilot:
        app.goto("cleanup")
        await until(pilot, lambda: app.screen.name == "cleanup", "the clean-up step")
        delete = app.screen.query_one("#delete", Button)
        await until(pilot, lambda: not delete.disabled, "the ledger list")
        assert str(delete.label) == "Delete 8 resources" and _focused_id(app) == "back"
        delete.focus()
        await pilot.press("enter")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmModal) and bool(app.screen.query(Button)), "the confirmation"
        )
        assert _focused_id(app) == "no"
        await pilot.press("enter")  # Enter, Enter deletes nothing
        await until(pilot, lambda: app.screen.name == "cleanup", "back on clean-up")
        assert app.state.result is not None and "role my-function" in str(
            app.screen.query_one("#items", Static).render()
        )


async def test_aws_delete_asks_for_the_api_name(tmp_path: Path) -> None:
    app = make_app(tmp_path, "cleanup", target="aws")
    async with app.run_test(size=SIZE) as pilot:
        app.goto("cleanup")
        await until(pilot, lambda: app.screen.name == "cleanup", "the clean-up step")
        delete = app.screen.query_one("#delete", Button)
        await until(pilot, lambda: not delete.disabled, "the ledger list")
        await click(pilot, "#delete")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmModal) and bool(app.screen.query(Button)), "the confirmation"
        )
        modal = app.screen
        await click(pilot, "#yes")  # nothing typed: not confirmed
        await pilot.pause()
        assert app.screen is modal and "Type my-http-api" in str(modal.query_one("#confirm-reason").render())
        modal.query_one("#confirm-name", Input).value = "wrong"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is modal and "That is not my-http-api" in str(modal.query_one("#confirm-reason").render())
        await pilot.press("escape")
        await until(pilot, lambda: app.screen.name == "cleanup", "cancelled")
        assert app.state.result is not None


class NoCredentials(FixedBackend):
    lists = 0

    def ledger_items(self) -> list[str]:
        NoCredentials.lists += 1
        raise WizardError("clean up", "NoCredentialsError", "Unable to locate credentials", "Run aws configure.")

    def create_function(self, on_event: Any) -> Any:
        raise WizardError("create the function", "NoCredentialsError", "Unable to locate credentials", "Configure.")


async def test_clean_up_without_credentials_says_why_once_and_is_left_with_esc(tmp_path: Path) -> None:
    NoCredentials.lists = 0
    app = make_app(tmp_path, "function", target="aws")
    app.backend = NoCredentials(app.state)
    async with app.run_test(size=SIZE) as pilot:
        app.goto("function")
        await until(pilot, lambda: _focused_id(app) == "create", "the function step")
        await pilot.press("enter")
        await until(
            pilot, lambda: isinstance(app.screen, ErrorModal) and bool(app.screen.query(Button)), "the error dialog"
        )
        await click(pilot, "#cleanup")
        await until(pilot, lambda: app.screen.name == "cleanup", "the clean-up step")
        items = app.screen.query_one("#items", Static)
        await until(pilot, lambda: "Could not read what exists" in str(items.render()), "the reason, inline")
        assert "NoCredentialsError" in str(items.render()) and not isinstance(app.screen, ErrorModal)
        assert _focused_id(app) == "back"
        for _ in range(7):  # the 7+ tries: no dialog comes back, nothing is listed again
            await pilot.press("escape")
            await pilot.pause(0.05)
            assert not isinstance(app.screen, ErrorModal)
        assert NoCredentials.lists == 1


async def test_a_bad_test_path_says_why_and_the_url_follows_the_path(tmp_path: Path) -> None:
    app = make_app(tmp_path, "test")
    async with app.run_test(size=SIZE) as pilot:
        app.goto("test")
        await until(pilot, lambda: _focused_id(app) == "send", "focus on Send")
        app.screen.query_one("#path", Input).value = "/pets/1"
        await pilot.pause()
        assert str(app.screen.query_one("#url", Static).render()).endswith("/a1b2c3d4e5/pets/1")
        app.screen.query_one("#path", Input).value = "no slash"
        await pilot.pause()
        await click(pilot, "#send")
        await pilot.pause()
        status = str(app.screen.query_one("#status", Static).render())
        assert status.startswith("The path cannot be sent") and "starting with '/'" in status


async def test_the_test_step_clears_stale_responses_after_a_clean_up(tmp_path: Path) -> None:
    app = make_app(tmp_path, "test")
    app.state.history.append(TestRecord("GET", "http://x/old", 200, 5, "old"))
    async with app.run_test(size=SIZE) as pilot:
        app.goto("test")
        await until(pilot, lambda: app.screen.name == "test", "the test step")
        app.screen.query_one("#out-body", Static).update("stale body")
        app.goto("cleanup")
        await until(pilot, lambda: app.screen.name == "cleanup", "clean-up")
        app.state.history.clear()
        app.state.result = None
        app.goto("test")
        await until(pilot, lambda: app.screen.name == "test", "the test step again")
        await pilot.pause()
        assert str(app.screen.query_one("#out-body", Static).render()) == ""
        assert "create the API first" in str(app.screen.query_one("#status", Static).render())
        assert "not deployed" in str(app.screen.query_one("#url", Static).render())


async def test_the_response_pane_stays_readable_with_the_request_section_open(tmp_path: Path) -> None:
    from textual.widgets import Collapsible, TabbedContent

    app = make_app(tmp_path, "test")
    async with app.run_test(size=SIZE) as pilot:
        app.goto("test")
        await until(pilot, lambda: app.screen.name == "test", "the test step")
        app.screen.query_one(Collapsible).collapsed = False
        await pilot.pause(0.3)
        response = app.screen.query_one("#response", TabbedContent)
        assert response.region.height >= 8, response.region  # tabs plus six lines or more
        assert response.region.bottom <= 23  # above the footer
