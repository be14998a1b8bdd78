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
# # Figure 20: how much the seeds disagree
#
# Per pixel, the standard deviation of the landslide probability over the seeds of each model (for
# the networks a deep ensemble: independently initialised networks on the same samples;
# `lsm.maps.uncertainty` says why not MC dropout), and, per susceptibility class of the mean map,
# the share of its pixels whose class the seeds do not agree on (each seed classified with the mean
# map's breaks). The rasters (COGs with a QGIS style) are `maps/<date>/<model>_uncertainty.tif`.

# %% tags=["parameters"]
inputs = {
    "maps": ["results/kerman_synthetic/maps/wettest/cnn_lstm_uncertainty.tif"],
    "changes": "results/kerman_synthetic/metrics/map_class_changes.csv",
}
outputs = {"png": "fig20_uncertainty.png", "pdf": "fig20_uncertainty.pdf"}
models = ["cnn_lstm"]
date_label = "wettest"
dpi = 200

# %%
import pandas as pd

from lsm.publish.plots.calibration import spread_maps
from lsm.publish.plots.style import save_figure

changes = pd.read_csv(inputs["changes"], keep_default_na=False)
changes = changes[changes["date_label"] == date_label]
changes[["model", "class", "pixels", "seeds_disagree_percent", "mean_seed_sd"]].round(3)

# %%
fig = spread_maps(dict(zip(models, inputs["maps"], strict=True)), changes)
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
