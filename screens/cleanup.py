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
            yield button("Back to test", id="back")
            yield button("Delete", id="delete", variant="error", disabled=True)
            yield button("Read again", id="reload")
        yield ProgressLog(id="cleanup-log", hide_empty=True)

    def on_mount(self) -> None:
        self.items: list[str] = []
        self.failed = False

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        # Coming back from a dialog after a failed listing does not list
        # again (it would fail again and reopen the dialog): "Read again" does.
        if not self.failed:
            self.load()
        self.focus_primary()

    def primary(self) -> Button:
        # The safe default: Enter on arrival never deletes; the delete
        # button is one Tab away and its dialog starts on Cancel.
        return self.query_one("#back", Button)

    def describe_action(self) -> str:
        return "clean up"

    @on(Button.Pressed, "#reload")
    def load(self) -> None:
        if "ledger" in self.running or "destroy" in self.running:
            return
        self.failed = False
        self.query_one("#items", Static).update("Reading the ledger...")
        self.call_backend("ledger", lambda _emit: self.backend.ledger_items(), self._listed, inline=self._unreadable)

    def _unreadable(self, error: BaseException) -> None:
        self.failed = True
        self.items = []
        self.query_one("#items", Static).update(f"Could not read what exists: {self.error_sentence(error)}")
        self.query_one("#delete", Button).disabled = True

    def _listed(self, items: list[str]) -> None:
        self.items = items
        text = "\n".join(f"  • {item}" for item in items) if items else "Nothing to delete: the ledger is empty."
        self.query_one("#items", Static).update(text)
        button = self.query_one("#delete", Button)
        button.disabled = not items
        button.label = f"Delete {len(items)} resource{'s' if len(items) != 1 else ''}" if items else "Delete"
        button.refresh(layout=True)  # the label's width changed
        self.focus_primary()

    @on(Button.Pressed, "#delete")
    def delete(self) -> None:
        if not self.items or "destroy" in self.running:
            return
        body = "This deletes, in this order:\n" + "\n".join(f"  {item}" for item in self.items)
        name = self.state.config.api.name if self.state.config.target == "aws" else None

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.query_one("#delete", Button).label = "Deleting..."
                self.call_backend("destroy", self.backend.destroy, self._deleted, self._destroy_failed)
            self.call_after_refresh(self.focus_primary)

        count = len(self.items)
        self.app.push_screen(
            ConfirmModal(
                f"Delete {count} resource{'s' if count != 1 else ''}?",
                body,
                f"Delete {count} resource{'s' if count != 1 else ''}",
                danger=True,
                type_to_confirm=name,
            ),
            confirmed,
        )

    def _destroy_failed(self) -> None:
        self.load()  # what is left now

    def _deleted(self, deleted: list[str]) -> None:
        self.query_one(ProgressLog).event("done", f"Deleted {len(deleted)} resources; nothing is left.")
        self.state.history.clear()
        self.load()

    @on(Button.Pressed, "#back")
    def back(self) -> None:
        self.app.goto("test" if self.state.step_done("api") else "target")
