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
# # Figure 7: ROC curves
#
# Mean ROC curve over seeds of every model (range over seeds shaded), per validation scheme, with
# the physics reference's AUC on a generated study in the panel titles.

# %% tags=["parameters"]
inputs = {
    "roc": "results/kerman_synthetic/metrics/roc_curves.csv",
    "references": "results/kerman_synthetic/metrics/references.csv",
}
outputs = {"png": "fig07_roc_curves.png", "pdf": "fig07_roc_curves.pdf"}
dpi = 200

# %%

import pandas as pd

from lsm.data.io import read_table
from lsm.publish.plots.performance import roc_curves
from lsm.publish.plots.style import save_figure

pd.read_csv(inputs["roc"]).groupby(["scheme", "model"]).size()

# %%
fig = roc_curves(
    pd.read_csv(inputs["roc"]),
    read_table(inputs["references"]),
)
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
