"""The console's step list: done / current / pending, with what each done
step created."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..state import STEPS, WizardState


class StepSidebar(Static):
    DEFAULT_CSS = """
    StepSidebar {
        width: 23;
        height: 100%;
        padding: 1 1;
        border-right: vkey $foreground 20%;
    }
    """

    def __init__(self, state: WizardState, current: str):
        super().__init__()
        self.state = state
        self.current = current

    def on_mount(self) -> None:
        self.refresh_steps()

    def refresh_steps(self) -> None:
        text = Text()
        for number, step in enumerate(STEPS, 1):
            if step == self.current:
                mark, style = "▶", "bold reverse"
            elif self.state.step_done(step):
                mark, style = "✓", "green"
            else:
                mark, style = "·", "dim"
            text.append(f"{mark} {number} {self.state.step_title(step)}\n", style=style)
            detail = self.state.step_detail(step)
            if detail:
                text.append(f"   {detail[:16]}\n", style="dim")
        self.update(text)
