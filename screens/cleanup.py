"""Step 5: clean up. Lists what the ledger holds, deletes it all in
dependency order after one confirmation, and shows each deletion."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Label, Static

from tui.widgets.modals import ConfirmModal
from tui.widgets.progress import ProgressLog

from .base import StepScreen
from .forms import button


class CleanupScreen(StepScreen):
    STEP = "cleanup"

    def compose_step(self) -> ComposeResult:
        yield Label("Clean up: delete everything this wizard created here", classes="step-title")
        yield Static("Reading the ledger...", id="items", markup=False)
        with Horizontal(classes="actions"):
            yield button("Delete all", id="delete", variant="error", disabled=True)
            yield button("Back to test", id="back")
        yield ProgressLog(id="cleanup-log")

    def on_mount(self) -> None:
        self.items: list[str] = []
        self.load()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.load()

    def describe_action(self) -> str:
        return "clean up"

    def load(self) -> None:
        self.call_backend("ledger", lambda _emit: self.backend.ledger_items(), self._listed)

    def _listed(self, items: list[str]) -> None:
        self.items = items
        text = "\n".join(f"  • {item}" for item in items) if items else "Nothing to delete: the ledger is empty."
        self.query_one("#items", Static).update(text)
        button = self.query_one("#delete", Button)
        button.disabled = not items
        (button if items else self.query_one("#back", Button)).focus()

    @on(Button.Pressed, "#delete")
    def delete(self) -> None:
        body = "This deletes, in this order:\n" + "\n".join(f"  {item}" for item in self.items)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.query_one("#delete", Button).disabled = True
                self.call_backend("destroy", self.backend.destroy, self._deleted)

        self.app.push_screen(
            ConfirmModal(f"Delete {len(self.items)} resources?", body, "Delete all", danger=True), confirmed
        )

    def _deleted(self, deleted: list[str]) -> None:
        self.query_one(ProgressLog).event("done", f"Deleted {len(deleted)} resources; nothing is left.")
        self.state.history.clear()
        self.load()

    @on(Button.Pressed, "#back")
    def back(self) -> None:
        self.app.goto("test" if self.state.step_done("api") else "target")
