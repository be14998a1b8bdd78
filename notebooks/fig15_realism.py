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
# # Figure 15: does the study look like a real one?
#
# The realism report of the study (`lsm.data.realism`): how clustered its landslides are, how far apart,
# how well slope alone separates landslide cells from all cells and, for a generated study, how
# concentrated its true hazard is, and for a dated study with rain how its landslides follow the rain;
# beside the reports of real studies computed with the same code,
# and the ranges published inventories give (`paper/realism_ranges.yaml`, with their sources).

# %% tags=["parameters"]
inputs = {
    "realism": "results/kerman_synthetic/metrics/realism.json",
    "ranges": "paper/realism_ranges.yaml",
}
outputs = {"png": "fig15_realism.png", "pdf": "fig15_realism.pdf"}
dpi = 200

# %%
import json
from pathlib import Path

import pandas as pd

from lsm.data.realism import compare_to_ranges, literature_ranges
from lsm.publish.plots.realism import realism_figure
from lsm.publish.plots.style import save_figure

realism = json.loads(Path(inputs["realism"]).read_text())
ranges = literature_ranges(inputs["ranges"])
reports = {realism["study"]["study"]: realism["study"], **realism["references"]}
outside = {k: e["synthetic_outside"] for k, e in ranges["metrics"].items() if e.get("synthetic_outside")}
for metric, why in outside.items():
    print(f"the synthetic world lies outside the range of {metric}: {why}")
pd.DataFrame({name: compare_to_ranges(report, ranges) for name, report in reports.items()})

# %%
fig = realism_figure(reports, ranges)
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
