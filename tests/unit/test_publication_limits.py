"""How much of a large activity register chapter 03 shows: the ``publication`` setting of program.yaml."""

from __future__ import annotations

import shutil

import pytest
from factories import PROGRAMME_2014_2017

from sikkerby.config.programme import ProgrammeError, Publication, load_programme


def _programme_with(tmp_path, section: str):
    """program.yaml with its ``publication`` section replaced by ``section`` ("" = no section)."""
    path = tmp_path / "program.yaml"
    shutil.copy(PROGRAMME_2014_2017 / "program.yaml", path)
    text = path.read_text(encoding="utf-8")
    start = text.index("\npublication:")
    end = text.find("\n\n", start + 1)
    end = len(text) if end < 0 else end
    path.write_text(text[:start] + ("\n" + section.rstrip("\n") if section else "") + text[end:], encoding="utf-8")
    return path


def test_the_programme_sets_the_limits(programme):
    assert programme.publication == Publication(max_table_rows=50, max_scatter_labels=40)


def test_without_the_section_the_defaults_apply(tmp_path):
    programme = load_programme(_programme_with(tmp_path, ""))
    assert programme.publication == Publication()
    assert (Publication().max_table_rows, Publication().max_scatter_labels) == (50, 40)


def test_one_setting_may_be_left_out(tmp_path):
    programme = load_programme(_programme_with(tmp_path, "publication:\n  max_table_rows: 70\n"))
    assert programme.publication == Publication(max_table_rows=70, max_scatter_labels=40)


def test_the_smallest_values_are_accepted(tmp_path):
    programme = load_programme(_programme_with(
        tmp_path, "publication:\n  max_table_rows: 1\n  max_scatter_labels: 0\n"))
    assert programme.publication == Publication(max_table_rows=1, max_scatter_labels=0)


def test_as_many_labels_as_rows_is_accepted(tmp_path):
    programme = load_programme(_programme_with(
        tmp_path, "publication:\n  max_table_rows: 10\n  max_scatter_labels: 10\n"))
    assert programme.publication == Publication(max_table_rows=10, max_scatter_labels=10)


@pytest.mark.parametrize("section, message", [
    ("publication:\n  max_table_rows: 0\n", "max_table_rows.*mindst 1"),
    ("publication:\n  max_table_rows: -5\n", "max_table_rows.*mindst 1"),
    ("publication:\n  max_scatter_labels: -1\n", "max_scatter_labels.*mindst 0"),
    ("publication:\n  max_table_rows: 12.5\n", "max_table_rows.*helt tal"),
    ("publication:\n  max_table_rows: 50.0\n", "max_table_rows.*helt tal"),
    ("publication:\n  max_scatter_labels: fyrre\n", "max_scatter_labels.*helt tal"),
    ("publication:\n  max_scatter_labels: true\n", "max_scatter_labels.*helt tal"),
    ("publication:\n  max_scatter_labels: null\n", "max_scatter_labels.*helt tal"),
    ("publication:\n  max_activity_row: 50\n", "publication.max_activity_row: ukendt nøgle"),
    ("publication:\n  max_table_rows: 30\n", r"max_scatter_labels \(40\) må ikke være større end"),
    ("publication:\n  max_table_rows: 10\n  max_scatter_labels: 11\n", "max_scatter_labels"),
    ("publication: 50\n", "publication.*skal"),
    ("publication:\n  - max_table_rows: 50\n", "publication.*skal"),
])
def test_a_bad_value_is_a_programme_error(tmp_path, section, message):
    with pytest.raises(ProgrammeError, match=message) as info:
        load_programme(_programme_with(tmp_path, section))
    assert "program.yaml" in str(info.value)


def test_every_bad_publication_value_is_named_at_once(tmp_path):
    # the checks live in the programme file's schema: both keys, each with its line, in one error
    path = _programme_with(tmp_path, "publication:\n  max_table_rows: 0\n  max_scatter_labels: true\n")
    lines = path.read_text(encoding="utf-8").splitlines()
    with pytest.raises(ProgrammeError) as info:
        load_programme(path)
    message = str(info.value)
    rows = lines.index("  max_table_rows: 0") + 1
    labels = lines.index("  max_scatter_labels: true") + 1
    assert f"program.yaml, linje {rows}, publication.max_table_rows: skal være mindst 1" in message
    assert f"program.yaml, linje {labels}, publication.max_scatter_labels: skal være et helt tal" in message


# --- the score scatter: numbered points only up to the limit ------------------------

from matplotlib.text import Annotation  # noqa: E402

from sikkerby.report.plotting import (  # noqa: E402
    figure_png,
    labels_points,
    scatter_points,
    score_scatter,
)


def scatter_frame(n: int, seed: int = 7):
    """``n`` scored activities (ids A1…An) and one without a resultatscore."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    r = rng.uniform(0, 100, n).round(1)
    e = rng.choice([0.0, 33.0, 67.0, 100.0], n)
    total = 0.5 * r + 0.5 * e
    kategori = np.where(total >= 70, "groen", np.where(total >= 40, "gul", "roed"))
    frame = pd.DataFrame({"aktivitet_id": [f"A{i}" for i in range(1, n + 1)], "resultatscore": r,
                          "evidensscore": e, "kategori": kategori})
    extra = pd.DataFrame({"aktivitet_id": ["U"], "resultatscore": [np.nan], "evidensscore": [67.0],
                          "kategori": [None]})
    return pd.concat([frame, extra], ignore_index=True)


def annotations(chart):
    return [t for t in chart.figure.axes[0].texts if isinstance(t, Annotation)]


def plotted_count(chart):
    return sum(len(c.get_offsets()) for c in chart.figure.axes[0].collections if c.get_label() and "(" in c.get_label())


def test_labels_points_counts_the_plotted_points_only():
    frame = scatter_frame(5)  # 5 plotted, 1 without both scores
    assert len(scatter_points(frame)) == 5
    assert labels_points(frame, 5) and not labels_points(frame, 4)
    assert labels_points(frame, None)
    assert not labels_points(frame, 0) and labels_points(frame.tail(1), 0)  # nothing plotted: nothing to hide


def test_scatter_labels_every_point_up_to_the_limit(programme):
    frame = scatter_frame(5)
    chart = score_scatter(frame, programme.weights, programme.categories, max_labels=5)
    assert sorted(a.get_text() for a in annotations(chart)) == ["A1", "A2", "A3", "A4", "A5"]
    assert chart.alt_text.endswith("1 aktivitet uden både resultat- og evidensscore er ikke vist. "
                                   "Hvert punkt er mærket med aktivitetens id.")


def test_scatter_above_the_limit_plots_every_point_unlabelled(programme):
    frame = scatter_frame(5)
    chart = score_scatter(frame, programme.weights, programme.categories, max_labels=4)
    assert annotations(chart) == []
    assert plotted_count(chart) == 5
    assert chart.alt_text.endswith("1 aktivitet uden både resultat- og evidensscore er ikke vist. "
                                   "Punkterne er ikke mærket, fordi der er flere end 4.")
    assert "Punktdiagram: resultatscore (vandret) mod evidensscore (lodret) for 5 aktiviteter." in chart.alt_text


def test_scatter_labels_name_the_rank_column(programme):
    frame = scatter_frame(3).assign(rang=[1, 2, 3, None])
    chart = score_scatter(frame, programme.weights, programme.categories, label_column="rang", max_labels=40)
    assert "Hvert punkt er mærket med aktivitetens nummer efter samlet score." in chart.alt_text


def test_scatter_of_thousands_of_points(programme):
    frame = scatter_frame(4200)
    chart = score_scatter(frame, programme.weights, programme.categories, max_labels=40)
    assert annotations(chart) == [] and plotted_count(chart) == 4200
    assert "for 4.200 aktiviteter" in chart.alt_text and "flere end 40." in chart.alt_text
    assert figure_png(chart.figure).startswith(b"\x89PNG")


# --- the real programme's limits leave the sample publication as it is ----------------

@pytest.mark.parametrize("year", [2014, 2015, 2016, 2017])
def test_the_sample_is_below_every_limit(programme, sample_dataset, year):
    """With 42 activities nothing is cut and the scatter keeps its numbers: every table the chapter
    shows is the one it showed without limits, with no sentence under it."""
    from sikkerby.model import evidence
    from sikkerby.report import evidence_chapter as er

    e = evidence.evaluate(sample_dataset, programme, year)
    rows, labels = programme.publication.max_table_rows, programme.publication.max_scatter_labels
    pairs = [(er.ranked_table(e, max_rows=rows), er.ranked_table(e)),
             (er.foermaaling_table(e, max_rows=rows), er.foermaaling_table(e)),
             (er.godt_paa_vej_table(e, max_rows=rows), er.godt_paa_vej_table(e)),
             (er.forsinket_table(e, max_rows=rows), er.forsinket_table(e)),
             (er.flags_table(e, max_rows=rows), er.flags_table(e)),
             *zip(er.potential_parts(e, max_rows=rows), er.potential_parts(e)),
             *zip(er.overview_parts(e, sample_dataset.aktiviteter, max_rows=rows),
                  er.overview_parts(e, sample_dataset.aktiviteter))]
    for limited, whole in pairs:
        assert limited._repr_html_() == whole._repr_html_()
        assert limited._repr_markdown_() == whole._repr_markdown_()
        assert getattr(limited, "note", "") == ""
    assert sum(len(t.rows) for t in er.overview_parts(e, sample_dataset.aktiviteter, max_rows=rows)) == 42
    assert er.describe_summary(e, max_names=rows) == er.describe_summary(e)
    assert er.scatter_caption(e, max_labels=labels) == er.scatter_caption(e)
    assert "punkterne er mærket med aktivitetens nummer" in er.scatter_caption(e, max_labels=labels)


@pytest.mark.slow
def test_sample_notebook_is_not_cut_and_numbers_its_points(executed_notebook):
    from test_notebook_evidence import outputs

    nb = executed_notebook("03_effekt_og_evidens", 2017)
    shown = "\n".join(outputs(nb, "text/html") + outputs(nb, "text/markdown"))
    assert "Tabellen viser de første" not in shown and "Tabellen viser den første" not in shown
    assert "aktivitetsscorer.csv" not in shown
    (alt,) = [o["metadata"]["image/png"]["alt"] for c in nb.cells for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert "Hvert punkt er mærket med aktivitetens nummer efter samlet score." in alt


# --- a register above the limits: the chapter executed on data twice the sample's size --------

@pytest.fixture(scope="module")
def double_register(tmp_path_factory):
    """``sikkerby sample-data --scale 2``: 84 activities, 58 of them with a score in 2017."""
    from sikkerby.sample.generator import write_sample_data

    folder = tmp_path_factory.mktemp("scale2") / "data"
    write_sample_data(folder, scale=2)
    return str(folder)


@pytest.mark.slow
def test_large_register_is_cut_with_a_sentence_and_an_unlabelled_scatter(executed_notebook, double_register,
                                                                         programme):
    from test_notebook_evidence import html_outputs, outputs, paragraphs, table

    from sikkerby.inputs.dataset import load_dataset
    from sikkerby.model import evidence
    from sikkerby.report import evidence_chapter as er

    e = evidence.evaluate(load_dataset(double_register, programme), programme, 2017)
    n_scored = len(er.ranked_scores(e.scores))
    rows, labels = programme.publication.max_table_rows, programme.publication.max_scatter_labels
    assert n_scored > rows and n_scored > labels  # the data this test needs

    nb = executed_notebook("03_effekt_og_evidens", 2017, double_register)
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    ranked = table(nb, "Aktiviteternes samlede score i 2017, højeste først")
    assert len(ranked["rows"]) == rows
    notes = [text for parsed in html_outputs(nb) for text in ["".join(parsed.text)] if "Tabellen viser" in text]
    assert any(f"Tabellen viser de første {rows} af {n_scored} aktiviteter. Alle {n_scored} står i "
               "aktivitetsscorer.csv i publikationens mappe" in text for text in notes)
    markdown = "\n".join(outputs(nb, "text/markdown"))
    assert f"Tabellen viser de første {rows} af {n_scored} aktiviteter" in markdown  # the PDF route too
    (cell,) = [c for c in nb.cells if any("image/png" in o.get("data", {}) for o in c.get("outputs", []))]
    index = next(i for i, o in enumerate(cell.outputs) if "image/png" in o.get("data", {}))
    alt = cell.outputs[index]["metadata"]["image/png"]["alt"]
    assert f"Punkterne er ikke mærket, fordi der er flere end {labels}." in alt
    caption = "".join(cell.outputs[index + 1]["data"]["text/html"])
    assert f"Med {n_scored} aktiviteter i figuren er punkterne ikke mærket" in caption
    assert er.describe_summary(e, max_names=rows) in paragraphs(nb)
