"""The Lambda console's Test tab as a dialog: pick a template or a saved
event, edit its JSON, Invoke the function directly (not through the API),
and read the result, the REPORT figures (duration, billed duration, max
memory, init) and the log tail; Save keeps the event under a name for next
time (testevents.py). The invoke and the file reads run in thread workers;
the answer and the log are shown as written, never as markup."""

from __future__ import annotations

import json
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from .. import testevents
from ..fields import FieldError


class InvokeModal(ModalScreen[None]):
    DEFAULT_CSS = """
    InvokeModal { align: center middle; }
    InvokeModal > Vertical {
        width: 78; max-width: 100%; height: 95%; border: thick $accent; background: $panel; padding: 0 1;
    }
    InvokeModal .title { text-style: bold; }
    InvokeModal Horizontal { height: auto; }
    InvokeModal #event-choice { width: 1fr; }
    InvokeModal #event-name { width: 20; margin-left: 1; }
    InvokeModal TextArea { height: 1fr; min-height: 4; }
    InvokeModal #invoke-summary { height: auto; }
    InvokeModal VerticalScroll { height: 1fr; min-height: 3; }
    InvokeModal Button { margin-right: 1; min-width: 10; }
    """
    BINDINGS = [Binding("escape", "close", "Close"), Binding("ctrl+s", "save", "Save event")]

    def __init__(self, function: str, backend: Any, state_dir: Any):
        super().__init__()
        self.function = function
        self.backend = backend
        self.state_dir = state_dir
        self.saved: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(f"Test {self.function}: invoke it directly with an event"), classes="title")
            with Horizontal():
                choices = [(f"template: {name}", f"template:{name}") for name in testevents.TEMPLATES]
                yield Select(choices, value="template:hello-world", allow_blank=False, id="event-choice", compact=True)
                yield Input(placeholder="event name", id="event-name", compact=True, max_length=25)
            yield TextArea(_pretty(testevents.TEMPLATES["hello-world"]), language="json", id="event", compact=True)
            with Horizontal():
                yield Button("Invoke", id="invoke", variant="primary", compact=True)
                yield Button("Save event", id="save", compact=True)
                yield Button("Close", id="close", compact=True)
            yield Static(
                Content("Invoke runs the function once with this event (Ctrl+S saves it)."), id="invoke-summary"
            )
            with VerticalScroll():
                yield Static("", id="invoke-output", markup=False)

    def on_mount(self) -> None:
        self.query_one("#invoke", Button).focus()
        self._load_saved()

    @work(thread=True, exit_on_error=False, group="events")
    def _load_saved(self) -> None:
        found = testevents.saved(self.state_dir, self.function)
        self.app.call_from_thread(self._fill_saved, found, True)

    def _fill_saved(self, found: dict[str, str], opening: bool = False) -> None:
        """The choices: saved events first (opening, the first is chosen, as
        the console opens on a saved event), then the templates."""
        self.saved = found
        choice = self.query_one("#event-choice", Select)
        current = choice.value
        options = [(f"saved: {name}", f"saved:{name}") for name in sorted(found)]
        options += [(f"template: {name}", f"template:{name}") for name in testevents.TEMPLATES]
        choice.set_options(options)
        keep = not opening and any(v == current for _l, v in options)
        choice.value = current if keep else options[0][1]

    @on(Select.Changed, "#event-choice")
    def chosen(self, event: Select.Changed) -> None:
        kind, _, name = str(event.value).partition(":")
        text = self.saved.get(name, "") if kind == "saved" else _pretty(testevents.TEMPLATES.get(name, {}))
        self.query_one("#event", TextArea).text = text
        self.query_one("#event-name", Input).value = name if kind == "saved" else ""

    def _say(self, text: str, style: str = "") -> None:
        self.query_one("#invoke-summary", Static).update(Content.styled(text, style) if style else Content(text))

    @on(Button.Pressed, "#invoke")
    def invoke(self) -> None:
        text = self.query_one("#event", TextArea).text
        try:
            json.loads(text)
        except ValueError as exc:
            self._say(f"The event is not JSON ({exc}); fix it, then Invoke.", "red")
            self.query_one("#event", TextArea).focus()
            return
        self._say(f"Invoking {self.function}...")
        self.query_one("#invoke-output", Static).update("")
        self._run(text.encode())

    @work(thread=True, exit_on_error=False, exclusive=True, group="invoke")
    def _run(self, payload: bytes) -> None:
        try:
            found = self.backend.invoke_function(payload)
        except Exception as exc:  # noqa: BLE001 - said in the dialog, which stays usable
            sentence = exc.sentence() if hasattr(exc, "sentence") else str(exc)
            self.app.call_from_thread(self._say, sentence, "red")
            return
        self.app.call_from_thread(self._show, found)

    def _show(self, found: Any) -> None:
        self._say(found.summary(), "green" if found.succeeded else "red")
        result = _pretty_text(found.result)
        self.query_one("#invoke-output", Static).update(
            f"Response\n{result}\n\nLog output (last 4 KB)\n{found.log_tail.rstrip()}"
        )

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        name = self.query_one("#event-name", Input).value.strip()
        text = self.query_one("#event", TextArea).text
        self._save(name, text)

    @work(thread=True, exit_on_error=False, group="events")
    def _save(self, name: str, text: str) -> None:
        try:
            found = testevents.save(self.state_dir, self.function, name, text)
        except (FieldError, OSError) as exc:
            reason = str(exc) if isinstance(exc, FieldError) else f"could not write the saved events ({exc})"
            self.app.call_from_thread(self._say, f"Not saved: {reason}", "red")
            return
        self.app.call_from_thread(self._saved, name, found)

    def _saved(self, name: str, found: dict[str, str]) -> None:
        self._fill_saved(found)
        self.query_one("#event-choice", Select).value = f"saved:{name}"
        self._say(f"Saved the event {name} ({len(found)} saved for {self.function}).", "green")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)


def _pretty(value: object) -> str:
    return json.dumps(value, indent=2)


def _pretty_text(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text
