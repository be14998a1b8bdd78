"""Fixtures of the publish tests."""

from __future__ import annotations

from collections.abc import Iterator

import matplotlib.pyplot as plt
import pytest


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    """Every figure a test drew is closed after it (matplotlib keeps them otherwise)."""
    yield
    plt.close("all")
