"""No import cycles among our own modules.

A cycle works only while every module in it happens to be imported in the
right order and touches the others only inside functions; the next edit
that reads a name at import time breaks it. The graph is read from the
source with ast (no module is imported), including imports inside
functions and under TYPE_CHECKING: the assertion is on module-level ones
(those run, or are type-checked, as the module loads)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("localcloud", "tui", "screens", "awsrules")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[_module_name(path)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The most specific module of ours that `name` (a.b.c) names."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module if is_package else module.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{base}" if base else package
        # `from pkg import sub` names a submodule when one exists.
        names = [f"{base}.{alias.name}" for alias in node.names] or [base]
    return [t for t in (_resolve(n) for n in names) if t is not None and t != module]


def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(module-level edges, edges from imports inside functions) between our modules."""
    top: dict[str, set[str]] = {m: set() for m in MODULES}
    inner: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(), str(path))
        is_package = path.name == "__init__.py"
        in_function: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                in_function.update(id(child) for child in ast.walk(node) if child is not node)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                (inner if id(node) in in_function else top)[module].update(_targets(node, module, is_package))
    return top, inner


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_graph_is_read() -> None:
    """The parser finds edges we know exist, of both kinds: an empty graph
    would pass the cycle test for nothing."""
    top, inner = import_graph()
    assert "localcloud.workerproc" in top["localcloud.pool"]
    assert "localcloud.functioninfo" in top["localcloud.runtime"]
    assert "localcloud.sandbox" in inner["localcloud.runtime"]  # imported inside a method
    assert len(MODULES) > 40


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


# Packages with a known cycle, fixed by their owners: tui.stack's kinds import
# the engine (for type hints) while the engine imports the kinds.
KNOWN_CYCLE_PACKAGES: tuple[str, ...] = ()


def test_no_module_level_import_cycle() -> None:
    top, _ = import_graph()
    unknown = [c for c in cycles(top) if not all(m.startswith(KNOWN_CYCLE_PACKAGES) for m in c)]
    assert unknown == []


def test_localcloud_awsrules_and_screens_have_no_cycle_at_all_at_module_level() -> None:
    top, _ = import_graph()
    mine = {m: {t for t in edges if not t.startswith("tui.")} for m, edges in top.items() if not m.startswith("tui.")}
    assert cycles(mine) == []


def test_pool_and_runtime_do_not_import_each_other() -> None:
    top, inner = import_graph()
    assert "localcloud.runtime" not in top["localcloud.pool"] | inner["localcloud.pool"]


@pytest.mark.parametrize("name", ["localcloud.pool", "localcloud.runtime"])
def test_pool_and_runtime_load_alone(name: str) -> None:
    """Each loads first in a fresh interpreter (a cycle shows as an
    ImportError or a half-initialised module here)."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", f"import {name}"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
