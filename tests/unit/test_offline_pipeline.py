"""The offline engine's modules form a one-way pipeline (no module imports one that imports it back)."""

from __future__ import annotations

import ast
from pathlib import Path

import coach.engine.offline as offline

PACKAGE = Path(offline.__file__).parent
#: Stages in pipeline order: a module may import only modules listed before it.
ORDER = ("lexicon", "text", "question", "job", "reading", "rules_story", "rules_style", "rules_plan", "rules",
         "rank", "tips", "pipeline", "follow_up", "backend", "retry", "stronger_parts", "stronger")


def _imports(path: Path) -> set[str]:
    """Sibling modules a file imports, anywhere in it (function-local imports too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            if name.startswith("coach.engine.offline."):
                found.add(name.split(".")[3])
    return found & set(ORDER)


def test_every_module_has_a_stage():
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert modules == set(ORDER)


def test_imports_run_one_way():
    for i, stage in enumerate(ORDER):
        later = _imports(PACKAGE / f"{stage}.py") - set(ORDER[:i])
        assert not later, f"{stage} imports {sorted(later)}, which come after it in the pipeline"


def test_the_package_imports_no_module_that_imports_it():
    for stage in ORDER:
        tree = ast.parse((PACKAGE / f"{stage}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "coach.engine.offline", f"{stage} imports the package that imports it"


def test_modules_stay_small():
    for path in PACKAGE.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 600, path.name
