"""Dialogs: the error funnel (Retry / Back / Clean up), a confirmation, and
a copyable text view."""

from __future__ import annotations

from textual.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static, TextArea

_MODAL_CSS = """
{name} {{
    align: center middle;
}}
{name} > Vertical {{
    width: 76;
    max-width: 100%;
    height: auto;
    max-height: 90%;
    border: thick $accent;
    background: $panel;
    padding: 1 2;
}}
{name} VerticalScroll {{
    height: auto;
    max-height: 12;
}}
{name} .title {{
    text-style: bold;
    margin-bottom: 1;
}}
{name} Horizontal {{
    height: auto;
    margin-top: 1;
}}
{name} Button {{
    margin-right: 2;
}}
"""


class ErrorModal(ModalScreen[str]):
    """What failed, the AWS code and message, the next step; then a choice."""

    DEFAULT_CSS = _MODAL_CSS.format(name="ErrorModal") + "ErrorModal > Vertical { border: thick $error; }"
    BINDINGS = [Binding("escape", "choose('back')", "Back")]

    def __init__(self, action: str, code: str, message: str, hint: str, can_retry: bool = True):
        super().__init__()
        self.details = (action, code, message, hint)
        self.can_retry = can_retry

    def compose(self) -> ComposeResult:
        action, code, message, hint = self.details
        with Vertical():
            yield Label(f"Could not {escape(action)}", classes="title")
            with VerticalScroll():
                # AWS error text is untrusted: "[/]" in it must not be read as markup.
                yield Static(f"[b]{escape(code)}[/b]: {escape(message)}" if code else escape(message), markup=True,
                             id="error-message")
                yield Static(f"\nNext: {escape(hint)}", id="error-hint")
            with Horizontal():
                if self.can_retry:
                    yield Button("Retry", id="retry", variant="primary")
                yield Button("Back", id="back")
                yield Button("Clean up", id="cleanup", variant="warning")

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "back")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


class ConfirmModal(ModalScreen[bool]):
    DEFAULT_CSS = _MODAL_CSS.format(name="ConfirmModal")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, body: str, yes: str, no: str = "Cancel", danger: bool = False):
        super().__init__()
        self.texts = (title, body, yes, no)
        self.danger = danger

    def compose(self) -> ComposeResult:
        title, body, yes, no = self.texts
        with Vertical():
            yield Label(title, classes="title")
            with VerticalScroll():
                yield Static(body, markup=False)
            with Horizontal():
                yield Button(yes, id="yes", variant="error" if self.danger else "primary")
                yield Button(no, id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_cancel(self) -> None:
        self.dismiss(False)


class TextModal(ModalScreen[None]):
    """Read-only text the person may select or copy (c copies all, via
    OSC 52, so it works over SSH)."""

    DEFAULT_CSS = _MODAL_CSS.format(name="TextModal") + "TextModal TextArea { height: 16; }"
    BINDINGS = [Binding("escape", "close", "Close"), Binding("c", "copy", "Copy all")]

    def __init__(self, title: str, text: str):
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            yield TextArea(self.text, read_only=True, soft_wrap=False)
            with Horizontal():
                yield Button("Copy all", id="copy", variant="primary")
                yield Button("Close", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "copy":
            self.action_copy()
        else:
            self.dismiss(None)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.notify("Copied to the clipboard (OSC 52)")

    def action_close(self) -> None:
        self.dismiss(None)
