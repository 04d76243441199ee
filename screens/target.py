"""Step 1: where the resources go. The local cloud needs no account; AWS
uses a profile and region (and optionally an endpoint URL). Who you are is
checked and shown before anything is created."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Select, Static

from tui import fields
from tui.widgets.modals import ConfirmModal
from tui.widgets.progress import ProgressLog

from .base import StepScreen
from .forms import Field, button, is_valid, select, text_input
from .validators import FieldValidator


class TargetScreen(StepScreen):
    STEP = "target"

    def compose_step(self) -> ComposeResult:
        config = self.state.config
        yield Label("Where should the function and the API be created?", classes="step-title")
        with RadioSet(id="target"):
            yield RadioButton("Local cloud: no AWS account, no Docker", value=config.target == "local", id="local")
            yield RadioButton("AWS: your account (billable)", value=config.target == "aws", id="aws")
        with Vertical(id="aws-fields"):
            yield Field("Profile", select([], prompt="default credential chain", id="profile", allow_blank=True))
            yield Field("Region", text_input(config.region, id="region", validators=[FieldValidator(fields.region)]))
            yield Field(
                "Endpoint",
                text_input(self.state.endpoint_url or "", id="endpoint", placeholder="optional: an emulator's URL"),
            )
        yield Static("", id="identity")
        with Horizontal(classes="actions"):
            yield button("Continue", id="continue", variant="primary")
        yield ProgressLog(id="target-log")

    def on_mount(self) -> None:
        self.query_one("#aws-fields").display = self.state.config.target == "aws"
        self.query_one("#continue", Button).focus()
        if self.state.config.target == "aws":
            self.load_profiles()

    def describe_action(self) -> str:
        return "connect to the target"

    def load_profiles(self) -> None:
        def done(profiles: list[str]) -> None:
            select = self.query_one("#profile", Select)
            select.set_options([(p, p) for p in profiles])
            if self.state.config.profile in profiles:
                select.value = self.state.config.profile

        self.call_backend("profiles", lambda _emit: self.backend.profiles(), done)

    @on(RadioSet.Changed, "#target")
    def target_changed(self, event: RadioSet.Changed) -> None:
        aws = event.pressed.id == "aws"
        self.query_one("#aws-fields").display = aws
        if aws:
            self.load_profiles()

    @on(Input.Submitted)
    @on(Button.Pressed, "#continue")
    def proceed(self) -> None:
        if self.state.step_done("target") and self._unchanged():
            self.app.goto("function")
            return
        aws = self.query_one("#aws", RadioButton).value
        region_input = self.query_one("#region", Input)
        if aws and not is_valid(region_input):
            region_input.focus()
            return
        profile = self.query_one("#profile", Select).value
        self.state.update(
            target="aws" if aws else "local",
            region=region_input.value if aws else self.state.config.region,
            profile=profile if aws and isinstance(profile, str) else None,
        )
        self.state.endpoint_url = (self.query_one("#endpoint", Input).value.strip() or None) if aws else None
        self.backend.reset()
        self.query_one("#continue", Button).disabled = True
        where = "the local cloud (starting it if needed)" if not aws else "AWS"
        self.query_one(ProgressLog).event("start", f"Connecting to {where}...")

        def connect(emit: object) -> object:
            return self.backend.connect()

        self.call_backend("connect", connect, self.connected, self.failed)

    def _unchanged(self) -> bool:
        aws = self.query_one("#aws", RadioButton).value
        return (self.state.config.target == "aws") == aws

    def failed(self) -> None:
        self.query_one("#continue", Button).disabled = False

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
        if state.config.target == "aws" and not state.billing_confirmed:
            body = (
                f"The next steps create a Lambda function, an IAM role and policy and an HTTP API in account "
                f"{state.identity.account}, region {state.config.region}. They may cost money; the "
                "Clean up step deletes them."
            )

            def confirmed(yes: bool | None) -> None:
                if yes:
                    state.billing_confirmed = True
                    self.app.goto("function")

            self.app.push_screen(ConfirmModal("Create real AWS resources?", body, "Continue"), confirmed)
            return
        self.app.goto("function")
