"""Stage "data" (rules in workflow/rules/data.smk): a study folder read and checked against the data
contract, its factor rasters, the samples, their splits and the realism report.

Modules are loaded on first use (``lsm.data.<module>``), so importing one stays cheap.
"""

from lsm import lazy_submodules

__all__ = [
    "check",
    "contract",
    "factors",
    "io",
    "prepare",
    "raster",
    "realism",
    "sampling",
    "splits",
    "terrain",
]
__getattr__ = lazy_submodules(__name__, __all__)
