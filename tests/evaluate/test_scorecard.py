"""The scorecard: verdicts follow the tests, the tests compare the quantity the tables report, the
ablations make windows that could occur, C4 is judged on the map, and the paper's values come from
reported.yaml labelled as Kerman's."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.metrics import roc_auc_score

from lsm.data.samples import Absences, SampleSet
from lsm.data.sequences import window_totals_only
from lsm.evaluate.ablation import shuffle_series
from lsm.evaluate.absences import absence_split
from lsm.evaluate.claims import judge_claims
from lsm.evaluate.comparisons import HeldOut, compare
from lsm.evaluate.reported import load_reported_metrics
from lsm.evaluate.runs import Runs, summarise_runs
from lsm.evaluate.scorecard import PAPER_COLUMN, performance_table
from lsm.evaluate.settings import EvaluationSettings
from lsm.maps.contrast import MapLayers, contrast
from lsm.names import CONTRADICTED, NOT_SIGNIFICANT, SUPPORTED, TEST, TRAIN, UNTESTABLE
from tests.helpers import REPO, from_params

MODELS = ["cnn_lstm", "cnn", "lstm", "svm", "dt", "rf", "mlp"]
SETTINGS = from_params(EvaluationSettings, "evaluation", bootstrap=500)
NAMES = ["rain_mm", "rain_change_mm", "level_m", "level_change_m"]


def crafted(aucs: dict[str, float], low: float, high: float, p: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A summary and comparisons as the evaluation writes them; every difference gets the bootstrap
    interval [difference + low, difference + high] and the verdict's p."""
    from lsm.evaluate.comparisons import verdict_of

    summary = pd.DataFrame(
        [
            {"scheme": "random", "model": m, "metric": "auc", "mean": a, "lo": a - 0.01, "hi": a + 0.01}
            for m, a in aucs.items()
        ]
    )
    rows = []
    for m, a in aucs.items():
        if m == "cnn_lstm":
            continue
        d = aucs["cnn_lstm"] - a
        rows.append(
            {
                "scheme": "random",
                "baseline": m,
                "auc_baseline": a,
                "difference": d,
                "boot_low": d + low,
                "boot_high": d + high,
                "gain_low": d + low,
                "gain_high": d + high,
                "p": p,
                "verdict": verdict_of(d, p, 0.05),
            }
        )
    return summary, pd.DataFrame(rows)


def verdicts(claims) -> dict[str, str]:
    return {c["claim"]: c["verdict"] for c in claims}


MAP = pd.DataFrame(
    {
        "source": "model",
        "quantity": ["slope_deg", "rain_window_mm", "reservoir_exposure_m"],
        "mean_high": [33.0, 70.0, 2.0],
        "mean_rest": [25.0, 15.0, 0.5],
        "difference": [8.0, 55.0, 1.5],
        "low": [5.0, 40.0, 0.8],
        "high": [11.0, 70.0, 2.1],
        "p": [0.001, 0.001, 0.001],
    }
)


def test_claims_are_supported_when_the_cnn_lstm_wins_clearly() -> None:
    aucs = dict(zip(MODELS, [0.98, 0.85, 0.90, 0.88, 0.86, 0.92, 0.90], strict=True))
    summary, comparisons = crafted(aucs, -0.005, 0.01, p=0.001)  # the gain over RF: [+5.5, +7]
    v = verdicts(judge_claims(summary, comparisons, MAP, "random", SETTINGS))
    assert v == {"C1": SUPPORTED, "C2": SUPPORTED, "C3": SUPPORTED, "C4": SUPPORTED}


def test_significantly_lower_is_contradicted_and_higher_but_unclear_is_not_significant() -> None:
    aucs = dict(zip(MODELS, [0.93, 0.85, 0.90, 0.88, 0.86, 0.95, 0.90], strict=True))  # RF beats it
    summary, comparisons = crafted(aucs, -0.01, 0.01, p=0.001)
    gentle = MAP.assign(low=[-9.0, 40.0, 0.8], high=[-1.0, 70.0, 2.1], difference=[-5.0, 55.0, 1.5])
    v = verdicts(judge_claims(summary, comparisons, gentle, "random", SETTINGS))
    assert v["C1"] == CONTRADICTED and v["C2"] == CONTRADICTED and v["C4"] == CONTRADICTED
    assert v["C3"] == SUPPORTED  # it still beats both branches
    summary, comparisons = crafted(aucs | {"rf": 0.92}, -0.03, 0.05, p=0.2)
    v = verdicts(judge_claims(summary, comparisons, MAP, "random", SETTINGS))
    assert v["C1"] == NOT_SIGNIFICANT and v["C3"] == NOT_SIGNIFICANT
    assert v["C2"] == NOT_SIGNIFICANT  # +1 point, interval [-2, +6]: straddles the +5 judged against
    summary, comparisons = crafted(aucs | {"rf": 0.92}, -0.03, 0.03, p=0.2)
    v = verdicts(judge_claims(summary, comparisons, MAP, "random", SETTINGS))
    assert v["C2"] == CONTRADICTED  # +1 point, interval [-2, +4]: a gain of 5 points is ruled out


def test_each_claim_adjusts_over_its_own_family() -> None:
    """ "Beats every baseline" is supported only if each comparison is significant on its own (an
    intersection-union test: no correction); "contradicted" needs one baseline significantly better
    after Holm over the claim's own family: six baselines for C1, the two branches for C3."""
    aucs = dict(zip(MODELS, [0.93, 0.90, 0.95, 0.88, 0.86, 0.92, 0.90], strict=True))  # the LSTM wins
    summary, comparisons = crafted(aucs, -0.01, 0.01, p=0.02)
    v = verdicts(judge_claims(summary, comparisons, MAP, "random", SETTINGS))
    # p 0.02: Holm over C3's two makes 0.04 (contradicted), over C1's six 0.12 (not significant).
    assert v["C3"] == CONTRADICTED and v["C1"] == NOT_SIGNIFICANT
    why = {c["claim"]: c["why"] for c in judge_claims(summary, comparisons, MAP, "random", SETTINGS)}
    assert why["C3"] == "significantly the other way after Holm over the 2 comparisons: LSTM (standalone)"
    assert why["C1"] == (
        "1 of the 6 comparisons not significantly better on their own: LSTM (standalone) (lower, p 0.02)"
    )
    assert why["C2"].startswith("the gain's interval") and why["C4"].startswith("every one of the 3 parts")
    aucs = dict(zip(MODELS, [0.98, 0.85, 0.90, 0.88, 0.86, 0.92, 0.90], strict=True))
    summary, comparisons = crafted(aucs, -0.01, 0.01, p=0.04)
    v = verdicts(judge_claims(summary, comparisons, MAP, "random", SETTINGS))
    assert v["C1"] == SUPPORTED and v["C3"] == SUPPORTED  # each at 0.04 < alpha, no correction


def test_a_claim_without_its_models_says_why_it_cannot_be_tested() -> None:
    aucs = dict(zip(MODELS[3:], [0.88, 0.86, 0.92, 0.90], strict=True))
    summary = pd.DataFrame(
        [
            {"scheme": "random", "model": m, "metric": "auc", "mean": a, "lo": a, "hi": a}
            for m, a in aucs.items()
        ]
    )
    claims = judge_claims(
        summary,
        pd.DataFrame(),
        None,
        "random",
        SETTINGS,
        skipped={"cnn_lstm": "the study has no rainfall.nc"},
    )
    assert set(verdicts(claims).values()) == {UNTESTABLE}
    assert all("the study has no rainfall.nc" in c["evidence"] for c in claims)
    spatial = judge_claims(summary, pd.DataFrame(), MAP, "spatial", SETTINGS, map_scheme="random")
    assert "maps are made from the random runs" in spatial[3]["evidence"]


def seed_runs(tmp_path: Path, ids: np.ndarray, labels: np.ndarray, scores: dict[str, np.ndarray]) -> Runs:
    rows = []
    for model, matrix in scores.items():
        for seed, row in enumerate(matrix, start=1):
            folder = tmp_path / "random" / model / f"seed{seed}"
            folder.mkdir(parents=True)
            pd.DataFrame({"sample_id": ids, "probability": row, "label": labels}).to_csv(
                folder / "predictions.csv", index=False
            )
            rows.append({"scheme": "random", "model": model, "seed": seed, "auc": roc_auc_score(labels, row)})
    return Runs(pd.DataFrame(rows), tmp_path)


def test_the_comparison_tests_the_seed_mean_auc_the_tables_report(tmp_path: Path) -> None:
    """Seeds whose errors are independent make an ensemble better than each seed; seeds that share
    their errors do not. So the ensemble of the first beats the second's, while the mean of its
    per-seed AUCs (what tab01 reports) is lower: the test must compare the latter, with the sign the
    tables show."""
    rng = np.random.default_rng(0)
    n = 4000
    labels = np.r_[np.ones(n // 2), np.zeros(n // 2)].astype(int)
    shared = rng.normal(0, 1.3, n)
    steady = np.vstack([labels + shared + rng.normal(0, 0.05, n) for _ in range(2)])
    erratic = np.vstack([labels + rng.normal(0, 1.5, n) for _ in range(2)])
    ids = np.array([f"S{i:05d}" for i in range(n)])
    runs = seed_runs(tmp_path, ids, labels, {"cnn_lstm": erratic, "svm": steady})
    ensemble = roc_auc_score(labels, erratic.mean(0)) - roc_auc_score(labels, steady.mean(0))
    seed_mean = np.mean([roc_auc_score(labels, r) for r in erratic]) - np.mean(
        [roc_auc_score(labels, r) for r in steady]
    )
    assert ensemble > 0 > seed_mean  # the crafted case: the two objects disagree in sign
    tests = HeldOut(pd.Index(ids), labels, np.arange(n) // 4)
    row = compare(runs, tests, "random", "cnn_lstm", "svm", SETTINGS)
    assert row["difference"] == pytest.approx(seed_mean, abs=1e-12)
    assert row["ensemble_difference"] == pytest.approx(ensemble, abs=1e-12)  # reported beside it
    summary = summarise_runs(
        runs.table.assign(**{m: 0.5 for m in ("accuracy", "precision", "recall", "f1", "kappa")})
    )
    tab01 = summary[(summary["model"] == "cnn_lstm") & (summary["metric"] == "auc")]["mean"].iloc[0]
    assert row["auc_reference"] == pytest.approx(tab01, abs=1e-12)


def test_clustered_positives_widen_the_test_beyond_delong(tmp_path: Path) -> None:
    """Positives in a few tight clusters whose scores share a cluster effect: DeLong, blind to the
    clusters, calls a chance difference significant; the cluster bootstrap does not."""
    rng = np.random.default_rng(3)
    clusters_pos, per = 8, 40
    labels = np.r_[np.ones(clusters_pos * per), np.zeros(clusters_pos * per)].astype(int)
    cluster = np.r_[
        np.repeat(np.arange(clusters_pos), per), clusters_pos + np.arange(clusters_pos * per) // 4
    ]
    effect_a, effect_b = rng.normal(0, 1, clusters_pos), rng.normal(0, 1, clusters_pos)
    base = labels * 1.0
    a = base + np.r_[np.repeat(effect_a, per), np.zeros(clusters_pos * per)] + rng.normal(0, 0.3, labels.size)
    b = base + np.r_[np.repeat(effect_b, per), np.zeros(clusters_pos * per)] + rng.normal(0, 0.3, labels.size)
    ids = np.array([f"S{i:04d}" for i in range(labels.size)])
    runs = seed_runs(tmp_path, ids, labels, {"cnn_lstm": a[None], "rf": b[None]})
    row = compare(runs, HeldOut(pd.Index(ids), labels, cluster), "random", "cnn_lstm", "rf", SETTINGS)
    assert row["delong_p"] < 0.01
    assert row["boot_p"] > 0.05
    assert row["boot_high"] - row["boot_low"] > 2 * (abs(row["difference"]) / abs(row["delong_z"])) * 1.96


def test_spatial_absences_count_where_their_nearest_sample_is_held_out() -> None:
    """West half trained, east half tested: an absence counts under ``spatial`` by where it lies
    (its own x, y), whatever its row and column say about the samples' grid."""
    import geopandas as gpd

    xs = np.array([100.0, 400.0, 1900.0, 2200.0])
    table = gpd.GeoDataFrame({"sample_id": ["S1", "S2", "S3", "S4"]}, geometry=gpd.points_from_xy(xs, xs * 0))
    absences = pd.DataFrame(
        {"absence_id": ["A1", "A2", "A3"], "row": [0, 0, 0], "col": [0, 0, 0], "x": [150.0, 2000.0, 1200.0]}
    ).assign(y=[10.0, -10.0, 0.0])
    samples = SampleSet(
        table,
        np.zeros(0),
        None,
        np.zeros(0),
        [],
        [],
        [],
        {},
        Absences(absences, np.zeros(0), np.zeros(0), {}),
    )
    splits = pd.DataFrame({"spatial": [TRAIN, TRAIN, TEST, TEST]})
    assert absence_split(samples, splits, "spatial").tolist() == [False, True, True]
    assert absence_split(samples, splits, "random").all()
    assert not absence_split(samples, splits, "temporal").any()


def test_scrambled_windows_are_windows_that_could_occur() -> None:
    """Rain rotated: each window keeps its days' amounts (a storm moves to another day) and its
    change is recomputed; the level swapped for another window of the same month, level and change
    together, so no daily change appears that the record does not hold; the other series untouched."""
    rng = np.random.default_rng(1)
    n = 12
    before = rng.normal(1500, 5, (n, 1))
    level = before + np.cumsum(rng.normal(0, 1, (n, 30)), axis=1)
    rain = rng.gamma(0.5, 5, (n, 31))
    seq = np.stack(
        [rain[:, 1:], np.diff(rain, axis=1), level, np.diff(np.concatenate([before, level], axis=1), axis=1)],
        axis=-1,
    )
    months = np.array([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4])
    swapped = shuffle_series(seq, NAMES, "level", seed=2, months=months)
    np.testing.assert_array_equal(swapped[:, :, :2], seq[:, :, :2])  # rain untouched
    for i in range(n):  # each window is a whole window of its own month, level and change together
        donors = [
            j for j in np.flatnonzero(months == months[i]) if np.array_equal(swapped[i, :, 2:], seq[j, :, 2:])
        ]
        assert donors, i
    assert not np.allclose(swapped[:, :, 2], seq[:, :, 2])
    np.testing.assert_array_equal(swapped[11], seq[11])  # alone in its month: its own window
    rotated = shuffle_series(seq, NAMES, "rain", seed=2)
    np.testing.assert_array_equal(rotated[:, :, 2:], seq[:, :, 2:])  # level untouched
    for i in range(n):  # a rotation by 1..29 days: the same sequence, circularly shifted
        shifts = [k for k in range(1, 30) if np.allclose(np.roll(seq[i, :, 0], k), rotated[i, :, 0])]
        assert shifts, i
    recomputed = np.diff(np.concatenate([rain[:, :1], rotated[:, :, 0]], axis=1), axis=1)
    np.testing.assert_allclose(rotated[:, :, 1], recomputed, atol=1e-9)
    totals = window_totals_only(seq, NAMES, "rain")
    np.testing.assert_allclose(totals[:, :, 0].sum(axis=1), seq[:, :, 0].sum(axis=1))
    assert (totals[:, :, 1] == 0).all() and np.ptp(totals[:, :, 0], axis=1).max() == 0
    np.testing.assert_array_equal(totals[:, :, 2:], seq[:, :, 2:])


def test_c4_on_a_map_where_slope_decides_the_high_class() -> None:
    rng = np.random.default_rng(4)
    shape = (120, 120)
    y, x = np.mgrid[0 : shape[0], 0 : shape[1]] * 30.0
    slope = 10 + 30 * (x / x.max()) + rng.normal(0, 3, shape)  # steeper to the east
    rain = rng.normal(80, 10, shape)  # unrelated to the classes
    shore = x  # the reservoir lies west: the shore's reach holds only gentle, low-class ground
    exposure = np.where(shore <= 600, 4.0, 0.0)
    classes = np.where(slope > np.quantile(slope, 0.75), 3, np.where(slope > np.quantile(slope, 0.4), 2, 1))
    layers = MapLayers(
        classes, {"slope_deg": slope, "rain_window_mm": rain, "reservoir_exposure_m": exposure}, x, y
    )
    table = contrast(classes == 3, layers, block_m=450.0, source="model", n_boot=300).set_index("quantity")
    assert table.loc["slope_deg", "low"] > 5
    assert table.loc["rain_window_mm", "low"] < 0 < table.loc["rain_window_mm", "high"]
    assert table.loc["reservoir_exposure_m", "high"] < 0
    claims = judge_claims(
        pd.DataFrame(), pd.DataFrame(), table.reset_index(), "random", SETTINGS, map_scheme="random"
    )
    assert claims[3]["verdict"] == CONTRADICTED and "slope_deg" in claims[3]["evidence"]


def test_paper_values_are_kerman_s_and_intervals_are_clipped_and_flagged() -> None:
    runs = pd.DataFrame(
        [
            {
                "scheme": "random",
                "model": "cnn_lstm",
                "seed": s,
                "accuracy": 0.9,
                "precision": 0.9,
                "recall": r,
                "f1": 0.9,
                "auc": a,
                "kappa": 0.8,
            }
            for s, (a, r) in enumerate([(0.99, 0.5), (0.80, 0.99)], start=1)
        ]
        + [
            {
                "scheme": "random",
                "model": "svm",
                "seed": s,
                "accuracy": 0.9,
                "precision": 0.9,
                "recall": 0.9,
                "f1": 0.9,
                "auc": 0.9,
                "kappa": 0.8,
            }
            for s in range(1, 6)
        ]
    )
    summary = summarise_runs(runs)
    assert summary["hi"].max() <= 1.0 and summary["lo"].min() >= -1.0
    table = performance_table(summary, REPO / "paper" / "reported.yaml", ["random"], "tiny").set_index(
        ["model", "metric"]
    )
    reported = load_reported_metrics(REPO / "paper" / "reported.yaml").set_index(["model", "metric"])
    assert table.loc[("CNN-LSTM", "auc"), PAPER_COLUMN] == f"{reported.loc[('cnn_lstm', 'auc'), 'value']:.3f}"
    assert "Kerman" in PAPER_COLUMN and "ours: tiny, random" in table.columns
    assert table.loc[("CNN-LSTM", "recall"), "ours: tiny, random"].endswith("1.000]")  # clipped
    assert "only 2 seed(s)" in table.loc[("CNN-LSTM", "auc"), "note"]
    assert "the same in every seed" in table.loc[("SVM", "auc"), "note"]


def test_the_performance_table_gives_where_and_when_apart() -> None:
    runs = pd.DataFrame(
        [
            {"scheme": scheme, "model": "cnn", "seed": seed, "accuracy": 0.9, "precision": 0.9}
            | {"recall": 0.9, "f1": 0.9, "auc": 0.8 + seed / 100, "kappa": 0.8}
            for scheme in ("random", "temporal")
            for seed in (1, 2)
        ]
    )
    apart = pd.DataFrame(
        [
            {"scheme": "random", "model": "cnn", "where_auc_same_day": 0.91, "where_lo": 0.85}
            | {"where_hi": 0.95, "when_auc_same_place": 0.5, "when_lo": 0.5, "when_hi": 0.5},
            {"scheme": "temporal", "model": "cnn", "where_auc_same_day": 0.7, "where_lo": 0.6}
            | {"where_hi": 0.8, "when_auc_same_place": float("nan"), "when_lo": float("nan")}
            | {"when_hi": float("nan")},
        ]
    )
    reported = REPO / "paper" / "reported.yaml"
    schemes = ["random", "temporal"]
    table = performance_table(summarise_runs(runs), reported, schemes, "s", where_when=apart)
    table = table.set_index(["model", "metric"])
    where = table.loc[("CNN (standalone)", "auc where (same day, other places)")]
    assert (
        where["ours: s, random"] == "0.910 [0.850, 0.950]"
        and where["ours: s, temporal"] == "0.700 [0.600, 0.800]"
    )
    assert pd.isna(where[PAPER_COLUMN]) and "not reported by the paper" in where["note"]
    when = table.loc[("CNN (standalone)", "auc when (same place, other days)")]
    assert when["ours: s, random"] == "0.500 [0.500, 0.500]" and pd.isna(when["ours: s, temporal"])
    undated = apart.assign(when_auc_same_place=float("nan"))  # a study without dates: no "when" row
    table = performance_table(summarise_runs(runs), reported, schemes, "s", where_when=undated)
    assert (
        not table["metric"].str.startswith("auc when").any()
        and table["metric"].str.startswith("auc where").any()
    )


@pytest.mark.integration
def test_evaluation_of_the_tiny_run(tiny_results) -> None:
    metrics = tiny_results / "metrics"
    where_when = pd.read_csv(metrics / "where_when.csv")
    cnn = where_when[where_when["model"] == "cnn"]
    # A static model cannot tell days apart (NaN: a scheme whose test samples hold no same-place pair).
    assert (cnn["when_auc_same_place"].dropna() == 0.5).all() and cnn["when_auc_same_place"].notna().any()
    references = pd.read_csv(metrics / "references.csv")
    # The static ceiling recomputed from the truth on the physics reference's window (1 - prod(1 - p)
    # over the cells within two position errors): on this window the yearly hazard can rank the
    # tiny study's few test samples as well as the day's probability, so no order is asserted.
    import geopandas as gpd
    import rasterio

    from lsm.evaluate.references import any_fails, position_window

    study_dir = tiny_results.parents[1] / "data" / "raw" / tiny_results.name
    table = gpd.read_file(tiny_results / "samples" / "samples.gpkg")
    splits = pd.read_csv(tiny_results / "samples" / "splits.csv")
    x, y, n = position_window(table, study_dir)
    with rasterio.open(study_dir / "truth" / "susceptibility.tif") as src:
        yearly = np.array([v[0] for v in src.sample(zip(x, y, strict=True))], dtype="float64")
    ceiling = any_fails(yearly, n)
    for scheme, g in references.groupby("scheme"):
        test = table["sample_id"].map(splits.set_index("sample_id")[scheme]).to_numpy() == TEST
        expected = roc_auc_score(table["label"].to_numpy()[test], ceiling[test])
        assert g["static_ceiling_auc"].iloc[0] == pytest.approx(expected, abs=1e-6), scheme
        assert 0.5 < g["physics_reference_auc"].iloc[0] <= 1, scheme
    ablation = pd.read_csv(metrics / "time_ablation.csv")
    physics = ablation[ablation["model"] == "physics"].set_index(["scheme", "variant"])
    assert set(physics.index.get_level_values("variant")) == {"shuffled_rain_days", "rain_totals_only"}
    assert (physics["auc"] > 0.5).all() and (physics["drop_lo"] <= physics["drop"]).all()
    assert (physics["drop"] <= physics["drop_hi"]).all() and (physics["seeds"] == 0).all()
    skill = (references["auc"] - 0.5) / (references["physics_reference_auc"] - 0.5)
    assert np.allclose(references["skill_of_reference"], skill)
    claims = pd.read_csv(tiny_results / "tables" / "tab02_claims.csv")
    assert list(claims["claim"]) == ["C1", "C2", "C3", "C4"]
    assert set(claims["verdict_random"]) <= {SUPPORTED, NOT_SIGNIFICANT, CONTRADICTED, UNTESTABLE}
    comparisons = pd.read_csv(metrics / "comparisons.csv")
    assert (comparisons["p"] == comparisons["boot_p"]).all() and (
        comparisons["p_holm"] >= comparisons["p"]
    ).all()
    inside = (comparisons["boot_low"] <= comparisons["difference"]) & (
        comparisons["difference"] <= comparisons["boot_high"]
    )
    assert inside.all() and comparisons["ensemble_difference"].notna().all()
    best = comparisons.dropna(subset=["gain_low"])
    assert set(best["scheme"]) == set(comparisons["scheme"]) and (best["gain_low"] <= best["gain_high"]).all()
    summary = pd.read_csv(metrics / "summary_by_model.csv").set_index(["scheme", "model", "metric"])
    for row in comparisons.itertuples():
        assert row.auc_reference == pytest.approx(
            summary.loc[(row.scheme, "cnn_lstm", "auc"), "mean"], abs=1e-6
        )
    ablation = pd.read_csv(metrics / "time_ablation.csv")
    assert {"shuffled_rain_days", "shuffled_level_days", "retrained_rain_totals_only"} <= set(
        ablation["variant"]
    )
    c4 = pd.read_csv(metrics / "high_zone_map.csv", keep_default_na=False, na_values=[""])
    assert set(c4["source"]) == {"model", "truth", "model_at_truth_share", "inventory"}
    assert list(c4["date_label"].dropna().unique()) == ["wettest", "typical"]
    for _, day in c4.dropna(subset=["date_label"]).groupby("date_label"):
        share = day.groupby("source")["pixels_high"].first()
        assert share["truth"] <= share["model"]  # the truth's zone: at most the model's share
        assert share["model_at_truth_share"] == pytest.approx(share["truth"], rel=0.01)  # an equal share
    proximity = pd.read_csv(metrics / "proximity.csv").set_index("scheme")
    assert proximity.loc["random", "share_patch_overlaps_training_landslide"] > 0.5
    assert proximity.loc["spatial", "share_patch_overlaps_training_landslide"] == 0
    assert json.loads((metrics / "summary.json").read_text())["claims"]["random"].keys() == {
        "C1",
        "C2",
        "C3",
        "C4",
    }


def test_verdict_stability_counts_worlds_per_claim_and_scheme(tmp_path: Path) -> None:
    from lsm.evaluate.stability import verdict_counts, world_config

    config = yaml.safe_load((REPO / "params.yaml").read_text())
    world = world_config(config, 103)
    assert world["study"] == world["synthetic"]["name"] == f"{config['synthetic']['name']}_world103"
    assert world["synthetic"]["seed"] == 103 and world["synthetic"]["preset"] == config["stability"]["preset"]
    assert world["models"] == config["models"] and "stability" not in world
    files = {}
    for w, (random, spatial) in {
        1: (SUPPORTED, CONTRADICTED),
        2: (SUPPORTED, NOT_SIGNIFICANT),
        3: (NOT_SIGNIFICANT, CONTRADICTED),
    }.items():
        files[w] = tmp_path / f"claims{w}.csv"
        pd.DataFrame({"claim": ["C1"], "verdict_random": [random], "verdict_spatial": [spatial]}).to_csv(
            files[w], index=False
        )
    table = verdict_counts(files).set_index(["claim", "scheme"])
    assert table.loc[("C1", "random"), SUPPORTED] == 2 and table.loc[("C1", "random"), NOT_SIGNIFICANT] == 1
    assert table.loc[("C1", "spatial"), CONTRADICTED] == 2 and table.loc[("C1", "spatial"), "worlds"] == 3
    assert table.loc[("C1", "spatial"), f"worlds {CONTRADICTED}"] == "1,3"


def test_c4_cannot_be_tested_where_the_rain_is_the_same_on_every_pixel() -> None:
    """One gauge over a whole study (Hong Kong): the rain contrast of the map is zero by construction,
    so C4's rain part is untestable, not 'not significant'."""
    from lsm.evaluate.claims import judge_map

    slope = {"quantity": "slope_deg", "mean_high": 16.4, "mean_rest": 11.1, "low": 4.7, "high": 5.8}
    slope |= {"difference": 5.3, "p": 0.001}
    rain = {"quantity": "rain_window_mm", "mean_high": 1350.0, "mean_rest": 1350.0, "low": 0.0, "high": 0.0}
    rain |= {"difference": 0.0, "p": 1.0}
    rows = [{"source": "model", **slope}, {"source": "model", **rain, "constant": True}]
    verdict, evidence, why = judge_map(pd.DataFrame(rows), "random", "random", "no map", 0.05)
    assert verdict == UNTESTABLE
    assert why.startswith("by the data: rain_window_mm the same on every pixel")
    assert "rain_window_mm: the same on every pixel" in evidence and "slope_deg: 16.4 vs 11.1" in evidence
    rows[1].update(constant=False, mean_high=160.0, mean_rest=120.0, low=20.0, high=60.0, difference=40.0)
    rows[1].update(p=0.001)
    verdict, evidence, why = judge_map(pd.DataFrame(rows), "random", "random", "no map", 0.05)
    assert verdict == SUPPORTED and why == "every one of the 2 parts significantly higher on its own"
    # One quantity of three lower at p 0.03: alone it would contradict C4, not after Holm over the three.
    rows[1].update(mean_high=100.0, difference=-20.0, low=-38.0, high=-2.0, p=0.03)
    exposure = {"quantity": "reservoir_exposure_m", "mean_high": 0.6, "mean_rest": 0.5}
    rows.append({"source": "model", **exposure, "low": -0.1, "high": 0.3, "difference": 0.1, "p": 0.2})
    verdict, evidence, why = judge_map(pd.DataFrame(rows), "random", "random", "no map", 0.05)
    assert verdict == NOT_SIGNIFICANT  # which parts fail, and how
    assert why == (
        "2 of the 3 parts not significantly higher on their own: high class rain_window_mm (lower, "
        "p 0.03), high class reservoir_exposure_m (higher, p 0.2)"
    )
    rows[1].update(p=0.01)  # Holm: 2 x 0.01 < 0.05
    verdict, evidence, why = judge_map(pd.DataFrame(rows), "random", "random", "no map", 0.05)
    assert verdict == CONTRADICTED
    assert why == "significantly the other way after Holm over the 3 parts: high class rain_window_mm"
    # Under another scheme than the maps', the protocol, not the data, keeps C4 from being tested.
    verdict, evidence, why = judge_map(pd.DataFrame(rows), "spatial", "random", "no map", 0.05)
    assert verdict == UNTESTABLE and evidence.startswith("not by the data but by a choice of the protocol")
    assert "mapping.scheme: random" in evidence and why == evidence


def test_the_level_calendar_check_tells_a_calendar_from_a_trigger() -> None:
    """Landslides near the shore follow level falls (a trigger); beyond the reach the level change
    is unrelated to them in one world and follows their season in another (a calendar)."""
    import geopandas as gpd

    from lsm.evaluate.ablation import level_calendar

    rng = np.random.default_rng(0)
    n = 800
    labels = (np.arange(n) % 3 == 0).astype(int)
    shore = np.where(np.arange(n) < n // 2, 100.0, 5000.0)  # first half near the shore
    change = rng.normal(0, 1, n) - 3.0 * labels * (shore < 600)  # falls before landslides near it
    level = np.cumsum(np.tile(change[:, None] / 29, (1, 30)), axis=1)
    level -= level[:, :1]
    rain = rng.gamma(1, 5, (n, 30))
    seq = np.stack([rain, rain, level, level], axis=-1)
    table = gpd.GeoDataFrame(
        {"label": labels, "kind": np.where(labels == 1, "positive", "random")},
        geometry=gpd.points_from_xy(np.zeros(n), np.zeros(n)),
    )
    samples = SampleSet(table, np.zeros(0), seq, shore[:, None], [], NAMES, ["dist_shore"], {})
    table_ = level_calendar(samples, 600.0).set_index(["where", "negatives"])
    assert table_.loc[("within the reach", "all"), "auc_level_change"] > 0.9
    assert table_.loc[("beyond the reach", "all"), "auc_level_change"] < 0.6
    seasonal = change + 2.0 * labels * (shore >= 600)  # beyond the reach: the level tells the season
    level = np.cumsum(np.tile(seasonal[:, None] / 29, (1, 30)), axis=1)
    samples.sequences[:, :, 2] = level - level[:, :1]
    table_ = level_calendar(samples, 600.0).set_index(["where", "negatives"])
    assert table_.loc[("beyond the reach", "random"), "auc_level_change"] > 0.8


def test_a_model_that_predicts_no_landslide_is_not_called_deterministic() -> None:
    """The CNN alone predicts every test sample negative at 0.5 in every seed while its AUC varies:
    its thresholded metrics' flag says so; a tree's constant metrics are called deterministic."""
    rows = []
    for seed, auc in enumerate((0.66, 0.69, 0.71), start=1):
        none = {"accuracy": 0.67, "precision": 0.0, "recall": 0.0, "f1": 0.0, "kappa": 0.0, "auc": auc}
        tree = {"accuracy": 0.75, "precision": 0.62, "recall": 0.65, "f1": 0.63, "kappa": 0.4, "auc": 0.77}
        rows += [{"scheme": "random", "model": "cnn", "seed": seed, **none}]
        rows += [{"scheme": "random", "model": "dt", "seed": seed, **tree}]
    summary = summarise_runs(pd.DataFrame(rows)).set_index(["model", "metric"])
    assert "predicts no landslide" in summary.loc[("cnn", "recall"), "flag"]
    assert "predicts no landslide" in summary.loc[("cnn", "accuracy"), "flag"]
    assert summary.loc[("cnn", "auc"), "flag"] == ""  # it varies over seeds
    assert "deterministic" in summary.loc[("dt", "recall"), "flag"]
    assert "deterministic" not in " ".join(summary.loc["cnn", "flag"])


@pytest.mark.parametrize(
    ("difference", "words"),
    [
        (0.134, "CNN-LSTM minus RF = +13.4 pts (CNN-LSTM higher;"),
        (-0.004, "CNN-LSTM minus RF = -0.4 pts (RF higher;"),
    ],
)
def test_a_comparison_says_which_model_is_higher(difference: float, words: str) -> None:
    from lsm.evaluate.claims import _direction

    row = pd.Series(
        {"baseline": "rf", "difference": difference, "boot_low": -0.01, "boot_high": 0.2, "p": 0.03}
    )
    assert _direction(row).startswith(words) and _direction(row).isascii()  # pdfLaTeX typesets it
