"""Figures of the runs: the paper's reported numbers, learning curves, ROC curves, the models and
schemes compared, confusion matrices and the tuning histories.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import Patch

from lsm.names import HYBRID
from lsm.publish.plots.style import FULL_WIDTH_IN, METRIC_LABELS, PALETTE, apply_style, model_colour


def reported_comparison(reported: pd.DataFrame) -> plt.Figure:
    """Grouped bars of the paper's reported metrics per model.

    Hatched bars are not measured values of the paper: approximate readings ("~") or AUCs the paper
    cites from another study. ``reported`` is the frame of
    :func:`lsm.evaluate.reported.load_reported_metrics`.
    """
    apply_style()
    labels = list(dict.fromkeys(reported["label"]))
    metrics = list(dict.fromkeys(reported["metric"]))
    fig, ax = plt.subplots(figsize=(FULL_WIDTH_IN, 3.2))
    width = 0.8 / len(metrics)
    for j, metric in enumerate(metrics):
        rows = reported[reported["metric"] == metric].set_index("label").loc[labels]
        for i, (_, row) in enumerate(rows.iterrows()):
            hatch = "xx" if row["source"] == "cited" else ("//" if row["approximate"] else None)
            ax.bar(
                i + (j - (len(metrics) - 1) / 2) * width,
                row["value"],
                width=width,
                color=PALETTE[j % len(PALETTE)],
                edgecolor="white" if hatch is None else "0.25",
                hatch=hatch,
                linewidth=0.4,
                label=METRIC_LABELS.get(metric, metric) if i == 0 else None,
            )
    ax.set_xticks(range(len(labels)), [label.replace(" (", "\n(") for label in labels])
    ax.set_ylim(0.7, 1.0)
    ax.set_ylabel("Score (dimensionless, 0-1)")
    ax.set_title("Test metrics as reported by Teng et al. (2026)")
    handles, _ = ax.get_legend_handles_labels()
    handles += [
        Patch(
            facecolor="white", edgecolor="0.25", hatch="//", label='"~" in the paper (read off its Fig. 5)'
        ),
        Patch(facecolor="white", edgecolor="0.25", hatch="xx", label="cited from Hamedi et al. (2022)"),
    ]
    ax.legend(handles=handles, ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)
    fig.tight_layout()
    return fig


def learning_curves(curves: pd.DataFrame) -> plt.Figure:
    """Validation loss per epoch of the torch models, mean and range over seeds, per scheme.

    ``curves`` has columns model, scheme, seed, epoch, train_loss, val_loss.
    """
    from lsm.names import LABELS

    apply_style()
    schemes = list(dict.fromkeys(curves["scheme"]))
    fig, axes = plt.subplots(1, len(schemes), figsize=(FULL_WIDTH_IN, 2.6), sharey=True, squeeze=False)
    for ax, scheme in zip(axes[0], schemes, strict=True):
        part = curves[curves["scheme"] == scheme]
        for model, group in part.groupby("model", sort=False):
            stats = group.groupby("epoch")[["train_loss", "val_loss"]].agg(["mean", "min", "max"])
            colour = model_colour(model)
            ax.plot(
                stats.index, stats[("val_loss", "mean")], color=colour, label=f"{LABELS[model]} (validation)"
            )
            ax.fill_between(
                stats.index,
                stats[("val_loss", "min")],
                stats[("val_loss", "max")],
                color=colour,
                alpha=0.2,
                lw=0,
            )
            ax.plot(stats.index, stats[("train_loss", "mean")], color=colour, ls="--", lw=0.8)
        ax.set_title(f"{scheme} split")
        ax.set_xlabel("Epoch (count)")
    axes[0, 0].set_ylabel("Binary cross-entropy (nats)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    handles.append(plt.Line2D([], [], color="black", ls="--", lw=0.8))
    labels.append("training loss (dashed)")
    fig.legend(
        handles, labels, loc="lower center", ncols=4, fontsize=7, frameon=False, bbox_to_anchor=(0.5, -0.05)
    )
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


REFERENCE_LINES = {
    "physics_reference_auc": ("physics reference", "--"),
    "static_ceiling_auc": ("static ceiling", ":"),
}


def _reference_auc(references: pd.DataFrame | None, scheme: str, column: str) -> float | None:
    """A scheme's physics-reference or static-ceiling AUC (generated studies), or None."""
    if references is None or references.empty or column not in references:
        return None
    part = references.loc[references["scheme"] == scheme, column].dropna()
    return None if part.empty else float(part.iloc[0])


def roc_curves(roc: pd.DataFrame, references: pd.DataFrame | None = None) -> plt.Figure:
    """Mean ROC curve over seeds (range shaded) of every model, one panel per validation scheme."""
    from lsm.names import LABELS

    apply_style()
    schemes = list(dict.fromkeys(roc["scheme"]))
    fig, axes = plt.subplots(1, len(schemes), figsize=(FULL_WIDTH_IN, 3.3), squeeze=False, sharey=True)
    for ax, scheme in zip(axes[0], schemes, strict=True):
        for model, g in roc[roc["scheme"] == scheme].groupby("model", sort=False):
            colour = model_colour(model)
            lw = 1.8 if model == HYBRID else 1.0
            ax.plot(g["fpr"], g["tpr"], color=colour, lw=lw, label=LABELS.get(model, model))
            ax.fill_between(g["fpr"], g["tpr_min"], g["tpr_max"], color=colour, alpha=0.15, lw=0)
        ax.plot([0, 1], [0, 1], color="0.6", ls=":", lw=0.8)
        title = f"{scheme} split"
        physics = _reference_auc(references, scheme, "physics_reference_auc")
        if physics is not None:
            title += f"\nphysics reference AUC {physics:.3f}"  # two lines: three panels share the width
        ax.set_title(title, fontsize=8)
        ax.set_xlabel("False positive rate (share)")
        ax.set_aspect("equal")
    axes[0, 0].set_ylabel("True positive rate (share)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncols=7, fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig


def model_comparison(summary: pd.DataFrame, reported: pd.DataFrame, scheme: str = "random") -> plt.Figure:
    """Our test metrics (mean over seeds, 95 % interval as error bars) beside the paper's values
    (black diamonds, hollow where read off a figure or cited)."""
    from lsm.metrics import THRESHOLD
    from lsm.names import LABELS

    apply_style()
    metrics = ["accuracy", "precision", "recall", "f1", "auc"]
    models = [m for m in LABELS if m in set(summary["model"])]
    part = summary[(summary["scheme"] == scheme) & summary["metric"].isin(metrics)]
    fig, ax = plt.subplots(figsize=(FULL_WIDTH_IN, 3.2))
    width = 0.8 / len(metrics)
    for j, metric in enumerate(metrics):
        for i, model in enumerate(models):
            row = part[(part["model"] == model) & (part["metric"] == metric)]
            if row.empty:
                continue
            r = row.iloc[0]
            x = i + (j - (len(metrics) - 1) / 2) * width
            ax.bar(
                x, r["mean"], width=width, color=PALETTE[j], label=METRIC_LABELS[metric] if i == 0 else None
            )
            ax.errorbar(
                x,
                r["mean"],
                yerr=[[r["mean"] - r["lo"]], [r["hi"] - r["mean"]]],
                color="black",
                lw=0.7,
                capsize=1.5,
            )
            paper = reported[(reported["model"] == model) & (reported["metric"] == metric)]
            if not paper.empty:
                p = paper.iloc[0]
                hollow = p["source"] != "stated"
                ax.plot(
                    x,
                    p["value"],
                    marker="D",
                    ms=3.5,
                    color="black",
                    mfc="white" if hollow else "black",
                    ls="none",
                    label="paper (stated)" if (i == 0 and j == 0) else None,
                )
    ax.plot(
        [],
        [],
        marker="D",
        ms=3.5,
        color="black",
        mfc="white",
        ls="none",
        label="paper (read off figure / cited)",
    )
    ax.set_xticks(range(len(models)), [LABELS[m].replace(" (", "\n(") for m in models])
    # from 0: a model that predicts (almost) no landslide at the threshold has bars near 0, and an axis
    # starting at 0.5 hid them
    ax.set_ylim(0.0, 1.0)
    ax.axhline(0.5, color="0.6", lw=0.6, ls=":", zorder=0, label="AUC of chance (0.5)")
    ax.set_ylabel("Score (dimensionless, 0-1)")
    ax.set_title(
        f"Ours ({scheme} split; bars, 95 % interval over seeds) and the paper's (diamonds);\n"
        f"accuracy, precision, recall and F1 at a probability threshold of {THRESHOLD:g}, "
        "AUC over all thresholds"
    )
    ax.legend(ncols=4, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)
    fig.tight_layout()
    return fig


def confusion_matrices(confusion: pd.DataFrame, scheme: str = "random") -> plt.Figure:
    """Confusion matrices summed over seeds, as shares of each true class, one per model."""
    from lsm.names import LABELS

    apply_style()
    part = confusion[confusion["scheme"] == scheme]
    fig, axes = plt.subplots(1, len(part), figsize=(FULL_WIDTH_IN, 1.6), squeeze=False)
    for ax, row in zip(axes[0], part.itertuples(), strict=True):
        counts = [[row.cm_tn, row.cm_fp], [row.cm_fn, row.cm_tp]]
        shares = [[c / max(sum(r), 1) for c in r] for r in counts]
        ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
        for a in range(2):
            for b in range(2):
                ax.text(
                    b,
                    a,
                    f"{counts[a][b]}",
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if shares[a][b] > 0.6 else "black",
                )
        ax.set_xticks([0, 1], ["no", "slide"], fontsize=6)
        ax.set_yticks([0, 1], ["no", "slide"], fontsize=6)
        ax.set_title(LABELS.get(row.model, row.model), fontsize=6)
        ax.grid(False)
    axes[0, 0].set_ylabel("true", fontsize=7)
    fig.supxlabel(
        f"predicted at 0.5 ({scheme} split, test samples of all seeds; colour: share of true class)",
        fontsize=7,
    )
    fig.tight_layout()
    return fig


def scheme_comparison(summary: pd.DataFrame, references: pd.DataFrame | None) -> plt.Figure:
    """Test AUC of every model under each validation scheme (mean, 95 % interval), with the physics
    reference and the static ceiling where the study knows its truth."""
    from lsm.names import LABELS

    apply_style()
    auc = summary[summary["metric"] == "auc"]
    schemes = list(dict.fromkeys(auc["scheme"]))
    models = [m for m in LABELS if m in set(auc["model"])]
    fig, ax = plt.subplots(figsize=(FULL_WIDTH_IN, 2.8))
    for k, scheme in enumerate(schemes):
        for i, model in enumerate(models):
            r = auc[(auc["scheme"] == scheme) & (auc["model"] == model)]
            if r.empty:
                continue
            r = r.iloc[0]
            x = i + (k - (len(schemes) - 1) / 2) * 0.22
            ax.errorbar(
                x,
                r["mean"],
                yerr=[[r["mean"] - r["lo"]], [r["hi"] - r["mean"]]],
                fmt="o",
                ms=4,
                color=PALETTE[k],
                label=f"{scheme} split" if i == 0 else None,
                capsize=2,
            )
        for column, (name, style) in REFERENCE_LINES.items():
            value = _reference_auc(references, scheme, column)
            if value is not None:
                ax.axhline(value, color=PALETTE[k], ls=style, lw=0.8, label=f"{name} ({scheme})")
    ax.set_xticks(range(len(models)), [LABELS[m].replace(" (", "\n(") for m in models])
    ax.set_ylabel("Test ROC AUC (dimensionless)")
    # below the axes: inside, it hid how far the lower intervals reach
    ax.legend(fontsize=7, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.3), frameon=False)
    fig.tight_layout()
    return fig


def tuning_histories(histories: pd.DataFrame) -> plt.Figure:
    """Best inner-validation AUC so far against the trial number, per model, one panel per scheme,
    the end of the random start marked: how fast each model's tuning converged with the same budget.

    ``histories`` has columns scheme, model, number, value, state (lsm.learn.tuning.read_history).
    """
    import numpy as np

    from lsm.learn.tuning import random_start
    from lsm.names import LABELS

    apply_style()
    schemes = list(dict.fromkeys(histories["scheme"]))
    fig, axes = plt.subplots(1, len(schemes), figsize=(FULL_WIDTH_IN, 2.8), sharey=True, squeeze=False)
    for ax, scheme in zip(axes[0], schemes, strict=True):
        for model, g in histories[histories["scheme"] == scheme].groupby("model", sort=False):
            g = g.sort_values("number")
            colour = model_colour(model)
            best = np.fmax.accumulate(g["value"].to_numpy(dtype=float))
            ax.step(g["number"] + 1, best, where="post", color=colour, lw=1.2, label=LABELS.get(model, model))
        guided_from = random_start(int(histories["number"].max()) + 1) + 0.5
        ax.axvline(guided_from, color="grey", lw=0.6, ls=":")
        ax.set_title(f"{scheme} split", fontsize=8)
        ax.set_xlabel("Trial (count)")
    axes[0, 0].set_ylabel("Best inner-validation AUC (dimensionless)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    handles.append(plt.Line2D([], [], ls=":", lw=0.6, color="grey"))
    labels.append("random start ends, TPE (tree-structured Parzen estimator) guides")
    fig.legend(handles, labels, loc="lower center", ncols=4, fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    return fig
