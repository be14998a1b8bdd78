"""Stage "evaluate" (workflow/rules/evaluate.smk): metrics of each run, the statistics between models,
the verdicts on the paper's claims (scorecard), the paper's own numbers and verdict stability.

Modules are loaded on first use (``lsm.evaluate.<module>``), so importing one stays cheap.
"""

from lsm import lazy_submodules

__all__ = ["metrics", "reported", "scorecard", "stability", "stats"]
__getattr__ = lazy_submodules(__name__, __all__)
