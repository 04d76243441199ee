"""Untrusted text reaches widgets as Content / rich Text or with
markup=False, never through textual.markup.escape: escaping is not
enough (the first test shows why), so the UI code must not lean on it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.content import Content
from textual.markup import MarkupError, escape

ROOT = Path(__file__).resolve().parents[2]
UI_FILES = sorted([*(ROOT / "screens").glob("*.py"), *(ROOT / "tui" / "widgets").glob("*.py"), ROOT / "tui" / "app.py"])


def test_escape_does_not_make_text_literal() -> None:
    with pytest.raises(MarkupError):
        Content.from_markup(escape("x[/"))
    assert Content.from_markup(escape("[$accent]")).plain == ""
    assert Content.from_markup(escape("C:\\[b]")).plain == "C:\\\\[b]"


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_ui_code_does_not_escape_markup(path: Path) -> None:
    assert not re.search(r"\bescape\s*\(|markup import escape", path.read_text())


def test_select_labels_are_literal() -> None:
    from rich.text import Text

    from screens.forms import literal_options

    options = literal_options([("x[/] [b]", 1), (Text("t"), 2)])
    assert [(type(label), value) for label, value in options] == [(Text, 1), (Text, 2)]
    assert options[0][0].plain == "x[/] [b]"
