"""The code a job runs: the modules of ``lsm`` its script or notebook imports, directly or through
other modules, so that editing any of them reruns the job (and nothing else).

Found by reading the import statements (``ast``), at any depth of the file (imports inside functions
count: they run when the function does), without importing anything. A package's ``__init__`` runs
when any of its modules is imported, so it counts too. Parsed files are remembered by path, size and
modification time, so the ~150 rules of the workflow share one parse of each module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

PACKAGE = "lsm"


def _module_of(src: Path, path: Path) -> str:
    """``src/lsm/maps/jobs.py`` -> ``lsm.maps.jobs``; ``src/lsm/maps/__init__.py`` -> ``lsm.maps``."""
    parts = path.relative_to(src).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_of(src: Path, path: Path) -> str:
    """The dotted package a file of ``src`` belongs to (for relative imports)."""
    module = _module_of(src, path)
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


@cache
def _imported_names(path: Path, size: int, mtime_ns: int, package: str) -> tuple[str, ...]:
    """Every module name an import statement of ``path`` may refer to (``from a import b`` may name
    module ``a.b`` or an attribute of ``a``: both are offered, the caller keeps what exists)."""
    del size, mtime_ns  # part of the cache key only
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in _statements(tree.body):
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


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement of ``body`` and of the blocks nested in it (functions, classes, if, try, with,
    loops, match). Imports are statements, so expressions need not be visited: a third of the time
    of a full ``ast.walk``, paid whenever the workflow is parsed."""
    for node in body:
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            block = getattr(node, field, None)
            if isinstance(block, list):
                yield from _statements(block)


def _module_names(src: Path, path: Path) -> set[str]:
    """The ``lsm`` module names that the import statements of ``path`` may refer to."""
    stat = path.stat()
    package = _package_of(src, path) if path.is_relative_to(src) else ""
    names = _imported_names(path, stat.st_size, stat.st_mtime_ns, package)
    return {n for n in names if n == PACKAGE or n.startswith(PACKAGE + ".")}


def _with_parents(module: str) -> list[str]:
    """``lsm.maps.jobs`` -> ``lsm``, ``lsm.maps``, ``lsm.maps.jobs`` (each __init__ runs)."""
    parts = module.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def _package_state(src: Path) -> tuple[tuple[Path, int, int], ...]:
    """Every file of the package with its size and modification time: the key of its import graph."""
    return tuple(
        (path, (stat := path.stat()).st_size, stat.st_mtime_ns)
        for path in sorted((src / PACKAGE).rglob("*.py"))
    )


@cache
def _package_modules(src: Path, state: tuple[tuple[Path, int, int], ...]) -> dict[str, Path]:
    """Module name -> file, for every file of the package in ``state``."""
    return {_module_of(src, path): path for path, _, _ in state}


@cache
def _package_imports(src: Path, state: tuple[tuple[Path, int, int], ...]) -> dict[Path, frozenset[Path]]:
    """For every file of the package in ``state``: the package files it imports directly (with the
    ``__init__`` of every package on the way). Computed once per state of the package, so the ~150
    rules of a workflow share one reading of it."""
    modules = _package_modules(src, state)
    return {path: _resolve(_module_names(src, path), modules) for path, _, _ in state}


def _resolve(names: set[str], modules: dict[str, Path]) -> frozenset[Path]:
    return frozenset(modules[module] for name in names for module in _with_parents(name) if module in modules)


def import_closure(files: list[str | Path], src: str | Path) -> list[Path]:
    """The files of ``src/lsm`` that ``files`` (scripts, notebooks) import, directly or transitively,
    package ``__init__`` files included; sorted."""
    src = Path(src).resolve()
    state = _package_state(src)
    graph, modules = _package_imports(src, state), _package_modules(src, state)
    seen: set[Path] = set()
    queue = [_resolve(_module_names(src, Path(f).resolve()), modules) for f in files]
    while queue:
        for found in queue.pop():
            if found not in seen:
                seen.add(found)
                queue.append(graph[found])
    return sorted(seen)
