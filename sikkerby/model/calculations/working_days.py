"""Danish working days (DATA.md §2): Monday-Friday that are not Danish public holidays.

Holidays are those of the ``holidays`` package's Denmark calendar, default
categories (public holidays; e.g. Store Bededag up to 2023, not Christmas Eve).
The arithmetic is numpy's business-day functions with that holiday list.
"""

from __future__ import annotations

from collections.abc import Iterable

import holidays
import numpy as np
import pandas as pd


def danish_holidays(years: Iterable[int]) -> np.ndarray:
    """The Danish public holidays of ``years`` as a sorted ``datetime64[D]`` array."""
    calendar = holidays.Denmark(years=sorted({int(y) for y in years}))
    return np.array(sorted(calendar.keys()), dtype="datetime64[D]")


def _as_days(dates) -> np.ndarray:
    return pd.to_datetime(pd.Series(dates)).to_numpy().astype("datetime64[D]")


def add_working_days(dates, n: int, holiday_list: np.ndarray | None = None) -> np.ndarray:
    """The ``n``-th working day after each date (the date itself is day 0), as ``datetime64[D]``.

    A date that is not a working day counts from the working day before it, so
    the first working day after a Saturday is the Monday. ``holiday_list``
    defaults to the Danish holidays of the years involved.
    """
    days = _as_days(dates)
    if holiday_list is None:
        holiday_list = _holidays_around(days)
    return np.busday_offset(days, n, roll="backward", holidays=holiday_list)


def working_days_between(start, end, holiday_list: np.ndarray | None = None) -> np.ndarray:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` ≤ ``start`` …).

    Negative when ``end`` is before ``start``.
    """
    s = _as_days(start)
    e = _as_days(end)
    if holiday_list is None:
        holiday_list = _holidays_around(np.concatenate([s, e]))
    return np.busday_count(s + np.timedelta64(1, "D"), e + np.timedelta64(1, "D"), holidays=holiday_list)


def _holidays_around(days: np.ndarray) -> np.ndarray:
    days = days[~np.isnat(days)]
    if days.size == 0:
        return np.array([], dtype="datetime64[D]")
    years = days.astype("datetime64[Y]").astype("int64") + 1970
    # a deadline may fall in the next year (a closure on 30 December)
    return danish_holidays(range(int(years.min()), int(years.max()) + 2))
