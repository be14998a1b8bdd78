"""The architecture figure is read off the model: shapes and weights follow the settings."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from lsm.learn.architecture import trace
from lsm.learn.models import TorchSettings
from lsm.learn.networks import LandslideNet, count_parameters
from lsm.publish.plots.architecture import architecture_diagram
from tests.helpers import from_params


@pytest.mark.parametrize("kind", ["cnn_lstm", "cnn", "lstm"])
def test_trace_counts_every_weight(kind: str) -> None:
    net = LandslideNet(kind, 18, 4, from_params(TorchSettings, "models.torch"))
    traced = trace(net, 18, 4, 15, 30)
    assert traced.total_parameters == count_parameters(net)
    assert sum(layer.parameters for layer in traced.layers) == count_parameters(net)
    assert traced.layers[-1].shape == (1,)


def test_shapes_follow_the_settings() -> None:
    settings = from_params(
        TorchSettings, "models.torch", conv_channels=(8, 16, 24), lstm_hidden=12, dense_units=20
    )
    traced = trace(LandslideNet("cnn_lstm", 5, 3, settings), 5, 3, 11, 10)
    cnn = traced.branch("cnn")
    assert [layer.shape for layer in cnn] == [(8, 9, 9), (16, 7, 7), (24, 5, 5), (24,)]
    assert "5x5" in cnn[-1].label  # the global mean runs over what the valid convolutions leave
    assert [layer.shape for layer in traced.branch("lstm")] == [(10, 12), (12,)]
    concat, dense, last, prob = traced.branch("head")
    assert concat.label == "concatenate 24 + 12" and concat.shape == (36,)
    assert dense.label == "Dense, 36 -> 20 + ReLU + Dropout 0.30" and dense.parameters == 36 * 20 + 20
    assert last.parameters == 21 and prob.shape == (1,)
    assert traced.inputs == {"patch": (5, 11, 11), "sequence": (10, 3)}


def test_a_tuned_dropout_is_rounded_for_reading() -> None:
    settings = from_params(TorchSettings, "models.torch", dropout=0.472842)
    head = trace(LandslideNet("cnn_lstm", 5, 3, settings), 5, 3, 11, 10).branch("head")
    assert [layer.label.rsplit(" + ", 1)[-1] for layer in head if "Dropout" in layer.label] == [
        "Dropout 0.47"
    ]


def test_lstm_alone_sees_the_centre_pixel() -> None:
    traced = trace(LandslideNet("lstm", 7, 4, from_params(TorchSettings, "models.torch")), 7, 4, 15, 30)
    first = traced.branch("lstm")[0]
    assert first.label.startswith("LSTM, 11 features") and "7 centre-pixel channels" in first.label
    assert not traced.branch("cnn")


def test_diagram_draws_every_layer() -> None:
    traces = [
        trace(LandslideNet(k, 6, 4, from_params(TorchSettings, "models.torch")), 6, 4, 15, 30)
        for k in ("cnn_lstm", "cnn", "lstm")
    ]
    fig = architecture_diagram(traces)
    diagram, bars = fig.axes
    texts = [t.get_text() for t in diagram.texts if t.get_text()]  # (arrows are empty annotations)
    main = traces[0]
    assert len(texts) == len(main.layers) + len(main.inputs)  # one box per layer and per input
    assert f"{main.total_parameters:,} weights" in diagram.get_title()
    assert any("out: 64 x 11 x 11, 18,496 weights" in t for t in texts)
    widths = [p.get_width() for p in bars.patches]
    assert sum(widths) == sum(t.total_parameters for t in traces)  # stacked bars: every weight
    plt.close(fig)
