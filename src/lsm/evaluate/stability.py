"""Verdicts that do not hang on one world: the same grid on several generated worlds.

A verdict of the default study could be an accident of its one generated world. The stability
target regenerates the synthetic study with several generator seeds on a smaller preset, runs the
same models, schemes and seeds on each world (a Snakemake run per world, into
``results/<synthetic.name>_world<seed>/``), and counts, for each claim and scheme, how many worlds
give each verdict (``tables/tab04_verdict_stability``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd


def world_name(config: Mapping[str, Any], world: int) -> str:
    """The study name of one alternative world of the stability check."""
    return f"{config['synthetic']['name']}_world{world}"


def world_config(config: Mapping[str, Any], world: int) -> dict[str, Any]:
    """The configuration of one world: the study generated from ``world`` on the stability preset,
    everything else (models, schemes, seeds, sampling, evaluation) as in ``config``."""
    out = copy.deepcopy(dict(config))
    name = world_name(config, world)
    out["study"] = name
    out["synthetic"].update(name=name, seed=int(world), preset=config["stability"]["preset"])
    out.pop("stability", None)
    return out


def verdict_counts(claims_csvs: Mapping[int, str | Path]) -> pd.DataFrame:
    """For each claim and scheme: how many worlds give each verdict, and which worlds."""
    # Imported here: the workflow imports world_config whenever it is parsed (every `snakemake`
    # call, every SLURM job), and lsm.evaluate.stats loads scipy.stats, a second each time.
    from lsm.names import VERDICTS

    rows = []
    for world, path in claims_csvs.items():
        claims = pd.read_csv(path)
        for column in (c for c in claims.columns if c.startswith("verdict_")):
            for claim, verdict in zip(claims["claim"], claims[column], strict=True):
                rows.append(
                    {
                        "claim": claim,
                        "scheme": column.removeprefix("verdict_"),
                        "world": world,
                        "verdict": verdict,
                    }
                )
    frame = pd.DataFrame(rows)
    table = frame.pivot_table(
        index=["claim", "scheme"], columns="verdict", values="world", aggfunc="count", fill_value=0
    )
    table = table.reindex(columns=list(VERDICTS), fill_value=0)
    table["worlds"] = table.sum(axis=1)
    worlds = frame.groupby(["claim", "scheme", "verdict"])["world"].apply(
        lambda w: ",".join(map(str, sorted(w)))
    )
    for verdict in VERDICTS:
        table[f"worlds {verdict}"] = [worlds.get((c, s, verdict), "") for c, s in table.index]
    return table.reset_index()
