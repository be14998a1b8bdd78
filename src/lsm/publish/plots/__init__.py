"""The figures, one module per kind, all in one style (:mod:`~lsm.publish.plots.style`): the study and
its data (:mod:`~lsm.publish.plots.study`), the runs (:mod:`~lsm.publish.plots.performance`), the
architecture (:mod:`~lsm.publish.plots.architecture`), the maps (:mod:`~lsm.publish.plots.maps`) and
the realism report (:mod:`~lsm.publish.plots.realism`).

Notebooks stay thin (load, call, save) so that the figure code is tested like any other code.
Matplotlib draws off screen (Agg) here, before any module of the package imports pyplot.
"""

import matplotlib

from lsm import lazy_submodules

matplotlib.use("Agg")

__all__ = [
    "architecture",
    "maps",
    "performance",
    "realism",
    "study",
    "style",
]
__getattr__ = lazy_submodules(__name__, __all__)
