"""The code a job runs: the modules of ``lsm`` its script or notebook imports, directly or through
other modules, so that editing any of them reruns the job (and nothing else).

Found by reading the import statements (``ast``), at any depth of the file (imports inside functions
count: they run when the function does), without importing anything. A package's ``__init__`` runs
when any of its modules is imported, so it counts too. Parsed files are remembered by path, size and
modification time, so the ~150 rules of the workflow share one parse of each module.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

PACKAGE = "lsm"


def _module_file(src: Path, module: str) -> Path | None:
    """The file of ``module`` (dotted, e.g. ``lsm.maps.jobs``) under ``src``, or None."""
    base = src.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _package_of(src: Path, path: Path) -> str:
    """The dotted package a file of ``src`` belongs to (for relative imports)."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts if path.name == "__init__.py" else parts[:-1]).removesuffix(".__init__")


@cache
def _imported_names(path: Path, size: int, mtime: float, package: str) -> tuple[str, ...]:
    """Every module name an import statement of ``path`` may refer to (``from a import b`` may name
    module ``a.b`` or an attribute of ``a``: both are offered, the caller keeps what exists)."""
    del size, mtime  # part of the cache key only
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, node.module] if node.module else anchor)
            else:
                base = node.module or ""
            names.append(base)
            names += [f"{base}.{alias.name}" for alias in node.names]
    return tuple(names)


def _imports(src: Path, path: Path) -> set[str]:
    stat = path.stat()
    package = _package_of(src, path) if path.is_relative_to(src) else ""
    names = _imported_names(path, stat.st_size, stat.st_mtime, package)
    return {n for n in names if n == PACKAGE or n.startswith(PACKAGE + ".")}


def _with_parents(module: str) -> list[str]:
    """``lsm.maps.jobs`` -> ``lsm``, ``lsm.maps``, ``lsm.maps.jobs`` (each __init__ runs)."""
    parts = module.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def import_closure(files: list[str | Path], src: str | Path) -> list[Path]:
    """The files of ``src/lsm`` that ``files`` (scripts, notebooks) import, directly or transitively,
    package ``__init__`` files included; sorted."""
    src = Path(src).resolve()
    seen: set[Path] = set()
    queue = [Path(f).resolve() for f in files]
    while queue:
        current = queue.pop()
        for name in _imports(src, current):
            for module in _with_parents(name):
                found = _module_file(src, module)
                if found is not None and found not in seen:
                    seen.add(found)
                    queue.append(found)
    return sorted(seen)
