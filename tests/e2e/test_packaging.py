"""What `pip install .` puts in the environment holds every package of the
working tree. The other e2e tests run the working tree (PYTHONPATH), so a
subpackage missing from the wheel would pass them and fail a user."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

PACKAGES = ("tui", "screens", "localcloud", "awsrules")


def repo_modules() -> list[str]:
    out = []
    for top in PACKAGES:
        for folder, dirs, files in os.walk(ROOT / top):
            dirs[:] = [d for d in dirs if (ROOT / folder / d / "__init__.py").exists()]
            rel = os.path.relpath(folder, ROOT).replace(os.sep, ".")
            out += [rel] + [
                f"{rel}.{f[:-3]}"
                for f in files
                if f.endswith(".py") and f != "__init__.py" and f not in ("__main__.py",)
            ]
    return sorted(out)


def test_the_installed_copy_imports_every_module_of_the_tree() -> None:
    modules = [m for m in repo_modules() if m not in ("localcloud.worker",)]  # the worker runs as a script
    assert "localcloud.apigatewayv2.chain" in modules and "tui.stack.kinds.role" in modules
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    code = (
        "import importlib, sys\nbad = []\nfor m in sys.argv[1:]:\n    try: importlib.import_module(m)\n"
        "    except Exception as exc: bad.append(f'{m}: {exc!r}')\nprint('\\n'.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *modules], capture_output=True, text=True, cwd="/", env=env, timeout=120
    )
    assert out.returncode == 0 and out.stdout.strip() == "", out.stdout + out.stderr


def test_package_data_ships() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    code = (
        "import importlib.resources as r; print(all(r.files(p).joinpath(f).is_file() for p, f in "
        "[('tui', 'app.tcss'), ('tui', 'py.typed'), ('localcloud', 'py.typed'), ('awsrules', 'py.typed')]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", env=env, timeout=60)
    assert out.stdout.strip() == "True", out.stdout + out.stderr
