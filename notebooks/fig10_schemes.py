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
# # Figure 10: validation schemes
#
# Test AUC of every model under the random, spatial and temporal splits (mean and 95 % interval over
# seeds), with the physics reference (dashed) and the static ceiling (dotted) on a generated study.

# %% tags=["parameters"]
inputs = {
    "summary": "results/kerman_synthetic/metrics/summary_by_model.csv",
    "references": "results/kerman_synthetic/metrics/references.csv",
}
outputs = {"png": "fig10_schemes.png", "pdf": "fig10_schemes.pdf"}
dpi = 200

# %%

import pandas as pd

from lsm.data.io import read_table
from lsm.publish.plots.performance import scheme_comparison
from lsm.publish.plots.style import save_figure

summary = pd.read_csv(inputs["summary"])
summary[summary["metric"] == "auc"].pivot_table(index="model", columns="scheme", values="mean").round(3)

# %%
fig = scheme_comparison(
    pd.read_csv(inputs["summary"]),
    read_table(inputs["references"]),
)
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
