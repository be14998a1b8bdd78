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
# # Figure 6: learning curves of the neural networks
#
# Training (dashed) and validation loss per epoch of the CNN-LSTM, CNN and LSTM, mean over seeds
# with the range shaded, for every validation scheme. Training stops early when the validation loss
# has not improved for `patience` epochs; the best epoch's weights are kept.

# %% tags=["parameters"]
inputs = {"runs": "results/kerman_synthetic/metrics/runs.csv"}
outputs = {"png": "fig06_learning_curves.png", "pdf": "fig06_learning_curves.pdf"}
dpi = 200

# %%
from pathlib import Path

import pandas as pd

from lsm.names import TORCH_MODELS
from lsm.publish.plots.performance import learning_curves
from lsm.publish.plots.style import save_figure

runs = pd.read_csv(inputs["runs"])
root = Path(inputs["runs"]).parents[1] / "runs"
torch_runs = runs[runs["model"].isin(TORCH_MODELS)]
curves = pd.concat(
    [
        pd.read_csv(root / r.scheme / r.model / f"seed{r.seed}" / "learning_curve.csv").assign(
            model=r.model, scheme=r.scheme, seed=r.seed
        )
        for r in torch_runs.itertuples()
    ],
    ignore_index=True,
)
torch_runs.groupby(["scheme", "model"])["best_epoch"].describe()[["mean", "min", "max"]]

# %%
fig = learning_curves(curves)
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
