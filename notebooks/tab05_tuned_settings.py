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
# # Table 5: the settings tuning chose
#
# For every model and validation scheme, the value tuning chose for each parameter of its search
# space (`tuning.spaces` of `params.yaml`), the best inner-validation AUC and the number of completed
# trials (the same for every model: none is pruned). Every seed's training run of that model and
# scheme uses these settings.

# %% tags=["parameters"]
inputs = {"best": [], "trials": []}
outputs = {"csv": "tab05_tuned_settings.csv", "tex": "tab05_tuned_settings.tex"}
spaces = {}

# %%
from lsm.learn.tuning import tuned_settings_table
from lsm.publish.tables import save_table

table = tuned_settings_table(inputs["best"], inputs["trials"], spaces)
table

# %%
save_table(
    table.fillna(""),
    outputs["csv"],
    outputs["tex"],
    caption="The settings tuning chose for every model and validation scheme.",
)
