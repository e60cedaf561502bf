"""The input contract of DATA.md §1 as data: files, columns, types, vocabularies.

After :func:`sikkerby.inputs.dataset.load_dataset` every table has exactly the columns
listed here (optional ones included, filled with missing values), in this order,
with these pandas dtypes:

=========  ===================================================================
type       dtype after loading
=========  ===================================================================
``int``    ``int64`` when not nullable, else ``Int64``
``float``  ``float64`` (missing is NaN)
``text``   pandas' default string dtype (``str`` in pandas 3); missing tests true with ``pd.isna``
``date``   ``datetime64[ns]`` at midnight (missing is ``NaT``)
``bool``   ``bool``
=========  ===================================================================

Vocabulary columns hold the canonical spelling (e.g. ``ordinær`` for ``ordinaer``), and
``bandelog.omraade`` is spelt as the programme's gang-log areas (``programme.gang_log_areas``) are.
Dates lie in the years 1900-2100 and whole numbers have at most 18 digits
(:data:`sikkerby.inputs.parsing.LIMIT_RULES`); floats are finite. Year columns (``year=True``)
lie within the programme period widened (:func:`sikkerby.inputs.validation.year_span`).

Rules beyond DATA.md are of two kinds (docs/reliability.md): those that keep a number from
being misread (the limits above, the year span, a thousands separator in a decimal-comma
file) refuse the file like the contract's own; plausibility (``plausible`` ranges,
``unique_warning`` groups, the table rules marked so in validation) only warns.
``tryghed_aften`` is ``Int64`` with 1-5; 9 and empty (ved ikke/uoplyst) are ``<NA>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sikkerby.config.programme import NEED_ALIASES, NEED_LEVELS


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # int | float | text | date | bool
    required: bool = True  # the column must be present in the file
    nullable: bool = False  # empty cells are allowed
    vocabulary: tuple[str, ...] | None = None  # allowed canonical values
    aliases: dict[str, str] = field(default_factory=dict)  # accepted spelling -> canonical
    missing_codes: tuple[int, ...] = ()  # values that mean "missing" (e.g. 9 = ved ikke)
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False  # minimum itself not allowed (e.g. vaegt > 0)
    bydel: bool = False  # must be one of the programme's bydele
    year: bool = False  # a calendar year: within the programme period widened (refused outside it)
    plausible: tuple[float, float] | None = None  # outside it only a warning (not in DATA.md)


@dataclass(frozen=True)
class InputFile:
    name: str  # base name; the file is <name>.csv or <name>.xlsx
    title: str  # Danish, for messages and the template
    columns: tuple[Column, ...]
    unique: tuple[tuple[str, ...], ...] = ()  # column groups that must be unique (DATA.md)
    unique_warning: tuple[tuple[str, ...], ...] = ()  # groups whose repetition only warns (not in DATA.md)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


INDSATSOMRAADER = ("I", "II", "III", "IV", "V")
EVIDENSNIVEAUER = ("effektiv", "lovende", "utilstraekkelig", "ingen_effekt", "skadelig")
RESULTATER = ("fritidstilbud", "uddannelse", "beskaeftigelse", "misbrug", "tilbagefald",
              "trygge_lokalomraader", "koordination")
# Danish spellings people write, accepted for the canonical (ASCII) values (any case)
EVIDENSNIVEAU_SPELLINGS = {"utilstrækkelig": "utilstraekkelig", "ingen effekt": "ingen_effekt",
                           "ingen-effekt": "ingen_effekt"}
RESULTAT_SPELLINGS = {"beskæftigelse": "beskaeftigelse", "trygge lokalområder": "trygge_lokalomraader",
                      "trygge_lokalområder": "trygge_lokalomraader", "trygge lokalomraader": "trygge_lokalomraader"}
RETNINGER = ("op", "ned")
KOEN = ("k", "m")

TRYGHEDSUNDERSOEGELSE = InputFile(
    "tryghedsundersoegelse", "Tryghedsundersøgelsen (svar pr. respondent)",
    (
        Column("aar", "int", year=True),
        Column("respondent_id", "text"),
        Column("bydel", "text", bydel=True),
        Column("vaegt", "float", minimum=0, exclusive_minimum=True),
        Column("tryghed_aften", "int", nullable=True, minimum=1, maximum=5, missing_codes=(9,)),
        Column("koen", "text", required=False, nullable=True, vocabulary=KOEN),
        Column("alder", "int", required=False, nullable=True, plausible=(0, 120)),
    ),
    unique=(("aar", "respondent_id"),),
)

TRYGHEDSINDEKS = InputFile(
    "tryghedsindeks", "Tryghedsindekset (indsatsbehov pr. område)",
    (
        Column("aar", "int", year=True),
        Column("omraade", "text"),
        Column("bydel", "text", bydel=True),
        Column("indsatsbehov", "text", vocabulary=NEED_LEVELS, aliases=NEED_ALIASES),
        Column("indeksvaerdi", "float", required=False, nullable=True),
    ),
    unique=(("aar", "omraade"),),
)

LUKNINGER = InputFile(
    "lukninger", "Lukninger af kommunale institutioner og serviceydelser",
    (
        Column("lukning_id", "text"),
        Column("institution", "text"),
        Column("forvaltning", "text"),
        Column("bydel", "text", bydel=True),
        Column("startdato", "date"),
        Column("slutdato", "date"),  # >= startdato
        Column("planlagt", "bool"),
        Column("aarsag", "text", required=False, nullable=True),
        Column("handleplan_dato", "date", nullable=True),  # before startdato: a warning (on time)
    ),
    unique=(("lukning_id",),),
)

SIGTELSER = InputFile(
    "sigtelser", "Sigtelser af 15-25-årige for personfarlig eller anden alvorlig kriminalitet",
    (
        Column("aar", "int", year=True),
        Column("alder", "int", minimum=15, maximum=25),
        Column("koen", "text", required=False, nullable=True, vocabulary=KOEN),
        Column("befolkning", "int", minimum=0),
        Column("sigtede", "int", minimum=0),  # <= befolkning
    ),
    # not in DATA.md: rows of one age and sex may be parts (districts, say) that add up
    unique_warning=(("aar", "alder", "koen"),),
)

BANDELOG = InputFile(
    "bandelog", "Bandeloggen (antal personer pr. opgørelse)",
    (
        Column("dato", "date"),
        Column("omraade", "text"),
        Column("antal_personer", "int", minimum=0),
    ),
    # not a key in DATA.md: two counts of one area and day are a warning (validation._gang_log_repeated_counts)
)

AKTIVITETER = InputFile(
    "aktiviteter", "Sikker By aktiviteter",
    (
        Column("aktivitet_id", "text"),
        Column("navn", "text"),
        Column("forvaltning", "text"),
        Column("indsatsomraade", "text", vocabulary=INDSATSOMRAADER),
        Column("foerste_aar_i_model", "int", nullable=True, year=True),
        Column("forventet_aar_i_model", "int", nullable=True, year=True),
        Column("forandringsteori", "bool"),
        Column("evidensniveau", "text", vocabulary=EVIDENSNIVEAUER, aliases=EVIDENSNIVEAU_SPELLINGS),
    ),
    unique=(("aktivitet_id",),),
)

SUCCESKRITERIER = InputFile(
    "succeskriterier", "Succeskriterier og deres årlige værdier",
    (
        Column("aktivitet_id", "text"),  # must exist in aktiviteter
        Column("kriterie_id", "text"),
        Column("aar", "int", year=True),
        Column("beskrivelse", "text"),
        Column("resultat", "text", vocabulary=RESULTATER, aliases=RESULTAT_SPELLINGS),
        Column("retning", "text", vocabulary=RETNINGER),  # agrees with sign(maal - baseline)
        Column("baseline", "float", nullable=True),  # same per criterion; empty is flagged, not refused
        Column("maal", "float"),  # same per criterion; != baseline
        Column("vaerdi", "float", nullable=True),
    ),
    unique=(("aktivitet_id", "kriterie_id", "aar"),),
)

INPUT_FILES: tuple[InputFile, ...] = (
    TRYGHEDSUNDERSOEGELSE, TRYGHEDSINDEKS, LUKNINGER, SIGTELSER, BANDELOG, AKTIVITETER, SUCCESKRITERIER,
)
INPUTS_BY_NAME = {f.name: f for f in INPUT_FILES}

# Column names that are refused as personal data (compared case-insensitively,
# after stripping spaces, '-' and '_').
PERSONAL_DATA_COLUMN_PATTERNS = ("cpr", "navnperson", "personnummer", "personnr", "cprnr")
