"""The function's environment variables, as the console's Configuration >
Environment variables page edits them: a table of names and values, a
name and a value to set, Remove for the selected row. Values of names
that look secret (…KEY, …TOKEN, …SECRET, PASSWORD…) are typed hidden and
shown as dots: the wizard runs in shared terminals and screen shares.
Every change is checked with the config file's rules (fields.environment)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Static

from tui import fields

from .forms import button

MASK = "••••••••"
looks_secret = fields.looks_secret


def shown(name: str, value: str) -> str:
    return MASK if looks_secret(name) and value else value


class EnvEditor(Vertical):
    DEFAULT_CSS = """
    EnvEditor { height: auto; }
    EnvEditor DataTable { height: auto; max-height: 6; }
    EnvEditor Horizontal { height: auto; }
    EnvEditor #env-name { width: 14; }
    EnvEditor #env-value { width: 1fr; }
    EnvEditor Horizontal Button { min-width: 8; width: auto; margin-left: 1; }
    EnvEditor #env-error { color: $error; height: auto; }
    """

    class Changed(Message):
        """The variables changed (valid by the config's rules)."""

    def __init__(self, variables: dict[str, str], **kwargs: object):
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.variables = dict(variables)

    def compose(self) -> ComposeResult:
        yield DataTable(id="env-table", cursor_type="row", show_cursor=True)
        with Horizontal():
            yield Input(placeholder="NAME", id="env-name", compact=True)
            yield Input(placeholder="value", id="env-value", compact=True)
            yield button("Set", id="env-set")
            yield button("Remove", id="env-remove")
        error = Static("", id="env-error", markup=False)  # quotes what was typed
        error.display = False
        yield error

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Name", "Value")
        self._fill()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for name, value in sorted(self.variables.items()):
            table.add_row(Text(name), Text(shown(name, value)), key=name)  # Text: never markup
        table.display = bool(self.variables)

    @on(Input.Changed, "#env-name")
    def name_changed(self, event: Input.Changed) -> None:
        self.query_one("#env-value", Input).password = looks_secret(event.value)

    @on(Input.Submitted, "#env-name")
    def to_value(self, event: Input.Submitted) -> None:
        event.stop()  # not the form's Create
        self.query_one("#env-value", Input).focus()

    @on(Input.Submitted, "#env-value")
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.set_variable()

    @on(DataTable.RowSelected)
    def edit_row(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: its name and value into the boxes, to change it."""
        name = str(event.row_key.value)
        self.query_one("#env-name", Input).value = name
        box = self.query_one("#env-value", Input)
        box.value = self.variables.get(name, "")
        box.focus()

    def _say(self, reason: str) -> None:
        error = self.query_one("#env-error", Static)
        error.update(reason)
        error.display = bool(reason)

    def set_variable(self) -> None:
        name = self.query_one("#env-name", Input).value.strip()
        value = self.query_one("#env-value", Input).value
        if not name:
            self._say("Type a name first.")
            self.query_one("#env-name", Input).focus()
            return
        try:
            self.variables = fields.environment({**self.variables, name: value})
        except fields.FieldError as exc:
            self._say(str(exc))
            self.query_one("#env-name", Input).focus()  # the name, almost always, is what is wrong
            return
        self._say("")
        self.query_one("#env-name", Input).value = ""
        self.query_one("#env-value", Input).value = ""
        self.query_one("#env-name", Input).focus()
        self._fill()
        self.post_message(self.Changed())

    def remove_selected(self) -> None:
        table = self.query_one(DataTable)
        if not self.variables or table.row_count == 0:
            self._say("Nothing to remove.")
            return
        name = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        self.variables.pop(name, None)
        self._say("")
        self._fill()
        self.post_message(self.Changed())

    @on(Button.Pressed, "#env-set")
    def set_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.set_variable()

    @on(Button.Pressed, "#env-remove")
    def remove_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.remove_selected()
