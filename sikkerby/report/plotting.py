"""Charts for the publication: a målepunkt's series, the score scatter, breakdown bars.

Every chart function returns a :class:`Chart`: the matplotlib ``Figure`` and an
``alt_text`` generated from the same numbers (Danish, for screen readers and the
HTML ``alt`` attribute). Figures are built with ``matplotlib.figure.Figure``, not
pyplot, so they work under any backend (Agg included), are never shown twice by
Jupyter's inline backend, and leave no global state behind.

Readable in greyscale and by colour-blind readers: Okabe-Ito colours, but every
series also differs by line style, marker or hatching, and values are written
on the chart. Fixed size and dpi; :func:`figure_png` writes PNGs without a
``Software`` tag or timestamp, so the same data give byte-identical files.
Tick labels use Danish number format (``17,5 %``, ``1.234``); years are not grouped.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator, Mapping, Sequence
from typing import NamedTuple

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import Formatter

from sikkerby.config.programme import Indikator
from sikkerby.model import goal_status
from sikkerby.report.formatting import (
    GREY,
    OKABE_ITO,
    distinguishing_decimals,
    exact_decimals,
    fmt_baseline,
    fmt_count,
    fmt_list,
    fmt_number,
    fmt_pct,
    fmt_threshold,
    fmt_value,
    fmt_year,
    is_missing,
    label,
    threshold_decimals,
    unit_noun,
)

FIGSIZE = (7.0, 4.0)  # inches
DPI = 150
STYLE = {
    "font.family": "DejaVu Sans",  # ships with matplotlib: the same glyphs on every machine
    "font.size": 9,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.unicode_minus": False,  # tick labels come from babel, which writes '-'
    "svg.hashsalt": "sikkerby",  # deterministic ids in SVG output
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "savefig.facecolor": "white",
}
INK = OKABE_ITO["black"]
PATH_COLOUR = OKABE_ITO["blue"]
TARGET_COLOUR = OKABE_ITO["vermillion"]
REFERENCE_COLOUR = "#555555"
BAR_COLOURS = (OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["bluish_green"], OKABE_ITO["reddish_purple"],
               OKABE_ITO["sky_blue"], OKABE_ITO["vermillion"], OKABE_ITO["yellow"], GREY)
BAR_HATCHES = ("", "//", "..", "xx", "\\\\", "--", "++", "oo")
KATEGORI_MARKERS = {"groen": "o", "gul": "s", "roed": "v"}  # = the symbols ● ■ ▼ in the tables
KATEGORI_HATCHES = {"groen": "", "gul": "..", "roed": "//"}


class Chart(NamedTuple):
    """A figure, its generated alternative text and the numbers it shows.

    ``data``: one row per drawn point or bar, Danish column headers, values rounded as the
    chart writes them; the HTML pages offer it as CSV under the chart.
    """

    figure: Figure
    alt_text: str
    data: pd.DataFrame | None = None


@contextlib.contextmanager
def chart_style() -> Iterator[None]:
    """The house style (seaborn's white grid plus :data:`STYLE`), for building and saving."""
    with sns.axes_style("whitegrid"), mpl.rc_context(STYLE):
        yield


def new_figure(figsize: tuple[float, float] = FIGSIZE) -> Figure:
    """A pyplot-free figure of the fixed size and dpi, laid out with constrained layout."""
    return Figure(figsize=figsize, dpi=DPI, layout="constrained")


PNG_COMPRESS_LEVEL = 3  # zlib's level: a third faster than PIL's 6, and as small for an opaque chart


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes: fixed dpi, no software tag or timestamp (byte-identical reruns).

    The layout engine (constrained layout) is run here, once, and the figure then drawn with it
    switched off: ``savefig`` would otherwise draw the whole figure a first time without output
    only to run the layout (the same layout, the same pixels, a third of a chart's drawing time).
    matplotlib draws the pixels; they are written as PNG here, without the alpha channel when the
    chart is opaque (they all are), which makes the encoding, a sixth of a chart's time, cheaper.
    """
    with chart_style():
        engine = fig.get_layout_engine()
        if engine is None or not fig.axes or fig.dpi != DPI:
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
            return buffer.getvalue()
        engine.execute(fig)
        fig.set_layout_engine("none")
        raw = io.BytesIO()
        try:
            fig.savefig(raw, format="rgba", dpi=DPI)
        finally:
            fig.set_layout_engine(engine)
    return _png(raw.getvalue(), int(fig.bbox.width))


def _png(rgba: bytes, width: int) -> bytes:
    from PIL import Image

    image = Image.frombuffer("RGBA", (width, len(rgba) // (4 * width)), rgba, "raw", "RGBA", 0, 1)
    if image.getextrema()[3] == (255, 255):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format="png", compress_level=PNG_COMPRESS_LEVEL, dpi=(DPI, DPI))
    return out.getvalue()


class DanishFormatter(Formatter):
    """Tick labels in Danish format; ``unit="procent"`` adds `` %``.

    ``decimals=None`` uses as few decimals as the ticks together need (0 / 2,5 / 5 → 1 each).
    """

    def __init__(self, unit: str = "antal", decimals: int | None = None):
        self.unit = unit
        self.decimals = decimals

    def _format(self, x: float, decimals: int) -> str:
        return fmt_pct(x, decimals) if self.unit == "procent" else fmt_number(x, decimals)

    def format_ticks(self, values) -> list[str]:
        decimals = self.decimals
        if decimals is None:
            decimals = max((exact_decimals(v, 3) for v in values), default=0)
        return [self._format(v, decimals) for v in values]

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self._format(x, exact_decimals(x, 3) if self.decimals is None else self.decimals)


def _text(value: object) -> str:
    """Data text for tick labels: a literal ``$`` must not start matplotlib's mathtext."""
    return str(value).replace("$", r"\$")


# ------------------------------------------------------------------------- series

def _series_frame(series_df: pd.DataFrame, indikator: Indikator, year: int) -> pd.DataFrame:
    data = series_df
    if "indikator_id" in data.columns:
        data = data[data["indikator_id"] == indikator.id]
    data = data[data["aar"] <= year].sort_values("aar")
    frame = pd.DataFrame({"aar": data["aar"].astype(int).to_numpy(),
                          "vaerdi": pd.to_numeric(data["vaerdi"]).astype(float).to_numpy()})
    for column in ("ci_nedre", "ci_oevre"):
        frame[column] = (pd.to_numeric(data[column]).astype(float).to_numpy()
                         if column in data.columns else np.nan)
    return frame


def series_chart(series_df: pd.DataFrame, indikator: Indikator, year: int,
                 baseline_value: float | None = None) -> Chart:
    """Line chart of a målepunkt's yearly values up to ``year``, with baseline, target and path.

    ``series_df``: ``aar, vaerdi`` and optionally ``indikator_id`` (rows of other
    målepunkter are ignored) and ``ci_nedre, ci_oevre`` (drawn as error bars).
    Kind ``sti``: the path from (b, B) to (t, T) is dashed and the target a star;
    ``retning``: a dotted reference line at the baseline; ``krav``: a dash-dot
    line at the requirement. The baseline is the published one, else
    ``baseline_value``, else the series' value in the baseline year.
    """
    m = indikator
    data = _series_frame(series_df, m, year)
    b, t = m.baseline_year, m.target_year
    B = m.baseline_value if m.baseline_value is not None else baseline_value
    if B is None and b is not None:
        at_b = data.loc[data["aar"] == b, "vaerdi"].dropna()
        B = float(at_b.iloc[0]) if len(at_b) else None
    T = goal_status.effective_target(m, B)

    def show(v: float) -> str:
        return fmt_value(v, m.unit, m.decimals)

    def show_threshold(v: float) -> str:
        return fmt_threshold(v, m.unit, m.decimals)

    has_ci = bool((data["ci_nedre"].notna() & data["ci_oevre"].notna()).any())
    with chart_style():
        fig = new_figure()
        ax = fig.subplots()
        if has_ci:
            ci = data.dropna(subset=["vaerdi", "ci_nedre", "ci_oevre"])
            ax.errorbar(ci["aar"], ci["vaerdi"], yerr=[ci["vaerdi"] - ci["ci_nedre"], ci["ci_oevre"] - ci["vaerdi"]],
                        fmt="none", ecolor=REFERENCE_COLOUR, elinewidth=1, capsize=4, zorder=2,
                        label=f"95{chr(160)}%-konfidensinterval")
        if m.kind == "sti" and B is not None:
            ax.plot([b, t], [B, T], color=PATH_COLOUR, linestyle="--", linewidth=1.6, zorder=1,
                    label=f"Målsti {b}–{t}", gid="maalsti")
        if m.kind == "retning" and B is not None:
            ax.axhline(B, color=REFERENCE_COLOUR, linestyle=":", linewidth=1.6, zorder=1,
                       label=f"Niveau i {b}: målet er at komme under", gid="reference")
        if m.kind == "krav":
            ax.axhline(T, color=TARGET_COLOUR, linestyle="-.", linewidth=1.6, zorder=1,
                       label=f"Krav: {show_threshold(T)} hvert år", gid="krav")
        ax.plot(data["aar"], data["vaerdi"], color=INK, linestyle="-", linewidth=1.8, marker="o",
                markersize=5, zorder=3, label="Målt værdi", gid="maalt")
        if B is not None and b is not None:
            ax.plot([b], [B], linestyle="none", marker="s", markersize=10, markerfacecolor="none",
                    markeredgecolor=PATH_COLOUR, markeredgewidth=1.6, zorder=4,
                    label=f"Basisværdi {b}: {show_threshold(B)}", gid="basis")
        if m.kind == "sti":
            ax.plot([t], [T], linestyle="none", marker="*", markersize=14, color=TARGET_COLOUR,
                    markeredgecolor=INK, markeredgewidth=0.6, zorder=4,
                    label=f"Mål {t}: højst {show_threshold(T)}", gid="maal")
        present = data.dropna(subset=["vaerdi"])
        if len(present):
            last = present.iloc[-1]
            ax.annotate(show(last["vaerdi"]), (last["aar"], last["vaerdi"]), xytext=(0, 9),
                        textcoords="offset points", ha="center", fontsize=8, fontweight="bold")

        first_year = min([int(y) for y in (data["aar"].min() if len(data) else year, b) if y is not None])
        last_year = max([int(y) for y in (year, t if m.kind != "krav" else None) if y is not None])
        years = list(range(first_year, last_year + 1))
        ax.set_xticks(years, [fmt_year(y) for y in years])
        ax.set_xlim(first_year - 0.5, last_year + 0.5)
        shown = [v for v in (*data["vaerdi"], *data["ci_oevre"], B, T) if not is_missing(v)]
        ax.set_ylim(0, max(shown) * 1.18 if shown and max(shown) > 0 else 1)
        ax.yaxis.set_major_formatter(DanishFormatter(m.unit))
        ax.set_xlabel("År")
        ax.set_ylabel("Procent" if m.unit == "procent" else "Antal")
        ax.grid(axis="x", visible=False)
        fig.legend(loc="outside lower center", ncols=3, frameon=False)
    return Chart(fig, _series_alt_text(m, data, year, B, has_ci), _series_data(m, data, B, has_ci))


def _series_data(m: Indikator, data: pd.DataFrame, B: float | None, has_ci: bool) -> pd.DataFrame:
    """The chart's numbers: year, measured value (with its confidence interval) and, for kind
    ``sti``, the target path in the years it spans; rounded as the publication writes them."""
    unit = " (%)" if m.unit == "procent" else ""

    def rounded(v: float, decimals: int) -> float | None:
        return None if is_missing(v) else round(float(v), decimals)

    frame = pd.DataFrame({"År": data["aar"].astype(int).to_numpy()})
    frame[f"Målt værdi{unit}"] = [rounded(v, m.decimals) for v in data["vaerdi"]]
    if has_ci:
        frame[f"95 %-konfidensinterval, nedre{unit}"] = [rounded(v, m.decimals) for v in data["ci_nedre"]]
        frame[f"95 %-konfidensinterval, øvre{unit}"] = [rounded(v, m.decimals) for v in data["ci_oevre"]]
    b, t, T = m.baseline_year, m.target_year, goal_status.effective_target(m, B)
    if m.kind == "sti" and B is not None and b is not None and t is not None and t != b:
        years = sorted(set(frame["År"]) | set(range(b, t + 1)))
        frame = frame.set_index("År").reindex(years).rename_axis("År").reset_index()
        path = [B + (T - B) * (y - b) / (t - b) if b <= y <= t else None for y in years]
        frame["Målsti"] = [None if v is None else rounded(v, threshold_decimals(v, m.decimals)) for v in path]
    elif m.kind == "krav":
        frame["Krav"] = rounded(T, threshold_decimals(T, m.decimals))
    elif m.kind == "retning" and B is not None:
        frame[f"Niveau i {b}"] = rounded(B, threshold_decimals(B, m.decimals))
    return frame.astype(object).where(frame.notna(), None)


def _series_alt_text(m: Indikator, data: pd.DataFrame, year: int, B: float | None, has_ci: bool) -> str:
    noun = unit_noun(m.unit)
    present = data.dropna(subset=["vaerdi"])
    if present.empty:
        head = f"Linjediagram uden målte værdier til og med {year}"
    elif len(present) == 1:
        row = present.iloc[0]
        head = f"Linjediagram: {noun} var {fmt_value(row['vaerdi'], m.unit, m.decimals)} i {int(row['aar'])}"
    else:
        (y0, v0), (y1, v1) = present.iloc[0][["aar", "vaerdi"]], present.iloc[-1][["aar", "vaerdi"]]
        d = distinguishing_decimals(v1, (v0,), m.decimals)
        s0, s1 = fmt_value(v0, m.unit, d), fmt_value(v1, m.unit, d)
        if s0 == s1:
            head = f"Linjediagram: {noun} var {s0} både i {int(y0)} og i {int(y1)}"
        else:
            head = (f"Linjediagram: {noun} {'faldt' if v1 < v0 else 'steg'} fra {s0} i {int(y0)} "
                    f"til {s1} i {int(y1)}")
    parts = [head]
    if len(present):
        gaps = [y for y in range(int(present["aar"].min()), year + 1) if y not in set(present["aar"])]
        if gaps:
            parts.append(f"der er ingen værdi for {fmt_list(fmt_year(y) for y in gaps)}")
    b, t, T = m.baseline_year, m.target_year, goal_status.effective_target(m, B)
    if m.kind == "sti":
        parts.append(f"målet er højst {fmt_threshold(T, m.unit, m.decimals)} i {t}, "
                     f"og målstien fra {b} er en stiplet linje")
    elif m.kind == "retning" and B is not None:
        parts.append(f"målet er, at {noun} i {t} er lavere end i {b} "
                     f"({fmt_baseline(m, B)}, prikket linje)")
    elif m.kind == "krav":
        parts.append(f"kravet er {fmt_threshold(T, m.unit, m.decimals)} hvert år")
    if has_ci:
        parts.append(f"lodrette streger viser 95{chr(160)}%-konfidensintervaller")
    return "; ".join(parts) + "."


# -------------------------------------------------------------------- score scatter

SCATTER_MARKER_SIZE = 55  # points² of a marker while the chart has at most MANY_POINTS points
MANY_POINTS = 100  # above this, markers shrink (area ∝ 1/n) and turn half-transparent, so clusters stay visible
SCATTER_LABEL_NAMES = {"aktivitet_id": "aktivitetens id", "rang": "aktivitetens nummer efter samlet score"}


def scatter_points(scores_df: pd.DataFrame) -> pd.DataFrame:
    """The rows :func:`score_scatter` plots: those with both a resultatscore and an evidensscore."""
    return scores_df.dropna(subset=["resultatscore", "evidensscore"])


def labels_points(scores_df: pd.DataFrame, max_labels: int | None) -> bool:
    """Whether :func:`score_scatter` labels its points: when it plots at most ``max_labels``
    (``None``: always). Captions ask this too, so they say what the chart shows."""
    return max_labels is None or len(scatter_points(scores_df)) <= max_labels


def _marker_style(n: int) -> dict:
    """Marker size, edge and transparency for ``n`` points (the sample's look up to :data:`MANY_POINTS`)."""
    if n <= MANY_POINTS:
        return {"s": SCATTER_MARKER_SIZE, "linewidth": 0.8}
    return {"s": max(8.0, SCATTER_MARKER_SIZE * MANY_POINTS / n), "linewidth": 0.3, "alpha": 0.6}


def score_scatter(scores_df: pd.DataFrame, weights: Mapping[str, float],
                  categories: Sequence[tuple[str, float | None]], label_column: str = "aktivitet_id",
                  max_labels: int | None = None, evidence_points: Mapping[str, float] | None = None) -> Chart:
    """Resultatscore (x) against evidensscore (y) per activity, on the category zones.

    ``weights``: ``{"resultat": w_r, "evidens": w_e}`` and ``categories``:
    ``((kategori, minimum), ...)`` top-down, the last minimum ``None`` — both as
    in :class:`~sikkerby.config.programme.Programme` (``programme.weights``,
    ``programme.categories``). A zone is where ``w_r·r + w_e·e`` reaches its
    minimum but not the one above; zones are shaded, hatched and labelled.
    Activities without both scores (e.g. ``foermaaling``) are left out and counted
    in the alt text. Points are coloured and shaped by ``kategori``. Each point is
    labelled with its ``label_column`` value while there are at most ``max_labels``
    points (:func:`labels_points`; ``None``: always); more points are drawn smaller,
    half-transparent and unlabelled, and the alt text says which is the case.

    Activities with the same two scores share one larger point labelled with all of them;
    labels are placed where they hit neither another label nor another point. The vertical
    axis is marked at the evidence levels: ``evidence_points`` (``programme.evidence_points``)
    names them (``Lovende (67)``); without it, the evidence scores the data hold are marked.
    """
    w_r, w_e = float(weights["resultat"]), float(weights["evidens"])
    plotted = scatter_points(scores_df)
    labelled = labels_points(scores_df, max_labels)
    style = _marker_style(len(plotted))
    left_out = len(scores_df) - len(plotted)
    # zone edges are straight lines clipped to the square: with their kinks on the grid, the shading is exact
    kinks = [(m - w_e * e) / w_r for m in (minimum for _, minimum in categories) if m is not None for e in (0, 100)]
    grid = np.unique(np.concatenate([np.linspace(0, 100, 401), [k for k in kinks if 0 <= k <= 100]]))
    with chart_style():
        fig = new_figure(figsize=(FIGSIZE[0], FIGSIZE[0] * 0.8))
        ax = fig.subplots()
        upper = None
        rr, ee = np.meshgrid(np.linspace(0, 100, 101), np.linspace(0, 100, 101))
        total = w_r * rr + w_e * ee
        for kategori, minimum in categories:
            lab = label("kategori", kategori)
            low = np.zeros_like(grid) if minimum is None else np.clip((minimum - w_r * grid) / w_e, 0, 100)
            high = np.full_like(grid, 100.0) if upper is None else np.clip((upper - w_r * grid) / w_e, 0, 100)
            ax.fill_between(grid, low, high, where=high > low, interpolate=True, facecolor=lab.colour, alpha=0.28,
                            hatch=KATEGORI_HATCHES.get(kategori, ""), edgecolor=REFERENCE_COLOUR, linewidth=0,
                            zorder=0, gid=f"zone-{kategori}")
            if minimum is not None:  # the zone's lower boundary, inside the 0-100 square only
                boundary = (minimum - w_r * grid) / w_e
                ax.plot(grid, np.where((boundary >= 0) & (boundary <= 100), boundary, np.nan),
                        color=REFERENCE_COLOUR, linewidth=0.8, zorder=1)
            inside = (total >= (minimum if minimum is not None else -np.inf)) & (total < (upper if upper is not None else np.inf))
            if inside.any():
                bound = f"≥ {fmt_number(minimum, exact_decimals(minimum, 2))}" if minimum is not None \
                    else f"under {fmt_number(upper, exact_decimals(upper, 2))}" if upper is not None else ""
                ax.text(rr[inside].mean(), ee[inside].mean(), f"{lab.word} zone\nsamlet score {bound}".strip(),
                        ha="center", va="center", fontsize=8, zorder=2,
                        bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
            upper = minimum
        # activities with the same two scores share one point, drawn larger and labelled with all of them
        # (above MANY_POINTS every activity keeps its own half-transparent point: overlaps show darker)
        spots = _coinciding(plotted, merge=len(plotted) <= MANY_POINTS)
        for kategori, group in plotted.groupby("kategori", sort=False, dropna=False):
            known = not is_missing(kategori)
            lab = label("kategori", kategori) if known else None
            here = [spot for spot in spots if spot.kategori == kategori or (not known and is_missing(spot.kategori))]
            sizes = [style["s"] * (1 + 0.6 * (len(spot.rows) - 1)) for spot in here]
            ax.scatter([spot.r for spot in here], [spot.e for spot in here], zorder=4,
                       marker=KATEGORI_MARKERS.get(kategori, "X") if known else "X",
                       facecolor=lab.colour if known else GREY, edgecolor=INK, s=sizes,
                       **{k: v for k, v in style.items() if k != "s"},
                       label=f"{lab.word if known else 'Uden kategori'} ({fmt_number(len(group))})")
        ticks = list(range(0, 101, 20))
        ax.set_xticks(ticks)
        ax.xaxis.set_major_formatter(DanishFormatter())
        levels = _evidence_levels(plotted, evidence_points)
        ax.set_yticks([value for value, _ in levels], [text for _, text in levels])
        ax.set_xlim(-3, 103)
        ax.set_ylim(-3, 103)
        ax.set_xlabel("Resultatscore")
        ax.set_ylabel("Evidensscore (evidensniveau)" if evidence_points else "Evidensscore")
        if len(plotted):
            # legend markers at the full size, whatever the size of the points
            legend = fig.legend(loc="outside lower center", ncols=4, frameon=False,
                                title="Kategori (antal aktiviteter)",
                                markerscale=float(np.sqrt(SCATTER_MARKER_SIZE / style["s"])))
            if "alpha" in style:
                for handle in legend.legend_handles:
                    handle.set_alpha(1.0)
        if labelled:  # after the legend: the layout is final
            _place_labels(fig, ax, spots, label_column, style["s"])
    label_text = (f"Hvert punkt er mærket med {SCATTER_LABEL_NAMES.get(label_column, f'kolonnen {label_column}')}."
                  if labelled else f"Punkterne er ikke mærket, fordi der er flere end {fmt_number(max_labels)}.")
    shared = [spot for spot in spots if len(spot.rows) > 1]
    if shared:
        together = sum(len(spot.rows) for spot in shared)
        label_text += (f" {fmt_count(together, 'aktivitet', 'aktiviteter')} har samme resultat- og evidensscore som "
                       f"en anden og deler et større punkt{' mærket med dem alle' if labelled else ''}.")
    return Chart(fig, _scatter_alt_text(plotted, left_out, w_r, w_e, categories, label_text if len(plotted) else ""),
                 _scatter_data(plotted, label_column))


class _Spot(NamedTuple):
    """One drawn point: its scores, its kategori and the rows (activities) it stands for."""

    r: float
    e: float
    kategori: object
    rows: list


def _coinciding(plotted: pd.DataFrame, merge: bool = True) -> list[_Spot]:
    """The plotted rows grouped by their two scores (in order of first appearance); one spot per
    row when not ``merge``."""
    spots: dict[tuple, _Spot] = {}
    for position, (_, row) in enumerate(plotted.iterrows()):
        key = (round(float(row["resultatscore"]), 6), round(float(row["evidensscore"]), 6), str(row["kategori"]))
        key = key if merge else (position,)
        if key not in spots:
            spots[key] = _Spot(float(row["resultatscore"]), float(row["evidensscore"]), row["kategori"], [])
        spots[key].rows.append(row)
    return list(spots.values())


def _evidence_levels(plotted: pd.DataFrame, evidence_points: Mapping[str, float] | None) -> list[tuple[float, str]]:
    """The vertical axis' marks: each evidence level's points, named (levels with equal points together)."""
    if not evidence_points:
        values = sorted({float(v) for v in plotted["evidensscore"]} | {0.0, 100.0})
        return [(v, fmt_number(v, exact_decimals(v, 1))) for v in values]
    by_value: dict[float, list[str]] = {}
    for level, points in evidence_points.items():
        by_value.setdefault(float(points), []).append(label("evidensniveau", level).word)
    return [(v, f"{' / '.join([names[0]] + [n.lower() for n in names[1:]])} ({fmt_number(v, exact_decimals(v, 1))})")
            for v, names in sorted(by_value.items())]


LABEL_OFFSETS = ((5, 4), (5, -11), (-5, 4), (-5, -11), (0, 9), (0, -15), (9, -3), (-9, -3))  # points


def _place_labels(fig: Figure, ax, spots: list[_Spot], label_column: str, size: float) -> None:
    """Label every point where the label overlaps no other label and no point (the first such
    place of :data:`LABEL_OFFSETS`; else the place with the least overlap)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.transforms import Bbox

    canvas = fig.canvas if hasattr(fig.canvas, "get_renderer") else FigureCanvasAgg(fig)
    fig.get_layout_engine().execute(fig)
    renderer = canvas.get_renderer()
    radius = np.sqrt(size) / 2 * fig.dpi / 72
    points = [ax.transData.transform((spot.r, spot.e)) for spot in spots]
    marks = [Bbox.from_extents(x - radius, y - radius, x + radius, y + radius) for x, y in points]
    frame = ax.get_window_extent(renderer)
    placed: list = []

    def overlap(a, b) -> float:
        w = min(a.x1, b.x1) - max(a.x0, b.x0)
        h = min(a.y1, b.y1) - max(a.y0, b.y0)
        return w * h if w > 0 and h > 0 else 0.0

    for i, spot in enumerate(spots):
        names = list(dict.fromkeys(str(row[label_column]) for row in spot.rows))
        text = ", ".join(names) + (f" (×{len(spot.rows)})" if len(names) < len(spot.rows) else "")
        best = None
        for dx, dy in LABEL_OFFSETS:
            ha = "left" if dx > 0 else "right" if dx < 0 else "center"
            note = ax.annotate(text, (spot.r, spot.e), xytext=(dx, dy), textcoords="offset points", fontsize=7,
                               zorder=5, parse_math=False, ha=ha)
            box = note.get_window_extent(renderer).expanded(1.1, 1.15)
            cost = sum(overlap(box, other) for other in placed)
            cost += sum(overlap(box, mark) for j, mark in enumerate(marks) if j != i)
            cost += 0 if frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1) else box.width * box.height
            if best is None or cost < best[0]:
                if best is not None:
                    best[1].remove()
                best = (cost, note, box)
            else:
                note.remove()
            if cost == 0:
                break
        placed.append(best[2])


SCATTER_DATA_HEADERS = {"rang": "Nr.", "aktivitet_id": "Id", "navn": "Aktivitet", "forvaltning": "Forvaltning",
                        "resultatscore": "Resultatscore", "evidensscore": "Evidensscore",
                        "samlet_score": "Samlet score", "kategori": "Kategori"}


def _scatter_data(plotted: pd.DataFrame, label_column: str) -> pd.DataFrame:
    """The plotted activities: their label, name, scores (one decimal, as the tables) and kategori."""
    columns = [label_column] + [c for c in SCATTER_DATA_HEADERS if c != label_column and c not in ("rang",)]
    columns = [c for c in dict.fromkeys(columns) if c in plotted.columns]
    frame = pd.DataFrame(index=range(len(plotted)))
    for column in columns:
        values = plotted[column].tolist()
        if column in ("resultatscore", "evidensscore", "samlet_score"):
            values = [None if is_missing(v) else round(float(v), 1) for v in values]
        elif column == "kategori":
            values = [None if is_missing(v) else label("kategori", v).word for v in values]
        elif column == "rang":
            values = [None if is_missing(v) else int(v) for v in values]
        frame[SCATTER_DATA_HEADERS.get(column, column)] = pd.Series(values, dtype=object)
    return frame


def _scatter_alt_text(plotted: pd.DataFrame, left_out: int, w_r: float, w_e: float,
                      categories: Sequence[tuple[str, float | None]], label_text: str = "") -> str:
    zones = []
    upper = None
    for kategori, minimum in categories:
        word = label("kategori", kategori).word.lower()
        if minimum is not None:
            zones.append(f"{word} ved {fmt_number(minimum, exact_decimals(minimum, 2))} eller mere")
        elif upper is not None:
            zones.append(f"{word} under {fmt_number(upper, exact_decimals(upper, 2))}")
        upper = minimum
    formula = (f"samlet score = {fmt_number(w_r, exact_decimals(w_r, 3))} · resultatscore + "
               f"{fmt_number(w_e, exact_decimals(w_e, 3))} · evidensscore")
    text = (f"Punktdiagram: resultatscore (vandret) mod evidensscore (lodret) for "
            f"{fmt_count(len(plotted), 'aktivitet', 'aktiviteter')}. Zonerne viser kategorien "
            f"efter samlet score: {fmt_list(zones)} ({formula}).")
    counts = [f"{fmt_number((plotted['kategori'] == k).sum())} {label('kategori', k).word.lower()}"
              for k, _ in categories if (plotted["kategori"] == k).any()]
    if counts:
        text += f" Aktiviteter pr. kategori: {fmt_list(counts)}."
    if left_out:
        text += f" {fmt_count(left_out, 'aktivitet', 'aktiviteter')} uden både resultat- og evidensscore er ikke vist."
    if label_text:
        text += f" {label_text}"
    return text


# ------------------------------------------------------------------------ bar chart

def bar_chart(df: pd.DataFrame, x: str, y: str, *, unit: str = "antal", decimals: int = 0,
              xlabel: str | None = None, ylabel: str | None = None, hue: str | None = None,
              hue_label: str | None = None, horizontal: bool = False, max_listed: int = 12) -> Chart:
    """Bars of ``y`` per category ``x`` (optionally split by ``hue``), values written on the bars.

    One row per bar: duplicated (``x``, ``hue``) pairs are an error, never averaged.
    Categories keep the order of ``df``. Hue levels differ by colour *and* hatching.
    ``unit``/``decimals`` format the values (``procent`` → ``17,5 %``). Counts
    must already be disclosure-controlled by the caller.
    """
    keys = [x] if hue is None else [x, hue]
    if df.duplicated(subset=keys).any():
        raise ValueError(f"bar_chart needs one row per {' and '.join(keys)}; found duplicates")
    xlabel = x if xlabel is None else xlabel
    ylabel = y if ylabel is None else ylabel
    hue_label = hue if hue_label is None else hue_label
    data = df.assign(**{x: df[x].map(_text)})
    order = list(dict.fromkeys(data[x]))
    hue_order = list(dict.fromkeys(data[hue])) if hue is not None else []
    with chart_style():
        fig = new_figure()
        ax = fig.subplots()
        common = {"data": data, "order": order, "errorbar": None, "ax": ax, "orient": "h" if horizontal else "v"}
        coords = {"x": y, "y": x} if horizontal else {"x": x, "y": y}
        if hue is None:
            sns.barplot(**coords, color=BAR_COLOURS[0], **common)
        else:
            sns.barplot(**coords, hue=hue, hue_order=hue_order,
                        palette=dict(zip(hue_order, BAR_COLOURS * len(hue_order))), **common)
        handles = []
        for i, container in enumerate(ax.containers):
            hatch = BAR_HATCHES[i % len(BAR_HATCHES)] if hue is not None else ""
            for patch in container:
                patch.set_hatch(hatch)
                patch.set_edgecolor(INK)
                patch.set_linewidth(0.6)
            ax.bar_label(container, labels=[fmt_value(v, unit, decimals) if not is_missing(v) else ""
                                            for v in container.datavalues], padding=2, fontsize=8)
            if hue is not None:
                handles.append(Patch(facecolor=BAR_COLOURS[i % len(BAR_COLOURS)], hatch=hatch, edgecolor=INK,
                                     label=_text(hue_order[i])))
        if hue is not None:
            ax.legend(handles=handles, frameon=False, title=_text(hue_label))
        value_axis, category_axis = (ax.xaxis, ax.yaxis) if horizontal else (ax.yaxis, ax.xaxis)
        value_axis.set_major_formatter(DanishFormatter(unit))
        (ax.set_xlim if horizontal else ax.set_ylim)(0, None)
        ax.set_xlabel(_text(ylabel if horizontal else xlabel))
        ax.set_ylabel(_text(xlabel if horizontal else ylabel))
        ax.grid(axis="y" if horizontal else "x", visible=False)
        if not horizontal and len(order) > 6:
            category_axis.set_tick_params(rotation=30)
            for tick in ax.get_xticklabels():
                tick.set_horizontalalignment("right")
    bars = {xlabel: df[x].map(str).tolist()}
    if hue is not None:
        bars[hue_label] = df[hue].map(str).tolist()
    header = f"{ylabel} (%)" if unit == "procent" else ylabel
    bars[header] = [None if is_missing(v) else round(float(v), decimals) for v in df[y]]
    return Chart(fig, _bar_alt_text(df, x, y, hue, unit, decimals, xlabel, ylabel, hue_label, max_listed),
                 pd.DataFrame(bars, dtype=object))


def _bar_alt_text(df: pd.DataFrame, x: str, y: str, hue: str | None, unit: str, decimals: int,
                  xlabel: str, ylabel: str, hue_label: str | None, max_listed: int) -> str:
    def listing(frame: pd.DataFrame) -> str:
        values = [(str(k), v) for k, v in zip(frame[x], frame[y])]
        if len(values) > max_listed:
            known = [(k, v) for k, v in values if not is_missing(v)]
            top = max(known, key=lambda kv: kv[1])
            bottom = min(known, key=lambda kv: kv[1])
            return (f"{len(values)} søjler, højest {top[0]} ({fmt_value(top[1], unit, decimals)}), "
                    f"lavest {bottom[0]} ({fmt_value(bottom[1], unit, decimals)})")
        return fmt_list(f"{k} {fmt_value(v, unit, decimals) if not is_missing(v) else 'ikke opgjort'}"
                        for k, v in values)

    if hue is None:
        return f"Søjlediagram: {ylabel} fordelt på {xlabel}: {listing(df)}."
    groups = [f"{level}: {listing(group)}" for level, group in df.groupby(hue, sort=False)]
    return f"Søjlediagram: {ylabel} fordelt på {xlabel} og {hue_label}; " + "; ".join(groups) + "."


# =====================================================================================================
# The front page's one-page overview: small multiples, one panel per indikator (issue 12). New
# functions only below this line, so that work on the functions above merges cleanly.
# =====================================================================================================

OVERVIEW_NCOLS = 4
OVERVIEW_PANEL_SIZE = (1.75, 1.7)  # inches per panel (width, height): four across a page
PROVISIONAL_MARK = "foreløbigt mål"


def panel_codes(indikatorer: Sequence[Indikator]) -> list[str]:
    """The short code of each indikator's panel: the målepunkt's number, with a letter when the målepunkt
    has several indikatorer (``1``, ``2``, ``3a``, ``3b``, ``3c``, ``4``, ``5``)."""
    counts: dict[int, int] = {}
    for m in indikatorer:
        counts[m.maalepunkt_nr] = counts.get(m.maalepunkt_nr, 0) + 1
    seen: dict[int, int] = {}
    codes = []
    for m in indikatorer:
        seen[m.maalepunkt_nr] = seen.get(m.maalepunkt_nr, 0) + 1
        letter = "abcdefghijklmnopqrstuvwxyz"[seen[m.maalepunkt_nr] - 1] if counts[m.maalepunkt_nr] > 1 else ""
        codes.append(f"{m.maalepunkt_nr}{letter}")
    return codes


def short_title(text: str, limit: int = 62) -> str:
    """A title for a small panel: parentheses left out, cut at a word boundary with ``…`` beyond ``limit``."""
    import re

    plain = " ".join(re.sub(r"\s*\([^)]*\)", "", str(text)).split())
    if len(plain) <= limit:
        return plain
    cut = plain[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}…"


def panel_title(indikator: Indikator, maalepunkt_title: str, code: str, several: bool) -> str:
    """What a panel is called: ``1. Færre utrygge københavnere …`` (the målepunkt's title), or for a målepunkt
    with several indikatorer ``3a. Antal ikke-planlagte lukkedage …`` (the indikator's); the area a
    calculation is restricted to (``omraade``) is added when the title does not already name it."""
    text = short_title(indikator.title) if several else short_title(maalepunkt_title, 80)
    area = indikator.parameters.get("omraade")
    if area and str(area).lower() not in text.lower():
        text = f"{text} (målt på {area})"
    return f"{code}. {text}"


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width=width, break_on_hyphens=False))


def overview_small_multiples(series_df: pd.DataFrame, maalstatus: pd.DataFrame, programme, year: int) -> Chart:
    """One small line chart per indikator (programme order): the whole series up to ``year``, the target path
    (``sti``, dashed, target a star), the baseline level (``retning``, dotted) or the requirement (``krav``,
    dash-dot), and the year's status as symbol and word on its colour (``foreløbigt mål`` when the
    target is provisional). ``maalstatus``: the year's table (baseline and target as used). The alt text
    describes every panel's data: first and last value, the target and the status.
    """
    indikatorer = list(programme.indikatorer)
    rows = {r["indikator_id"]: r for r in maalstatus.to_dict("records")}
    codes = panel_codes(indikatorer)
    per_maalepunkt = {m.nr: len(m.indikatorer) for m in programme.maalepunkter}
    n = len(indikatorer)
    ncols = min(OVERVIEW_NCOLS, max(n, 1))
    nrows = -(-(n + 1) // ncols)  # one slot more, for the legend
    alt_parts = []
    with chart_style():
        fig = new_figure(figsize=(OVERVIEW_PANEL_SIZE[0] * ncols, OVERVIEW_PANEL_SIZE[1] * nrows))
        axes = np.atleast_1d(fig.subplots(nrows, ncols)).ravel()
        for ax, m, code in zip(axes, indikatorer, codes):
            row = rows.get(m.id, {})
            title = panel_title(m, programme.maalepunkt(m.maalepunkt_nr).title, code,
                                per_maalepunkt[m.maalepunkt_nr] > 1)
            status = row.get("status")
            provisional = str(row.get("maal_foreloebigt", "nej")) == "ja" or m.is_provisional
            alt_parts.append(_draw_panel(ax, series_df, m, row, year, title, status, provisional))
        for ax in axes[n:]:
            ax.axis("off")
        legend_ax = axes[n] if n < len(axes) else None
        if legend_ax is not None:
            from matplotlib.lines import Line2D

            handles = [
                Line2D([], [], color=INK, marker="o", markersize=4, linewidth=1.4, label="Målt værdi"),
                Line2D([], [], color=PATH_COLOUR, linestyle="--", linewidth=1.3, label="Målsti mod målet"),
                Line2D([], [], color=TARGET_COLOUR, marker="*", linestyle="none", markersize=9,
                       markeredgecolor=INK, markeredgewidth=0.5, label="Mål"),
                Line2D([], [], color=REFERENCE_COLOUR, linestyle=":", linewidth=1.3,
                       label="Niveau i basisåret\n(målet er at komme under)"),
                Line2D([], [], color=TARGET_COLOUR, linestyle="-.", linewidth=1.3, label="Krav hvert år"),
            ]
            legend_ax.legend(handles=handles, loc="center left", frameon=False, fontsize=6.5,
                             handlelength=2.2, borderaxespad=0)
    alt = (f"Små linjediagrammer, ét for hver af programmets {fmt_count(n, 'indikator', 'indikatorer')}, "
           f"med hele den målte serie til og med {year} og målet. " + " ".join(alt_parts))
    return Chart(fig, alt, _overview_data(series_df, indikatorer, codes, year))


def _overview_data(series_df: pd.DataFrame, indikatorer: Sequence[Indikator], codes: Sequence[str],
                   year: int) -> pd.DataFrame:
    """The small multiples' points as a table (the CSV under the figure): year, panel, indikator and value,
    rounded as the panels write them."""
    rows = []
    for m, code in zip(indikatorer, codes):
        data = series_df[(series_df["indikator_id"] == m.id) & (series_df["aar"] <= year)].sort_values("aar")
        for aar, value in zip(data["aar"], data["vaerdi"]):
            if not is_missing(value):
                rows.append({"År": int(aar), "Panel": code, "Indikator": m.title,
                             "Værdi": round(float(value), m.decimals)})
    return pd.DataFrame(rows, columns=["År", "Panel", "Indikator", "Værdi"])


def _draw_panel(ax, series_df: pd.DataFrame, m: Indikator, row: Mapping, year: int, title: str,
                status, provisional: bool) -> str:
    """Draw one indikator's panel on ``ax``; return its sentence of the alt text."""
    data = _series_frame(series_df, m, year).dropna(subset=["vaerdi"])
    b, t = m.baseline_year, m.target_year
    B = None if is_missing(row.get("basisvaerdi")) else float(row["basisvaerdi"])
    T = None if is_missing(row.get("maalvaerdi")) else float(row["maalvaerdi"])
    if m.kind == "sti" and B is not None and T is not None and b is not None and t is not None:
        ax.plot([b, t], [B, T], color=PATH_COLOUR, linestyle="--", linewidth=1.2, zorder=1, gid="maalsti")
        ax.plot([t], [T], linestyle="none", marker="*", markersize=9, color=TARGET_COLOUR, markeredgecolor=INK,
                markeredgewidth=0.5, zorder=4, gid="maal")
    elif m.kind == "retning" and B is not None:
        ax.axhline(B, color=REFERENCE_COLOUR, linestyle=":", linewidth=1.2, zorder=1, gid="reference")
    elif m.kind == "krav" and T is not None:
        ax.axhline(T, color=TARGET_COLOUR, linestyle="-.", linewidth=1.2, zorder=1, gid="krav")
    ax.plot(data["aar"], data["vaerdi"], color=INK, linewidth=1.3, marker="o", markersize=3, zorder=3, gid="maalt")
    if len(data):
        last = data.iloc[-1]
        ax.annotate(fmt_value(last["vaerdi"], m.unit, m.decimals), (last["aar"], last["vaerdi"]), xytext=(0, 5),
                    textcoords="offset points", ha="center", fontsize=6.5, fontweight="bold", zorder=5)
    years = [int(y) for y in data["aar"]] + [y for y in (b, year) if y is not None]
    if m.kind != "krav" and t is not None:
        years.append(int(t))
    first, last_year = min(years), max(years)
    ax.set_xlim(first - 0.6, last_year + 0.6)
    ax.set_xticks([first, last_year], [fmt_year(first), fmt_year(last_year)])
    shown = [v for v in (*data["vaerdi"], B, T) if not is_missing(v)]
    top = max(shown) if shown else 1.0
    top = top if top > 0 else 1.0
    ticks = [v for v in mpl.ticker.MaxNLocator(3).tick_values(0, top) if 0 <= v <= top * 1.05]
    ax.set_ylim(0, top * (1.75 if provisional else 1.55))  # room above the series for the status
    ax.set_yticks(ticks)
    ax.yaxis.set_major_formatter(DanishFormatter(m.unit))
    ax.tick_params(labelsize=6.5, length=2, pad=1)
    ax.grid(axis="x", visible=False)
    ax.set_title(_wrap(title, 23), fontsize=6.5, loc="left", fontweight="bold", pad=3)
    verdict = ""
    if not is_missing(status):
        lab = label("status", status)
        text = f"{lab.symbol} {lab.word}" + (f"\n{PROVISIONAL_MARK}" if provisional else "")
        ax.text(0.03, 0.96, text, transform=ax.transAxes, ha="left", va="top", fontsize=6.5, color=lab.ink,
                zorder=6, bbox={"boxstyle": "round,pad=0.25", "facecolor": lab.colour, "edgecolor": "none"})
        verdict = f"status {lab.word.lower()}" + (f" ({PROVISIONAL_MARK})" if provisional else "")
    return _panel_alt_text(m, data, year, title, B, T, verdict)


def _panel_alt_text(m: Indikator, data: pd.DataFrame, year: int, title: str, B: float | None,
                    T: float | None, verdict: str) -> str:
    from sikkerby.report.formatting import fmt_goal_threshold

    noun = unit_noun(m.unit)
    if data.empty:
        head = f"ingen målte værdier til og med {year}"
    elif len(data) == 1:
        head = f"{noun} var {fmt_value(data.iloc[0]['vaerdi'], m.unit, m.decimals)} i {int(data.iloc[0]['aar'])}"
    else:
        (y0, v0), (y1, v1) = data.iloc[0][["aar", "vaerdi"]], data.iloc[-1][["aar", "vaerdi"]]
        d = distinguishing_decimals(v1, (v0,), m.decimals)
        s0, s1 = fmt_value(v0, m.unit, d), fmt_value(v1, m.unit, d)
        head = (f"{noun} var {s0} både i {int(y0)} og i {int(y1)}" if s0 == s1 else
                f"{noun} {'faldt' if v1 < v0 else 'steg'} fra {s0} i {int(y0)} til {s1} i {int(y1)}")
    parts = [head]
    if m.kind == "sti" and T is not None:
        parts.append(f"målet er højst {fmt_goal_threshold(m, T)} i {m.target_year}")
    elif m.kind == "retning" and B is not None:
        parts.append(f"målet er, at {noun} i {m.target_year} er lavere end i {m.baseline_year} "
                     f"({fmt_baseline(m, B)})")
    elif m.kind == "krav" and T is not None:
        parts.append(f"kravet er mindst {fmt_goal_threshold(m, T, at_least=True)} hvert år")
    if verdict:
        parts.append(verdict)
    return f"{title}: " + "; ".join(parts) + "."
