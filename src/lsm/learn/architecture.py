"""The torch models' architecture, read off the model itself for the architecture figure.

:func:`trace` runs one dummy sample through a :class:`lsm.learn.networks.LandslideNet` with forward hooks on
every module and returns the layers in call order with their output shapes and parameter counts,
grouped by branch (CNN, LSTM, head). Nothing here is typed by hand: change ``models.torch`` in
params.yaml and the figure changes with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn

from lsm.learn.networks import LandslideNet


@dataclass
class Layer:
    """One box of the diagram: what the layer is, what comes out of it, how many weights it has."""

    branch: str  # "cnn", "lstm" or "head"
    name: str  # module path in the model ("cnn.features.0"), or a description of a tensor operation
    label: str  # what it does, e.g. "Conv2d 3x3, 11 -> 32" (with folded activations: "+ ReLU")
    shape: tuple[int, ...]  # output shape of one sample (no batch axis)
    parameters: int = 0


@dataclass
class Trace:
    """The layers of one model, in call order, and what enters it."""

    kind: str
    inputs: dict[str, tuple[int, ...]]  # "patch" (channels, size, size), "sequence" (days, features)
    layers: list[Layer] = field(default_factory=list)
    total_parameters: int = 0

    def branch(self, name: str) -> list[Layer]:
        """The layers of one branch (cnn, lstm or head), in order."""
        return [layer for layer in self.layers if layer.branch == name]


def _shape(value: object) -> tuple[int, ...]:
    if isinstance(value, torch.Tensor):
        return tuple(value.shape[1:])
    if isinstance(value, tuple | list) and value:
        return _shape(value[0])
    return ()


def _own_parameters(module: nn.Module) -> int:
    return int(sum(p.numel() for p in module.parameters(recurse=False)))


def _label(module: nn.Module, in_shape: tuple[int, ...]) -> str:
    if isinstance(module, nn.Conv2d):
        k = "x".join(map(str, module.kernel_size))
        pad = "valid" if module.padding in (0, (0, 0)) else f"padding {module.padding}"
        return f"Conv2d {k} ({pad}), {module.in_channels} -> {module.out_channels} channels"
    if isinstance(module, nn.LSTM):
        return f"LSTM, {module.input_size} features -> {module.hidden_size} units"
    if isinstance(module, nn.Linear):
        return f"Dense, {module.in_features} -> {module.out_features}"
    if isinstance(module, nn.Dropout):
        return f"Dropout {module.p:.2f}"  # a tuned rate, rounded for reading
    return type(module).__name__


FOLDED = (nn.ReLU, nn.Dropout, nn.Tanh, nn.Sigmoid, nn.GELU)


Call = tuple[str, nn.Module, tuple[int, ...], tuple[int, ...]]  # module path, module, in and out shapes


def _forward_calls(
    net: LandslideNet, patches: torch.Tensor, sequences: torch.Tensor | None
) -> tuple[list[Call], torch.Tensor]:
    """Every module call of one forward pass in call order (forward hooks), and the output; the
    model is left in the mode it was in."""
    calls: list[Call] = []

    def hook(name: str):
        def record(module: nn.Module, args: tuple, output: object) -> None:
            calls.append((name, module, _shape(args[0]) if args else (), _shape(output)))

        return record

    handles = [m.register_forward_hook(hook(n)) for n, m in net.named_modules() if n]
    was_training = net.training
    net.eval()
    try:
        with torch.no_grad():
            out = net(patches, sequences)
    finally:
        for h in handles:
            h.remove()
        net.train(was_training)
    return calls, out


def _branch_end(branch: str, layers: list[Layer], out_shape: tuple[int, ...]) -> Layer | None:
    """What a whole branch adds beyond its layers: the CNN's global mean, the LSTM's last state."""
    if branch == "cnn":
        last = [layer for layer in layers if layer.branch == "cnn"][-1].shape
        return Layer(branch, "cnn.pool", f"global mean over the {last[1]}x{last[2]} pixels left", out_shape)
    if branch == "lstm":
        return Layer(branch, "lstm.last", "last hidden state", out_shape)
    return None


def _layers(net: LandslideNet, calls: list[Call]) -> list[Layer]:
    """One box per leaf module, activations and dropout folded into the box before them."""
    layers: list[Layer] = []
    branches = {"cnn": net.cnn, "lstm": net.lstm, "head": net.head}
    for name, module, in_shape, out_shape in calls:
        branch = name.split(".")[0]
        if module is branches.get(branch):
            end = _branch_end(branch, layers, out_shape)
            if end is not None:
                layers.append(end)
            continue
        if isinstance(module, FOLDED) and layers and layers[-1].branch == branch:
            extra = _label(module, in_shape) if isinstance(module, nn.Dropout) else type(module).__name__
            layers[-1].label += f" + {extra}"
            continue
        if list(module.children()):  # containers (Sequential, the LSTM wrapper) have no box
            continue
        layers.append(Layer(branch, name, _label(module, in_shape), out_shape, _own_parameters(module)))
    return layers


def _add_fusion(result: Trace, net: LandslideNet, channels: int, out: torch.Tensor) -> None:
    """What no module shows: the LSTM-only model's extra inputs, the concatenation of the branches
    before the head, and the final sigmoid."""
    if net.kind == "lstm":  # the LSTM-only model appends the centre pixel's channels to every day
        first = result.branch("lstm")[0]
        first.label += f" (day series + {channels} centre-pixel channels)"
    head = result.branch("head")
    ends = [layer for layer in result.layers if layer.name in ("cnn.pool", "lstm.last")]
    if head and len(ends) > 1:
        widths = " + ".join(str(layer.shape[0]) for layer in ends)
        total = (sum(layer.shape[0] for layer in ends),)
        result.layers.insert(
            result.layers.index(head[0]), Layer("head", "concat", f"concatenate {widths}", total)
        )
    result.layers.append(Layer("head", "output", "sigmoid: probability of a landslide", (int(out.numel()),)))


def trace(
    net: LandslideNet, channels: int, sequence_features: int, patch_size: int, window_days: int
) -> Trace:
    """The layers of ``net`` seen by a forward pass of one zero sample: a ``channels`` x
    ``patch_size`` x ``patch_size`` patch and a ``window_days`` x ``sequence_features`` sequence.
    Activations and dropout are folded into the layer before them."""
    seq_features = sequence_features if net.lstm is not None else 0
    patches = torch.zeros(1, channels, patch_size, patch_size)
    sequences = torch.zeros(1, window_days, sequence_features) if sequence_features else None
    calls, out = _forward_calls(net, patches, sequences)
    result = Trace(
        kind=net.kind,
        inputs={"patch": (channels, patch_size, patch_size)}
        | ({"sequence": (window_days, seq_features)} if seq_features else {}),
        layers=_layers(net, calls),
        total_parameters=int(sum(p.numel() for p in net.parameters())),
    )
    _add_fusion(result, net, channels, out)
    return result


def trace_run(run_dir: str | Path, window_days: int) -> Trace:
    """The trace of a trained run's model (``model.json`` and ``model.pt`` of a run folder)."""
    from lsm.learn.train_torch import load_torch_run

    net, _, architecture = load_torch_run(Path(run_dir))
    return trace(
        net,
        len(architecture["channels"]),
        len(architecture["sequence_features"]),
        int(architecture["patch_size"]),
        window_days,
    )
