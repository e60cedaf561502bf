"""DATA.md §1: a handleplan dated before its closure's startdato (a plan made ahead of an announced
closure) counts as on time, and the delivery is not refused (a warning, tests/test_validation.py)."""

from __future__ import annotations

import pandas as pd
from factories import D, valid_tables, with_changes, write_folder

from sikkerby.inputs.dataset import load_dataset
from sikkerby.model.calculations import handleplan


def closure(i, start, plan):
    return dict(lukning_id=i, institution=f"Inst {i}", forvaltning="BUF", bydel="Valby",
                startdato=start, slutdato=start, planlagt=False, handleplan_dato=plan)


def test_a_plan_before_the_start_is_on_time_computed_by_hand(typed_frame):
    # All four start Monday 5 March 2018 (no holiday that month): deadline Tue 6 (1), Wed 7 (2), Thu 8 (3).
    # P1 plan Friday 2 March (before the start): on time; P2 Thursday 8: on time (the deadline);
    # P3 Friday 9: late; P4 none: late  ->  2 of 4 = 50 %
    lukninger = typed_frame("lukninger", [
        closure("P1", "2018-03-05", "2018-03-02"),
        closure("P2", "2018-03-05", "2018-03-08"),
        closure("P3", "2018-03-05", "2018-03-09"),
        closure("P4", "2018-03-05", None),
    ])
    assert handleplan.handleplan_rettidig(lukninger, 3).to_dict() == {2018: 50.0}
    table = handleplan.handleplan_deadlines(lukninger, 3).set_index("lukning_id")
    assert table["rettidig"].to_dict() == {"P1": True, "P2": True, "P3": False, "P4": False}
    assert table.loc["P1", "frist"] == pd.Timestamp("2018-03-08")
    # Friday 2 March is one working day (Monday 5) before the start
    assert table.loc["P1", "arbejdsdage"] == -1
    late = handleplan.sene_handleplaner(lukninger, 2018, 3)
    assert late["lukning_id"].tolist() == ["P3", "P4"]


def test_the_delivery_with_such_a_plan_loads_and_the_measure_counts_it(tmp_path, programme):
    # factories: L4 starts Friday 2016-03-18, the only unplanned closure starting in 2016; its plan the day
    # before: on time, so 2016's share is 100 % (it was 100 % with the plan on 2016-03-23 too; a plan after
    # the deadline, 2016-03-24, gives 0 %: the control that the row is counted at all)
    for plan, share in ((D(2016, 3, 17), 100.0), (D(2016, 3, 24), 0.0)):
        folder = write_folder(tmp_path / str(plan), with_changes(valid_tables(), "lukninger", 3, handleplan_dato=plan))
        dataset = load_dataset(folder, programme, reuse=False)
        assert handleplan.handleplan_rettidig(dataset.lukninger, 3).loc[2016] == share
    assert not [w for w in dataset.warnings if "handleplan" in w]  # 2016-03-24 is after the start: no warning
