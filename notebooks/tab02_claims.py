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
# (`lsm.evaluate.claims.judge_claims` gives the rules), which comparisons or parts carry the verdict
# (`why`: for a claim that is not supported, the ones that fail and how), and the evidence.

# %% tags=["parameters"]
inputs = {"claims": "results/kerman_synthetic/metrics/claims.csv"}
outputs = {"csv": "tab02_claims.csv", "tex": "tab02_claims.tex"}

# %%
import pandas as pd

from lsm.publish.tables import save_table

pd.set_option("display.max_colwidth", None)  # the report's notebook view cuts no text short

claims = pd.read_csv(inputs["claims"])
claims[[c for c in claims.columns if c.startswith(("claim", "verdict", "why"))]]

# %% [markdown]
# For print, one row per claim and scheme (the evidence is long): the claim's wording on its first row.

# %%
schemes = [c.removeprefix("verdict_") for c in claims.columns if c.startswith("verdict_")]


def said(why: str, evidence: str) -> str:
    """Which comparisons or parts carry the verdict, then the evidence (once where they are one)."""
    return evidence if not why or why == evidence else f"{why}. {evidence}"


printed = pd.DataFrame(
    [
        {
            "Claim (as stated by the paper)": f"{row.claim}: {row.as_stated_by_the_paper}" if i == 0 else "",
            "Split": scheme,
            "Verdict": getattr(row, f"verdict_{scheme}"),
            "Evidence": said(getattr(row, f"why_{scheme}", ""), getattr(row, f"evidence_{scheme}")),
        }
        for row in claims.itertuples()
        for i, scheme in enumerate(schemes)
    ]
)
save_table(
    claims,
    outputs["csv"],
    outputs["tex"],
    caption="The paper's claims and our verdicts.",
    latex=printed,
    column_format=r">{\raggedright\arraybackslash}p{3.6cm}l>{\raggedright\arraybackslash}p{1.9cm}"
    r">{\raggedright\arraybackslash}p{8cm}",
)
printed
