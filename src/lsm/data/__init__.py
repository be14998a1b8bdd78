"""Stage "data" (rules in workflow/rules/data.smk): a study folder read and checked against the data
contract (what its files support: support.py), its factor rasters, the samples and their storage,
their splits, the normalisation fitted on training samples and the realism report.

Modules are loaded on first use (``lsm.data.<module>``), so importing one stays cheap.
"""

from lsm import lazy_submodules

__all__ = [
    "contract",
    "factors",
    "forcing",
    "io",
    "normalise",
    "prepare",
    "raster",
    "realism",
    "samples",
    "sampling",
    "sequences",
    "splits",
    "support",
    "terrain",
]
__getattr__ = lazy_submodules(__name__, __all__)
