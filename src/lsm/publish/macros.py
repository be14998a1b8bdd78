"""The numbers of the replication manuscript: :func:`macros` turns the workflow's metrics into LaTeX
macros (``results/<study>/paper/macros.tex``), so that every number the manuscript's text states
comes from a run and none is typed, and the flags that switch its study-dependent sentences;
:func:`provenance_tex` states what made the results (from every folder's provenance.json).

One module of about 550 lines on purpose: one small function per section of the manuscript, each
writing the macros that section reads, so that a sentence and the code of its numbers are found
together; they share the formatting and the naming rules at the top.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from lsm.data.io import read_table, read_yaml
from lsm.names import CLASS_NAMES, HYBRID, SKLEARN_MODELS
from lsm.publish.artefacts import latex_escape

DIGIT_WORDS = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]
METRIC_NAMES = {
    "accuracy": "Acc",
    "precision": "Prec",
    "recall": "Rec",
    "f1": "Fscore",
    "auc": "Auc",
    "kappa": "Kappa",
}
NOT_AVAILABLE = "n/a"


def macro_name(*parts: object) -> str:
    """A LaTeX command name from ``parts``: CamelCase letters only (digits spelled out)."""
    words = []
    for part in parts:
        for word in re.split(r"[^A-Za-z0-9]+", str(part)):
            word = "".join(DIGIT_WORDS[int(c)] if c.isdigit() else c for c in word)
            if word:
                words.append(word[0].upper() + word[1:])
    name = "".join(words)
    if not name.isalpha():
        raise ValueError(f"cannot make a macro name of {parts!r}")
    return name


def number(value: float | int | None, digits: int = 3, sign: bool = False) -> str:
    """A number for LaTeX text: fixed decimals, a true minus sign, thousands grouped with {,}."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return NOT_AVAILABLE
    text = f"{abs(value):,.{digits}f}".replace(",", "{,}")
    if value < 0 and float(text.replace("{,}", "")) != 0:
        return "$-$" + text
    return ("+" if sign else "") + text


def p_value(p: float | None) -> str:
    """A p value as the manuscript writes it (below 0.001 as <0.001)."""
    if p is None or not math.isfinite(p):
        return NOT_AVAILABLE
    return "$<$0.001" if p < 0.001 else number(p, 3)


class Macros(dict):
    r"""Macro name -> LaTeX text, refusing to define a name twice; ``flags`` become \if switches."""

    def __init__(self) -> None:
        super().__init__()
        self.flags: dict[str, bool] = {}

    def add(self, value: str, *name: object) -> None:
        """Define one macro (its name from ``name``'s parts); a name defined twice is an error."""
        key = macro_name(*name)
        if key in self:
            raise ValueError(f"macro \\{key} defined twice")
        self[key] = value

    def tex(self, source: str, rule: str = "paper_macros") -> str:
        """The macros and flags as a LaTeX file."""
        lines = [
            f"% Generated from {source}: macros the manuscript states.",
            f"% Do not edit: the `{rule}` rule rewrites it.",
        ]
        for flag, value in self.flags.items():
            lines += [f"\\newif\\if{flag}", f"\\{flag}{'true' if value else 'false'}"]
        lines += [f"\\newcommand{{\\{k}}}{{{v}}}" for k, v in self.items()]
        return "\n".join(lines) + "\n"


def _read_csv(path: Path | None) -> pd.DataFrame:
    """The table, or an empty frame where there is none (:func:`lsm.data.io.read_table`)."""
    table = read_table(path, keep_default_na=False, na_values=[""])
    return pd.DataFrame() if table is None else table


def _label(model: str) -> str:
    from lsm.names import LABELS

    return latex_escape(LABELS.get(model, model))


def macros(inputs: Mapping[str, Any], config: Mapping[str, Any], study: str) -> Macros:
    """Every number of the manuscript's text, from the workflow's outputs (see the `paper_macros`
    rule for ``inputs``) and the configuration; what a study lacks reads "n/a"."""
    from lsm.names import ALL_MODELS, SCHEMES

    m = Macros()
    reported = read_yaml(inputs["reported"])
    # Every scheme and model the manuscript may name; those a study lacks read "n/a".
    schemes = list(dict.fromkeys([*config["models"]["schemes"], *SCHEMES]))
    models = list(dict.fromkeys([*config["models"]["names"], *ALL_MODELS]))
    truth_file: Any = inputs.get("truth")  # a path, or nothing (an empty list) for a real study
    m.flags["Synthetic"] = bool(truth_file) and Path(truth_file).is_file()
    paper_macros(m, reported)
    judging_macros(m, config)
    protocol_macros(m, inputs, config, study, schemes)
    synthetic_macros(m, inputs)
    realism_macros(m, inputs)
    results = Results.read(inputs)
    m.flags["Absences"] = not results.absences.empty
    variants = set(results.ablation["variant"]) if "variant" in results.ablation else set()
    m.flags["Sequences"] = bool(variants)  # the order-of-days ablations ran: the study has series
    m.flags["Levels"] = any("level" in v for v in variants)
    for scheme in schemes:
        performance_macros(m, results, scheme, models)
        reference_macros(m, results, scheme)
        ablation_macros(m, results, scheme)
        claim_macros(m, results, scheme, reported["claims"])
    _map_macros(m, inputs, models)
    tuning_macros(m, inputs)
    if inputs.get("open_choices"):
        from lsm.evaluate.open_choices import load_open_choices
        from lsm.publish.choices import latex_table

        m.add(latex_table(load_open_choices(inputs["open_choices"], config)), "OpenChoicesTable")
    return m


def tuning_macros(m: Macros, inputs: Mapping[str, Any]) -> None:
    """How many verdicts tuning changes (tab06), where the run tuned its models."""
    table = _read_csv(inputs.get("claims_both_ways"))
    changed = table["changed"] if not table.empty else pd.Series(dtype=str)
    m.add(str(int((changed == "yes").sum())) if len(changed) else NOT_AVAILABLE, "NumClaimsChangedByTuning")
    comparable = int(changed.isin(["yes", "no"]).sum())
    m.add(str(comparable) if len(changed) else NOT_AVAILABLE, "NumClaimsComparableByTuning")


def paper_macros(m: Macros, reported: Mapping[str, Any]) -> None:
    """The paper's own numbers (paper/reported.yaml), labelled ``Paper...``."""
    m.add(latex_escape(str(reported["reported_by"])), "PaperCitation")
    m.add(latex_escape(str(reported["doi"])), "PaperDoi")
    for model, values in reported["models"].items():
        for metric, entry in values.items():
            if metric in METRIC_NAMES:
                m.add(number(entry["value"], 3), "Paper", METRIC_NAMES[metric], model)
    auc = {model: reported["models"][model]["auc"]["value"] for model in (HYBRID, "rf")}
    m.add(number(100 * (auc[HYBRID] - auc["rf"]), 0), "PaperGainPoints")
    for name, entry in reported.get("class_shares_percent", {}).items():
        m.add(number(entry["value"], 1), "PaperShare", name)
    m.add(str(len(reported["claims"])), "NumClaims")


def judging_macros(m: Macros, config: Mapping[str, Any]) -> None:
    """How claims are judged: the settings of params.yaml ``evaluation:`` and the fixed protocol."""
    from lsm.evaluate.runs import FEW_SEEDS
    from lsm.metrics import INTERVAL_LEVEL, THRESHOLD

    evaluation = config["evaluation"]
    m.add(number(100 * evaluation["gain_needed"], 0), "GainNeededPoints")
    m.add(f"{evaluation['alpha']:g}", "AlphaLevel")
    m.add(number(config["tuning"]["trials"], 0), "TuningTrials")
    m.flags["Tuned"] = config["tuning"]["trials"] > 0
    m.add(number(evaluation["bootstrap"], 0), "BootstrapReplicates")
    m.add(number(evaluation["reservoir_reach_m"], 0), "ReservoirReachM")
    m.add(number(100 * INTERVAL_LEVEL, 0), "IntervalPercent")
    m.add(f"{THRESHOLD:g}", "Threshold")
    m.add(str(FEW_SEEDS), "FewSeeds")


def protocol_macros(
    m: Macros, inputs: Mapping[str, Any], config: Mapping[str, Any], study: str, schemes: list[str]
) -> None:
    """The study, its grid, the samples, the splits and the models' settings."""
    sampling, torch_cfg = config["sampling"], config["models"]["torch"]
    m.add(latex_escape(study), "StudyName")
    grid = _grid(inputs.get("factors"))
    cell = grid.get("cell") or config["grid"].get("resolution_m")
    m.add(number(cell, 0), "CellSizeM")
    m.add(number(grid.get("area_km2"), 0), "AreaKm")
    m.add(number(grid.get("rows"), 0), "GridRows")
    m.add(number(grid.get("cols"), 0), "GridCols")
    for key, name in (("patch_size", "PatchSize"), ("window_days", "WindowDays")):
        m.add(number(sampling[key], 0), name)
    m.add(number(sampling["patch_size"] * cell, 0) if cell else NOT_AVAILABLE, "PatchSizeM")
    m.add(number(sampling["negative_ratio"], 0), "NegativeRatio")
    m.add(number(sampling["buffer_days"], 0), "BufferDays")
    m.add(number(sampling["season_days"], 0), "SeasonDays")
    m.add(number(100 * config["splits"]["test_fraction"], 0), "TestPercent")
    m.add(number(config["splits"]["spatial_block_m"] / 1000, 1), "SpatialBlockKm")
    m.add(str(len(config["models"]["names"])), "NumModels")
    m.add(str(len(config["models"]["schemes"])), "NumSchemes")
    m.add(str(len(config["models"]["seeds"])), "NumSeeds")
    for key, name in (("epochs", "Epochs"), ("patience", "Patience"), ("batch_size", "BatchSize")):
        m.add(number(torch_cfg[key], 0), name)
    m.add(f"{torch_cfg['learning_rate']:g}", "LearningRate")
    m.add(f"{torch_cfg['weight_decay']:g}", "WeightDecay")
    m.add(number(100 * torch_cfg["validation_fraction"], 0), "ValidationPercent")
    m.add(" and ".join(str(c) for c in torch_cfg["conv_channels"]), "ConvChannels")
    m.add(str(len(torch_cfg["conv_channels"])), "NumConv")
    m.add(number(torch_cfg["lstm_hidden"], 0), "LstmUnits")
    m.add(number(torch_cfg["dense_units"], 0), "DenseUnits")
    m.add(f"{torch_cfg['dropout']:g}", "Dropout")
    m.add(number(config["models"]["rf"]["n_estimators"], 0), "RfTrees")
    m.add(number(config["models"]["dt"]["max_depth"], 0), "DtDepth")
    sample_macros(m, inputs, schemes)


def sample_macros(m: Macros, inputs: Mapping[str, Any], schemes: list[str]) -> None:
    """What sampling and splitting did (samples/summary.json, balance.csv, splits.json)."""
    summary = json.loads(Path(inputs["samples_summary"]).read_text())
    negatives = sum(summary.get("negatives_by_kind", {}).values())
    m.add(str(len(summary.get("factors", []))), "NumFactors")
    m.add(number(summary.get("buffer_m"), 0), "BufferM")
    m.add(number(summary.get("samples"), 0), "NumSamples")
    m.add(number(summary.get("positives"), 0), "NumPositives")
    m.add(number(negatives, 0), "NumNegatives")
    m.add(number(summary.get("landslides_in_inventory"), 0), "NumInventory")
    m.add(number(sum(summary.get("landslides_left_out", {}).values()), 0), "NumLeftOut")
    m.add(str(len(summary.get("channels", []))), "NumChannels")
    m.add(str(len(summary.get("sequence_features", []))), "NumSeriesFeatures")
    balance = _read_csv(inputs.get("balance")).set_index("kind") if inputs.get("balance") else pd.DataFrame()
    wet = [f"month_{k:02d}_share" for k in (12, 1, 2, 3, 4)]  # the wet season of Kerman, Dec-Apr
    for kind in ("positive", "same_place", "same_time", "random"):
        row = balance.loc[kind] if kind in balance.index else None
        share = None if row is None or row[wet].isna().all() else 100 * float(row[wet].sum())
        m.add(number(share, 0), "WetSeasonPercent", kind)
        rain = (
            None if row is None or "rain_window_median_mm" not in row else float(row["rain_window_median_mm"])
        )
        m.add(number(rain, 0), "RainWindowMedianMm", kind)
    splits = json.loads(Path(inputs["splits_info"]).read_text())
    m.add(
        number(100 * splits["tolerance"], 0) if "tolerance" in splits else NOT_AVAILABLE,
        "SplitTolerancePoints",
    )
    for scheme in schemes:
        part = splits.get(scheme, {})
        for name in ("train", "test", "buffer"):
            m.add(number(part.get(name), 0), "Split", scheme, name)
        m.add(
            number(
                None if "test_fraction_positives" not in part else 100 * part["test_fraction_positives"], 0
            ),
            "SplitTestPercent",
            scheme,
        )
    runs = _read_csv(inputs["runs"])
    m.add(number(len(runs), 0), "NumRuns")
    skipped = json.loads(Path(inputs["skipped"]).read_text()) if inputs.get("skipped") else {}
    m.add(str(len(skipped.get("models", {}))), "NumSkippedModels")


def synthetic_macros(m: Macros, inputs: Mapping[str, Any]) -> None:
    """Facts of the generated study (truth/summary.json) and its realism report."""
    truth_file: Any = inputs.get("truth")  # a path, or nothing (an empty list) for a real study
    truth = json.loads(Path(truth_file).read_text()) if truth_file and Path(truth_file).is_file() else {}
    for key, name in (
        ("years", "SynthYears"),
        ("true_events", "SynthTrueEvents"),
        ("inventory_events", "SynthInventoryEvents"),
        ("mean_annual_rain_mm", "SynthRainMm"),
        ("rain_30d_mm_before_events", "SynthRainBeforeEventsMm"),
        ("rain_30d_mm_climatology", "SynthRainClimatologyMm"),
    ):
        m.add(number(truth.get(key), 0), name)
    rate = truth.get("detection_rate")
    m.add(number(None if rate is None else 100 * rate, 0), "SynthDetectionPercent")


def realism_macros(m: Macros, inputs: Mapping[str, Any]) -> None:
    """The study's realism beside the first reference study and the published ranges."""
    from lsm.data.realism import literature_ranges, metric_value

    path, ranges_path = inputs.get("realism"), inputs.get("realism_ranges")
    realism = json.loads(Path(path).read_text()) if path and Path(path).is_file() else {}
    study = realism.get("study", {})
    reference: dict[str, Any] = next(iter(realism.get("references", {}).values()), {})
    ranges = literature_ranges(ranges_path)["metrics"] if ranges_path else {}

    def value(report: dict, key: str, scale: float = 1.0, digits: int = 2) -> str:
        v = metric_value(report, key) if report else None
        return number(None if v is None else scale * v, digits)

    m.add(value(study, "factor_auc.slope.auc"), "RealismSlopeAuc")
    m.add(value(reference, "factor_auc.slope.auc"), "RealismSlopeAucReference")
    m.add(value(study, "truth.area_share_hazard_50", 100, 1), "RealismHazardFiftyPercent")
    m.add(value(study, "truth.area_share_hazard_90", 100, 1), "RealismHazardNinetyPercent")
    m.add(value(study, "nn_median_ratio"), "RealismNnRatio")
    for key, name, scale, digits in (
        ("slope_auc", "RangeSlopeAuc", 1, 2),
        ("nn_median_ratio", "RangeNnRatio", 1, 2),
        ("area_share_hazard_50", "RangeHazardFifty", 100, 1),
        ("area_share_hazard_90", "RangeHazardNinety", 100, 0),
    ):
        entry = ranges.get(key)
        text = NOT_AVAILABLE
        if entry is not None:
            low, high = entry["range"]
            text = f"{number(scale * low, digits)}--{number(scale * high, digits)}"
        m.add(text, name)


@dataclass
class Results:
    """The evaluation's tables (metrics/), read once."""

    summary: pd.DataFrame
    comparisons: pd.DataFrame
    references: pd.DataFrame
    ablation: pd.DataFrame
    where_when: pd.DataFrame
    claims: pd.DataFrame
    proximity: pd.DataFrame
    absences: pd.DataFrame

    @classmethod
    def read(cls, inputs: Mapping[str, Any]) -> Results:
        """The tables the manuscript's numbers come from."""
        names = (
            "summary",
            "comparisons",
            "references",
            "ablation",
            "where_when",
            "claims",
            "proximity",
            "absences",
        )
        return cls(*(_read_csv(inputs.get(name)) for name in names))

    def stat(self, scheme: str, model: str, metric: str) -> pd.Series | None:
        """The summary row of one model, scheme and metric, or None."""
        return _row(self.summary, scheme=scheme, model=model, metric=metric)


def performance_macros(m: Macros, results: Results, scheme: str, models: list[str]) -> None:
    """Every model's metrics under one scheme, the best baseline and the gain over it."""
    for model in models:
        for metric, short in METRIC_NAMES.items():
            s = results.stat(scheme, model, metric)
            m.add(number(None if s is None else s["mean"]), short, scheme, model)
        s = results.stat(scheme, model, "auc")
        ci = NOT_AVAILABLE if s is None else f"{number(s['mean'])} [{number(s['lo'])}, {number(s['hi'])}]"
        m.add(ci, "AucCI", scheme, model)
        absences = results.absences
        part = (
            absences[(absences["scheme"] == scheme) & (absences["model"] == model)]
            if not absences.empty
            else absences
        )
        m.add(number(None if part.empty else float(part["auc_absences"].mean())), "AbsenceAuc", scheme, model)
    stats = {model: results.stat(scheme, model, "auc") for model in models}
    aucs = {k: float(v["mean"]) for k, v in stats.items() if v is not None}
    baselines = {k: v for k, v in aucs.items() if k != HYBRID}
    best = max(baselines, key=baselines.__getitem__) if baselines else None
    m.add(_label(best) if best else NOT_AVAILABLE, "BestBaseline", scheme)
    m.add(number(baselines[best] if best else None), "BestBaselineAuc", scheme)
    top = max(aucs, key=aucs.__getitem__) if aucs else None
    m.add(_label(top) if top else NOT_AVAILABLE, "TopModel", scheme)
    traditional = {k: v for k, v in aucs.items() if k in SKLEARN_MODELS}
    best_t = max(traditional, key=traditional.__getitem__) if traditional else None
    m.add(_label(best_t) if best_t else NOT_AVAILABLE, "BestTraditional", scheme)
    gain = aucs[HYBRID] - traditional[best_t] if best_t and HYBRID in aucs else None
    m.add(number(None if gain is None else 100 * gain, 1, sign=True), "GainPoints", scheme)
    comparison_macros(m, results, scheme, models)


def comparison_macros(m: Macros, results: Results, scheme: str, models: list[str]) -> None:
    """The tests of the CNN-LSTM against each baseline: the verdict's p and how many it beats."""
    c = results.comparisons
    part = c[c["scheme"] == scheme] if not c.empty else c
    supported = 0
    for model in (m_ for m_ in models if m_ != HYBRID):
        row = _row(part, baseline=model)
        m.add(p_value(None if row is None else float(row["p"])), "PTest", scheme, model)
        m.add(p_value(None if row is None else float(row["delong_p"])), "PDelong", scheme, model)
        supported += row is not None and row["verdict"] == "supported"
    m.add(str(supported) if not part.empty else NOT_AVAILABLE, "NumSignificantlyBeaten", scheme)
    m.add(str(len(part)) if not part.empty else NOT_AVAILABLE, "NumBaselines", scheme)
    prox = _row(results.proximity, scheme=scheme)
    m.add(number(None if prox is None else float(prox["median_distance_m"]), 0), "TestNearestTrainM", scheme)
    share = None if prox is None else 100 * float(prox["share_patch_overlaps_training_landslide"])
    m.add(number(share, 0), "TestPatchOverlapPercent", scheme)


def reference_macros(m: Macros, results: Results, scheme: str) -> None:
    """The physics reference and the static ceiling (generated studies)."""
    for column, name in (
        ("physics_reference_auc", "PhysicsReferenceAuc"),
        ("static_ceiling_auc", "StaticCeilingAuc"),
    ):
        row = _row(results.references, scheme=scheme)
        m.add(number(None if row is None or column not in row else float(row[column])), name, scheme)
    for model in (HYBRID, "cnn", "rf"):
        w = _row(results.where_when, scheme=scheme, model=model)
        for column, name in (("when_auc_same_place", "WhenAuc"), ("where_auc_same_day", "WhereAuc")):
            m.add(number(None if w is None else float(w[column])), name, scheme, model)


ABLATIONS = {
    "shuffled_rain_days": "ShuffledRain",
    "shuffled_level_days": "ShuffledLevel",
    "retrained_rain_totals_only": "RainTotals",
    "retrained_level_totals_only": "LevelTotals",
}


def ablation_macros(m: Macros, results: Results, scheme: str) -> None:
    """What the CNN-LSTM loses without the order of days of each series (AUC points, interval)."""
    for variant, name in ABLATIONS.items():
        a = _row(results.ablation, scheme=scheme, model=HYBRID, variant=variant)
        points = {k: None if a is None else 100 * float(a[k]) for k in ("drop", "drop_lo", "drop_hi")}
        m.add(number(points["drop"], 1), "Drop", name, scheme)
        interval = f"[{number(points['drop_lo'], 1)}, {number(points['drop_hi'], 1)}]"
        m.add(NOT_AVAILABLE if a is None else interval, "DropCI", name, scheme)


def claim_macros(m: Macros, results: Results, scheme: str, claims: Mapping[str, str]) -> None:
    """The verdict of every claim under one scheme and how many are supported."""
    column = f"verdict_{scheme}"
    supported = 0
    for claim in claims:
        row = _row(results.claims, claim=claim)
        verdict = str(row[column]) if row is not None and column in row else NOT_AVAILABLE
        supported += verdict == "supported"
        m.add(latex_escape(verdict), "Verdict", claim, scheme)
    m.add(str(supported) if column in results.claims else NOT_AVAILABLE, "NumClaimsSupported", scheme)


def _row(frame: pd.DataFrame, **equal: object) -> pd.Series | None:
    """The first row of ``frame`` whose columns equal ``equal``, or None."""
    if frame.empty or any(k not in frame for k in equal):
        return None
    mask = pd.Series(True, index=frame.index)
    for key, value in equal.items():
        mask &= frame[key] == value
    return None if not mask.any() else frame[mask].iloc[0]


def _grid(factors: Path | None) -> dict[str, float]:
    if not factors or not Path(factors).is_file():
        return {}
    import numpy as np
    import rasterio

    with rasterio.open(factors) as src:
        valid = src.read_masks(1) > 0
        cell = float(src.res[0])
        return {
            "cell": cell,
            "rows": src.height,
            "cols": src.width,
            "area_km2": float(np.count_nonzero(valid)) * cell * float(src.res[1]) / 1e6,
        }


def _map_macros(m: Macros, inputs: Mapping[str, Any], models: list[str]) -> None:
    """Class shares, rate-curve AUCs and importance of the maps (first reference date)."""
    shares = _read_csv(inputs.get("map_shares"))
    summary = _read_csv(inputs.get("map_summary"))
    importance = _read_csv(inputs.get("importance"))
    first = None if summary.empty else summary.iloc[0]
    date_label = None if first is None else first["date_label"]
    m.add(NOT_AVAILABLE if first is None else latex_escape(str(first["date"])), "MapDate")
    for model in models:
        s = _row(summary, model=model, date_label=date_label)
        for column, name in (("success_rate_auc", "SuccessAuc"), ("prediction_rate_auc", "PredictionAuc")):
            m.add(number(None if s is None else float(s[column])), name, model)
        for cls in CLASS_NAMES:
            row = _row(shares, model=model, date_label=date_label, **{"class": cls})
            columns = ("share_percent", "landslide_share_percent", "density_per_km2")
            value = {k: None if row is None else float(row[k]) for k in columns}
            m.add(number(value["share_percent"], 1), "MapShare", cls, model)
            m.add(number(value["landslide_share_percent"], 1), "MapLandslidePercent", cls, model)
            m.add(number(value["density_per_km2"], 2), "MapDensity", cls, model)
        imp = importance[importance["model"] == model] if not importance.empty else importance
        top = None if imp.empty else imp.sort_values("drop_mean", ascending=False).iloc[0]
        m.add(
            NOT_AVAILABLE if top is None else latex_escape(str(top["group"]).replace("_", " ")),
            "TopFactor",
            model,
        )
        m.add(number(None if top is None else 100 * float(top["drop_mean"]), 1), "TopFactorDrop", model)
        for group in ("slope", "rain", "reservoir_level", "erg"):
            g = _row(importance, model=model, group=group)
            m.add(
                number(None if g is None else 100 * float(g["drop_mean"]), 1), "ImportanceDrop", group, model
            )


# -- provenance: what made the results ------------------------------------------------------------
def _package_version(manifest: Mapping[str, Any], package: str) -> str | None:
    return manifest.get("packages", {}).get(package)


def _grouped(manifests: list[Mapping[str, Any]], value: Callable[[Mapping[str, Any]], Any]) -> str:
    """One value if every folder agrees, else each value with the folders that have it."""
    groups: dict[str, list[str]] = {}
    for m in manifests:
        groups.setdefault(str(value(m)), []).append(m["folder"])
    if len(groups) == 1:
        return next(iter(groups))
    return "; ".join(f"{text} ({', '.join(folders)})" for text, folders in groups.items())


def _short(digest: str) -> str:
    """The first 12 characters of a commit or digest (a sentence such as "unknown (...)" stays)."""
    return digest if " " in digest else digest[:12]


def provenance_tex(manifests: Iterable[Mapping[str, Any]]) -> str:
    """LaTeX macros stating the provenance of the results (for the manuscript's last section)."""
    manifests = sorted(manifests, key=lambda m: m["folder"])
    if not manifests:
        raise ValueError("no provenance manifests")
    macros = Macros()
    macros.add(latex_escape(_grouped(manifests, lambda m: _short(m["git_commit"]))), "ProvCommit")
    dirty = [m["folder"] for m in manifests if m.get("git_dirty")]
    unknown = [m["folder"] for m in manifests if m.get("git_dirty") is None]
    if dirty:
        state = f"with uncommitted changes ({', '.join(dirty)})"
    elif unknown:
        state = "outside a git repository, so without a record of uncommitted changes"
    else:
        state = "with no uncommitted changes"
    macros.add(latex_escape(state), "ProvDirty")
    macros.add(latex_escape(_grouped(manifests, lambda m: _short(m["params_sha256"]))), "ProvParams")
    macros.add("SHA-256", "ProvDigestName")
    macros.add(latex_escape(_grouped(manifests, lambda m: m["python"])), "ProvPython")
    for package, name in (("torch", "Torch"), ("scikit-learn", "Sklearn"), ("snakemake", "Snakemake")):
        version = _grouped(manifests, partial(_package_version, package=package))
        macros.add(latex_escape(version), "ProvVersion", name)
    macros.add(latex_escape(", ".join(m["folder"] for m in manifests)), "ProvFolders")
    return macros.tex("the provenance.json of every results folder", rule="paper_provenance")
