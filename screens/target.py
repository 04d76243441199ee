"""Step 1: where the resources go. The local cloud needs no account; AWS
uses a profile and region (and optionally an endpoint URL). Who you are is
checked and shown before anything is created. For the local target the step
shows the cloud on the chosen port (yours, another user's, or none), where it
keeps its state, and starts, restarts or stops it; all of that asks the port
through the backend, in thread workers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.css.query import NoMatches
from textual.app import ComposeResult
from textual.content import Content
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Select, Static

from tui import fields
from tui.fields import check_port
from tui.widgets.progress import ProgressLog

from .base import StepScreen
from .forms import Field, button, is_valid, select, text_input
from .validators import FieldValidator

if TYPE_CHECKING:
    from tui.targets import CloudStatus


class TargetScreen(StepScreen):
    STEP = "target"

    def primary(self) -> Button:
        """Continue: where focus returns after a call or its error dialog."""
        return self.query_one("#continue", Button)

    DEFAULT_CSS = """
    TargetScreen #local-fields, TargetScreen #cloud-actions, TargetScreen #cloud-status { height: auto; }
    TargetScreen #cloud-actions Button { margin-right: 1; width: auto; min-width: 9; padding: 0 1; }
    """

    def compose_step(self) -> ComposeResult:
        config = self.state.config
        yield Label("Where should the function and the API be created?", classes="step-title")
        with RadioSet(id="target"):
            yield RadioButton("Local cloud: no AWS account, no Docker", value=config.target == "local", id="local")
            yield RadioButton("AWS: your account (billable)", value=config.target == "aws", id="aws")
        # Only the chosen target's fields are in the first frame; the other
        # set is mounted right after it (hidden), which keeps that frame light.
        yield self._aws_fields() if config.target == "aws" else self._local_fields()
        yield Static("", id="identity")
        with Horizontal(classes="actions"):
            yield button("Continue", id="continue", variant="primary")
        yield ProgressLog(id="target-log")

    def _aws_fields(self) -> Vertical:
        config = self.state.config
        return Vertical(
            Field("Profile", select([], prompt="default credential chain", id="profile", allow_blank=True)),
            Field("Region", text_input(config.region, id="region", validators=[FieldValidator(fields.region)])),
            Field(
                "Endpoint",
                text_input(self.state.endpoint_url or "", id="endpoint", placeholder="optional: an emulator's URL"),
            ),
            id="aws-fields",
        )

    def _local_fields(self) -> Vertical:
        return Vertical(
            Field("Port", text_input(str(self.state.port), id="port", validators=[FieldValidator(check_port)])),
            Static("", id="cloud-status", markup=False),  # paths and other users' names: never markup
            Horizontal(
                button("Start", id="cloud-start"),
                button("Restart", id="cloud-restart"),
                button("Stop", id="cloud-stop"),
                id="cloud-actions",
            ),
            id="local-fields",
        )

    def on_mount(self) -> None:
        self.query_one("#continue", Button).focus()
        self.call_after_refresh(self._after_first_frame)

    async def _after_first_frame(self) -> None:
        """The other target's fields; then the worker that fills the chosen
        ones (its imports, the cloud client and http.client, would hold the
        GIL while the step is first drawn)."""
        aws = self.state.config.target == "aws"
        other = self._local_fields() if aws else self._aws_fields()
        chosen_aws = self.query_one("#aws", RadioButton).value  # the radio may have changed already
        other.display = (other.id == "aws-fields") == chosen_aws
        shown = self.query_one("#aws-fields" if aws else "#local-fields")
        body = self.query_one("#step-body")
        if not body.is_attached:
            return  # the app is closing (quit within the first frame)
        await (body.mount(other, after=shown) if aws else body.mount(other, before=shown))  # AWS's fields come first
        if chosen_aws:
            self.load_profiles()
        else:
            self.refresh_cloud()

    # -- the local cloud on the port ---------------------------------------------
    def _port(self) -> int | None:
        box = self.query_one("#port", Input)
        return check_port(box.value) if is_valid(box) else None

    def _cloud_buttons(self, status: CloudStatus | None) -> None:
        mine = status is not None and status.owned
        free = status is not None and not status.running
        self.query_one("#cloud-start", Button).disabled = not free
        self.query_one("#cloud-restart", Button).disabled = not mine
        self.query_one("#cloud-stop", Button).disabled = not mine

    def refresh_cloud(self) -> None:
        """Ask the port who runs a cloud there (a thread worker)."""
        port = self._port()
        status = self.query_one("#cloud-status", Static)
        self._cloud_buttons(None)
        if port is None:
            status.update("Type a port from 1024 to 65535 to see the local cloud there.")
            return
        status.update(f"http://127.0.0.1:{port}: checking...")
        self.call_backend("cloud-status", lambda _emit: self.backend.cloud_status(port), self.show_cloud)

    def show_cloud(self, status: CloudStatus) -> None:
        if status.port != self._port():
            return  # the port changed while it was asked
        self.query_one("#cloud-status", Static).update(f"{status.endpoint}: {status.summary()}")
        self._cloud_buttons(status)

    @on(Input.Changed, "#port")
    def port_changed(self) -> None:
        self.refresh_cloud()

    @on(Button.Pressed, "#cloud-start, #cloud-restart, #cloud-stop")
    def cloud_action(self, event: Button.Pressed) -> None:
        port = self._port()
        if port is None:
            self.query_one("#port", Input).focus()
            return
        verb = (event.button.id or "").removeprefix("cloud-")
        calls = {
            "start": self.backend.start_cloud,
            "restart": self.backend.restart_cloud,
            "stop": self.backend.stop_cloud,
        }
        if verb in ("stop", "restart") and port == self.state.port:
            self.backend.reset()  # the connection goes with the cloud
            self.refresh_sidebar()
        self._cloud_buttons(None)
        doing = {"start": "starting", "restart": "restarting", "stop": "stopping"}[verb]
        self.query_one("#cloud-status", Static).update(f"http://127.0.0.1:{port}: {doing}...")
        self.query_one(ProgressLog).event("start", f"{doing.capitalize()} the local cloud on port {port}...")

        def done(status: CloudStatus) -> None:
            self.query_one(ProgressLog).event("done", f"{status.endpoint}: {status.summary()}")
            self.show_cloud(status)
            self.query_one("#continue", Button).focus()  # focus goes back to the step's primary action

        def failed() -> None:
            self.refresh_cloud()
            self.query_one("#continue", Button).focus()

        self.call_backend("cloud-action", lambda _emit: calls[verb](port), done, failed)

    def describe_action(self) -> str:
        return "connect to the target"

    def load_profiles(self) -> None:
        def done(profiles: list[str]) -> None:
            select = self.query_one("#profile", Select)
            if not select.query("SelectOverlay"):  # just mounted: its parts compose a moment later
                self.call_after_refresh(done, profiles)
                return
            try:
                select.set_options([(p, p) for p in profiles])
            except NoMatches:
                return  # the app is closing and the select's parts are gone (seen once under load)
            if self.state.config.profile in profiles:
                select.value = self.state.config.profile

        self.call_backend("profiles", lambda _emit: self.backend.profiles(), done)

    @on(RadioSet.Changed, "#target")
    def target_changed(self, event: RadioSet.Changed) -> None:
        aws = event.pressed.id == "aws"
        for group in self.query("#aws-fields, #local-fields"):
            group.display = (group.id == "aws-fields") == aws
        if not self.query("#aws-fields") or not self.query("#local-fields"):
            return  # the other set is still mounting: it shows and fills the chosen one when it is in
        if aws:
            self.load_profiles()
        else:
            self.refresh_cloud()

    @on(Input.Submitted)
    @on(Button.Pressed, "#continue")
    def proceed(self) -> None:
        aws = self.query_one("#aws", RadioButton).value
        # The local cloud may have stopped since: connecting again restarts it.
        if aws and self.state.step_done("target") and self._unchanged():
            self.app.goto("function")
            return
        port = None
        if aws:  # only the chosen target's fields are read (the other set may not be mounted yet)
            region_input = self.query_one("#region", Input)
            if not is_valid(region_input):
                region_input.focus()
                return
            profile = self.query_one("#profile", Select).value
            self.state.update(
                target="aws", region=region_input.value, profile=profile if isinstance(profile, str) else None
            )
            self.state.endpoint_url = self.query_one("#endpoint", Input).value.strip() or None
        else:
            port = self._port()
            if port is None:
                self.query_one("#port", Input).focus()
                return
            self.state.port = port
            self.state.update(target="local", region=self.state.config.region, profile=None)
            self.state.endpoint_url = None
        self.backend.reset()
        self.query_one("#continue", Button).disabled = True
        where = f"the local cloud on http://127.0.0.1:{port} (starting it if needed)" if not aws else "AWS"
        self.query_one(ProgressLog).event("start", f"Connecting to {where}...")

        def connect(emit: object) -> object:
            return self.backend.connect()

        self.call_backend("connect", connect, self.connected, self.failed)

    def _unchanged(self) -> bool:
        aws = self.query_one("#aws", RadioButton).value
        return (self.state.config.target == "aws") == aws

    def failed(self) -> None:
        self.query_one("#continue", Button).disabled = False
        if not self.query_one("#aws", RadioButton).value:
            self.refresh_cloud()

    def connected(self, identity: object) -> None:
        self.query_one("#continue", Button).disabled = False
        state = self.state
        log = self.query_one(ProgressLog)
        for note in state.notes:
            log.event("info", note)
        self.query_one("#identity", Static).update(
            Content.assemble(
                "Signed in as ",
                (state.identity.arn, "bold"),
                f"\nAccount {state.identity.account}, region {state.config.region}",
            )
        )
        log.event("done", f"Account {state.identity.account} ({state.config.target})")
        self.refresh_sidebar()
        if state.config.target == "local":
            self.refresh_cloud()
        if state.config.target == "aws" and not state.billing_confirmed:
            body = (
                f"The next steps create a Lambda function, an IAM role and policy and an API Gateway API in account "
                f"{state.identity.account}, region {state.config.region}. They may cost money; the "
                "Clean up step deletes them."
            )

            def confirmed(yes: bool | None) -> None:
                if yes:
                    state.billing_confirmed = True
                    self.app.goto("function")

            from tui.widgets.modals import ConfirmModal

            self.app.push_screen(ConfirmModal("Create real AWS resources?", body, "Continue"), confirmed)
            return
        self.app.goto("function")
