"""Statistical disclosure control for published breakdown tables.

A count from 1 to ``min_count − 1`` (program.yaml ``disclosure.min_count``,
5 by default) could point at identifiable people, so it is shown as
``"<5"``; 0 and counts ≥ ``min_count`` are shown as they are. A share derived
from a suppressed count (e.g. the percentage charged in a small group) would
give the count away, so it is hidden too.

This is primary suppression: it does not hide a second cell so that a
suppressed one cannot be recovered from a published total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

HIDDEN_SHARE = "–"  # shown instead of a share derived from a suppressed count


def small_count_mask(values: pd.Series, min_count: int) -> pd.Series:
    """True where ``1 ≤ value < min_count`` (missing values are never small)."""
    numeric = pd.to_numeric(values, errors="coerce").astype("float64")
    return ((numeric >= 1) & (numeric < min_count)).fillna(False).astype(bool)


def suppress_small_counts(table: pd.DataFrame, counts: Sequence[str], min_count: int,
                          shares: Mapping[str, str | Sequence[str]] | None = None,
                          hidden_share: str = HIDDEN_SHARE) -> pd.DataFrame:
    """A copy of ``table`` ready to publish.

    ``counts``: the count columns; a value 1..min_count−1 becomes ``"<{min_count}"``.
    ``shares``: share column → the count column(s) it is derived from; the share
    becomes ``hidden_share`` in every row where one of them is suppressed.
    Changed columns have ``object`` dtype (numbers stay numbers, markers are strings);
    other columns are untouched.
    """
    if min_count < 1:
        raise ValueError("min_count must be at least 1")
    out = table.copy()
    masks = {}
    for column in counts:
        masks[column] = small_count_mask(table[column], min_count)
    for share, sources in (shares or {}).items():
        sources = [sources] if isinstance(sources, str) else list(sources)
        for source in sources:
            if source not in masks:
                masks[source] = small_count_mask(table[source], min_count)
        hide = np.logical_or.reduce([masks[s].to_numpy() for s in sources]) if sources else np.zeros(len(table), bool)
        out[share] = table[share].astype("object").where(~hide, hidden_share)
    marker = f"<{min_count}"
    for column in counts:
        out[column] = table[column].astype("object").where(~masks[column].to_numpy(), marker)
    return out
