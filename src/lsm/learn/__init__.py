"""Stage "learn" (workflow/rules/learn.smk): the seven models, their tuning inside the training split,
training of every run (the PyTorch networks and their training in modules of their own, loaded only
when a run has one), the predictors that map them and the permutation importance.

Modules are loaded on first use (``lsm.learn.<module>``), so importing one stays cheap.
"""

from lsm import lazy_submodules

__all__ = ["architecture", "importance", "models", "networks", "predictors", "train", "train_torch", "tuning"]
__getattr__ = lazy_submodules(__name__, __all__)
