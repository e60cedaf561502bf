"""The story the synthetic sample data tell: the designed figure of every målepunkt.

2013 holds the programme's published baselines (seed text, page 5; the same
figures as ``params/program.yaml``), so the sample back-tests against them. The
years 2014-2017 are designed to give a realistic mix of statuses under the rules
of DATA.md §2.1 (some years on track, some not, the final year mixed):

==========================  ======  ======  ======  ======  ======
målepunkt                    2013    2014    2015    2016    2017
==========================  ======  ======  ======  ======  ======
utryghed_aften (%)           17.5    16.3    15.6    14.05   13.3
  path P(Y)                  17.5    16.375  15.25   14.125  13.0
  status                     basis   på spor ikke    på spor ikke nået
omraader_indsatsbehov        5       4       5       3       3
lukkedage                    283     251     238     243     185
  path P(Y)                  283     259.65  236.31  212.96  189.61
lukkede_institutioner        9       8       7       7       6
  path P(Y)                  9       8.2475  7.495   6.7425  6.03
handleplan_3_dage: late      3       2       0       1       2
ungdomskriminalitet (%)      1.10    1.04    1.13    0.99    0.94
bandelog Indre Nørrebro      —       142     148     131     117
==========================  ======  ======  ======  ======  ======

Counts (closure days, institutions, late plans) are multiplied by ``scale``; the
percentages hold at any scale.
"""

from __future__ import annotations

# Weighted % of valid answers 4-5 ("utryg"/"meget utryg") per survey year.
UTRYGHED_AFTEN: dict[int, float] = {
    2011: 19.4, 2012: 18.6, 2013: 17.5, 2014: 16.3, 2015: 15.6, 2016: 14.05, 2017: 13.3,
}

# Areas with an "intensiveret" or "markant" need for a safety effort in the index.
OMRAADER_INDSATSBEHOV: dict[int, int] = {
    2010: 12, 2011: 9, 2012: 7, 2013: 5, 2014: 4, 2015: 5, 2016: 3, 2017: 3,
}

# Distinct (institution, calendar day) pairs closed unplanned, per calendar year.
LUKKEDAGE: dict[int, int] = {2013: 283, 2014: 251, 2015: 238, 2016: 243, 2017: 185}

# Distinct institutions with at least one unplanned closed day, per year.
LUKKEDE_INSTITUTIONER: dict[int, int] = {2013: 9, 2014: 8, 2015: 7, 2016: 7, 2017: 6}

# Unplanned closures starting in the year whose plan was late or is missing.
SENE_HANDLEPLANER: dict[int, int] = {2013: 3, 2014: 2, 2015: 0, 2016: 1, 2017: 2}

# Closures that run over New Year: (year they start, year they end).
NYTAARSLUKNINGER: tuple[tuple[int, int], ...] = ((2013, 2014), (2015, 2016), (2016, 2017))

# Planned closures per year (they count nowhere; the data should still hold some).
PLANLAGTE_LUKNINGER_PR_AAR = 8

# 100 * charged / residents among the 15-25-year-olds, per year.
UNGDOMSKRIMINALITET: dict[int, float] = {
    2013: 1.10, 2014: 1.04, 2015: 1.13, 2016: 0.99, 2017: 0.94,
}

# Persons in the police gang log for the programme's area at the last count of the year.
BANDELOG_AAR_SLUT: dict[int, int] = {2013: 150, 2014: 142, 2015: 148, 2016: 131, 2017: 117}
BANDELOG_OMRAADE = "Indre Nørrebro"

# Residents (approx., 2014) of Copenhagen's ten bydele: survey weights and closure places.
BYDELE: dict[str, int] = {
    "Indre By": 50_000,
    "Østerbro": 75_000,
    "Nørrebro": 78_000,
    "Vesterbro/Kongens Enghave": 65_000,
    "Valby": 55_000,
    "Vanløse": 40_000,
    "Brønshøj-Husum": 43_000,
    "Bispebjerg": 53_000,
    "Amager Øst": 57_000,
    "Amager Vest": 70_000,
}

FORVALTNINGER: tuple[str, ...] = ("BUF", "SOF", "KFF", "BIF", "TMF", "SUF", "ØKF")

# Years the activity register and the success criteria cover.
AKTIVITETSAAR: tuple[int, ...] = (2014, 2015, 2016, 2017)
