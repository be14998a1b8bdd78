"""Stage "evaluate" (workflow/rules/evaluate.smk): the table and summaries of the runs, the statistics
and comparisons between models, the references of a generated study, the time ablations, the
authors' absences, the verdicts on the paper's claims, the scorecard that writes them all, the
paper's own numbers and verdict stability.

Modules are loaded on first use (``lsm.evaluate.<module>``), so importing one stays cheap.
"""

from lsm import lazy_submodules

__all__ = [
    "ablation",
    "absences",
    "claims",
    "comparisons",
    "metrics",
    "references",
    "reported",
    "runs",
    "scorecard",
    "settings",
    "stability",
    "stats",
]
__getattr__ = lazy_submodules(__name__, __all__)
