"""The output contract (DATA.md §4) as pandera schemas: real tables pass, broken ones are refused."""

from __future__ import annotations

import numpy as np
import pytest

from sikkerby.model import evidence, goals
from sikkerby.model.output_schemas import OutputContractError, check_output


@pytest.mark.parametrize("year", [2013, 2014, 2017])
def test_the_package_tables_meet_the_contract(sample_dataset, programme, year):
    check_output("maalstatus.csv", goals.maalstatus(sample_dataset, programme, year))
    check_output("aktivitetsscorer.csv", evidence.aktivitetsscorer(sample_dataset, programme, year))


def test_unknown_status_is_refused(sample_dataset, programme):
    table = goals.maalstatus(sample_dataset, programme, 2017)
    table.loc[0, "status"] = "groen"
    with pytest.raises(OutputContractError, match=r"(?s)maalstatus.csv.*status.*groen"):
        check_output("maalstatus.csv", table)


def test_columns_out_of_order_are_refused(sample_dataset, programme):
    table = goals.maalstatus(sample_dataset, programme, 2017)
    with pytest.raises(OutputContractError):
        check_output("maalstatus.csv", table[list(reversed(table.columns))])


def test_score_above_100_and_duplicate_activity_are_refused(sample_dataset, programme):
    table = evidence.aktivitetsscorer(sample_dataset, programme, 2017)
    table.loc[0, "samlet_score"] = 100.5
    table.loc[1, "aktivitet_id"] = table.loc[0, "aktivitet_id"]
    with pytest.raises(OutputContractError, match="aktivitetsscorer.csv") as err:
        check_output("aktivitetsscorer.csv", table)
    assert "samlet_score" in str(err.value) and "aktivitet_id" in str(err.value)


def test_empty_score_is_allowed(sample_dataset, programme):
    table = evidence.aktivitetsscorer(sample_dataset, programme, 2017)
    assert table["samlet_score"].isna().any()
    table.loc[0, "resultatscore"] = np.nan
    check_output("aktivitetsscorer.csv", table)
