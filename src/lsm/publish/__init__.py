"""Stage "publish" (workflow/rules/publish.smk): figures and tables (the artefact manifest), their
notebooks, the manuscript, the report browser, the provenance of every results folder and the
findings of a finished run (the README paragraph on each study).

Modules are loaded on first use (``lsm.publish.<module>``), so importing one stays cheap.
"""

from lsm import lazy_submodules

__all__ = [
    "artefacts",
    "browser",
    "findings",
    "macros",
    "notebooks",
    "paper",
    "plots",
    "provenance",
    "tables",
]
__getattr__ = lazy_submodules(__name__, __all__)
