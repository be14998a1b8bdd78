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
# # Figure 14: permutation feature importance
#
# AUC points a model loses on the test samples of the mapping scheme when one factor (all its
# inputs: patch channels and tabular columns alike) or one series (rain, reservoir level) is
# shuffled across samples; mean over repeats, then over seeds. A grey cell is an input the model
# does not read (the CNN alone never sees a series): it has no importance, not an importance of 0.

# %% tags=["parameters"]
inputs = {"importance": "results/kerman_synthetic/metrics/importance.csv"}
outputs = {"png": "fig14_feature_importance.png", "pdf": "fig14_feature_importance.pdf"}
dpi = 200

# %%
import pandas as pd

from lsm.publish.plots.maps import importance_heatmap
from lsm.publish.plots.style import save_figure

importance = pd.read_csv(inputs["importance"])
importance[importance["rank"] <= 3].sort_values(["model", "rank"])

# %%
fig = importance_heatmap(importance)
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
