"""The output contract of DATA.md §4 as pandera schemas: what other programs may rely on.

``maalstatus.csv`` and ``aktivitetsscorer.csv`` are read by other tools, so the
run checks each table against its schema before writing it: exact columns in
order, types, the fixed vocabularies (status, model_status, kategori,
udviklingspotentiale), one row per indikator / activity, scores within 0-100.
A table that breaks its schema is a bug in the package, reported as
:class:`OutputContractError` (the run fails; the last good publication stays).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from sikkerby.errors import SikkerByError
from sikkerby.model.evidence import KATEGORIER, MODEL_STATUSES, UDVIKLINGSPOTENTIALER
from sikkerby.model.goal_status import STATUSES


class OutputContractError(SikkerByError):
    """An output table does not meet DATA.md §4."""


def _number(nullable: bool = True, score: bool = False) -> pa.Column:
    checks = [pa.Check.in_range(0, 100)] if score else []
    return pa.Column(float, checks=checks, nullable=nullable, coerce=True)


MAALSTATUS = pa.DataFrameSchema(
    {
        "maalepunkt_nr": pa.Column(int),
        "indikator_id": pa.Column(str, unique=True),
        "maalomraade": pa.Column(str),
        "aar": pa.Column(int),
        "vaerdi": _number(),
        "ci_nedre": _number(),
        "ci_oevre": _number(),
        "basisaar": pa.Column("Int64", nullable=True, coerce=True),
        "basisvaerdi": _number(),
        "maalaar": pa.Column("Int64", nullable=True, coerce=True),
        "maalvaerdi": _number(),
        "sti_vaerdi": _number(),
        "status": pa.Column(str, pa.Check.isin(STATUSES)),
        "maal_foreloebigt": pa.Column(str, pa.Check.isin(["ja", "nej"])),
    },
    strict=True,
    ordered=True,
    name="maalstatus.csv",
)

AKTIVITETSSCORER = pa.DataFrameSchema(
    {
        "aktivitet_id": pa.Column(str, unique=True),
        "navn": pa.Column(str),
        "forvaltning": pa.Column(str),
        "indsatsomraade": pa.Column(str),
        "model_status": pa.Column(str, pa.Check.isin(MODEL_STATUSES)),
        "resultatscore": _number(score=True),
        "evidensscore": _number(score=True),
        "samlet_score": _number(score=True),
        "kategori": pa.Column(str, pa.Check.isin(KATEGORIER), nullable=True),
        "udviklingspotentiale": pa.Column(str, pa.Check.isin(UDVIKLINGSPOTENTIALER), nullable=True),
    },
    strict=True,
    ordered=True,
    name="aktivitetsscorer.csv",
)

SCHEMAS = {"maalstatus.csv": MAALSTATUS, "aktivitetsscorer.csv": AKTIVITETSSCORER}


def check_output(name: str, table: pd.DataFrame) -> pd.DataFrame:
    """``table`` checked against the schema of output file ``name``; raises :class:`OutputContractError`."""
    try:
        return SCHEMAS[name].validate(table, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases[["column", "check", "failure_case"]].head(10).to_string(index=False)
        raise OutputContractError(f"{name} overholder ikke DATA.md §4 (en fejl i pakken):\n{cases}") from None
