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
# # Table 6: the claims with every model tuned, and untuned
#
# The paper tuned its network; a claim "A beats B" means little if A was tuned and B was not. Here
# every model is tuned with the same budget, and the same grid also runs with the settings of
# `models:` (untuned): per claim and scheme, the verdict both ways and the seed-mean AUCs behind it.

# %% tags=["parameters"]
inputs = {
    "tuned": "results/kerman_synthetic/metrics/claims.csv",
    "untuned": "results/kerman_synthetic/metrics/untuned/claims.csv",
    "tuned_summary": "results/kerman_synthetic/metrics/summary_by_model.csv",
    "untuned_summary": "results/kerman_synthetic/metrics/untuned/summary_by_model.csv",
}
outputs = {"csv": "tab06_claims_tuned_untuned.csv", "tex": "tab06_claims_tuned_untuned.tex"}

# %%
import pandas as pd

from lsm.learn.tuning import claims_both_ways
from lsm.publish.tables import save_table

pd.set_option("display.max_colwidth", None)  # the report's notebook view cuts no text short

table = claims_both_ways(
    *(pd.read_csv(inputs[k]) for k in ("tuned", "untuned", "tuned_summary", "untuned_summary"))
)
table

# %%
save_table(table, outputs["csv"], outputs["tex"], caption="The claims with every model tuned and untuned.")
