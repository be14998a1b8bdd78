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
# # Table 2: the paper's claims, tested
#
# Each claim as the paper states it, with a verdict per validation scheme computed from our runs
# (`lsm.scorecard.judge_claims` gives the rules) and the evidence in one line.

# %% tags=["parameters"]
inputs = {"claims": "results/kerman_synthetic/metrics/claims.csv"}
outputs = {"csv": "tab02_claims.csv", "tex": "tab02_claims.tex"}

# %%
import pandas as pd

from lsm.tables import save_table

claims = pd.read_csv(inputs["claims"])
claims[[c for c in claims.columns if c.startswith(("claim", "verdict"))]]

# %%
save_table(claims, outputs["csv"], outputs["tex"], caption="The paper's claims and our verdicts.")
