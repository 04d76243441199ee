"""The wizard's export action: the configured stack as a CloudFormation
template, a SAM template or an AWS CLI script (the same renderers as
`apigw-wizard export`), shown read-only, copyable and saved beside where the
wizard was started without overwriting anything."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, TextArea
from tui.widgets.clipboard import copy_and_say

from ..config import Config

FILE_NAMES = {"cloudformation": "template.yaml", "sam": "template-sam.yaml", "cli": "deploy.sh"}
LABELS = {"cloudformation": "CloudFormation", "sam": "SAM", "cli": "AWS CLI"}


def free_path(folder: Path, name: str) -> Path:
    """`name` in `folder`, or name-2, name-3...: never overwrites a file."""
    path = folder / name
    stem, suffix = path.stem, path.suffix
    number = 2
    while path.exists():
        path = folder / f"{stem}-{number}{suffix}"
        number += 1
    return path


class ExportModal(ModalScreen[None]):
    DEFAULT_CSS = """
    ExportModal { align: center middle; }
    ExportModal > Vertical {
        width: 76; max-width: 100%; height: 22; max-height: 100%;
        border: thick $accent; background: $panel; padding: 0 1;
    }
    ExportModal .title { text-style: bold; }
    ExportModal TextArea { height: 1fr; }
    ExportModal Horizontal { height: auto; }
    ExportModal Button { min-width: 0; width: auto; margin-right: 1; }
    ExportModal #export-status { height: 1; color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "close", "Close"), Binding("c", "copy", "Copy all"), Binding("s", "save", "Save")]

    def __init__(self, config: Config, folder: Path | None = None, fmt: str = "cloudformation"):
        super().__init__()
        self.config = config
        self.folder = folder or Path.cwd()
        self.fmt = fmt
        self.text = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content("Export the stack (nothing is deployed)"), classes="title")
            with Horizontal():
                for fmt, label in LABELS.items():
                    yield Button(label, id=f"fmt-{fmt}", variant="primary" if fmt == self.fmt else "default")
            yield TextArea("", read_only=True, soft_wrap=False)
            yield Label("", id="export-status", markup=False)
            with Horizontal():
                yield Button("Save", id="save", variant="success")
                yield Button("Copy all", id="copy")
                yield Button("Close", id="close")

    def on_mount(self) -> None:
        self.show(self.fmt)

    def show(self, fmt: str) -> None:
        from ..stack.render import render

        self.fmt = fmt
        for name in LABELS:
            self.query_one(f"#fmt-{name}", Button).variant = "primary" if name == fmt else "default"
        try:
            self.text = render(self.config, fmt, self.folder / FILE_NAMES[fmt])
            status = f"{LABELS[fmt]}: S saves it as {FILE_NAMES[fmt]} in {self.folder}"
        except Exception as exc:  # the code moved or vanished since the config was read
            self.text = ""
            status = f"Cannot render the {LABELS[fmt]} export: {exc}"
        self.query_one(TextArea).load_text(self.text)
        self.query_one("#export-status", Label).update(status)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        if button.startswith("fmt-"):
            self.show(button.removeprefix("fmt-"))
        elif button == "save":
            self.action_save()
        elif button == "copy":
            self.action_copy()
        else:
            self.dismiss(None)

    def action_save(self) -> None:
        from ..export_command import write

        if not self.text:
            return
        path = free_path(self.folder, FILE_NAMES[self.fmt])
        try:
            write(path, self.text)
        except OSError as exc:
            message = f"Cannot write {path} ({exc.strerror or exc}); start the wizard in a writable folder"
            self.query_one("#export-status", Label).update(message)
            self.notify(message, severity="error", markup=False)
            return
        self.query_one("#export-status", Label).update(f"Saved {path}")
        self.notify(f"Saved {path}", markup=False)

    def action_copy(self) -> None:
        copy_and_say(self.app, self.text, "Text")

    def action_close(self) -> None:
        self.dismiss(None)
