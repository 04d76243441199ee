"""The service layer and the local cloud never import Textual (DESIGN.md),
and importing the CLI stays light (boto3/moto load only when used)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

UI_FREE = [
    "tui.services.session",
    "tui.services.roles",
    "tui.services.functions",
    "tui.services.http_api",
    "tui.services.permissions",
    "tui.services.logs",
    "tui.services.tester",
    "tui.stack.ledger",
    "tui.services.errors",
    "tui.services.packaging",
    "localcloud.cloud",
    "localcloud.daemon",
    "tui.stack.engine",
    "tui.stack.destroy",
    "tui.config",
    "tui.targets",
    "tui.backend",
    "tui.state",
    "localcloud.edge",
    "localcloud.apigatewayv2.gateway",
    "localcloud.runtime",
]


@pytest.mark.parametrize("module", UI_FREE)
def test_module_does_not_import_textual(module: str) -> None:
    code = f"import sys, {module}; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_cli_import_does_not_load_boto3_or_moto() -> None:
    code = "import sys, tui.cli; print(sorted(m for m in ('boto3', 'moto', 'textual') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_the_wizard_paints_before_boto3_or_moto_load() -> None:
    """boto3 and moto load in the first worker, after the first frame."""
    code = (
        "import sys, tui.app, screens.target, screens.function, screens.api, screens.test, screens.cleanup; "
        "print(sorted(m for m in ('boto3', 'botocore', 'moto') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_processes_the_tests_start_run_this_working_tree() -> None:
    """The installed copy may be stale; the CLI, the background cloud and
    its workers must run the code under test (conftest sets PYTHONPATH)."""
    from tests.conftest import wizard_exe

    exe = wizard_exe()[0]
    python = exe if exe.endswith("python") or "python3" in Path(exe).name else str(Path(exe).parent / "python")
    code = "import tui, localcloud, awsrules; print(tui.__file__, localcloud.__file__, awsrules.__file__)"
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, cwd="/", check=True)
    assert all(Path(p).resolve().is_relative_to(ROOT) for p in out.stdout.split()), out.stdout


FIRST_FRAME = """
import sys, tempfile
from pathlib import Path
from tui.app import WizardApp
from tui.config import Config
from tui.state import WizardState

class Probe(WizardApp):
    CSS_PATH = str(Path(sys.modules[WizardApp.__module__].__file__).parent / "app.tcss")

    def on_mount(self):
        self.call_after_refresh(self.snap)  # before the app's own after-first-frame work
        super().on_mount()

    def snap(self):
        heavy = ('localcloud', 'boto3', 'moto', 'yaml', 'tui.stack.engine', 'tui.widgets.modals')
        loaded = sorted(m for m in sys.modules if m in heavy or m.split('.')[0] in heavy)
        Path(sys.argv[1]).write_text(repr(loaded))  # stdout belongs to Textual while it runs
        self.exit()

Probe(WizardState(Config(), Path(tempfile.mkdtemp()), 1)).run(headless=True, size=(80, 24))
"""


def test_the_first_frame_loads_no_emulator_boto3_or_moto_module(tmp_path: Path) -> None:
    """The wizard paints first; the local cloud's client module loads in
    the worker that runs after the first frame, the YAML parser only for a
    --config file, the stack engine with the first step's work, the dialogs
    when one is first shown."""
    script = tmp_path / "first_frame.py"  # Textual reads an App subclass's source file
    script.write_text(FIRST_FRAME)
    seen = tmp_path / "loaded.txt"
    out = subprocess.run([sys.executable, str(script), str(seen)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    # Quitting at the first frame, before the after-frame work, is clean too.
    assert "Traceback" not in out.stdout + out.stderr and "Error" not in out.stdout + out.stderr, out.stdout
    assert seen.read_text() == "[]"
