"""The maps' reference dates beyond the wettest spell (:data:`lsm.names.WETTEST`): a typical one."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lsm.data.forcing import Series, resolve_date, spell_totals
from lsm.names import WETTEST

# The label of a second reference date: a window of ordinary rain, against which claim C4 is judged
# beside the wettest (on the wettest day every rain contrast is guaranteed).
TYPICAL = "typical"


def typical_window_end(series: Series, window: int) -> pd.Timestamp:
    """Last day of the ``window``-day spell whose area-mean rain is the median of all such spells
    (the first of the closest on ties): what the record's ordinary window looks like."""
    totals = spell_totals(series, window)
    if not np.isfinite(totals).any():
        return pd.Timestamp(resolve_date(WETTEST, series, window)[1])  # raises the record's error
    distance = np.abs(totals - np.nanmedian(totals))
    return pd.Timestamp(series.rain.dates[int(np.nanargmin(distance))])
