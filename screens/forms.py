"""A labelled input that says, under it, why its value is not allowed
(Textual marks invalid inputs but does not print the reason), and the
compact controls every step uses.

Text from a person, a config file, AWS or the network is never parsed as
markup: textual.markup.escape is not enough (after it, "x[/" still raises
MarkupError, "[$accent]" vanishes and backslashes double), so such text goes
into widgets as Content / rich Text, or with markup=False."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual import events
from textual.widgets import Button, Input, Label, Select, Static
from textual.widgets._select import SelectOverlay


class Field(Vertical):
    DEFAULT_CSS = """
    Field { height: auto; }
    Field > Horizontal { height: auto; }
    Field .field-label { width: 14; padding: 0 1 0 0; }
    Field Input, Field Select { width: 1fr; }
    Field .field-error { color: $error; height: auto; padding-left: 14; }
    """

    def __init__(self, label: str, control: Widget, **kwargs: object):
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.label = label
        self.control = control

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.label, classes="field-label")
            yield self.control
        error = Static("", classes="field-error", markup=False)  # reasons quote what was typed
        error.display = False
        yield error

    @on(Input.Changed)
    def show_reason(self, event: Input.Changed) -> None:
        result = event.validation_result
        reason = "" if result is None or result.is_valid else "; ".join(result.failure_descriptions)
        error = self.query_one(".field-error", Static)
        error.update(reason)
        error.display = bool(reason)


def is_valid(field: Input) -> bool:
    """Validate the field's value (showing its message); no validators is valid."""
    result = field.validate(field.value)
    return result is None or result.is_valid


def first_invalid(widget: Widget) -> Input | None:
    """Validate every input below `widget`; the first one that fails."""
    for field in widget.query(Input):
        if field.validators and not is_valid(field):
            return field
    return None


# Compact controls (one row each): the wizard must fit 80x24.
def text_input(*args: Any, **kwargs: Any) -> Input:
    return Input(*args, compact=True, **kwargs)


class LiteralSelect(Select[Any]):
    """A Select whose option labels are shown as written (profile, role and
    function names come from files and AWS; Select parses str labels as
    markup)."""

    def __init__(self, options: Iterable[tuple[Any, Any]], **kwargs: Any):
        super().__init__(literal_options(options), **kwargs)

    def set_options(self, options: Iterable[tuple[Any, Any]]) -> None:
        super().set_options(literal_options(options))

    def _on_mount(self, event: events.Mount) -> None:
        # Quit while the Target step's deferred fields were mounting: the
        # select got Mount with its overlay never composed, and Textual's
        # own setup raised NoMatches into the app's exit (CI, under load).
        if not self.query(SelectOverlay):
            return
        super()._on_mount(event)


def literal_options(options: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    # rich Text rather than Content: Select's type-to-search reads Text and str only.
    return [(Text(label) if isinstance(label, str) else label, value) for label, value in options]


def select(*args: Any, **kwargs: Any) -> Select[Any]:
    return LiteralSelect(*args, compact=True, **kwargs)


def button(*args: Any, **kwargs: Any) -> Button:
    control = Button(*args, compact=True, **kwargs)
    # Textual ignores a second press within the 0.2 s "active" effect; a
    # person pressing Enter through the sub-steps would lose keystrokes.
    # Every action here is idempotent and disables its button while it runs.
    control.active_effect_duration = 0
    return control
