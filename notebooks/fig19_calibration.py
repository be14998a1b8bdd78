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
# # Figure 19: are the probabilities calibrated?
#
# Reliability diagrams of every model on the mapping scheme's test samples (pooled over seeds): the
# share of landslides among the samples given about the same probability, against that probability.
# On the diagonal a probability means what it says. Each run's calibration (Platt scaling on the
# logit, `lsm.evaluate.calibration`) is fitted on training samples the run did not learn from (a
# network's validation part, a scikit-learn model's out-of-fold predictions), never on the test
# samples. The probabilities are calibrated to the samples' share of landslides, set by the
# sampling of negatives, not to how often landslides occur (see the README and `calibration.prevalence`).

# %% tags=["parameters"]
inputs = {
    "reliability": "results/kerman_synthetic/metrics/reliability.csv",
    "calibration": "results/kerman_synthetic/metrics/calibration.csv",
}
outputs = {"png": "fig19_calibration.png", "pdf": "fig19_calibration.pdf"}
scheme = "random"
dpi = 200

# %%
import pandas as pd

from lsm.publish.plots.calibration import reliability_diagrams
from lsm.publish.plots.style import save_figure

scores = pd.read_csv(inputs["calibration"])
scores[["scheme", "model", "version", "brier", "reliability", "resolution", "uncertainty", "ece"]].round(4)

# %%
fig = reliability_diagrams(pd.read_csv(inputs["reliability"]), scores, scheme)
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
