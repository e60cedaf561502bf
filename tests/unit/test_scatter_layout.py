"""The score scatter a committee reads: no point hidden under another, no label on another, the
evidence levels of the programme on the vertical axis, the numbers behind it for download."""

from __future__ import annotations

import itertools

import pandas as pd

from sikkerby.report.plotting import figure_png, score_scatter


def crowded() -> pd.DataFrame:
    """The sample's crowded band: many activities at evidence 33 close together, two identical pairs."""
    r = [56.9, 58.8, 62.7, 65.3, 75.0, 76.5, 82.2, 85.8, 100.0, 100.0, 100.0, 100.0, 49.0, 50.0, 77.4, 77.8]
    e = [33.0] * 12 + [0.0, 0.0, 67.0, 67.0]
    e[10:12] = [67.0, 67.0]
    kategori = ["gul"] * 10 + ["groen", "groen", "roed", "roed", "groen", "groen"]
    return pd.DataFrame({"aktivitet_id": [f"A{i:02d}" for i in range(len(r))], "navn": [f"Aktivitet {i}" for i in
                                                                                       range(len(r))],
                         "resultatscore": r, "evidensscore": e, "samlet_score": [0.5 * a + 0.5 * b for a, b in zip(r, e)],
                         "kategori": kategori})


def label_boxes(chart):
    fig = chart.figure
    figure_png(fig)  # lays out and draws
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    return {a.get_text(): a.get_window_extent(renderer) for a in ax.texts if a.get_text().startswith("A")}


def test_identical_scores_share_one_larger_point_labelled_with_both(programme):
    chart = score_scatter(crowded(), programme.weights, programme.categories)
    ax = chart.figure.axes[0]
    offsets = [tuple(map(float, xy)) for c in ax.collections if c.get_offsets().size for xy in c.get_offsets()
               if c.get_gid() is None or not str(c.get_gid()).startswith("zone")]
    assert len(offsets) == len(set(offsets)) == len(crowded()) - 2  # two pairs drawn once each
    texts = [t.get_text() for t in ax.texts]
    assert "A08, A09" in texts and "A10, A11" in texts
    sizes = {tuple(map(float, xy)): s for c in ax.collections for xy, s in
             zip(c.get_offsets(), itertools.cycle(c.get_sizes())) if len(c.get_sizes())}
    assert sizes[(100.0, 33.0)] > sizes[(85.8, 33.0)]
    assert "4 aktiviteter har samme resultat- og evidensscore som en anden og deler et større punkt mærket med dem " \
           "alle." in chart.alt_text


def test_labels_do_not_overlap_each_other(programme):
    boxes = label_boxes(score_scatter(crowded(), programme.weights, programme.categories))
    assert len(boxes) == len(crowded()) - 2
    for (a, box_a), (b, box_b) in itertools.combinations(boxes.items(), 2):
        assert not box_a.overlaps(box_b), (a, b)


def test_the_vertical_axis_names_the_programmes_evidence_levels(programme):
    chart = score_scatter(crowded(), programme.weights, programme.categories,
                          evidence_points=programme.evidence_points)
    ax = chart.figure.axes[0]
    ticks = {float(v): t.get_text() for v, t in zip(ax.get_yticks(), ax.get_yticklabels())}
    assert ticks == {0.0: "Ingen effekt / skadelig (0)", 33.0: "Utilstrækkelig (33)", 67.0: "Lovende (67)",
                     100.0: "Effektiv (100)"}
    plain = score_scatter(crowded(), programme.weights, programme.categories).figure.axes[0]
    assert [float(v) for v in plain.get_yticks()] == [0.0, 33.0, 67.0, 100.0]  # the scores the data hold


def test_the_scatter_offers_its_numbers(programme):
    chart = score_scatter(crowded(), programme.weights, programme.categories, label_column="aktivitet_id")
    assert list(chart.data.columns) == ["Id", "Aktivitet", "Resultatscore", "Evidensscore", "Samlet score", "Kategori"]
    assert len(chart.data) == len(crowded())
    assert chart.data.iloc[0].tolist() == ["A00", "Aktivitet 0", 56.9, 33.0, 45.0, "Gul"]
