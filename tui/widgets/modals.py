"""Dialogs: the error funnel (Retry / Back / Clean up), a confirmation, and
a copyable text view."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
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
            # AWS error text is untrusted: it is shown as written, never read as markup.
            yield Label(Content(f"Could not {action}"), classes="title")
            with VerticalScroll():
                yield Static(
                    Content.assemble((code, "bold"), ": ", message) if code else Content(message), id="error-message"
                )
                yield Static(Content(f"\nNext: {hint}"), id="error-hint")
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
            yield Label(Content(title), classes="title")
            with VerticalScroll():
                yield Static(body, markup=False)
            with Horizontal():
                yield Button(Content(yes), id="yes", variant="error" if self.danger else "primary")
                yield Button(Content(no), id="no")

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
            yield Label(Content(self.title_text), classes="title")
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
