"""The Target step's first frame holds only the chosen target's fields; the
other set is mounted right after. Choosing the other target at once, before
it is in, must still show (and fill) the right fields."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.widgets import RadioButton, Select

import screens.target
from tests.e2e.test_wizard_snapshots import make_app


class Probe(screens.target.TargetScreen):
    """Records what the first frame composed, and can choose AWS before the
    other fields are mounted (on_mount runs before the after-frame work)."""

    choose_aws = False
    composed: list[bool] = []

    def on_mount(self) -> None:  # Textual runs TargetScreen.on_mount too (each class in the MRO has its handler called)
        Probe.composed.append(bool(self.query("#aws-fields")))
        if Probe.choose_aws:
            self.query_one("#aws", RadioButton).value = True


@pytest.fixture
def probe(monkeypatch: pytest.MonkeyPatch) -> type[Probe]:
    monkeypatch.setattr(screens.target, "TargetScreen", Probe)
    Probe.composed = []
    Probe.choose_aws = False
    return Probe


async def _until(pilot: object, condition: object) -> None:
    deadline = time.monotonic() + 10
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        await pilot.pause(0.05)  # type: ignore[attr-defined]


async def test_first_frame_has_only_the_chosen_fields_then_both(probe: type[Probe], tmp_path: Path) -> None:
    app = make_app(tmp_path, "target")
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, lambda: bool(app.screen.query("#aws-fields")))
        assert app.screen.query_one("#aws-fields").display is False
        assert app.screen.query_one("#local-fields").display is True
    assert probe.composed == [False]


async def test_choosing_aws_before_its_fields_are_in_shows_them(probe: type[Probe], tmp_path: Path) -> None:
    probe.choose_aws = True
    app = make_app(tmp_path, "target")
    async with app.run_test(size=(80, 24)) as pilot:

        def loaded() -> bool:
            found = app.screen.query("#profile")
            return bool(found) and len(found.first(Select)._options) > 1

        await _until(pilot, loaded)
        assert probe.composed == [False]  # AWS was chosen before its fields existed
        assert app.screen.query_one("#aws-fields").display is True
        assert app.screen.query_one("#local-fields").display is False
        labels = [str(prompt) for prompt, _ in app.screen.query_one("#profile", Select)._options]
        assert "training" in labels  # the profile list was loaded for the late-mounted fields
