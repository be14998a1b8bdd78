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
# # Figure 17: where the maps apply
#
# Every model's susceptibility map with the pixels outside its area of applicability greyed out
# (Meyer & Pebesma 2021: the pixel's predictors farther from every training sample, standardised and
# weighted by the model's permutation importance, than the training samples are from those of the
# other spatial folds; `lsm.maps.applicability`), and the share of the mapped area outside it. The
# table below also gives the spatial test samples' AUC inside and outside the area fitted on the
# spatial scheme's training samples: a map is trustworthy where the model was tested like it is used.

# %% tags=["parameters"]
inputs = {
    "maps": ["results/kerman_synthetic/maps/wettest/cnn_lstm_probability.tif"],
    "masks": ["results/kerman_synthetic/maps/wettest/cnn_lstm_applicability.tif"],
    "table": "results/kerman_synthetic/maps/wettest/applicability.csv",
}
outputs = {"png": "fig17_applicability.png", "pdf": "fig17_applicability.pdf"}
models = ["cnn_lstm"]
dpi = 200

# %%
import pandas as pd

from lsm.publish.plots.maps import applicability_maps
from lsm.publish.plots.style import save_figure

table = pd.read_csv(inputs["table"], keep_default_na=False)
table[
    ["model", "weights", "threshold", "outside_percent", "n_inside", "n_outside", "auc_inside", "auc_outside"]
].round(3)

# %%
fig = applicability_maps(
    dict(zip(models, inputs["maps"], strict=True)), dict(zip(models, inputs["masks"], strict=True)), table
)
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
