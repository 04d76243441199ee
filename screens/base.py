"""What every step screen shares: the layout (header, step sidebar, body,
footer) and the one way to call the backend: a thread worker whose progress
arrives as messages, and whose failure goes to the error funnel."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import getters
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header
from textual.worker import Worker, WorkerState

from tui.widgets.progress import ProgressLog
from tui.widgets.sidebar import StepSidebar

if TYPE_CHECKING:  # the engine (the stack's kinds, ledger, boto3-free but 50 ms) loads with the first step's work
    from tui.app import WizardApp
    from tui.stack.engine import Event
    from tui.widgets.modals import ErrorModal
    from tui.backend import Backend
    from tui.state import WizardState


def _wizard_app() -> type[WizardApp]:
    from tui.app import WizardApp  # the app imports the screens: look it up when first used

    return WizardApp


def _error_modal() -> type[ErrorModal]:
    from tui.widgets.modals import ErrorModal  # dialogs (TextArea and all) load when first shown

    return ErrorModal


class StepProgress(Message):
    """A progress event from a worker thread (post_message is thread-safe)."""

    def __init__(self, event: Event):
        super().__init__()
        self.event = event


class StepScreen(Screen[None]):
    STEP = ""
    # No auto-focus of the first focusable widget: the step focuses its
    # primary action itself (focus_primary). Textual's auto-focus could win
    # the race on a busy machine and put the API step's Function picker
    # under Enter, where Enter only opens and closes it, for ever (a CI
    # failure of the Enter-every-100 ms test in Chromium).
    AUTO_FOCUS = ""  # "" is none at all (None would inherit the app's "*")
    app = getters.app(_wizard_app)  # typed: the wizard's own methods and state

    def __init__(self) -> None:
        super().__init__(name=self.STEP)
        self._handlers: dict[str, tuple[Callable[[Any], None], Callable[[], None]]] = {}
        self._inline: dict[str, Callable[[BaseException], None]] = {}
        self.running: set[str] = set()  # calls in flight: their buttons ignore presses, keep focus

    @property
    def state(self) -> WizardState:
        return self.app.state

    @property
    def backend(self) -> Backend:
        return self.app.backend

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield StepSidebar(self.state, self.STEP)
            with Vertical(id="step-body"):
                yield from self.compose_step()
        yield Footer()

    def compose_step(self) -> ComposeResult:
        yield from ()

    def on_screen_resume(self) -> None:
        self.query_one(StepSidebar).refresh_steps()

    def primary(self) -> Widget | None:
        """The widget Enter should act on now (the step's primary action)."""
        return None

    def focus_primary(self) -> None:
        widget = self.primary()
        if widget is not None and widget.focusable:
            widget.focus()

    def refresh_sidebar(self) -> None:
        self.query_one(StepSidebar).refresh_steps()
        self.app.refresh_subtitle()

    # -- backend calls ---------------------------------------------------------
    def call_backend(
        self,
        name: str,
        call: Callable[[Callable[[Event], None]], Any],
        done: Callable[[Any], None],
        failed: Callable[[], None] = lambda: None,
        inline: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run `call(emit)` in a thread worker; `done(result)` on success,
        the error funnel (with Retry) on failure, or `inline(error)` when the
        screen says why itself (a listing shown each time the screen is: a
        dialog there would come back every time it is closed)."""
        self._handlers[name] = (done, failed)
        if inline is not None:
            self._inline[name] = inline
        else:
            self._inline.pop(name, None)
        self.running.add(name)

        def emit(event: Event) -> None:
            self.post_message(StepProgress(event))

        def job() -> Any:
            return call(emit)

        # Exclusive per kind of call: a new "ledger" listing must not cancel
        # a "destroy" that a dialog's callback has just started.
        self.run_worker(
            job, name=name, group=f"aws-{name}", thread=True, exclusive=True, exit_on_error=False, description=name
        )
        self._last_call = (name, call, done, failed)

    def on_step_progress(self, message: StepProgress) -> None:
        for log in self.query(ProgressLog):
            log.event(message.event.status, message.event.message)
            break

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        handlers = self._handlers.get(event.worker.name)
        if handlers is None:
            return
        done, failed = handlers
        name = event.worker.name
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            self.running.discard(name)
        if event.state == WorkerState.SUCCESS:
            done(event.worker.result)
            self.refresh_sidebar()
        elif event.state == WorkerState.ERROR:
            failed()
            inline = self._inline.get(name)
            if inline is not None:
                inline(event.worker.error or RuntimeError("unknown error"))
            else:
                self.show_error(event.worker.error, retry=self._retry_for(name))
            self.focus_primary()

    def _retry_for(self, name: str) -> Callable[[], None] | None:
        last = getattr(self, "_last_call", None)
        if last and last[0] == name:
            return lambda: self.call_backend(*last)
        return None

    def show_error(self, error: BaseException | None, retry: Callable[[], None] | None = None) -> None:
        """The one error funnel: what failed, code, message, next step."""
        from tui.services.errors import translate

        err = translate(error or RuntimeError("unknown error"), self.describe_action())
        for log in self.query(ProgressLog):
            log.event("failed", err.sentence())
            break

        def chosen(choice: str | None) -> None:
            if choice == "retry" and retry is not None:
                retry()
            elif choice == "cleanup":
                self.app.goto("cleanup")
            self.call_after_refresh(self.focus_primary)  # Enter acts again once the dialog is gone

        self.app.push_screen(
            _error_modal()(err.action, err.code, err.message, err.hint, retry is not None, self.STEP != "cleanup"),
            chosen,
        )

    def error_sentence(self, error: BaseException) -> str:
        from tui.services.errors import translate

        return translate(error, self.describe_action()).sentence()

    def describe_action(self) -> str:
        return f"finish the step {self.STEP}"
