"""Click a widget the way a user would: only once it is on screen.

A widget can be in the DOM (query finds it) before the compositor has laid
it out; a click then lands at (0, 0) on whatever is there and the test
waits forever for a screen change that was never asked for (a CI flake)."""

from __future__ import annotations

import time
from typing import Any

from textual.errors import NoWidget
from textual.pilot import Pilot
from textual.widget import Widget


def _under_pointer(pilot: Pilot[Any], selector: str) -> bool:
    try:
        widget = pilot.app.screen.query_one(selector, Widget)
    except Exception:  # not composed yet (NoMatches) or a screen mid-switch
        return False
    region = widget.region
    if not region.area:
        return False
    try:
        hit, _ = pilot.app.get_widget_at(*region.center)
    except NoWidget:
        return False
    return hit is widget or widget in hit.ancestors


async def click(pilot: Pilot[Any], selector: str, timeout: float = 30) -> None:
    """Wait until `selector` is laid out and not covered, then click it. A
    click that missed (the layout moved between the look and the press, as
    when a list above it fills in) reached another widget, not this one:
    it is tried again."""
    deadline = time.monotonic() + timeout
    while True:
        while not _under_pointer(pilot, selector):
            if time.monotonic() > deadline:
                raise AssertionError(f"{selector} never became clickable (screen {pilot.app.screen})")
            await pilot.pause(0.05)
        if await pilot.click(selector):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the click missed {selector}")
        await pilot.pause(0.05)
