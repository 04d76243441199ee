"""WizardApp: the step order, the bindings, the command palette and the
shared WizardState. Screens are thin; AWS work happens in the backend, in
thread workers. boto3 and moto are imported only when a worker first needs
them, after the first frame is on screen."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from .state import STEPS, WizardState

if TYPE_CHECKING:
    from .backend import Backend


# Each step's screen is imported when it is first shown: the first frame
# needs only the Target step's module (and its CSS), not all six.
_SCREENS = {
    "target": ("screens.target", "TargetScreen"),
    "function": ("screens.function", "FunctionScreen"),
    "api": ("screens.api", "ApiScreen"),
    "test": ("screens.test", "TestScreen"),
    "monitor": ("screens.monitor", "MonitorScreen"),
    "cleanup": ("screens.cleanup", "CleanupScreen"),
}


# A WebSocket API is tested by connecting, not by requests: its own Test screen.
_BY_TYPE = {("test", "websocket"): ("screens.wstest", "WebSocketTestScreen")}


def _screen_class(step: str, api_type: str = "http") -> type[Screen[None]]:
    import importlib

    module, name = _BY_TYPE.get((step, api_type), _SCREENS[step])
    found: type[Screen[None]] = getattr(importlib.import_module(module), name)
    return found


class WizardApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "apigw-wizard"
    BINDINGS = [
        Binding("escape", "step_back", "Back", tooltip="Go back a step (or a sub-step)"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f2", "show_cli", "CLI", tooltip="The AWS CLI commands for what the wizard does"),
        Binding("question_mark", "step_help", "Help", tooltip="What this step does, and the keys"),
    ]

    def __init__(self, state: WizardState, backend: Backend | None = None):
        super().__init__()
        self.state = state
        self._backend = backend
        self.step = "target"

    @property
    def backend(self) -> Backend:
        """Made when first used (by a worker, after the first frame): its
        imports, the stack's outcome and the services, are not the frame's."""
        if self._backend is None:
            from .backend import Backend

            self._backend = Backend(self.state)
        return self._backend

    @backend.setter
    def backend(self, backend: Backend) -> None:
        self._backend = backend

    def get_default_screen(self) -> Screen[Any]:
        """The first step is the app's first screen: no blank default screen
        is composed, shown and restyled before it (about a sixth of the time
        to the first frame)."""
        screen = _screen_class("target")()
        self.install_screen(screen, name="target")
        return screen

    def on_mount(self) -> None:
        self.refresh_subtitle()
        self.call_after_refresh(self.offer_resume)  # after the first frame: it asks the local cloud

    # -- navigation ------------------------------------------------------------
    def goto(self, step: str) -> None:
        wanted = _screen_class(step, self.state.config.api.type)
        if self.is_screen_installed(step):
            installed = self.get_screen(step)
            if type(installed) is not wanted and installed not in self.screen_stack:
                self.uninstall_screen(step)  # the API type changed since: the other type's screen
        if not self.is_screen_installed(step):
            self.install_screen(wanted(), name=step)
        self.step = step
        # The Target step is the bottom of the stack; the other steps replace
        # each other above it (installed screens keep their state). Never
        # switch the bottom screen away: the stack would be empty while the
        # next one composes, and widgets that ask for the screen then fail.
        if step == "target":
            while len(self.screen_stack) > 1:
                self.pop_screen()
        elif len(self.screen_stack) == 1:
            self.push_screen(step)
        else:
            self.switch_screen(step)
        self.refresh_subtitle()

    def action_step_back(self) -> None:
        if self.screen.query("HelpPanel"):  # Esc closes the Keys panel before it goes back
            self.action_hide_help_panel()
            return
        screen = self.screen
        if hasattr(screen, "go_back") and screen.go_back():
            return
        index = STEPS.index(self.step)
        if index > 0:
            self.goto(STEPS[index - 1])

    def refresh_subtitle(self) -> None:
        state = self.state
        who = state.identity.account if state.identity else "not connected"
        self.sub_title = f"{state.config.target} · {who} · {state.config.region}"

    # -- command palette -------------------------------------------------------
    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for number, step in enumerate(STEPS, 1):
            yield SystemCommand(
                f"Go to step {number}: {self.state.step_title(step)}",
                f"Jump to {self.state.step_title(step)}",
                lambda step=step: self.goto(step),
            )
        yield SystemCommand("Clean up", "Delete everything this wizard created", lambda: self.goto("cleanup"))
        yield SystemCommand(
            "Show the AWS CLI equivalent", "The commands that do the same by hand", self.action_show_cli
        )
        yield SystemCommand(
            "Export: CloudFormation, SAM or AWS CLI script",
            "The configured stack as a template or a script (nothing is deployed)",
            self.action_export,
        )
        yield SystemCommand(
            "Toggle dark / light theme", "Switch between the dark and light theme", self.action_toggle_theme
        )

    def action_step_help(self) -> None:
        from .widgets.modals import TextModal
        from .widgets.stephelp import help_text

        self.push_screen(TextModal(f"Help: {self.state.step_title(self.step)}", help_text(self.step), wrap=True))

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Save where it can (Downloads if there is one, else the state folder)
        and say where, or why not."""
        from pathlib import Path

        downloads = Path.home() / "Downloads"
        folder = Path(path) if path else downloads if downloads.is_dir() else self.state.state_dir / "screenshots"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            saved = self.save_screenshot(filename, str(folder))
        except OSError as exc:
            self.notify(
                f"Could not save the screenshot in {folder} ({exc.strerror or exc})", severity="error", markup=False
            )
            return
        self.notify(f"Screenshot saved: {saved}", markup=False)

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def action_show_cli(self) -> None:
        from .stack.cli_equivalent import commands
        from .widgets.modals import TextModal

        account = self.state.identity.account if self.state.identity else "<account-id>"
        self.push_screen(TextModal("The AWS CLI equivalent", commands(self.state.config, account, self.state.result)))

    def action_export(self) -> None:
        from .widgets.export import ExportModal

        self.push_screen(ExportModal(self.state.config))

    # -- resume ------------------------------------------------------------------
    def offer_resume(self) -> None:
        """Launching again with a ledger for this config: continue, test or clean up.
        Looking asks the local cloud where it keeps ledgers: a thread worker."""
        self.run_worker(self._find_resumable, name="resume-lookup", thread=True, exit_on_error=False)

    def _find_resumable(self) -> None:
        from .stack.ledger import list_ledgers
        from .targets import local_ledger_dir

        config = self.state.config
        where = self.state.state_dir
        if config.target == "local":
            where = local_ledger_dir(self.state.port, where)
        found = [
            (scope, count)
            for scope, count in list_ledgers(where)
            if scope.target == config.target
            and scope.function == config.function.name
            and scope.api == config.api.name
            and count
        ]
        if found:
            self.call_from_thread(self._offer, found[0][0].stack, found[0][1])

    def _offer(self, stack: str, count: int) -> None:
        from .widgets.resume import ResumeModal

        self.push_screen(ResumeModal(stack, count), self._resume)

    def _resume(self, choice: str | None) -> None:
        if choice in (None, "fresh"):
            return
        screen = self.screen

        def load(_emit: Any) -> Any:
            self.backend.connect()
            return None if choice == "cleanup" else self.backend.resume()

        def done(_result: Any) -> None:
            self.refresh_subtitle()
            if choice == "cleanup":
                self.goto("cleanup")
            elif choice == "test":
                self.goto("test")
            else:
                self.goto(next((s for s in STEPS if not self.state.step_done(s)), "test"))

        from screens.base import StepScreen

        if isinstance(screen, StepScreen):
            screen.call_backend("resume", load, done)
