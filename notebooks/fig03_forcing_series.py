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
# # Figure 3: rain, reservoir level and landslide dates
#
# The temporal inputs of the study: the area-mean daily rain with its 30-day total (the LSTM sees a
# 30-day window) and the daily reservoir level, with the date of every mapped landslide marked. A
# study with only one of the two series shows that one (the plan leaves the figure out of a study
# with neither).

# %% tags=["parameters"]
inputs = {"inventory": "data/raw/kerman_synthetic/inventory.gpkg"}
outputs = {"png": "fig03_forcing_series.png", "pdf": "fig03_forcing_series.pdf"}
dpi = 200

# %%
from pathlib import Path

from lsm.publish.plots.study import forcing_series
from lsm.publish.plots.style import save_figure

study_dir = Path(inputs["inventory"]).parent
fig = forcing_series(study_dir)
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
