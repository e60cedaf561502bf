"""Charts: the right elements for each kind, Danish ticks and alt text, deterministic PNGs."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.container import BarContainer, ErrorbarContainer

from sikkerby.report.formatting import NBSP
from sikkerby.report.plotting import (
    Chart,
    bar_chart,
    figure_png,
    score_scatter,
    series_chart,
)

NB = NBSP


def lines_by_gid(fig):
    ax = fig.axes[0]
    return {line.get_gid(): line for line in ax.get_lines() if line.get_gid()}


@pytest.fixture
def utryghed_series():
    """Survey series with confidence intervals, a gap in 2015 and a year after the reporting year."""
    return pd.DataFrame({
        "indikator_id": ["utryghed_aften"] * 6 + ["lukkedage"],
        "aar": [2013, 2014, 2015, 2016, 2017, 2018, 2013],
        "vaerdi": [17.5, 16.4, np.nan, 14.1, 13.4, 12.0, 283],
        "ci_nedre": [16.9, 15.8, np.nan, 13.5, 12.8, 11.5, np.nan],
        "ci_oevre": [18.1, 17.0, np.nan, 14.7, 14.0, 12.5, np.nan],
    })


def test_sti_chart_has_path_target_baseline_and_ci(programme, utryghed_series):
    m = programme.indikator("utryghed_aften")
    chart = series_chart(utryghed_series, m, 2017)
    assert isinstance(chart, Chart)
    lines = lines_by_gid(chart.figure)
    path = lines["maalsti"]
    assert list(path.get_xdata()) == [2013, 2017] and list(path.get_ydata()) == [17.5, 13.0]
    assert path.get_linestyle() == "--"
    measured = lines["maalt"]
    assert list(measured.get_xdata()) == [2013, 2014, 2015, 2016, 2017]  # 2018 is after the reporting year
    assert measured.get_linestyle() == "-" and measured.get_marker() == "o"
    assert (list(lines["maal"].get_xdata()), list(lines["maal"].get_ydata())) == ([2017], [13.0])
    assert (list(lines["basis"].get_xdata()), list(lines["basis"].get_ydata())) == ([2013], [17.5])
    # every series differs by line style or marker, not colour alone
    styles = {(line.get_linestyle(), line.get_marker()) for line in lines.values()}
    assert len(styles) == len(lines)
    assert any(isinstance(c, ErrorbarContainer) for c in chart.figure.axes[0].containers)


def test_sti_alt_text_in_danish(programme, utryghed_series):
    chart = series_chart(utryghed_series, programme.indikator("utryghed_aften"), 2017)
    assert chart.alt_text == (
        f"Linjediagram: andelen faldt fra 17,5{NB}% i 2013 til 13,4{NB}% i 2017; der er ingen værdi for 2015; "
        f"målet er højst 13,0{NB}% i 2017, og målstien fra 2013 er en stiplet linje; "
        f"lodrette streger viser 95{NB}%-konfidensintervaller.")


def test_ticks_are_danish(programme, utryghed_series):
    chart = series_chart(utryghed_series, programme.indikator("utryghed_aften"), 2016)
    figure_png(chart.figure)  # draws, so tick labels exist
    ax = chart.figure.axes[0]
    y_labels = [t.get_text() for t in ax.get_yticklabels()]
    assert y_labels and all(re.fullmatch(rf"\d+(,\d+)?{NB}%", t) for t in y_labels), y_labels
    assert any("," in t for t in y_labels)  # 2,5-steps need a decimal comma
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2013", "2014", "2015", "2016", "2017"]
    assert ax.get_xlabel() == "År" and ax.get_ylabel() == "Procent"


def test_retning_chart_has_reference_line_and_no_path(programme):
    m = programme.indikator("bandelog_indre_noerrebro")  # baseline taken from the data (2014)
    series = pd.DataFrame({"aar": [2014, 2015, 2016, 2017], "vaerdi": [60, 55, 58, 50]})
    chart = series_chart(series, m, 2017)
    lines = lines_by_gid(chart.figure)
    assert "maalsti" not in lines and "maal" not in lines
    assert set(lines["reference"].get_ydata()) == {60}
    assert lines["reference"].get_linestyle() == ":"
    assert not any(isinstance(c, ErrorbarContainer) for c in chart.figure.axes[0].containers)
    assert chart.alt_text == ("Linjediagram: antallet faldt fra 60 i 2014 til 50 i 2017; målet er, at antallet "
                              "i 2017 er lavere end i 2014 (60, prikket linje).")


def test_krav_chart(programme):
    m = programme.indikator("handleplan_3_dage")
    series = pd.DataFrame({"aar": [2014, 2015, 2016], "vaerdi": [87.5, 90.0, 87.5]})
    chart = series_chart(series, m, 2016)
    assert set(lines_by_gid(chart.figure)["krav"].get_ydata()) == {100}
    assert chart.alt_text == (f"Linjediagram: andelen var 87,5{NB}% både i 2014 og i 2016; "
                              f"kravet er 100,0{NB}% hvert år.")


def test_alt_text_without_values(programme):
    m = programme.indikator("lukkedage")
    chart = series_chart(pd.DataFrame({"aar": [2013], "vaerdi": [np.nan]}), m, 2014)
    assert chart.alt_text.startswith("Linjediagram uden målte værdier til og med 2014; målet er højst 189 i 2017")


def test_reduction_target_on_a_baseline_from_the_data_is_drawn(programme):
    import dataclasses

    # lukkedage with its baseline left to the data: 2013 = 300, so T = 300 less 33 % = 201
    m = dataclasses.replace(programme.indikator("lukkedage"), baseline_value=None, target_value=None)
    chart = series_chart(pd.DataFrame({"aar": [2013, 2014, 2015], "vaerdi": [300.0, 280.0, 260.0]}), m, 2015)
    lines = lines_by_gid(chart.figure)
    assert list(lines["maalsti"].get_ydata()) == [300.0, pytest.approx(201.0)]
    assert list(lines["maal"].get_ydata()) == [pytest.approx(201.0)]
    assert "målet er højst 201 i 2017" in chart.alt_text


def test_png_is_deterministic_and_carries_no_software_tag(programme, utryghed_series):
    m = programme.indikator("utryghed_aften")
    first = figure_png(series_chart(utryghed_series, m, 2017).figure)
    second = figure_png(series_chart(utryghed_series, m, 2017).figure)
    assert first.startswith(b"\x89PNG") and first == second
    assert b"Software" not in first and b"atplotlib" not in first


SCORES = pd.DataFrame({
    "aktivitet_id": ["A1", "A2", "A3", "A4", "A$5", "A6"],
    "resultatscore": [90.0, 50.0, 20.0, 70.0, 10.0, np.nan],
    "evidensscore": [100.0, 67.0, 33.0, 33.0, 0.0, 67.0],
    "kategori": ["groen", "gul", "roed", "gul", "roed", None],
})


def zone_vertices(fig, kategori):
    ax = fig.axes[0]
    (zone,) = [c for c in ax.collections if isinstance(c, PolyCollection) and c.get_gid() == f"zone-{kategori}"]
    return np.concatenate([p.vertices for p in zone.get_paths()]), zone


def test_score_scatter_zones_follow_the_programme(programme):
    chart = score_scatter(SCORES, programme.weights, programme.categories)
    green, zone = zone_vertices(chart.figure, "groen")
    assert np.all(0.5 * green[:, 0] + 0.5 * green[:, 1] >= 70 - 1e-6)
    red, _ = zone_vertices(chart.figure, "roed")
    assert np.all(0.5 * red[:, 0] + 0.5 * red[:, 1] <= 40 + 1e-6)
    hatches = {zone_vertices(chart.figure, k)[1].get_hatch() for k in ("groen", "gul", "roed")}
    assert len(hatches) == 3  # told apart without colour
    assert chart.alt_text == (
        "Punktdiagram: resultatscore (vandret) mod evidensscore (lodret) for 5 aktiviteter. Zonerne viser "
        "kategorien efter samlet score: grøn ved 70 eller mere, gul ved 40 eller mere og rød under 40 "
        "(samlet score = 0,5 · resultatscore + 0,5 · evidensscore). Aktiviteter pr. kategori: 1 grøn, 2 gul "
        "og 2 rød. 1 aktivitet uden både resultat- og evidensscore er ikke vist. "
        "Hvert punkt er mærket med aktivitetens id.")
    figure_png(chart.figure)  # the '$' in an activity id must not start mathtext


def test_score_scatter_uses_the_given_weights_and_thresholds(programme):
    other = replace(programme, weights={"resultat": 0.7, "evidens": 0.3},
                    categories=(("groen", 80.0), ("gul", 50.0), ("roed", None)))
    chart = score_scatter(SCORES, other.weights, other.categories)
    green, _ = zone_vertices(chart.figure, "groen")
    assert np.all(0.7 * green[:, 0] + 0.3 * green[:, 1] >= 80 - 1e-6)
    assert green[:, 0].min() > 50  # with r ≤ 50 a score of 80 is out of reach (0,7·50 + 0,3·100 = 65)
    assert "0,7 · resultatscore + 0,3 · evidensscore" in chart.alt_text
    assert "grøn ved 80 eller mere, gul ved 50 eller mere og rød under 50" in chart.alt_text


def test_bar_chart_values_labels_and_alt_text():
    df = pd.DataFrame({"forvaltning": ["BUF", "SOF", "Ø<K>F & $x$"], "lukkedage": [1234, 7, 0]})
    chart = bar_chart(df, "forvaltning", "lukkedage", xlabel="Forvaltning", ylabel="Lukkedage")
    ax = chart.figure.axes[0]
    (bars,) = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert [p.get_height() for p in bars] == [1234, 7, 0]
    assert [t.get_text() for t in ax.texts] == ["1.234", "7", "0"]
    assert chart.alt_text == "Søjlediagram: Lukkedage fordelt på Forvaltning: BUF 1.234, SOF 7 og Ø<K>F & $x$ 0."
    figure_png(chart.figure)


def test_bar_chart_hue_levels_differ_by_hatching():
    df = pd.DataFrame({"omraade": ["A", "B", "A", "B"], "aar": [2016, 2016, 2017, 2017], "andel": [12.5, 7.0, 10.0, 8.25]})
    chart = bar_chart(df, "omraade", "andel", hue="aar", unit="procent", decimals=1, hue_label="År")
    ax = chart.figure.axes[0]
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert len(bars) == 2 and bars[0][0].get_hatch() != bars[1][0].get_hatch()
    assert chart.alt_text == (f"Søjlediagram: andel fordelt på omraade og År; 2016: A 12,5{NB}% og B 7,0{NB}%; "
                              f"2017: A 10,0{NB}% og B 8,3{NB}%.")


def test_bar_chart_refuses_duplicates():
    df = pd.DataFrame({"x": ["A", "A"], "y": [1, 2]})
    with pytest.raises(ValueError, match="one row per"):
        bar_chart(df, "x", "y")


def test_every_sample_indikator_is_charted(programme, sample_dataset):
    from sikkerby.model import goals
    from sikkerby.report.formatting import fmt_value

    series = goals.measure_series(sample_dataset, programme)
    for m in programme.indikatorer:
        chart = series_chart(series, m, 2017)
        own = series[(series["indikator_id"] == m.id) & (series["aar"] <= 2017)].dropna(subset=["vaerdi"])
        last = own.sort_values("aar").iloc[-1]
        assert f"til {fmt_value(last['vaerdi'], m.unit, m.decimals)} i {last['aar']}" in chart.alt_text
        assert list(lines_by_gid(chart.figure)["maalt"].get_xdata()) == list(
            series[(series["indikator_id"] == m.id) & (series["aar"] <= 2017)].sort_values("aar")["aar"])
def test_png_has_the_pixels_of_a_plain_savefig_and_keeps_the_layout_engine(programme, utryghed_series):
    """figure_png runs constrained layout itself (once) and draws the figure with it switched off: the
    pixels are those of matplotlib's own savefig, which lays the figure out in a first drawing."""
    import io

    from matplotlib.layout_engine import ConstrainedLayoutEngine
    from PIL import Image

    from sikkerby.report.plotting import DPI, chart_style

    def pixels(png: bytes):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))

    m = programme.indikator("utryghed_aften")
    charts = [series_chart(utryghed_series, m, 2017),
              bar_chart(pd.DataFrame({"bydel": ["Amager Øst", "Vesterbro/Kongens Enghave", "Indre By"],
                                      "andel": [12.5, 30.25, 7.0]}), "bydel", "andel", unit="procent",
                        decimals=1),
              score_scatter(SCORES, programme.weights, programme.categories)]
    for chart in charts:
        ours = figure_png(chart.figure)
        assert isinstance(chart.figure.get_layout_engine(), ConstrainedLayoutEngine)
        plain = io.BytesIO()
        with chart_style():
            chart.figure.savefig(plain, format="png", dpi=DPI, metadata={"Software": None})
        np.testing.assert_array_equal(pixels(ours), pixels(plain.getvalue()))
        assert figure_png(chart.figure) == ours
