"""What a finished run says, as numbers and words, and the README's paragraph on it.

``collect`` reads a finished results folder (its tables, never the configuration, so the findings
describe the run that was made) into a small, plain mapping; ``make reference`` writes it to
``paper/reference/<study>.yaml``, committed, so that its diff is reviewed. ``render`` turns it into
the README's paragraph on the study, between the markers ``<!-- findings <study> -->`` and
``<!-- /findings <study> -->``: no number in that paragraph is typed, and
``python -m lsm readme --check`` (a test runs it) fails when the README and the references disagree.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from lsm.data.io import read_table, read_yaml, write_text
from lsm.data.io.digest import content_digest
from lsm.errors import InputError
from lsm.evaluate.references import PHYSICS, RAIN_TOTALS_ONLY
from lsm.names import CPU_DEPENDENT, HYBRID, LABELS, SCHEMES, UNTESTABLE

REFERENCE_DIR = Path("paper/reference")
ABLATION_WORDS = {
    "shuffled_rain_days": "rotating the days of the rain window (same days, the storm moved)",
    "shuffled_level_days": "swapping the reservoir level's window for another of the same month",
    "retrained_rain_totals_only": "retrained on window rain totals only",
    "retrained_level_totals_only": "retrained on window level totals only",
    RAIN_TOTALS_ONLY: "giving the window's rain as its daily mean (the truth's physics, not retrained)",
}
REFERENCES = {  # the synthetic study's own truth, as an AUC on the same test samples
    "physics_reference": "the truth's probability on the sample's day (the physics reference)",
    "static_ceiling": "the truth's yearly hazard on the same window, blind to when (the static ceiling)",
}
PREPARED = {  # the prepared data whose digests the reference holds
    "factors": "factors/factors.tif",
    "samples": "samples/samples.gpkg",
    "tensors": "samples/tensors.npz",
    "splits": "samples/splits.csv",
}
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def _output(results: Path, name: str) -> Path:
    """A file of the finished run, or one line saying the run is not finished."""
    path = results / name
    if not path.is_file():
        raise InputError(
            path, "missing: the run is not finished", f"run `snakemake --cores all` for {results}"
        )
    return path


def _table(results: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(_output(results, name), keep_default_na=False, na_values=[""])


def _json(results: Path, name: str) -> Any:
    return json.loads(_output(results, name).read_text())


def _r(value: float, digits: int = 4) -> float:
    return round(float(value), digits)


def collect(results: str | Path) -> dict[str, Any]:
    """The findings of the finished run in ``results`` (``results/<study>``)."""
    results = Path(results)
    provenance = _json(results, "metrics/provenance.json")
    samples = _json(results, "samples/summary.json")
    temporal = _json(results, "samples/splits.json").get("temporal", {})
    runs = _table(results, "metrics/runs.csv")
    trials = results / "tuning" / "random" / HYBRID / "trials.csv"
    summary = _table(results, "metrics/summary_by_model.csv")
    performance = _performance(summary)
    where_when = {
        scheme: {
            m: {"when": _r(g["when_auc_same_place"]), "where": _r(g["where_auc_same_day"])}
            | {k: _r(g[k]) for k in ("when_lo", "when_hi", "where_lo", "where_hi") if k in g}
            for m, g in group.set_index("model").iterrows()
        }
        for scheme, group in _table(results, "metrics/where_when.csv").groupby("scheme", sort=False)
    }
    ablation: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    for row in _table(results, "metrics/time_ablation.csv").itertuples():
        ablation.setdefault(row.scheme, {}).setdefault(row.model, {})[row.variant] = {
            "auc": _r(row.auc),
            "drop": _r(row.drop),
            "drop_lo": _r(row.drop_lo),
            "drop_hi": _r(row.drop_hi),
        }
    proximity = {
        row.scheme: {
            "test_landslides": int(row.test_landslides),
            "share_overlapping_a_training_patch": _r(row.share_patch_overlaps_training_landslide),
            "median_distance_m": _r(row.median_distance_m, 0),
        }
        for row in _table(results, "metrics/proximity.csv").itertuples()
    }
    claims = _table(results, "metrics/claims.csv")
    verdicts = _verdict_table(claims)
    on_map = claims[claims["claim"] == "C4"]  # judged on the map of the random runs (mapping.scheme)
    untuned_csv = results / "metrics" / "untuned" / "claims.csv"
    untuned = _verdict_table(_table(results, "metrics/untuned/claims.csv")) if untuned_csv.is_file() else {}
    references = _table(results, "metrics/references.csv")
    ceilings = {
        scheme: {name: _r(group[f"{name}_auc"].iloc[0]) for name in REFERENCES if f"{name}_auc" in group}
        for scheme, group in references.groupby("scheme", sort=False)
    }
    realism = _json(results, "metrics/realism.json")["study"]
    calendar_csv = results / "metrics" / "level_calendar.csv"
    has_calendar = calendar_csv.is_file() and calendar_csv.stat().st_size > 1  # an empty table: no level
    calendar = pd.read_csv(calendar_csv) if has_calendar else None
    level_calendar = (
        {f"{row.where}, {row.negatives} negatives": _r(row.auc_level_change) for row in calendar.itertuples()}
        if calendar is not None and not calendar.empty
        else {}
    )
    return {
        "study": results.name,
        "made": {
            "commit": str(provenance["git_commit"]),
            "uncommitted_changes": provenance["git_dirty"],
            "created": str(provenance["created"]),
            "seeds": sorted(int(s) for s in runs["seed"].unique()),
            "tuning_trials": len(pd.read_csv(trials)) if trials.is_file() else 0,
            "cell_m": _r(samples["cell_size_m"], 2),
            "patch_size": int(samples["patch_size"]),
            "patch_min_valid": float(samples["patch_min_valid"]),
            "temporal_test_from": temporal.get("cutoff"),
        },
        "inventory": {
            "landslides": int(samples["landslides_in_inventory"]),
            "positives": int(samples["positives"]),
            "left_out": {str(k): int(v) for k, v in samples["landslides_left_out"].items()},
        },
        "performance": performance,
        "comparisons": _comparisons(_table(results, "metrics/comparisons.csv")),
        "where_when": where_when,
        "time_ablation": ablation,
        "level_calendar": level_calendar,
        "proximity": proximity,
        "claims": verdicts,
        "claims_untuned": untuned,
        "map_evidence": str(on_map["evidence_random"].iloc[0]) if len(on_map) else "",
        "references": {scheme: values for scheme, values in ceilings.items() if values},
        "realism": _realism(realism),
        "map_classes": _map_classes(_table(results, "metrics/map_class_shares.csv")),
        "digests": {name: content_digest(_output(results, path)) for name, path in PREPARED.items()},
    }


def _map_classes(table: pd.DataFrame) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    """Per map date and model, each susceptibility class's share of the area and of the landslides
    (metrics/map_class_shares.csv, what tab03 shows)."""
    out: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    for _, row in table.iterrows():
        out.setdefault(str(row["date_label"]), {}).setdefault(str(row["model"]), {})[str(row["class"])] = {
            "area_percent": _r(row["share_percent"], 2),
            "landslides": int(row["landslides"]),
        }
    return out


def _performance(summary: pd.DataFrame) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    """Every model's metrics by scheme: mean and 95 % interval over seeds (metrics/summary_by_model.csv)."""
    return {
        scheme: {
            model: {
                row["metric"]: {"mean": _r(row["mean"]), "lo": _r(row["lo"]), "hi": _r(row["hi"])}
                for _, row in rows.iterrows()
            }
            for model, rows in group.groupby("model", sort=False)
        }
        for scheme, group in summary.groupby("scheme", sort=False)
    }


def scorecard(study: str, summary: Path, comparisons: Path, claims: Path) -> dict[str, Any]:
    """The part of the findings the answer needs (:mod:`lsm.publish.answer`): the performance, the
    comparisons and the verdicts, from the three tables of the evaluation (the report's landing page
    is made from them, before the rest of the run's findings exist)."""

    def read(path: Path) -> pd.DataFrame:  # a table the study could not make is empty
        table = read_table(path, keep_default_na=False, na_values=[""])
        return pd.DataFrame() if table is None else table

    tables = {name: read(path) for name, path in (("summary", summary), ("comparisons", comparisons))}
    return {
        "study": study,
        "performance": _performance(tables["summary"]) if not tables["summary"].empty else {},
        "comparisons": _comparisons(tables["comparisons"]) if not tables["comparisons"].empty else {},
        "claims": _verdict_table(read(claims)),
    }


def _comparisons(table: pd.DataFrame) -> dict[str, dict[str, dict[str, Any]]]:
    """The CNN-LSTM against each baseline: the AUC difference, its interval, the adjusted p and the
    verdict (metrics/comparisons.csv)."""
    return {
        scheme: {
            row["baseline"]: {
                "difference": _r(row["difference"]),
                "lo": _r(row["boot_low"]),
                "hi": _r(row["boot_high"]),
                "p": _r(row["p"]),
                "verdict": str(row["verdict"]),
            }
            for _, row in group.iterrows()
        }
        for scheme, group in table.groupby("scheme", sort=False)
    }


def _realism(report: Mapping[str, Any]) -> dict[str, float]:
    """The inventory's (and, where known, the truth's) statistics that fig15_realism sets against
    the literature's ranges."""
    keys = {
        "slope_auc": ("factor_auc", "slope", "auc"),
        "cluster_share_top10": ("cluster_share_top10",),
        "cluster_share_top10_random": ("cluster_share_top10_random",),
        "nn_median_ratio": ("nn_median_ratio",),
        "hazard_area_share_50": ("truth", "area_share_hazard_50"),
        "hazard_area_share_90": ("truth", "area_share_hazard_90"),
        "rain_3d_auc": ("time", "rain_3d_auc"),
        "rain_30d_auc": ("time", "rain_30d_auc"),
        "share_on_dry_days": ("time", "share_on_dry_days"),
        "share_on_busiest_days": ("time", "share_on_busiest_days"),
    }
    out = {}
    for name, path in keys.items():
        value: Any = report
        for part in path:
            value = value.get(part) if isinstance(value, Mapping) else None
        if value is not None:
            out[name] = _r(value)
    return out


def _verdict_table(claims: pd.DataFrame) -> dict[str, dict[str, str]]:
    return {
        str(row["claim"]): {s: str(row[f"verdict_{s}"]) for s in SCHEMES if f"verdict_{s}" in row.index}
        for _, row in claims.iterrows()
    }


# -- the README's paragraph ------------------------------------------------------------------------
def _label(model: str) -> str:
    if model == PHYSICS:  # the truth's own rows of time_ablation.csv
        return "the truth's physics"
    return LABELS.get(model, model).replace(" (standalone)", " alone")


def _auc_line(scheme: str, models: Mapping[str, Mapping[str, Mapping[str, float]]]) -> str:
    auc = {model: metrics["auc"] for model, metrics in models.items()}
    ranked = sorted(auc.items(), key=lambda item: -item[1]["mean"])
    (best, top), rest = ranked[0], ranked[1:]
    others = ", ".join(f"{_label(m)} {v['mean']:.3f}" for m, v in rest)
    return f"  - {scheme}: {_label(best)} {top['mean']:.3f} [{top['lo']:.3f}, {top['hi']:.3f}], then {others}"


def _commit(made: Mapping[str, Any]) -> str:
    commit = str(made["commit"])
    if not re.fullmatch(r"[0-9a-f]{7,40}", commit):
        return f"commit {commit}"
    return f"commit {commit[:7]}" + (" with uncommitted changes" if made["uncommitted_changes"] else "")


def _verdicts(by_scheme: Mapping[str, str]) -> str:
    words = set(by_scheme.values())
    if len(words) == 1 and len(by_scheme) > 1:
        return f"*{words.pop()}* under every scheme"
    return ", ".join(f"*{verdict}* ({scheme})" for scheme, verdict in by_scheme.items())


def _points(value: float) -> str:
    return f"{100 * value:.1f}"


def render(findings: Mapping[str, Any]) -> str:
    """The README's paragraph on one study, from its findings."""
    made, inventory = findings["made"], findings["inventory"]
    seeds = len(made["seeds"])
    seed_words = f"{NUMBER_WORDS.get(seeds, str(seeds))} seed{'s' if seeds != 1 else ''}"
    tuned = f"tuned with {made['tuning_trials']} trials" if made["tuning_trials"] else "untuned"
    left = ", ".join(f"{n} ({why})" for why, n in inventory["left_out"].items()) or "none"
    lines = [
        f"**What the `{findings['study']}` study says** (`{REFERENCE_DIR}/{findings['study']}.yaml`, "
        f"written by `make reference` from the run at {_commit(made)} on "
        f"{made['created'][:10]}: {seed_words}, {tuned}, "
        f"{made['cell_m']:g} m cells, {made['patch_size']}-cell patches"
        + (f", temporal test from {made['temporal_test_from']}" if made.get("temporal_test_from") else "")
        + "):",
        "",
        f"- {inventory['positives']:,} of {inventory['landslides']:,} landslides are positives "
        f"(left out: {left}).",
        "- AUC, mean and 95 % interval over seeds:",
    ]
    lines += [_auc_line(scheme, models) for scheme, models in findings["performance"].items()]
    claims = findings["claims"]
    lines.append(
        "- The paper's claims: "
        + "; ".join(f"{claim} {_verdicts(by_scheme)}" for claim, by_scheme in claims.items())
        + " (`tables/tab02_claims.csv` says why)."
    )
    fragile = [
        rule
        for rule in findings.get("tolerances") or []
        if rule.get("within") == CPU_DEPENDENT and str(rule.get("items", "")).startswith("claims.")
    ]
    if fragile:
        lines.append(
            "- Verdicts that depend on the CPU (two machines gave them differently; "
            "`python -m lsm verify` shows them apart): "
            + "; ".join(f"{r['items'].removeprefix('claims.')} ({r['reason']})" for r in fragile)
            + "."
        )
    if findings.get("map_evidence"):
        lines.append(f"- C4 on the maps (random runs): {findings['map_evidence']}.")
    for date, models in (findings.get("map_classes") or {}).items():
        classes = models.get(HYBRID) or {}
        if classes:
            shares = " / ".join(f"{v['area_percent']:.1f}" for v in classes.values())
            counts = " / ".join(f"{v['landslides']:,}" for v in classes.values())
            lines.append(
                f"- The CNN-LSTM's map ({date}): its {' / '.join(classes)} classes hold {shares} % of the "
                f"area and {counts} of the mapped landslides (`tables/tab03_class_shares.csv`)."
            )
    untuned = findings.get("claims_untuned") or {}
    if untuned:
        pairs = [(c, s) for c, by_scheme in claims.items() for s in by_scheme if s in untuned.get(c, {})]
        both = [(c, s) for c, s in pairs if UNTESTABLE not in (untuned[c][s], claims[c][s])]
        changed = [f"{c} ({s}: {untuned[c][s]} untuned)" for c, s in both if untuned[c][s] != claims[c][s]]
        lines.append(
            f"- Tuning changes {len(changed)} of the {len(both)} verdicts both grids can test"
            + (": " + ", ".join(changed) if changed else "")
            + " (`tables/tab06_claims_tuned_untuned.csv`)."
        )
    for name, words in REFERENCES.items():
        values = [
            f"{v[name]:.3f} ({scheme})" for scheme, v in findings.get("references", {}).items() if name in v
        ]
        if values:
            lines.append(f"- AUC of {words}: " + ", ".join(values) + ".")
    when = findings["where_when"]
    hybrid = {scheme: models[HYBRID] for scheme, models in when.items() if HYBRID in models}
    if hybrid:
        days = ", ".join(f"{v['when']:.2f}{_span(v, 'when')} ({scheme})" for scheme, v in hybrid.items())
        places = ", ".join(f"{v['where']:.2f}{_span(v, 'where')} ({scheme})" for scheme, v in hybrid.items())
        lines.append(
            f"- When against where, the CNN-LSTM's AUC: a landslide's day among other days at its place "
            f"{days}; its place among other places on its day {places}."
        )
    ablation = [
        {"scheme": scheme, "model": model, "variant": variant, **effect}
        for scheme, models in findings["time_ablation"].items()
        for model, variants in models.items()
        for variant, effect in variants.items()
    ]
    for variant, words in ABLATION_WORDS.items():
        rows = [r for r in ablation if r["variant"] == variant]
        if not rows:
            continue
        if variant.startswith("retrained"):
            full = {
                scheme: models[HYBRID]["auc"]["mean"] for scheme, models in findings["performance"].items()
            }
            effects = [
                f"{r['auc']:.3f} ({r['scheme']}; the full model {full[r['scheme']]:.3f})" for r in rows
            ]
            lines.append(f"- The CNN-LSTM {words} scores an AUC of " + "; ".join(effects) + ".")
        else:
            effects = [
                f"{_label(r['model'])} {_points(r['drop'])} [{_points(r['drop_lo'])}, "
                f"{_points(r['drop_hi'])}] ({r['scheme']})"
                for r in rows
            ]
            lines.append(f"- {words.capitalize()} costs (AUC points): " + "; ".join(effects) + ".")
    calendar = findings.get("level_calendar") or {}
    if calendar:
        lines.append(
            "- The reservoir level's change over the window alone separates landslides from negatives with "
            "an AUC (whichever way it points) of "
            + "; ".join(f"{auc:.2f} ({where})" for where, auc in calendar.items())
            + ": beyond the reach the physics gives the level no effect, so what it separates there it "
            "separates as a calendar (`metrics/level_calendar.csv`)."
        )
    lines += _realism_lines(findings.get("realism", {}))
    proximity = findings["proximity"]
    lines.append(
        "- Test landslides with a training landslide whose patch overlaps their own: "
        + "; ".join(
            f"{100 * p['share_overlapping_a_training_patch']:.0f} % ({scheme}, median distance "
            f"{p['median_distance_m']:,.0f} m)"
            for scheme, p in proximity.items()
        )
        + "."
    )
    return "\n".join(lines)


def _span(values: Mapping[str, float], name: str) -> str:
    """[lo, hi] of one where/when AUC, where the reference holds its interval (older ones do not)."""
    low, high = values.get(f"{name}_lo"), values.get(f"{name}_hi")
    return "" if low is None or high is None or math.isnan(low) else f" [{low:.2f}, {high:.2f}]"


def _realism_lines(r: Mapping[str, float]) -> list[str]:
    parts = []
    if "slope_auc" in r:
        parts.append(f"slope alone separates landslide cells with an AUC of {r['slope_auc']:.2f}")
    if "cluster_share_top10" in r:
        at_random = r.get("cluster_share_top10_random")
        parts.append(
            f"the 10 largest clusters (450 m linkage) hold {100 * r['cluster_share_top10']:.0f} % of the "
            "landslides" + (f" ({100 * at_random:.0f} % at random)" if at_random is not None else "")
        )
    if "nn_median_ratio" in r:
        parts.append(
            f"their median nearest-neighbour distance is {r['nn_median_ratio']:.2f} of a random pattern's"
        )
    if "hazard_area_share_50" in r:
        parts.append(
            f"half the true hazard lies on {100 * r['hazard_area_share_50']:.1f} % of the area and 90 % on "
            f"{100 * r['hazard_area_share_90']:.1f} %"
        )
    if "rain_3d_auc" in r:
        parts.append(
            f"the 3- and 30-day rain totals alone tell landslide days from all days with AUCs of "
            f"{r['rain_3d_auc']:.2f} and {r['rain_30d_auc']:.2f}, and {100 * r['share_on_dry_days']:.0f} % "
            "of the landslides fall on dry days"
            + (
                f", {100 * r['share_on_busiest_days']:.0f} % on the 10 busiest days"
                if "share_on_busiest_days" in r
                else ""
            )
        )
    if not parts:
        return []
    return [
        "- The inventory (`fig15_realism`, ranges in `paper/realism_ranges.yaml`): " + "; ".join(parts) + "."
    ]


def _markers(study: str) -> tuple[str, str]:
    return (
        f"<!-- findings {study}: written by `make reference`, do not edit -->",
        f"<!-- /findings {study} -->",
    )


BLOCK = re.compile(r"<!-- findings (\S+?): .*? -->\n(.*?)<!-- /findings \1 -->", re.DOTALL)


def rendered_readme(readme: str, references: Path, every_study: bool = True) -> str:
    """``readme`` with every findings block rendered from ``references/<study>.yaml`` (with
    ``every_study``, each reference must have its block here; the documentation site's pages share
    them out, :func:`update_documents`)."""
    found = {m.group(1) for m in BLOCK.finditer(readme)}
    files = {p.stem for p in references.glob("*.yaml")}
    for study in sorted(files - found if every_study else ()):
        start, end = _markers(study)
        raise InputError(
            references / f"{study}.yaml", "has no block in README.md", f"add the lines '{start}' and '{end}'"
        )

    def block(match: re.Match[str]) -> str:
        study = match.group(1)
        path = references / f"{study}.yaml"
        if not path.is_file():
            raise InputError(path, "missing, but README.md has a block for it", "run `make reference`")
        start, end = _markers(study)
        return f"{start}\n{render(read_yaml(path))}\n{end}"

    return BLOCK.sub(block, readme)


def write_reference(results: str | Path, references: Path = REFERENCE_DIR) -> Path:
    """Collect the findings of ``results`` into ``references/<study>.yaml``, keeping the file's
    ``tolerances`` block (measured and reviewed separately: ``benchmarks/cpu_spread.py``)."""
    findings = collect(results)
    path = references / f"{findings['study']}.yaml"
    tolerances = read_yaml(path).get("tolerances") if path.is_file() else None
    header = (
        f"# What the run in results/{findings['study']} says: written by `make reference` "
        "(lsm.publish.findings), never by hand;\n# the README's paragraph on the study is rendered "
        "from this file, and `python -m lsm verify` checks a run against it. Review its diff like code.\n"
    )
    body = findings | ({"tolerances": tolerances} if tolerances else {})
    write_text(path, header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True))
    return path


def update_readme(
    readme: Path,
    references: Path = REFERENCE_DIR,
    check: bool = False,
    measured: Path | None = None,
    every_study: bool = True,
) -> bool:
    """Render the README's findings blocks, its answer blocks (:mod:`lsm.publish.answer`, with the
    paper's numbers from ``reported.yaml`` beside ``references``) and its timing blocks from
    ``measured``, by default ``benchmarks/measured`` beside ``references``' ``paper/``; with ``check``,
    only say whether they are up to date."""
    from lsm.publish.answer import rendered_answers
    from lsm.publish.choices import rendered_open_choices
    from lsm.publish.configuration import rendered_configuration
    from lsm.publish.measured import rendered_blocks

    text = readme.read_text()
    new = rendered_readme(text, references, every_study)
    new = rendered_answers(new, references, references.parent / "reported.yaml")
    new = rendered_blocks(new, measured or references.parent.parent / "benchmarks" / "measured")
    new = rendered_open_choices(
        new, references.parent / "open_choices.yaml", references.parent.parent / "params.yaml"
    )
    schema = references.parent.parent / "workflow" / "schemas" / "params.schema.yaml"
    new = rendered_configuration(new, schema, references.parent.parent / "params.yaml")
    if check:
        return new == text
    if new != text:
        write_text(readme, new)
    return True


def documents(repo: Path) -> list[Path]:
    """The files that hold generated blocks: the README and the documentation site's pages."""
    return [repo / "README.md", *sorted((repo / "docs").rglob("*.md"))]


def update_documents(repo: Path, references: Path, check: bool = False) -> list[Path]:
    """Render (or, with ``check``, compare) the generated blocks of every document; the ones that
    differ. Each reference must have its findings block in one of them."""
    found = {m.group(1) for path in documents(repo) for m in BLOCK.finditer(path.read_text())}
    for study in sorted({p.stem for p in references.glob("*.yaml")} - found):
        start, end = _markers(study)
        raise InputError(
            references / f"{study}.yaml",
            "has no block in README.md or docs/",
            f"add the lines '{start}' and '{end}' to its page",
        )
    measured = repo / "benchmarks" / "measured"
    return [
        path
        for path in documents(repo)
        if not update_readme(path, references, check=check, measured=measured, every_study=False)
    ]
