"""The architecture figure: the CNN-LSTM's layers as traced from a trained run (shapes and
parameters), and each branch's share of the weights.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

from lsm.names import HYBRID
from lsm.publish.plots.style import FULL_WIDTH_IN, apply_style

BRANCH_COLOURS = {"input": "#F0E442", "cnn": "#56B4E9", "lstm": "#009E73", "head": "#E69F00"}


def _shape_text(shape: tuple[int, ...]) -> str:
    return " x ".join(f"{n}" for n in shape)


class _BoxDiagram:
    """Boxes with centred text on an axes, joined by arrows from the bottom of one to the top of
    the next; boxes are remembered by key."""

    def __init__(self, ax: plt.Axes) -> None:
        self.ax = ax
        self.boxes: dict[str, tuple[float, float]] = {}

    def box(self, key: str, x: float, y: float, text: str, colour: str) -> None:
        self.ax.add_patch(
            FancyBboxPatch(
                (x - 0.46, y - 0.3),
                0.92,
                0.6,
                boxstyle="round,pad=0.02",
                facecolor=colour,
                edgecolor="0.2",
                linewidth=0.6,
                alpha=0.85,
            )
        )
        self.ax.text(x, y, text, ha="center", va="center", fontsize=5.8)
        self.boxes[key] = (x, y)

    def arrow(self, a: str, b: str) -> None:
        (xa, ya), (xb, yb) = self.boxes[a], self.boxes[b]
        self.ax.annotate(
            "",
            xy=(xb, yb + 0.31),
            xytext=(xa, ya - 0.31),
            arrowprops={"arrowstyle": "-|>", "lw": 0.8, "color": "0.2", "shrinkA": 0, "shrinkB": 0},
        )


def _describe_layer(layer) -> str:
    """A box's text: what the layer does (wrapped), its output shape and its weights."""
    import textwrap

    label = "\n".join(textwrap.wrap(layer.label, 40))
    weights = f", {layer.parameters:,} weights" if layer.parameters else ""
    return f"{label}\nout: {_shape_text(layer.shape)}{weights}"


def _draw_network(ax: plt.Axes, main) -> None:
    """One model's layers as boxes: the CNN and LSTM branches side by side from their inputs down,
    the fusion head below both."""
    from lsm.names import LABELS

    diagram = _BoxDiagram(ax)
    columns = (
        {"cnn": 0.5, "lstm": 1.5} if main.branch("cnn") and main.branch("lstm") else {"cnn": 1.0, "lstm": 1.0}
    )
    inputs = {
        "cnn": f"Input patch: {_shape_text(main.inputs['patch'])}\n(factor channels x pixels x pixels)",
        "lstm": f"Input sequence: {_shape_text(main.inputs.get('sequence', ()))}\n(days x series)",
    }
    ends = []
    for branch in ("cnn", "lstm"):
        layers = main.branch(branch)
        if not layers:
            continue
        x = columns[branch]
        diagram.box(f"{branch}.input", x, 0, inputs[branch], BRANCH_COLOURS["input"])
        previous = f"{branch}.input"
        for row, layer in enumerate(layers, start=1):
            diagram.box(layer.name, x, -row, _describe_layer(layer), BRANCH_COLOURS[branch])
            diagram.arrow(previous, layer.name)
            previous = layer.name
        ends.append(previous)
    row = -max(len(main.branch(b)) for b in ("cnn", "lstm")) - 1
    head = main.branch("head")
    for i, layer in enumerate(head):
        diagram.box(layer.name, 1.0, row - i, _describe_layer(layer), BRANCH_COLOURS["head"])
        for source in ends if i == 0 else [head[i - 1].name]:
            diagram.arrow(source, layer.name)
    ax.set_xlim(-0.05, 2.05)
    ax.set_ylim(row - len(head) + 0.45, 0.5)
    ax.axis("off")
    ax.set_title(
        f"{LABELS.get(main.kind, main.kind)}: {main.total_parameters:,} weights "
        "(read off the model by a forward pass)",
        fontsize=8,
    )


def _draw_weight_bars(bars: plt.Axes, traces: list) -> None:
    """The trainable weights of each model as one bar stacked by branch."""
    from lsm.names import LABELS

    names = [LABELS.get(t.kind, t.kind).replace(" (standalone)", "\nalone") for t in traces]
    left = [0] * len(traces)
    for branch, title in (("cnn", "CNN branch"), ("lstm", "LSTM branch"), ("head", "fusion head")):
        counts = [sum(layer.parameters for layer in t.branch(branch)) for t in traces]
        bars.barh(
            names, counts, left=left, color=BRANCH_COLOURS[branch], label=title, edgecolor="0.2", lw=0.4
        )
        left = [a + b for a, b in zip(left, counts, strict=True)]
    bars.invert_yaxis()
    bars.set_xlabel("Trainable weights (count)")
    bars.set_ylabel("Model")
    bars.set_title("Weights by branch", fontsize=8)
    bars.legend(fontsize=6, loc="lower right")


def architecture_diagram(traces: list) -> plt.Figure:
    """The CNN-LSTM as boxes and arrows (left) and the weights of each torch model by branch (right).

    ``traces`` are :class:`lsm.learn.architecture.Trace` objects (read off the models by a forward pass);
    the first one drawn as a diagram is the CNN-LSTM's, or the first given.
    """
    apply_style()
    main = next((t for t in traces if t.kind == HYBRID), traces[0])
    fig, (ax, bars) = plt.subplots(1, 2, figsize=(FULL_WIDTH_IN, 5.0), gridspec_kw={"width_ratios": [2.6, 1]})
    _draw_network(ax, main)
    _draw_weight_bars(bars, traces)
    fig.tight_layout()
    return fig
