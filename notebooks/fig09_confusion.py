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
# # Figure 9: confusion matrices
#
# Confusion matrices at the 0.5 threshold, summed over seeds, under the random split.

# %% tags=["parameters"]
inputs = {
    "confusion": "results/kerman_synthetic/metrics/confusion.csv",
}
outputs = {"png": "fig09_confusion.png", "pdf": "fig09_confusion.pdf"}
dpi = 200

# %%
import pandas as pd

from lsm.publish.plots.performance import confusion_matrices
from lsm.publish.plots.style import save_figure

pd.read_csv(inputs["confusion"])

# %%
fig = confusion_matrices(pd.read_csv(inputs["confusion"]))
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
