"""Every library module is imported by a test file, so that a change to it is tested directly and not
only through a workflow run (a package's ``__init__`` is exempt: it runs with any of its modules)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import REPO

SRC = REPO / "src"


def module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``path`` imports: ``import a.b``, ``from a.b import c``, and
    ``from a import b`` where ``a.b`` is a module."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return found & known


def untested_modules(src: Path, tests: Path) -> list[str]:
    """The modules of the package under ``src`` that no ``test_*.py`` under ``tests`` imports."""
    modules = {module_name(p, src) for p in src.rglob("*.py") if p.name != "__init__.py"}
    imported = set().union(*(imported_modules(t, modules) for t in tests.rglob("test_*.py")))
    return sorted(modules - imported)


def test_every_library_module_is_imported_by_a_test_file() -> None:
    assert untested_modules(SRC, REPO / "tests") == []


def test_a_module_no_test_imports_is_found(tmp_path: Path) -> None:
    package = tmp_path / "src" / "pkg"
    (package / "sub").mkdir(parents=True)
    for name in ("__init__.py", "a.py", "b.py", "sub/__init__.py", "sub/c.py"):
        (package / name).write_text('"""x"""\n')
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_a.py").write_text("import pkg.a\nfrom pkg import sub\n")
    assert untested_modules(tmp_path / "src", tests) == ["pkg.b", "pkg.sub.c"]
    (tests / "test_c.py").write_text("from pkg.sub import c\nfrom pkg.b import thing\n")
    assert untested_modules(tmp_path / "src", tests) == []
