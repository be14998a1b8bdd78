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
# # Figure 13: success- and prediction-rate curves
#
# Pixels ranked from the most to the least susceptible: the share of the landslides found in the
# top x % of the area. Success rate: the training landslides of the mapping scheme; prediction
# rate: its test landslides. The areas under the curves are in the legends.

# %% tags=["parameters"]
inputs = {
    "curves": "results/kerman_synthetic/metrics/map_rate_curves.csv",
    "summary": "results/kerman_synthetic/metrics/map_summary.csv",
}
outputs = {"png": "fig13_rate_curves.png", "pdf": "fig13_rate_curves.pdf"}
date_label = "wettest"
dpi = 200

# %%
import pandas as pd

from lsm.publish.plots.maps import rate_curves
from lsm.publish.plots.style import save_figure

curves = pd.read_csv(inputs["curves"], keep_default_na=False)
summary = pd.read_csv(inputs["summary"], keep_default_na=False)
curves = curves[curves["date_label"] == date_label]
summary = summary[summary["date_label"] == date_label]
summary[["model", "success_rate_auc", "prediction_rate_auc", "events_train", "events_test"]]

# %%
fig = rate_curves(curves, summary)
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
