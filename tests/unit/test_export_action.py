"""The wizard's export action (command palette and the review step), driven
by Textual's pilot: each format renders what `apigw-wizard export` renders,
Save writes it beside the wizard without overwriting, and the dialog's
buttons fit 80x24."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_wizard_snapshots import make_app
from tui.stack.render import render
from tui.widgets.export import ExportModal, free_path
from tests.pilotclick import click


async def test_palette_export_saves_each_format_without_overwriting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "target")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Export")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        modal = app.screen
        assert isinstance(modal, ExportModal)
        for button in ("#fmt-sam", "#save", "#close"):  # inside 80x24, not clipped
            region = modal.query_one(button).region
            assert region.right <= 80 and region.bottom <= 24 and region.height > 0, (button, region)
        await click(pilot, "#fmt-sam")
        await pilot.press("s")
        await pilot.press("s")
        await pilot.pause(0.2)
    first, second = tmp_path / "template-sam.yaml", tmp_path / "template-sam-2.yaml"
    assert first.read_text() == render(app.state.config, "sam", first)
    assert second.read_text() == first.read_text()  # the second save did not overwrite the first


async def test_review_step_offers_export_and_cli_lines_match(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "api")
    async with app.run_test(size=(80, 24)) as pilot:
        app.goto("api")
        await pilot.pause(0.3)
        screen = app.screen
        assert not screen.query_one("#export").display  # only on the review pane
        screen.pane = "review"  # type: ignore[attr-defined]
        screen._show()  # type: ignore[attr-defined]
        await pilot.pause(0.1)
        await click(pilot, "#export")
        await pilot.pause(0.3)
        modal = app.screen
        assert isinstance(modal, ExportModal)
        await click(pilot, "#fmt-cli")
        await pilot.pause(0.1)
        assert modal.text == render(app.state.config, "cli", tmp_path / "deploy.sh")
        assert modal.text.startswith("#!/usr/bin/env bash")


def test_free_path_counts_up(tmp_path: Path) -> None:
    (tmp_path / "deploy.sh").write_text("x")
    (tmp_path / "deploy-2.sh").write_text("x")
    assert free_path(tmp_path, "deploy.sh") == tmp_path / "deploy-3.sh"
