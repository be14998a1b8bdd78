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
# # Figure 8: our metrics beside the paper's
#
# Test metrics of all models under the paper's protocol (random split): ours as bars with the 95 %
# interval over seeds, the paper's as diamonds (hollow where read off its figure or cited).

# %% tags=["parameters"]
inputs = {
    "summary": "results/kerman_synthetic/metrics/summary_by_model.csv",
    "reported": "paper/reported.yaml",
}
outputs = {"png": "fig08_model_comparison.png", "pdf": "fig08_model_comparison.pdf"}
dpi = 200

# %%
import pandas as pd

from lsm.evaluate.reported import load_reported_metrics
from lsm.publish.plots.performance import model_comparison
from lsm.publish.plots.style import save_figure

summary = pd.read_csv(inputs["summary"])
summary[summary["metric"] == "auc"].pivot_table(index="model", columns="scheme", values="mean").round(3)

# %%
fig = model_comparison(pd.read_csv(inputs["summary"]), load_reported_metrics(inputs["reported"]))
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
