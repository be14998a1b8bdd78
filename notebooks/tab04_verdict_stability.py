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
# # Table 4: verdicts that do not hang on one world
#
# The synthetic study regenerated from several generator seeds (worlds) on a smaller preset, the same
# models, schemes and seeds run on each, and, for each claim and validation scheme, how many worlds
# give each verdict (and which). A verdict that flips between worlds says more about the world than
# about the models.

# %% tags=["parameters"]
inputs = {"claims": ["results/kerman_synthetic_world101/metrics/claims.csv"]}
outputs = {"csv": "tab04_verdict_stability.csv", "tex": "tab04_verdict_stability.tex"}
worlds = [101]

# %%
from lsm.evaluate.stability import verdict_counts
from lsm.publish.tables import save_table

table = verdict_counts(dict(zip(worlds, inputs["claims"], strict=True)))
table

# %%
printed = table[
    ["claim", "scheme", "supported", "not significant", "contradicted", "cannot be tested", "worlds"]
]
save_table(
    table,
    outputs["csv"],
    outputs["tex"],
    caption="How many generated worlds give each verdict, per claim and validation scheme.",
    latex=printed,
)
printed
