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
# # Figure 5: the architecture of the networks
#
# Read off the trained models, not drawn by hand: each network is rebuilt from its run folder
# (`model.json` and `model.pt` of the first scheme's first seed), one zero sample is passed through
# it with a hook on every module, and the layers are drawn with the shapes that came out of them and
# the weights they hold. Change `models.torch` in `params.yaml` and this figure changes with it.

# %% tags=["parameters"]
inputs = {"runs": ["results/kerman_synthetic/runs/random/cnn_lstm/seed1/model.json"]}
outputs = {"png": "fig05_architecture.png", "pdf": "fig05_architecture.pdf"}
window_days = 30
dpi = 200

# %%
from pathlib import Path

import pandas as pd

from lsm.learn.architecture import trace_run
from lsm.publish.plots.architecture import architecture_diagram
from lsm.publish.plots.style import save_figure

run_dirs = list(dict.fromkeys(Path(path).parent for path in inputs["runs"]))
traces = [trace_run(run_dir, window_days) for run_dir in run_dirs]
pd.DataFrame(
    [
        {
            "model": t.kind,
            "layer": layer.name,
            "does": layer.label,
            "output shape": " x ".join(map(str, layer.shape)),
            "weights": layer.parameters,
        }
        for t in traces
        for layer in t.layers
    ]
)

# %%
fig = architecture_diagram(traces)
save_figure(fig, [outputs["png"], outputs["pdf"]], dpi=dpi)
