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
# # Figure 12: susceptibility classes and their shares of the area
#
# Low, medium and high classes of every model's map (natural breaks or quantiles, as
# `mapping.classes` says), and the share of the mapped area in each class beside the shares the
# paper states for its CNN-LSTM map (34.0 / 41.3 / 24.7 %, read from `paper/reported.yaml`).

# %% tags=["parameters"]
inputs = {
    "classes": ["results/kerman_synthetic/maps/wettest/cnn_lstm_classes.tif"],
    "shares": "results/kerman_synthetic/metrics/map_class_shares.csv",
    "reported": "paper/reported.yaml",
}
outputs = {"png": "fig12_class_maps.png", "pdf": "fig12_class_maps.pdf"}
models = ["cnn_lstm"]
date_label = "wettest"
dpi = 200

# %%
import pandas as pd

from lsm.evaluate.reported import load_class_shares
from lsm.publish.plots.maps import class_maps
from lsm.publish.plots.style import save_figure

shares = pd.read_csv(inputs["shares"], keep_default_na=False)
shares = shares[shares["date_label"] == date_label]
reported = load_class_shares(inputs["reported"])
shares.pivot_table(index="model", columns="class", values="share_percent").round(1)

# %%
fig = class_maps(dict(zip(models, inputs["classes"], strict=True)), shares, reported)
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
