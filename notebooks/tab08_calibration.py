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
# # Table 8: calibration of every model
#
# On each scheme's test samples, raw and calibrated (Platt scaling fitted on the training side): the
# Brier score and Murphy's decomposition of it (reliability, the part calibration can remove, minus
# resolution plus uncertainty, over 10 equal-width bins) and the expected calibration error; mean
# [95 % interval] over seeds.

# %% tags=["parameters"]
inputs = {"calibration": "results/kerman_synthetic/metrics/calibration.csv"}
outputs = {"csv": "tab08_calibration.csv", "tex": "tab08_calibration.tex"}

# %%
import pandas as pd

from lsm.names import LABELS
from lsm.publish.tables import save_table

pd.set_option("display.max_colwidth", None)  # the report's notebook view cuts no text short

scores = pd.read_csv(inputs["calibration"])
rows = []
for _, row in scores.iterrows():
    entry = {
        "scheme": row["scheme"],
        "model": LABELS.get(row["model"], row["model"]),
        "version": row["version"],
    }
    for score in ("brier", "reliability", "resolution", "uncertainty", "ece"):
        entry[score] = f"{row[score]:.4f} [{row[score + '_low']:.4f}, {row[score + '_high']:.4f}]"
    rows.append(entry)
table = pd.DataFrame(rows)
table

# %%
save_table(
    table, outputs["csv"], outputs["tex"], caption="Calibration on the test samples, raw and calibrated."
)
