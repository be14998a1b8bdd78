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
# # Figure 2: the conditioning factors
#
# The paper's 11 static factors (elevation, slope, aspect, TWI, SPI, ERG, distances to faults,
# rivers and roads, land use, AAP) plus the distance to the reservoir shore, on the analysis grid,
# with their statistics and collinearity (Pearson correlation and VIF).

# %% tags=["parameters"]
inputs = {"factors": "results/kerman_synthetic/factors/factors.tif"}
outputs = {"png": "fig02_factors.png", "pdf": "fig02_factors.pdf"}
dpi = 200

# %%
from pathlib import Path

import pandas as pd

from lsm.publish.plots.study import factor_panels
from lsm.publish.plots.style import save_figure

folder = Path(inputs["factors"]).parent
pd.read_csv(folder / "statistics.csv")

# %%
pd.read_csv(folder / "collinearity.csv").set_index("factor").round(2)

# %%
fig = factor_panels(inputs["factors"])
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
