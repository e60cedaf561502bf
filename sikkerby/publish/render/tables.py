"""The CSV outputs (DATA.md §4): UTF-8, comma, '.' decimals, unrounded, byte-stable."""

from __future__ import annotations

from pathlib import Path


def float_repr(value: float) -> str:
    """The shortest text that reads back as exactly ``value`` (Python's ``repr``)."""
    return repr(float(value))


def write_csv(frame, path: Path) -> None:
    """Write ``frame`` without its index; floats unrounded and round-tripping, missing as empty."""
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", float_format=float_repr, na_rep="")
