"""Dialogs: the error funnel (Retry / Back / Clean up), a confirmation, and
a copyable text view."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea
from tui.widgets.clipboard import copy_and_say

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
    max-height: 10;
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
    # Textual focuses it once composed; an on_mount query raised NoMatches
    # when the app ended while the dialog was being put up (CI).
    AUTO_FOCUS = "Button"

    def __init__(
        self, action: str, code: str, message: str, hint: str, can_retry: bool = True, can_clean_up: bool = True
    ):
        super().__init__()
        self.details = (action, code, message, hint)
        self.can_retry = can_retry
        self.can_clean_up = can_clean_up  # not offered on the clean-up step itself

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
                if self.can_clean_up:
                    yield Button("Clean up", id="cleanup", variant="warning")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "back")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


class ConfirmModal(ModalScreen[bool]):
    """A yes/no question. A dangerous one starts on Cancel, so Enter, Enter
    never deletes; with `type_to_confirm` (real AWS) the yes button works
    only once that name is typed, as the console asks."""

    DEFAULT_CSS = (
        _MODAL_CSS.format(name="ConfirmModal")
        + "ConfirmModal Input { margin-top: 1; } ConfirmModal #confirm-reason { color: $error; height: auto; }"
        # The name box and its hint take four rows: the list gives them up so
        # the buttons still fit (and can be clicked) at 80x24.
        + "ConfirmModal.-typed VerticalScroll { max-height: 6; }"
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        body: str,
        yes: str,
        no: str = "Cancel",
        danger: bool = False,
        type_to_confirm: str | None = None,
    ):
        super().__init__()
        self.texts = (title, body, yes, no)
        self.danger = danger
        self.type_to_confirm = type_to_confirm
        if type_to_confirm is not None:
            self.add_class("-typed")

    def compose(self) -> ComposeResult:
        title, body, yes, no = self.texts
        with Vertical():
            yield Label(Content(title), classes="title")
            with VerticalScroll():
                yield Static(body, markup=False)
            if self.type_to_confirm is not None:
                yield Input(placeholder=self.type_to_confirm, compact=True, id="confirm-name", select_on_focus=False)
                yield Static(Content(f"Type {self.type_to_confirm} to confirm."), id="confirm-reason")
            with Horizontal():
                yield Button(Content(yes), id="yes", variant="error" if self.danger else "primary")
                yield Button(Content(no), id="no")

    def on_mount(self) -> None:
        if self.type_to_confirm is not None:
            self.query_one("#confirm-name", Input).focus()
        else:
            self.query_one("#no" if self.danger else "#yes", Button).focus()

    def _typed(self) -> bool:
        if self.type_to_confirm is None:
            return True
        return self.query_one("#confirm-name", Input).value.strip() == self.type_to_confirm

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self._typed():
            self.dismiss(True)
        else:
            self.query_one("#confirm-reason", Static).update(
                Content(f"That is not {self.type_to_confirm}: type it exactly, or Esc to cancel.")
            )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "yes" and not self._typed():
            self.query_one("#confirm-name", Input).focus()
            self.query_one("#confirm-reason", Static).update(Content(f"Type {self.type_to_confirm} first to confirm."))
            return
        self.dismiss(event.button.id == "yes")

    def action_cancel(self) -> None:
        self.dismiss(False)


class TextModal(ModalScreen[None]):
    """Read-only text the person may select or copy (c copies all, via
    OSC 52, so it works over SSH)."""

    # The dialog takes most of the screen and the text the free height, so
    # the buttons stay visible at 80x24 (long text scrolls inside).
    DEFAULT_CSS = (
        _MODAL_CSS.format(name="TextModal")
        + "TextModal > Vertical { height: 90%; padding: 0 1; } TextModal TextArea { height: 1fr; }"
    )
    BINDINGS = [Binding("escape", "close", "Close"), Binding("c", "copy", "Copy all")]

    def __init__(self, title: str, text: str, wrap: bool = False):
        super().__init__()
        self.title_text = title
        self.text = text
        self.wrap = wrap  # prose (help) wraps; commands keep their lines

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(self.title_text), classes="title")
            yield TextArea(self.text, read_only=True, soft_wrap=self.wrap)
            with Horizontal():
                yield Button("Copy all", id="copy", variant="primary")
                yield Button("Close", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "copy":
            self.action_copy()
        else:
            self.dismiss(None)

    def action_copy(self) -> None:
        copy_and_say(self.app, self.text, "Text")

    def action_close(self) -> None:
        self.dismiss(None)
