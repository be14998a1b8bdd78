"""lsm: landslide susceptibility mapping, the library behind the Teng et al. (2026) replication.

Each module serves one concern and works without Snakemake; the workflow's rules only pass paths and
parameters to these functions, and ``python -m lsm <step>`` runs any step on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

__version__ = "0.1.0"


def lazy_submodules(package: str, modules: list[str]) -> Callable[[str], ModuleType]:
    """A package's ``__getattr__`` that imports its stage modules on first use (PEP 562), so that
    ``lsm.data.sampling`` works after ``import lsm.data`` without loading every module of the stage."""
    import importlib

    def __getattr__(name: str) -> ModuleType:
        if name in modules:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
