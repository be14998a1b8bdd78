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
# # Figure 0: the model comparison as reported by Teng et al. (2026)
#
# The paper's own test metrics for the CNN-LSTM and the six baselines, read from
# `paper/reported.yaml`. Hatched bars are not measurements of the paper: `//` marks values read off
# its Figure 5 that it gives with "~", `xx` marks the standalone CNN/LSTM AUCs it cites from
# Hamedi et al. (2022). Our own numbers are set beside these in the scorecard.

# %% tags=["parameters"]
inputs = {"reported": "paper/reported.yaml"}
outputs = {"png": "fig00_paper_reported.png", "pdf": "fig00_paper_reported.pdf"}
dpi = 200

# %%
from lsm.evaluate.reported import load_reported_metrics
from lsm.publish.plots.performance import reported_comparison
from lsm.publish.plots.style import save_figure

reported = load_reported_metrics(inputs["reported"])
reported.pivot_table(index="label", columns="metric", values="value", sort=False)

# %%
fig = reported_comparison(reported)
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
