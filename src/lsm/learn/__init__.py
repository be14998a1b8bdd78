"""Stage "learn" (workflow/rules/learn.smk): the seven models, their tuning inside the training split,
training of every run, the predictors that map them and the permutation importance.

Modules are loaded on first use (``lsm.learn.<module>``), so importing one stays cheap.
"""

from lsm import lazy_submodules

__all__ = ["architecture", "importance", "models", "predictors", "train", "tuning"]
__getattr__ = lazy_submodules(__name__, __all__)
