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
# # Table 3: susceptibility classes, ours and the paper's
#
# Share of the mapped area in each class, landslide density per class (mapped landslides per km²)
# and the areas under the success- and prediction-rate curves, per model; the paper's class shares
# (stated for its CNN-LSTM map) in the first row. Beside them, the share of the mapped area outside
# the model's area of applicability (Figure 17) and the share of its high class whose class the
# seeds do not agree on (Figure 20).

# %% tags=["parameters"]
inputs = {
    "shares": "results/kerman_synthetic/metrics/map_class_shares.csv",
    "summary": "results/kerman_synthetic/metrics/map_summary.csv",
    "reported": "paper/reported.yaml",
    "applicability": "results/kerman_synthetic/maps/wettest/applicability.csv",
    "changes": "results/kerman_synthetic/metrics/map_class_changes.csv",
}
outputs = {"csv": "tab03_class_shares.csv", "tex": "tab03_class_shares.tex"}
date_label = "wettest"

# %%
import pandas as pd

from lsm.evaluate.reported import load_class_shares
from lsm.maps.classes import class_share_table
from lsm.publish.tables import save_table

pd.set_option("display.max_colwidth", None)  # the report's notebook view cuts no text short

shares = pd.read_csv(inputs["shares"], keep_default_na=False)
summary = pd.read_csv(inputs["summary"], keep_default_na=False)
applicability = pd.read_csv(inputs["applicability"], keep_default_na=False)
changes = pd.read_csv(inputs["changes"], keep_default_na=False)
high = changes[(changes["date_label"] == date_label) & (changes["class"] == "high")]
table = class_share_table(
    shares[shares["date_label"] == date_label],
    summary[summary["date_label"] == date_label],
    load_class_shares(inputs["reported"]),
    outside_percent=dict(zip(applicability["model"], applicability["outside_percent"], strict=True)),
    high_disagree_percent=dict(zip(high["model"], high["seeds_disagree_percent"], strict=True)),
)
table

# %%
save_table(
    table,
    outputs["csv"],
    outputs["tex"],
    caption="Susceptibility classes: share of the area (%), landslide density (per km²) and rate-curve AUCs.",
)
