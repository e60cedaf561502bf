"""The målepunkter's measures (DATA.md §2): one module per family, and a registry.

Modules: :mod:`~sikkerby.model.calculations.survey` (``utryghed_aften``),
:mod:`~sikkerby.model.calculations.areas` (``omraader_indsatsbehov``),
:mod:`~sikkerby.model.calculations.closures` (``lukkedage``, ``lukkede_institutioner``),
:mod:`~sikkerby.model.calculations.handleplan` with :mod:`~sikkerby.model.calculations.working_days`
(``handleplan_3_dage``), :mod:`~sikkerby.model.calculations.youth_crime`
(``ungdomskriminalitet``), :mod:`~sikkerby.model.calculations.gang_log`
(``bandelog_indre_noerrebro``).

:data:`REGISTRY` maps a målepunkt id to a :class:`Measure`: a function
``(dataset, programme, maalepunkt)`` returning the yearly values (a Series, or
a DataFrame indexed by ``aar``) and the column holding the value. Parameters
(``needs``, ``working_days``, the gang-log area) come from the programme.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from sikkerby.config.programme import Maalepunkt, Programme, ProgrammeError
from sikkerby.inputs.dataset import Dataset
from sikkerby.model.calculations.areas import omraader_indsatsbehov
from sikkerby.model.calculations.closures import closures_per_year
from sikkerby.model.calculations.gang_log import bandelog_latest_per_year
from sikkerby.model.calculations.handleplan import handleplan_rettidig
from sikkerby.model.calculations.survey import utryghed_aften
from sikkerby.model.calculations.youth_crime import ungdomskriminalitet

Compute = Callable[[Dataset, Programme, Maalepunkt], "pd.Series | pd.DataFrame"]


@dataclass(frozen=True)
class Measure:
    """How one målepunkt's yearly values are computed.

    ``shared``: the result does not depend on the målepunkt (several målepunkter
    read different columns of it), so it can be computed once per dataset.
    """

    compute: Compute
    column: str = "vaerdi"
    shared: bool = False


def _setting(maalepunkt: Maalepunkt, key: str):
    if key not in maalepunkt.extra or maalepunkt.extra[key] is None:
        raise ProgrammeError(f"program.yaml, maalepunkt {maalepunkt.id}: '{key}' is missing")
    return maalepunkt.extra[key]


def _survey(dataset: Dataset, programme: Programme, maalepunkt: Maalepunkt) -> pd.DataFrame:
    return utryghed_aften(dataset.tryghedsundersoegelse)


def _areas(dataset: Dataset, programme: Programme, maalepunkt: Maalepunkt) -> pd.Series:
    return omraader_indsatsbehov(dataset.tryghedsindeks, _setting(maalepunkt, "needs"))


def _closures(dataset: Dataset, programme: Programme, maalepunkt: Maalepunkt) -> pd.DataFrame:
    return closures_per_year(dataset.lukninger)


def _handleplan(dataset: Dataset, programme: Programme, maalepunkt: Maalepunkt) -> pd.Series:
    return handleplan_rettidig(dataset.lukninger, int(_setting(maalepunkt, "working_days")))


def _youth_crime(dataset: Dataset, programme: Programme, maalepunkt: Maalepunkt) -> pd.Series:
    return ungdomskriminalitet(dataset.sigtelser)


def _gang_log(dataset: Dataset, programme: Programme, maalepunkt: Maalepunkt) -> pd.Series:
    return bandelog_latest_per_year(dataset.bandelog, programme.bandelog_omraade)


REGISTRY: dict[str, Measure] = {
    "utryghed_aften": Measure(_survey),
    "omraader_indsatsbehov": Measure(_areas),
    "lukkedage": Measure(_closures, column="lukkedage", shared=True),
    "lukkede_institutioner": Measure(_closures, column="lukkede_institutioner", shared=True),
    "handleplan_3_dage": Measure(_handleplan),
    "ungdomskriminalitet": Measure(_youth_crime),
    "bandelog_indre_noerrebro": Measure(_gang_log),
}


def measure_for(maalepunkt_id: str) -> Measure:
    """The registered :class:`Measure` of a målepunkt id; a clear error for an unknown id."""
    try:
        return REGISTRY[maalepunkt_id]
    except KeyError:
        raise ProgrammeError(
            f"program.yaml: no calculation is registered for maalepunkt '{maalepunkt_id}' "
            f"(known: {', '.join(REGISTRY)})"
        ) from None
