# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---


# %% [markdown]
# # Figure 16: every model tuned with the same budget
#
# The best inner-validation AUC found so far against the trial number, for every model and
# validation scheme (Optuna, a seeded TPE sampler: random for the first half of the budget, guided for
# the second, the dotted line; the same number of completed trials for every model, none pruned;
# scored inside the scheme's training split only).

# %% tags=["parameters"]
inputs = {"trials": ["results/kerman_synthetic/tuning/random/cnn_lstm/trials.csv"]}
outputs = {"png": "fig16_tuning.png", "pdf": "fig16_tuning.pdf"}
dpi = 200
trials = 8

# %%
import pandas as pd

from lsm.learn.tuning import read_history
from lsm.publish.plots.performance import tuning_histories
from lsm.publish.plots.style import save_figure

histories = pd.concat([read_history(path) for path in inputs["trials"]], ignore_index=True)
histories.groupby(["scheme", "model"])["value"].max().unstack().round(3)

# %%
fig = tuning_histories(histories)
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
