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
# # Figure 4: samples and validation schemes
#
# Landslides (triangles) and negatives (dots) by split: `random` (the paper's 70/30), `spatial`
# (blocks held out; grey training samples are set aside because their patch would overlap a test
# patch) and `temporal` (train before the cutoff date, test after).

# %% tags=["parameters"]
inputs = {
    "factors": "results/kerman_synthetic/factors/factors.tif",
    "samples": "results/kerman_synthetic/samples/samples.gpkg",
    "splits": "results/kerman_synthetic/samples/splits.csv",
}
outputs = {"png": "fig04_samples.png", "pdf": "fig04_samples.pdf"}
dpi = 200

# %%
import json
from pathlib import Path

from lsm.publish.plots.study import sample_maps
from lsm.publish.plots.style import save_figure

folder = Path(inputs["samples"]).parent
print(json.dumps(json.loads((folder / "summary.json").read_text())["negatives_by_kind"]))
print(json.dumps(json.loads((folder / "splits.json").read_text()), indent=1))

# %%
fig = sample_maps(inputs["factors"], inputs["samples"], inputs["splits"])
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
