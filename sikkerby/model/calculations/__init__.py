"""The indikatorer's calculations (DATA.md §2): one module per family, and a registry by name.

Modules: :mod:`~sikkerby.model.calculations.survey` (``andel_utrygge``),
:mod:`~sikkerby.model.calculations.areas` (``omraader_med_indsatsbehov``),
:mod:`~sikkerby.model.calculations.closures` (``lukkedage``, ``lukkede_institutioner``),
:mod:`~sikkerby.model.calculations.handleplan` with
:mod:`~sikkerby.model.calculations.working_days` (``handleplan_rettidig``),
:mod:`~sikkerby.model.calculations.youth_crime` (``andel_sigtede``),
:mod:`~sikkerby.model.calculations.gang_log` (``bandelog_seneste``).

:data:`REGISTRY` maps a calculation name (the ``calculation`` of an indikator in the
programme file, :data:`sikkerby.config.programme.CALCULATIONS`) to a :class:`Calculation`:
a function ``(dataset, indikator)`` returning the yearly values (a Series, or a
DataFrame indexed by ``aar``), the column holding the value, the input file it reads,
and the names of its breakdowns (the tables that explain the number; the report layer
shows each). The parameters (``answers``, ``needs``, ``working_days``, ``ages``,
``omraade``) come from the indikator, so two indikatorer may share a calculation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from sikkerby.config.programme import Indikator, ProgrammeError
from sikkerby.inputs.tables import Dataset
from sikkerby.model.calculations.areas import omraader_indsatsbehov
from sikkerby.model.calculations.closures import closures_per_year
from sikkerby.model.calculations.gang_log import bandelog_latest_per_year
from sikkerby.model.calculations.handleplan import handleplan_rettidig
from sikkerby.model.calculations.survey import utryghed_aften
from sikkerby.model.calculations.youth_crime import ungdomskriminalitet

Compute = Callable[[Dataset, Indikator], "pd.Series | pd.DataFrame"]

# The breakdowns a calculation owns (names; the report layer lays each out as a table).
BYDEL = "bydel"
AREA_CHANGES = "omraade_aendringer"
INSTITUTIONS = "institutioner"
FORVALTNINGER = "forvaltninger"
LATE_PLANS = "sene_handleplaner"
AGE_SEX = "alder_koen"
GANG_LOG_COUNTS = "bandelog_opgoerelser"


@dataclass(frozen=True)
class Calculation:
    """How an indikator's yearly values are computed, from which input, and what explains them.

    ``shared``: the result does not depend on the indikator's parameters (several
    calculations read different columns of it), so it is computed once per dataset.
    """

    compute: Compute
    input: str
    column: str = "vaerdi"
    shared: bool = False
    breakdowns: tuple[str, ...] = ()


def _survey(dataset: Dataset, indikator: Indikator) -> pd.DataFrame:
    return utryghed_aften(dataset.tryghedsundersoegelse, answers=indikator.parameters["answers"])


def _areas(dataset: Dataset, indikator: Indikator) -> pd.Series:
    return omraader_indsatsbehov(dataset.tryghedsindeks, indikator.parameters["needs"])


def _closures(dataset: Dataset, indikator: Indikator) -> pd.DataFrame:
    return closures_per_year(dataset.lukninger)


def _handleplan(dataset: Dataset, indikator: Indikator) -> pd.Series:
    return handleplan_rettidig(dataset.lukninger, int(indikator.parameters["working_days"]))


def _youth_crime(dataset: Dataset, indikator: Indikator) -> pd.Series:
    return ungdomskriminalitet(dataset.sigtelser, tuple(indikator.parameters["ages"]))


def _gang_log(dataset: Dataset, indikator: Indikator) -> pd.Series:
    return bandelog_latest_per_year(dataset.bandelog, indikator.parameters["omraade"])


REGISTRY: dict[str, Calculation] = {
    "andel_utrygge": Calculation(_survey, "tryghedsundersoegelse", breakdowns=(BYDEL,)),
    "omraader_med_indsatsbehov": Calculation(_areas, "tryghedsindeks", breakdowns=(AREA_CHANGES,)),
    "lukkedage": Calculation(_closures, "lukninger", column="lukkedage", shared=True,
                             breakdowns=(INSTITUTIONS,)),
    "lukkede_institutioner": Calculation(_closures, "lukninger", column="lukkede_institutioner", shared=True,
                                         breakdowns=(FORVALTNINGER,)),
    "handleplan_rettidig": Calculation(_handleplan, "lukninger", breakdowns=(LATE_PLANS,)),
    "andel_sigtede": Calculation(_youth_crime, "sigtelser", breakdowns=(AGE_SEX,)),
    "bandelog_seneste": Calculation(_gang_log, "bandelog", breakdowns=(GANG_LOG_COUNTS,)),
}


def calculation_for(indikator: Indikator) -> Calculation:
    """The registered :class:`Calculation` of an indikator; a clear error for an unknown name."""
    try:
        return REGISTRY[indikator.calculation]
    except KeyError:
        raise ProgrammeError(
            f"indikatoren {indikator.id}: ukendt beregning '{indikator.calculation}' (kendte: {', '.join(REGISTRY)})"
        ) from None


def inputs_read(indikatorer) -> tuple[str, ...]:
    """The input files the given indikatorer's calculations read, in first-use order."""
    return tuple(dict.fromkeys(calculation_for(i).input for i in indikatorer))
