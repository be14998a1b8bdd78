"""The README's paragraph on a study is its run's findings rendered, never typed: the findings are
the run's own tables, and a number changed by hand in the README is caught."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from lsm.__main__ import main
from lsm.data.io import read_yaml
from lsm.errors import InputError
from lsm.names import SCHEMES
from lsm.publish.findings import (
    collect,
    documents,
    render,
    rendered_readme,
    update_documents,
    write_reference,
)
from tests.helpers import REPO


def test_the_readme_paragraphs_are_the_references_rendered() -> None:
    references = sorted((REPO / "paper" / "reference").glob("*.yaml"))
    assert references, "no paper/reference/<study>.yaml: `make reference` writes one from a run"
    stale = update_documents(REPO, REPO / "paper" / "reference", check=True)
    assert stale == [], (
        f"{stale}: findings paragraphs differ from paper/reference/: run `python -m lsm readme`"
    )
    pages = "\n".join(path.read_text() for path in documents(REPO))
    for path in references:
        assert render(read_yaml(path)) in pages


def test_the_findings_are_the_runs_own_tables(tiny_results: Path) -> None:
    findings = collect(tiny_results)
    metrics = tiny_results / "metrics"
    summary = pd.read_csv(metrics / "summary_by_model.csv").set_index(["scheme", "model", "metric"])
    performance = findings["performance"]
    assert {(s, m, k) for s, models in performance.items() for m, ks in models.items() for k in ks} == set(
        summary.index
    )
    for (scheme, model, metric), row in summary.iterrows():
        assert performance[scheme][model][metric] == {
            "mean": round(row["mean"], 4),
            "lo": round(row["lo"], 4),
            "hi": round(row["hi"], 4),
        }
    comparisons = pd.read_csv(metrics / "comparisons.csv").set_index(["scheme", "baseline"])
    for (scheme, baseline), row in comparisons.iterrows():
        assert findings["comparisons"][scheme][baseline] == {
            "difference": round(row["difference"], 4),
            "lo": round(row["boot_low"], 4),
            "hi": round(row["boot_high"], 4),
            "p": round(row["p"], 4),
            "verdict": row["verdict"],
        }
    shares = pd.read_csv(metrics / "map_class_shares.csv")
    for _, row in shares.iterrows():
        assert findings["map_classes"][row["date_label"]][row["model"]][row["class"]] == {
            "area_percent": round(row["share_percent"], 2),
            "landslides": row["landslides"],
        }
    assert set(findings["digests"]) == {"factors", "samples", "tensors", "splits"}
    claims = pd.read_csv(metrics / "claims.csv").set_index("claim")
    assert findings["claims"] == {
        c: {s: claims.loc[c, f"verdict_{s}"] for s in SCHEMES} for c in claims.index
    }
    ablation = pd.read_csv(metrics / "time_ablation.csv")
    for row in ablation.itertuples():
        assert findings["time_ablation"][row.scheme][row.model][row.variant]["drop"] == round(row.drop, 4)
    proximity = pd.read_csv(metrics / "proximity.csv").set_index("scheme")
    for scheme, p in findings["proximity"].items():
        assert p["share_overlapping_a_training_patch"] == round(
            proximity.loc[scheme, "share_patch_overlaps_training_landslide"], 4
        )
    assert findings["made"]["seeds"] == [1, 2] and findings["made"]["tuning_trials"] == 2
    untuned = pd.read_csv(metrics / "untuned" / "claims.csv").set_index("claim")
    assert findings["claims_untuned"]["C3"]["spatial"] == untuned.loc["C3", "verdict_spatial"]
    references = pd.read_csv(metrics / "references.csv").drop_duplicates("scheme").set_index("scheme")
    for scheme, values in findings["references"].items():  # the synthetic study's truth
        assert values == {
            "physics_reference": round(references.loc[scheme, "physics_reference_auc"], 4),
            "static_ceiling": round(references.loc[scheme, "static_ceiling_auc"], 4),
        }
    assert set(findings["references"]) == {"random", "spatial", "temporal"}
    realism = json.loads((metrics / "realism.json").read_text())["study"]
    assert findings["realism"]["slope_auc"] == round(realism["factor_auc"]["slope"]["auc"], 4)
    assert findings["realism"]["hazard_area_share_50"] == round(realism["truth"]["area_share_hazard_50"], 4)
    assert findings["realism"]["rain_30d_auc"] == round(realism["time"]["rain_30d_auc"], 4)
    assert (
        findings["inventory"]["positives"] + sum(findings["inventory"]["left_out"].values())
        == findings["inventory"]["landslides"]
    )
    text = render(findings)
    best = max((m["auc"] for m in performance["random"].values()), key=lambda auc: auc["mean"])
    assert f"{best['mean']:.3f} [{best['lo']:.3f}, {best['hi']:.3f}]" in text
    assert "two seeds, tuned with 2 trials" in text
    physics = findings["references"]["random"]["physics_reference"]
    assert f"(the physics reference): {physics:.3f} (random)" in text


def test_a_number_typed_into_the_readme_is_caught(tiny_results: Path, tmp_path: Path, capsys) -> None:
    references = tmp_path / "reference"
    path = write_reference(tiny_results, references)
    study = path.stem
    readme = tmp_path / "README.md"
    readme.write_text(
        f"# x\n\n<!-- findings {study}: written by `make reference`, do not edit -->\n"
        f"stale\n<!-- /findings {study} -->\n\nafter\n"
    )
    args = ["readme", "--readme", str(readme), "--references", str(references)]
    assert main([*args, "--check"]) == 2  # "stale" is not the rendering
    assert main(args) == 0 and main([*args, "--check"]) == 0
    text = readme.read_text()
    assert render(read_yaml(path)) in text and text.endswith("\nafter\n")
    mean = read_yaml(path)["performance"]["random"]["cnn_lstm"]["auc"]["mean"]
    assert f"CNN-LSTM {mean:.3f}" in text
    planted = text.replace(f"CNN-LSTM {mean:.3f}", f"CNN-LSTM {mean + 0.01:.3f}", 1)
    readme.write_text(planted)
    capsys.readouterr()
    assert main([*args, "--check"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {readme}: a findings or timing paragraph differs")
    # a reference without its block, and a block without its reference, are one line each
    (references / "elsewhere.yaml").write_text(path.read_text())
    with pytest.raises(InputError, match=re.escape("elsewhere.yaml: has no block in README.md")):
        rendered_readme(planted, references)
    (references / "elsewhere.yaml").unlink()
    path.unlink()
    with pytest.raises(InputError, match=re.escape(f"{study}.yaml: missing, but README.md has a block")):
        rendered_readme(planted, references)


def test_an_unfinished_run_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(
        InputError, match=re.escape("metrics/provenance.json: missing: the run is not finished")
    ):
        collect(tmp_path / "results" / "somewhere")
