"""How claims are judged: ``evaluation:`` of params.yaml, read by every part of the evaluation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EvaluationSettings:
    """How claims are judged (params.yaml ``evaluation:``, values only there)."""

    alpha: float
    bootstrap: int
    gain_needed: float  # C2: the gain over the best traditional model judged against this
    reservoir_reach_m: float  # C4: how far from the shore a drawdown acts
    ablation_schemes: Sequence[str]  # where the CNN-LSTM is retrained on window totals (the plan reads it)
    seed: int

    @classmethod
    def from_config(cls, block: Mapping[str, Any]) -> EvaluationSettings:
        """From the validated block (the schema rejects unknown and missing keys first)."""
        return cls(**block)
