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
# # Figure 11: susceptibility maps
#
# The probability of a landslide at every pixel from every model (its seeds averaged), on the
# reference date (by default the last day of the wettest 30-day spell of the record). Pixels with
# less than `sampling.patch_min_valid` of their patch on data, and water, are not mapped.

# %% tags=["parameters"]
inputs = {
    "maps": ["results/kerman_synthetic/maps/wettest/cnn_lstm_probability.tif"],
    "summary": "results/kerman_synthetic/metrics/map_summary.csv",
}
outputs = {"png": "fig11_susceptibility_maps.png", "pdf": "fig11_susceptibility_maps.pdf"}
models = ["cnn_lstm"]
date_label = "wettest"
dpi = 200

# %%
import pandas as pd

from lsm.publish.plots.maps import susceptibility_maps
from lsm.publish.plots.style import save_figure

summary = pd.read_csv(inputs["summary"], keep_default_na=False)
summary = summary[summary["date_label"] == date_label]
summary[["model", "date", "breaks", "success_rate_auc", "prediction_rate_auc"]]

# %%
maps = dict(zip(models, inputs["maps"], strict=True))
fig = susceptibility_maps(maps, str(summary["date"].iloc[0]))
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
