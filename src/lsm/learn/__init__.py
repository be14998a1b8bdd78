"""Stage "learn" (workflow/rules/learn.smk): the seven models, their tuning inside the training split,
training of every run (the PyTorch networks and their training in modules of their own, loaded only
when a run has one) and the predictors that apply them to new inputs (the maps, the importance).

Modules are loaded on first use (``lsm.learn.<module>``), so importing one stays cheap.
"""

from lsm import lazy_submodules

__all__ = [
    "architecture",
    "models",
    "networks",
    "predictors",
    "results",
    "train",
    "train_torch",
    "tuning",
]
__getattr__ = lazy_submodules(__name__, __all__)
