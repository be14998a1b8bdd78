"""One plotting style for every figure, and the figure functions the notebooks call.

Notebooks stay thin (load, call, save) so that the figure code is tested like any other code.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.patches import Patch

from lsm.io import atomic_path

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
FULL_WIDTH_IN = 7.0  # a journal's two-column width
METRIC_LABELS = {
    "accuracy": "Accuracy",
    "precision": "Precision",
    "recall": "Recall",
    "f1": "F1",
    "auc": "AUC",
}


def apply_style() -> None:
    """Seaborn theme, fonts and sizes shared by all figures."""
    sns.set_theme(context="paper", style="whitegrid", palette=PALETTE, font="DejaVu Sans")
    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.bbox": "tight",
            "axes.titlesize": 10,
            "axes.labelsize": 9,
            "legend.fontsize": 8,
            "xtick.labelsize": 8,
            "ytick.labelsize": 8,
            "pdf.fonttype": 42,  # embed TrueType so text stays text in the PDF
        }
    )


def save_figure(fig: plt.Figure, paths: Iterable[str | Path], dpi: int = 200) -> None:
    """Save ``fig`` to every path (format from the suffix), each written atomically."""
    for path in paths:
        path = Path(path)
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=dpi, format=path.suffix.lstrip("."))


def reported_comparison(reported: pd.DataFrame) -> plt.Figure:
    """Grouped bars of the paper's reported metrics per model.

    Hatched bars are not measured values of the paper: approximate readings ("~") or AUCs the paper
    cites from another study. ``reported`` is the frame of :func:`lsm.reported.load_reported_metrics`.
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
