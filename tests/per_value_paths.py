"""Switching off every shortcut of reading and validation: the simple path the shortcuts must agree with.

Reading and validating a large file takes whole-column and whole-file
shortcuts (:mod:`sikkerby.inputs.parsing`, :mod:`sikkerby.inputs.readers`,
:mod:`sikkerby.inputs.personal_data`, :mod:`sikkerby.inputs.validation`); each falls back to
a plain per-value path when it cannot decide. :func:`use_per_value_paths` makes
every shortcut say "cannot decide", so the same code runs the per-value path
only: the csv module counts fields, every distinct value goes through the
regular expressions, every column is stripped and screened value by value, and
uniqueness is always checked with ``DataFrame.duplicated``. Tests compare what
both give, computed at test time.

    def test_x(monkeypatch):
        fast = validate_folder(folder, programme)
        use_per_value_paths(monkeypatch)
        assert validate_folder(folder, programme) == fast   (compared with same_result)
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from sikkerby.inputs import parsing, personal_data, readers, validation


def _csv_module_field_counts(text: str, separator: str) -> np.ndarray:
    return np.fromiter(map(len, csv.reader(io.StringIO(text, newline=""), delimiter=separator)), dtype=np.int64)


def use_per_value_paths(monkeypatch) -> None:
    """Switch every shortcut off (for the rest of the test)."""
    undecided = {
        "ascii_cells": lambda text: None,  # no whole-column stripping, CPR screening or number shapes
        "plain_numbers": lambda text: None,  # every cell through the regular expressions
        "mostly_distinct": lambda values, min_cells=None: False,  # always by the distinct values
        "_plain_csv": lambda *args: None,  # no facts from a CSV file's bytes
        "all_distinct": lambda values: False,  # uniqueness always by DataFrame.duplicated
        "field_counts": _csv_module_field_counts,
    }
    for module in (parsing, personal_data, readers, validation):
        for name, replacement in undecided.items():
            if hasattr(module, name):
                monkeypatch.setattr(module, name, replacement)


def same_result(left, right) -> None:
    """Assert two ``validate_folder`` results are equal: the problems in order, and the tables
    with their values, dtypes, columns and index."""
    (left_data, left_problems), (right_data, right_problems) = left, right
    assert left_problems == right_problems
    assert (left_data is None) == (right_data is None)
    if left_data is None:
        return
    assert left_data.source_files == right_data.source_files
    for name in left_data.table_names():
        pd.testing.assert_frame_equal(left_data.table(name), right_data.table(name), check_exact=True)
