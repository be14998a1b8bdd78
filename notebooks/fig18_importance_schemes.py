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
# # Figure 18: permutation importance on random and on spatial test samples
#
# The AUC points each model loses when one factor or series is shuffled, with its 95 % interval over
# seeds, on the test samples of the mapping scheme (as figure 14) and on those of the spatial scheme,
# where whole blocks of ground are held out (sperrorest's practice): what a model relies on when it
# predicts ground it has not seen can differ from what it relies on next to its training samples.

# %% tags=["parameters"]
inputs = {
    "importance": "results/kerman_synthetic/metrics/importance.csv",
    "spatial": "results/kerman_synthetic/metrics/importance_spatial.csv",
}
outputs = {"png": "fig18_importance_schemes.png", "pdf": "fig18_importance_schemes.pdf"}
map_scheme = "random"
dpi = 200

# %%
import pandas as pd

from lsm.publish.plots.maps import importance_by_scheme
from lsm.publish.plots.style import save_figure

tables = {map_scheme: pd.read_csv(inputs["importance"]), "spatial": pd.read_csv(inputs["spatial"])}
both = tables[map_scheme].merge(tables["spatial"], on=["model", "group"], suffixes=("", "_spatial"))
both[
    [
        "model",
        "group",
        "drop_mean",
        "drop_low",
        "drop_high",
        "drop_mean_spatial",
        "drop_low_spatial",
        "drop_high_spatial",
    ]
].round(4)

# %%
fig = importance_by_scheme(tables)
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
