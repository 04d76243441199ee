"""Untrusted text reaches every screen as written: the wizard driven end to
end, target to clean-up, on a backend that puts HOSTILE (test_untrusted_text.py)
wherever a config file, ~/.aws/config, AWS or another emulator could put it;
each text is checked as its widget renders it and on the terminal's cells."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.content import Content
from textual.containers import Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.css.query import NoMatches
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Collapsible, DataTable, Input, Label, RadioButton, Select, Static
from textual.widgets._select import SelectCurrent, SelectOverlay
from textual.widgets._toast import Toast

from screens.forms import Field
from tests.e2e.test_untrusted_text import HOSTILE
from tests.e2e.test_wizard_pilot import SIZE, screen_is, until
from tui.app import WizardApp
from tui.backend import Backend
from tui.config import Config
from tui.services.errors import WizardError
from tui.services.session import Identity
from tui.state import WizardState
from tui.widgets.modals import ConfirmModal, ErrorModal
from tui.widgets.progress import ProgressLog


# A valid test path (no spaces) with each kind of bracket trouble.
PATH = "/p[/][b]b[/b][x][$accent]x[/"
HANDLER = f"""
def lambda_handler(event, context):
    print("log " + {HOSTILE!r})
    return {{"statusCode": 200, "headers": {{"content-type": "text/plain; x=" + {HOSTILE!r}}}, "body": {HOSTILE!r}}}
"""


class HostileBackend(Backend):
    """The real backend on the test's cloud, with untrusted text wherever a
    config file, ~/.aws/config, AWS or another emulator could put it."""

    def __init__(self, state: WizardState):
        super().__init__(state)
        self.creates = 0

    def connect(self) -> Any:
        identity = super().connect()
        self.state.identity = Identity(identity.account, f"arn:aws:sts::{identity.account}:assumed-role/{HOSTILE}")
        self.state.notes = [f"note {HOSTILE}"]
        return self.state.identity

    def profiles(self) -> list[str]:
        return [f"dev{HOSTILE}"]

    def roles(self) -> list[str]:
        return [f"role{HOSTILE}", *super().roles()]

    def functions(self) -> list[str]:
        return [f"fn{HOSTILE}", *super().functions()]

    def create_function(self, on_event: Any) -> Any:
        self.creates += 1
        if self.creates == 1:  # the first try fails as AWS might word it; Retry creates
            raise WizardError(f"create {HOSTILE}", f"Code{HOSTILE}", f"AWS said {HOSTILE}", f"try {HOSTILE}")
        return super().create_function(on_event)

    def ledger_items(self) -> list[str]:
        return [*super().ledger_items(), f"AWS::Some::Thing {HOSTILE}"]


def shown(widget: Widget) -> str:
    """A widget's content as it renders (markup already applied)."""
    visual = widget.render()
    return visual.plain if isinstance(visual, (Content, Text)) else str(visual)


CELL_PX = 12.2  # the width of one terminal cell in Textual's SVG screenshots
_TEXT = re.compile(
    r'<text [^>]*?x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
    r'clip-path="url\(#terminal-\d+-line-(\d+)\)">([^<]*)</text>'
)


def screen_lines(app: WizardApp) -> list[str]:
    """What the terminal shows, as rows of cells, read from a screenshot."""
    rows = [[" "] * SIZE[0] for _ in range(SIZE[1])]
    for x, line, text in _TEXT.findall(app.export_screenshot()):
        column = round(float(x) / CELL_PX)
        for offset, char in enumerate(html.unescape(text).replace("\xa0", " ")):
            if int(line) < SIZE[1] and column + offset < SIZE[0]:
                rows[int(line)][column + offset] = char
    return ["".join(row) for row in rows]


def screen_text(app: WizardApp) -> str:
    return "\n".join(screen_lines(app))


def squash(text: str) -> str:
    """Without spaces, line breaks and border characters: text as written
    against text wrapped into a box."""
    return re.sub(r"[\s\u2500-\u259f]", "", text)


def in_box(app: WizardApp, widget: Widget) -> str:
    """The screen's cells inside a widget's region, squashed."""
    region = widget.region
    return squash("".join(row[region.x : region.right] for row in screen_lines(app)[region.y : region.bottom]))


def reason_box(control: Input) -> Widget:
    """Where a Field shows why its value is not allowed."""
    field = next(node for node in control.ancestors if isinstance(node, Field))
    return field.query_one(".field-error")


def log_text(log: ProgressLog) -> str:
    return log.text


async def on_screen(
    pilot: Pilot[Any], app: WizardApp, text: str, what: str, box: Callable[[], Widget] | None = None
) -> None:
    """`text` is on screen, on one line, or wrapped inside the widget `box()`
    (looked up at each try: a pushed screen mounts a moment later)."""

    def seen() -> bool:
        if box is None:
            return text in screen_text(app)
        try:
            return squash(text) in in_box(app, box())
        except NoMatches:
            return False

    try:
        await until(pilot, seen, what, timeout=10)
    except AssertionError as exc:
        raise AssertionError(f"{exc}; the screen shows:\n{screen_text(app)}") from None
    assert app.is_running and app.return_code is None


def fits(app: WizardApp, selector: str) -> bool:
    """The widget (a step's primary action) is inside the 80x24 screen."""
    region = app.screen.query_one(selector).region
    return bool(region.area) and Region(0, 0, *SIZE).contains_region(region)


async def test_untrusted_text_reaches_every_screen_as_written(cloud: Any, tmp_path: Path) -> None:
    import uuid

    from tui.widgets.modals import TextModal
    from tui.widgets.resume import ResumeModal

    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "lambda_function.py").write_text(HANDLER)
    suffix = uuid.uuid4().hex[:6]
    state = WizardState(Config(), tmp_path / "state", cloud.port)
    state.update("function", name=f"untrusted-{suffix}", code=str(tmp_path / "code" / "lambda_function.py"))
    state.update("api", name=f"untrusted-{suffix}", routes=("ANY /{proxy+}",))
    state.update("test", path=PATH)
    backend = HostileBackend(state)
    app = WizardApp(state, backend)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        # Target: profile names (~/.aws/config), a typed region, the identity and notes.
        await until(pilot, screen_is(app, "target"), "the target step")
        app.screen.query_one("#aws", RadioButton).value = True  # at once: the AWS fields may still be mounting
        await until(pilot, lambda: bool(app.screen.query("#profile")), "the AWS fields")
        profile = app.screen.query_one("#profile", Select)
        await until(pilot, lambda: len(profile._options) > 1, "the profiles")
        profile.expanded = True
        await on_screen(pilot, app, f"dev{HOSTILE}", "the profile list", lambda: profile.query_one(SelectOverlay))
        profile.expanded = False
        profile.value = f"dev{HOSTILE}"
        await on_screen(
            pilot,
            app,
            f"dev{HOSTILE}",
            "the chosen profile",
            lambda: profile.query_one(SelectCurrent).query_one("#label"),
        )
        region = app.screen.query_one("#region", Input)
        region.value = "us[/]x[/"
        await on_screen(
            pilot, app, "'us[/]x[/' is not an AWS region name", "the region's reason", lambda: reason_box(region)
        )
        app.screen.query_one("#local", RadioButton).value = True
        await pilot.pause()
        assert fits(app, "#continue")
        app.screen.query_one("#continue", Button).press()
        await until(pilot, screen_is(app, "function"), "the function step")
        target = app.get_screen("target")
        assert f"assumed-role/{HOSTILE}" in shown(target.query_one("#identity", Static))
        assert f"note {HOSTILE}" in log_text(target.query_one(ProgressLog))

        # Function: role names from AWS, a typed name, a handler in a notification, an AWS error.
        await until(pilot, lambda: bool(app.screen.query("#role")), "the function form")
        role = app.screen.query_one("#role", Select)
        await until(pilot, lambda: len(role._options) > 1, "the roles")
        role.expanded = True
        await on_screen(pilot, app, f"role{HOSTILE}", "the role list", lambda: role.query_one(SelectOverlay))
        role.expanded = False
        name = app.screen.query_one("#name", Input)
        name.value = "bad[/]name[x]x[/"
        await on_screen(
            pilot, app, "'bad[/]name[x]x[/' is not a valid function name", "the name's reason", lambda: reason_box(name)
        )
        name.value = state.config.function.name
        app.screen.query_one(Collapsible).collapsed = False
        handler = app.screen.query_one("#handler", Input)
        handler.value = "[b]h[/b][x].x[/"
        app.screen.query_one("#create", Button).press()
        await until(
            pilot,
            lambda: any(
                "module '[b]h[/b][x]' of handler '[b]h[/b][x].x[/'" in shown(t) for t in app.screen.query(Toast)
            ),
            "the handler notification",
        )
        await on_screen(pilot, app, "module '[b]h[/b][x]' of", "the notification on screen")
        handler.value = "lambda_function.lambda_handler"
        app.screen.query_one(Collapsible).collapsed = True
        await pilot.pause()
        assert fits(app, "#create")
        app.screen.query_one("#create", Button).press()
        await until(
            pilot, lambda: isinstance(app.screen, ErrorModal) and bool(app.screen.query(Button)), "the error dialog"
        )
        assert shown(app.screen.query_one(".title", Label)) == f"Could not create {HOSTILE}"
        assert shown(app.screen.query_one("#error-message", Static)) == f"Code{HOSTILE}: AWS said {HOSTILE}"
        assert shown(app.screen.query_one("#error-hint", Static)) == f"\nNext: try {HOSTILE}"
        await on_screen(pilot, app, f"Could not create {HOSTILE}", "the error's title")
        await on_screen(
            pilot, app, f"AWS said {HOSTILE}", "the error on screen", lambda: app.screen.query_one("#error-message")
        )
        assert fits(app, "#retry")
        app.screen.query_one("#retry", Button).press()
        await until(pilot, lambda: state.step_done("function"), "the function (on Retry)")
        logged = log_text(app.get_screen("function").query_one(ProgressLog)).replace("\n", "")  # lines wrap now
        assert f"Could not create {HOSTILE}" in logged

        # API: function names from AWS in the picker, the route table and the review.
        app.goto("api")
        await until(pilot, screen_is(app, "api"), "the API step")
        await until(pilot, lambda: bool(app.screen.query("#function")), "the API form")
        app.screen.query_one("#next", Button).press()  # the type (HTTP) -> integrations
        await until(pilot, lambda: app.screen.pane == "integration", "integrations")  # type: ignore[attr-defined]
        picker = app.screen.query_one("#function", Select)
        await until(pilot, lambda: any(v == f"fn{HOSTILE}" for _, v in picker._options), "the functions")
        picker.value = f"fn{HOSTILE}"
        app.screen.query_one("#next", Button).press()
        await until(pilot, lambda: app.screen.pane == "routes", "the routes sub-step")  # type: ignore[attr-defined]
        await on_screen(pilot, app, f"Lambda fn{HOSTILE}"[:30], "the route table's target")
        table = app.screen.query_one("#route-table", DataTable)
        assert table.get_cell_at(Coordinate(0, 2)).plain == f"Lambda fn{HOSTILE}"
        box = app.screen.query_one("#new-route", Input)
        box.value = "GET /a[/]x[/"
        await on_screen(pilot, app, "segment 'a[' of '/a[/]x[/'", "the route's reason", lambda: reason_box(box))
        box.value = ""
        for pane in ("stages", "access", "review"):
            app.screen.query_one("#next", Button).press()
            await until(pilot, lambda pane=pane: app.screen.pane == pane, pane)  # type: ignore[attr-defined]
        assert f"Integration Lambda fn{HOSTILE}, payload" in shown(app.screen.query_one("#summary", Static))
        await on_screen(pilot, app, f"Lambda fn{HOSTILE}", "the review", lambda: app.screen.query_one("#summary"))
        assert fits(app, "#next")
        for _ in range(4):  # review -> access -> stages -> routes -> integrations
            await pilot.press("escape")
        picker.value = state.config.function.name
        for pane in ("routes", "stages", "access", "review"):
            app.screen.query_one("#next", Button).press()
            await until(pilot, lambda pane=pane: app.screen.pane == pane, pane)  # type: ignore[attr-defined]
        app.screen.query_one("#next", Button).press()
        await until(pilot, lambda: state.step_done("api"), "the API to be created")

        # Test: the path, the content type, the body, the logs and the history.
        app.goto("test")
        await until(pilot, screen_is(app, "test"), "the test step")
        await until(pilot, lambda: bool(app.screen.query("#url")), "the test form")
        assert shown(app.screen.query_one("#url", Static)).endswith(PATH)
        assert fits(app, "#send")
        app.screen.query_one("#send", Button).press()
        await until(pilot, lambda: bool(state.history), "the response")
        assert f"text/plain; x={HOSTILE}" in shown(app.screen.query_one("#status", Static))
        await on_screen(pilot, app, "text/plain; x=[/] [b]bold", "the content type on screen")
        assert shown(app.screen.query_one("#out-body", Static)) == HOSTILE
        await on_screen(pilot, app, HOSTILE, "the body on screen")
        await until(pilot, lambda: f"log {HOSTILE}" in shown(app.screen.query_one("#out-logs", Static)), "the logs")
        assert f"{HOSTILE}" in shown(app.screen.query_one("#out-history", Static))

        # Modals fed from a ledger's stack name and from text to copy.
        app.push_screen(ResumeModal(f"stack{HOSTILE}", 3))
        await on_screen(
            pilot, app, f"3 resources for stack{HOSTILE}", "the resume offer", lambda: app.screen.query_one(Vertical)
        )
        assert fits(app, "#continue")
        app.screen.dismiss("fresh")
        app.push_screen(TextModal(f"title{HOSTILE}", HOSTILE))
        await on_screen(pilot, app, f"title{HOSTILE}", "the text dialog", lambda: app.screen.query_one(Vertical))
        app.screen.dismiss(None)

        # Clean up: the list, the confirmation, the deletion.
        app.goto("cleanup")
        await until(pilot, screen_is(app, "cleanup"), "the clean-up step")
        await until(pilot, lambda: bool(app.screen.query("#items")), "the clean-up list")
        await until(
            pilot,
            lambda: f"AWS::Some::Thing {HOSTILE}" in shown(app.screen.query_one("#items", Static)),
            "the ledger list",
        )
        await on_screen(
            pilot, app, f"AWS::Some::Thing {HOSTILE}", "the list on screen", lambda: app.screen.query_one("#items")
        )
        assert fits(app, "#delete")
        app.screen.query_one("#delete", Button).press()
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmModal) and bool(app.screen.query(Button)), "the confirmation"
        )
        await pilot.pause(0.1)
        for scroller in app.screen.query(VerticalScroll):  # nine items: the last is below the fold
            scroller.scroll_end(animate=False)
        await on_screen(
            pilot, app, f"AWS::Some::Thing {HOSTILE}", "the confirmation's list", lambda: app.screen.query_one(Vertical)
        )
        app.screen.query_one("#yes", Button).press()
        # The last line, not the first "Deleted": the deletions go on after the first one is logged.
        await until(pilot, lambda: "nothing is left" in log_text(app.screen.query_one(ProgressLog)), "the deletion")
        assert app.is_running and app.return_code is None
    assert state.config.function.name not in [
        f["FunctionName"] for f in cloud.client("lambda").list_functions()["Functions"]
    ]
