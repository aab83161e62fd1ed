"""The house rules of coach/, read from the code's own imports (an ast walk).

The layers, arrows pointing down only:

    coach.domain  <  coach.store, coach.engine  <  coach.services  <  coach.tui, coach.commands

Every import counts, including ones inside functions and under TYPE_CHECKING:
a lazy import is still an arrow a reader has to follow.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "coach"
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The coach module an imported dotted name lands in (longest known prefix)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in MODULES:
            return candidate
        parts.pop()
    return None


def _imports(module: str, path: Path) -> set[str]:
    """Every dotted name `module` imports: coach modules resolved, others as written."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            for alias in node.names:
                full = f"{prefix}.{alias.name}"
                found.add(full if _resolve(full) == full else prefix)
    resolved = set()
    for name in found:
        target = _resolve(name) if name.split(".")[0] == "coach" else None
        resolved.add(target or name)
    resolved.discard(module)
    return resolved


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _within(name: str, *roots: str) -> bool:
    return any(name == r or name.startswith(r + ".") for r in roots)


def _violations(sources: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{mod} imports {target}"
        for mod, targets in GRAPH.items()
        if _within(mod, *sources)
        for target in targets
        if _within(target, *forbidden)
    )


def test_the_walk_sees_the_house() -> None:
    # A walk that found nothing would pass every rule below.
    assert {"coach.domain.models", "coach.engine", "coach.services", "coach.store", "coach.tui.app"} <= set(MODULES)
    assert "coach.domain.kinds" in GRAPH["coach.domain.models"]
    assert "textual" in {t.split(".")[0] for t in GRAPH["coach.tui.app"]}


def test_no_import_cycles() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in GRAPH[node]:
            if nxt not in GRAPH:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in GRAPH:
        if name not in index:
            visit(name)
    assert cycles == []


def test_domain_imports_nothing_else_of_coach() -> None:
    bad = [
        f"{mod} imports {t}"
        for mod, targets in GRAPH.items()
        if _within(mod, "coach.domain")
        for t in targets
        if _within(t, "coach") and not _within(t, "coach.domain")
    ]
    assert bad == []


def test_engine_knows_no_ui_store_or_services() -> None:
    assert _violations(("coach.engine",), ("textual", "coach.store", "coach.tui", "coach.services", "coach.commands")) == []


def test_store_sits_below_engine_services_and_ui() -> None:
    assert _violations(("coach.store",), ("textual", "coach.engine", "coach.services", "coach.tui", "coach.commands")) == []


def test_services_know_no_ui() -> None:
    assert _violations(("coach.services",), ("textual", "coach.tui", "coach.commands")) == []


def test_screens_and_commands_go_through_the_services() -> None:
    backends = ("coach.engine.offline", "coach.engine.openai")
    assert _violations(("coach.tui", "coach.commands"), backends) == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_room_over_600_lines(name: str) -> None:
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{MODULES[name].relative_to(ROOT)} has {lines} lines"
