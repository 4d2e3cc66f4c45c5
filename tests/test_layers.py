"""The package's stages import one way: each may use the stages before it, never one after it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "build_tools" / "gknb"
# The pipeline from the record model up to publishing; `cli` sits on top of them all.
STAGES = ("model", "read", "parse", "check", "corpus", "portal", "publish", "cli")


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "gknb" and parts[1] in STAGES else None


def imported_modules(source: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{source}: relative import (the stage must show in the import)"
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def own_stage(source: Path) -> str:
    relative = source.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def test_every_module_belongs_to_a_stage() -> None:
    modules = [p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE]
    assert modules and all(own_stage(p) in STAGES for p in modules), sorted(
        str(p.relative_to(PACKAGE)) for p in modules if own_stage(p) not in STAGES)


def test_imports_point_from_the_model_up_to_publishing() -> None:
    wrong = []
    for source in sorted(PACKAGE.rglob("*.py")):
        if source.parent == PACKAGE and source.name == "__init__.py":
            continue
        mine = STAGES.index(own_stage(source))
        for module in imported_modules(source):
            stage = stage_of(module)
            if stage is not None and STAGES.index(stage) > mine:
                wrong.append(f"{source.relative_to(PACKAGE)} imports {module}")
    assert wrong == []


def test_the_check_catches_a_wrong_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from gknb.portal.render import neutralise\n", encoding="utf-8")
    assert {stage_of(m) for m in imported_modules(bad)} == {"portal"}
