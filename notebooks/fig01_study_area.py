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
# # Figure 1: the study area
#
# Terrain (hillshaded elevation), rivers, reservoirs, faults, roads and the mapped landslides of the
# study, coloured by trigger. On the synthetic study these are the files a user would bring
# (`data/raw/<study>/`), not the hidden truth.

# %% tags=["parameters"]
inputs = {"dem": "data/raw/kerman_synthetic/dem.tif"}
outputs = {"png": "fig01_study_area.png", "pdf": "fig01_study_area.pdf"}
dpi = 200

# %%
from pathlib import Path

import geopandas as gpd

from lsm.publish.plots.study import study_area_map
from lsm.publish.plots.style import save_figure

study_dir = Path(inputs["dem"]).parent
inventory = gpd.read_file(study_dir / "inventory.gpkg")
print(f"{len(inventory)} mapped landslides in {study_dir}")
inventory.head()

# %%
fig = study_area_map(study_dir)
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
