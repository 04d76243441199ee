"""Launching again where a ledger already holds resources: continue where
you left off, go straight to the test, or clean up."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from .modals import _MODAL_CSS


class ResumeModal(ModalScreen[str]):
    DEFAULT_CSS = _MODAL_CSS.format(name="ResumeModal")
    BINDINGS = [Binding("escape", "choose('fresh')", "Ignore")]

    def __init__(self, stack: str, count: int):
        super().__init__()
        self.stack = stack
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Welcome back", classes="title")
            yield Static(Content(f"An earlier run created {self.count} resources for {self.stack}."))
            with Horizontal():
                yield Button("Continue", id="continue", variant="primary")
                yield Button("Test", id="test")
                yield Button("Clean up", id="cleanup", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#continue", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "fresh")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
