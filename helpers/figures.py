"""The figures of the findings, drawn from the tables of :mod:`helpers.findings`: themes
by document (heatmap), by group (small multiples of bars), over time, and problems and
remedies found together (heatmap and network); and the size of each document.

Every function builds a :class:`~matplotlib.figure.Figure` without pyplot and returns it
(save it with :func:`helpers.style.save`); layouts are fixed (no randomness), documents
in corpus order and codes in codebook order, as in the tables.
"""

from __future__ import annotations

import textwrap

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import ConnectionPatch, Patch, Rectangle
from matplotlib.ticker import MaxNLocator

from .coding import Codebook
from .findings import (
    LOW_MARK,
    MOST_DOCUMENTS,
    SMALL_N,
    cooccurrence_graph,
    date_label,
    enough,
    few,
    few_sentences,
    group_column,
    measure_label,
    periods,
    plural,
)
from .style import FAMILY_COLOURS, OKABE_ITO, SEQUENTIAL

MAX_WIDTH = 12.0  # inches: a figure fits a page (at its dpi) when it is at most this wide
MAX_ASPECT = 3.5  # and at most this many times as wide as it is high
WIDE = 12  # a heatmap with more columns than this is drawn transposed (they become rows)
LABEL_CHARS = 60  # a theme's "id · name" beside a heatmap's rows is cut to this many characters


def upright(table: pd.DataFrame) -> pd.DataFrame:
    """A code × document table (:func:`helpers.findings.code_by_document`, or its rates)
    as the pages show it: as it is up to ``WIDE`` documents, and transposed beyond (one row
    per document, the codes as columns), as :func:`heatmap` draws it, so that it stays as
    wide as a page. Its index's name says what a row is (``code`` or ``document``)."""
    return table.T if len(table.columns) > WIDE else table


def unmarked(label: object) -> tuple[str, str]:
    """A label and its :data:`~helpers.findings.LOW_MARK` (``""`` when it has none)."""
    text = str(label)
    if text.endswith(" " + LOW_MARK):
        return text[:-len(LOW_MARK) - 1], LOW_MARK
    return text, ""


def short(label: object, width: int = 28) -> str:
    """A label cut to ``width`` characters with "…" (the tables beside a figure keep it
    whole); a "⚠ low precision" mark after it is kept whole (the name is cut, not the mark)."""
    text, mark = unmarked(label)
    text = text if len(text) <= width else text[:width - 1] + "…"
    return f"{text} {mark}" if mark else text


def _wrap(label: str, width: int = 22) -> str:
    """A theme's name on at most two lines, words kept whole (a third line is cut with "…");
    a "⚠ low precision" mark after it goes whole on a line of its own."""
    text, mark = unmarked(label)
    text = textwrap.fill(text, width, break_long_words=False, max_lines=2, placeholder=" …")
    return f"{text}\n{mark}" if mark else text


def ink(rgba) -> str:
    """Black or white, whichever reads on a cell of colour ``rgba``."""
    luminance = 0.2126 * rgba[0] + 0.7152 * rgba[1] + 0.0722 * rgba[2]
    return "black" if luminance > 0.45 else "white"


def heatmap(table: pd.DataFrame, codebook: Codebook, title: str, columns: str = "document") -> Figure:
    """A code × document (or × period, genre, …: ``columns`` names them) heatmap of
    sentence counts, codes grouped by family, each cell labelled with its count. With more
    than ``WIDE`` columns it is transposed (documents as rows, themes as columns), so that
    it stays paper-sized; long labels are shortened (the table beside it has them whole)."""
    codes = list(table.index)
    cols = [short(c) for c in table.columns]
    values = table.to_numpy()
    transpose = len(cols) > WIDE
    cmap = mpl.colormaps[SEQUENTIAL]
    vmax = max(int(values.max()) if values.size else 0, 1)
    if transpose:
        values = values.T
        xlabels = [_wrap(codebook.code(c).name_en) for c in codes]
        ylabels = cols
        fig = Figure(figsize=(min(MAX_WIDTH, 3.4 + 0.58 * len(codes)), 1.9 + 0.27 * len(cols)), layout="constrained")
    else:
        # a codebook's names are its own (any length): cut as the columns' are
        xlabels, ylabels = cols, [short(f"{c} · {codebook.code(c).name_en}", LABEL_CHARS) for c in codes]
        # wide enough for the longest theme name beside a few columns and the colour bar
        # (about 0.062 in a character at 8 pt), or the layout gives up on a corpus of one or
        # two documents; and high enough to stay within MAX_ASPECT
        fits = 0.062 * max((len(y) for y in ylabels), default=0) + 2.2 + 0.45 * max(len(cols), 1)
        width = min(MAX_WIDTH, max(3.6 + 0.72 * max(len(cols), 1), fits))
        fig = Figure(figsize=(width, max(1.5 + 0.34 * len(codes), width / MAX_ASPECT)), layout="constrained")
    ax = fig.subplots()
    im = ax.imshow(values, cmap=cmap, aspect="auto", vmin=0, vmax=vmax)
    ax.set_xticks(range(values.shape[1]), xlabels, rotation=35, ha="left" if transpose else "right",
                  rotation_mode="anchor", fontsize=7.5 if transpose else 8)
    ax.set_yticks(range(values.shape[0]), ylabels)
    if transpose:
        ax.xaxis.tick_top()
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, str(v), ha="center", va="center", fontsize=7, color=ink(cmap(v / vmax)))
    families = [codebook.code(c).family for c in codes]
    for n in range(1, len(families)):
        if families[n] != families[n - 1]:
            (ax.axvline if transpose else ax.axhline)(n - 0.5, color="0.2", linewidth=1.5)  # dark on the light cells
    theme = "theme (P = problem, R = remedy)"
    ax.set_xlabel(theme if transpose else columns)
    ax.set_ylabel(columns if transpose else theme)
    ax.set_title(title, loc="left")
    ax.spines[:].set_visible(False)
    ax.tick_params(length=0)
    # counts: whole numbers on the colour bar (not 0.25, 0.5, … when the most is 2)
    fig.colorbar(im, ax=ax, label="coded sentences (count)", shrink=0.8, ticks=MaxNLocator(integer=True))
    return fig


def document_sizes(stats: pd.DataFrame) -> Figure:
    """Word tokens kept per document: a horizontal bar per document, each labelled; with
    more than ``findings.MOST_DOCUMENTS`` documents, a histogram of their sizes instead."""
    if len(stats) > MOST_DOCUMENTS:
        fig = Figure(figsize=(6.5, 3.6), layout="constrained")
        ax = fig.subplots()
        ax.hist(stats["tokens"], bins=min(30, max(5, len(stats) // 5)), color=OKABE_ITO[0], edgecolor="white")
        ax.set_xlabel("word tokens kept per document (count)")
        ax.set_ylabel("documents")
        ax.set_title(f"Size of the {len(stats):,} documents after cleaning", loc="left")
        return fig
    fig = Figure(figsize=(6.5, 0.9 + 0.3 * len(stats)), layout="constrained")
    ax = fig.subplots()
    ax.barh(range(len(stats)), stats["tokens"], color=OKABE_ITO[0])
    ax.set_yticks(range(len(stats)), [short(d) for d in stats.index])
    ax.invert_yaxis()
    ax.set_xlabel("word tokens kept (count)")
    ax.set_ylabel("document")
    ax.set_title("Size of each document after cleaning", loc="left")
    for y, v in enumerate(stats["tokens"]):
        ax.text(v, y, f" {v:,}", va="center", fontsize=7)
    ax.margins(x=0.12)
    return fig


SMALL_N_HATCH = "////"
SMALL_N_TINT = 0.25  # the opacity of the fill of a timeline circle resting on SMALL_N sentences or fewer
SMALL_N_COLOUR = "#444444"  # an "n=k" label on what rests on SMALL_N units or fewer: neutral, on bars of either family
SMALL_N_GROUND = {"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.85, "linewidth": 0}  # under such a label
SMALL_N_EDGE = {"linewidth": 1.1, "alpha": 0.75, "dash_capstyle": "butt", "color": SMALL_N_COLOUR}  # a network edge of few


def small_n_dashes(k: int) -> tuple[int, tuple[float, float]]:
    """The dash pattern of a network edge met in ``k`` (≤ ``SMALL_N``) units: dotted for
    one, dashes growing with ``k`` beyond, so the legend tells 1 from 2 without a label
    on every edge."""
    return (0, (1.0, 2.0)) if k <= 1 else (0, (2.0 + 2.0 * (k - 1), 2.0))


MOST_PANELS = 12  # more groups than this: one heatmap of groups × themes instead of panels


def _small_n_note(what: str) -> str:
    return f"{what}: rests on {SMALL_N} sentences or fewer, read its quotes before its rate"


def frequency_bars(freq: pd.DataFrame, codebook: Codebook, title: str, ncols: int = 3) -> Figure:
    """Small multiples of horizontal bars, one panel per group of
    :func:`theme_frequencies`: coded sentences per 1,000 words for each theme, bars
    coloured by family, each panel titled with the group (wrapped), its number of
    documents ("n = k docs") and words; all panels share one x scale. A bar resting on 1 or
    2 sentences is hatched and labelled with its count ("n=1"). With more than
    ``MOST_PANELS`` groups the same rates are one heatmap (:func:`rate_heatmap`)."""
    by = group_column(freq)
    groups = list(dict.fromkeys(freq[by]))
    if len(groups) > MOST_PANELS:
        return rate_heatmap(freq, codebook, title)
    codes = [c for c in codebook.ids if c in set(freq["code"])]
    ncols = max(1, min(ncols, len(groups)))
    nrows = max(1, -(-len(groups) // ncols))
    fig = Figure(figsize=(2.3 + 1.9 * ncols, 1.1 + nrows * (0.6 + 0.15 * len(codes))), layout="constrained")
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
    vmax = float(np.nanmax(freq["per_1000"].to_numpy(dtype=float))) if len(freq) else 0.0
    vmax = vmax if vmax > 0 else 1.0
    labels = [codebook.code(c).name_en for c in codes]
    y = np.arange(len(codes))
    for n, ax in enumerate(axes.flat):
        if n >= len(groups):
            ax.set_visible(False)
            continue
        g = freq[freq[by] == groups[n]].set_index("code").reindex(codes)
        values = g["per_1000"].fillna(0).to_numpy(dtype=float)
        counts = g["sentences"].fillna(0).to_numpy(dtype=int)
        colours = [FAMILY_COLOURS[codebook.code(c).family] for c in codes]
        small = few(counts)
        ax.barh(y, values, color=colours, height=0.72,
                hatch=[SMALL_N_HATCH if s else "" for s in small], edgecolor="white", linewidth=0)
        for yi, v, k, sm in zip(y, values, counts, small):
            if v > 0:
                ax.text(v, yi, f" {v:.1f}" + (f" n={k}" if sm else ""), va="center", ha="left", fontsize=6.5,
                        color=SMALL_N_COLOUR if sm else "black")
        families = [codebook.code(c).family for c in codes]
        for i in range(1, len(families)):
            if families[i] != families[i - 1]:
                ax.axhline(i - 0.5, color="0.6", linewidth=0.6)
        k, w = int(g["n_documents"].iloc[0]), int(g["words"].iloc[0])
        name = textwrap.fill(str(groups[n]).replace("_", " "), 24, max_lines=2, placeholder="…")
        ax.set_title(f"{name}\n(n = {plural(k, 'doc')}, {w:,} words)", loc="left", fontsize=8)
        ax.set_yticks(y, labels)
        ax.set_xlim(0, vmax * 1.45)
        ax.tick_params(axis="y", length=0)
        if n % ncols == 0:
            ax.set_ylabel("theme")
        if n >= len(groups) - ncols:
            ax.set_xlabel("coded sentences\nper 1,000 words")
            ax.xaxis.set_tick_params(labelbottom=True)
    axes[0, 0].invert_yaxis()
    handles = [Patch(color=FAMILY_COLOURS[f], label=name) for f, name in
               (("P", "problem (P)"), ("R", "remedy (R)"))]
    handles.append(Patch(facecolor="0.55", hatch=SMALL_N_HATCH, edgecolor="white",
                         label=_small_n_note("hatched bar, n=k")))
    fig.legend(handles=handles, loc="outside lower center", ncols=2 if ncols < 3 else 3, frameon=False, fontsize=7)
    fig.suptitle(title, x=0.01, ha="left", fontsize=10)
    return fig


def rate_heatmap(freq: pd.DataFrame, codebook: Codebook, title: str, most: int = 40) -> Figure:
    """The rates of :func:`theme_frequencies` as one heatmap: groups as rows (the ``most``
    groups with the most words, in the table's order; how many more there are is said),
    themes as columns, coloured and labelled by coded sentences per 1,000 words; a cell
    resting on 1 or 2 sentences is hatched grey, left out of the colour scale and labelled
    with its count."""
    by = group_column(freq)
    groups = list(dict.fromkeys(freq[by]))
    words = freq.drop_duplicates(by).set_index(by)["words"]
    shown = [g for g in groups if g in set(words.sort_values(ascending=False, kind="stable").index[:most])]
    codes = [c for c in codebook.ids if c in set(freq["code"])]
    rate = freq.pivot(index=by, columns="code", values="per_1000").reindex(index=shown, columns=codes)
    count = freq.pivot(index=by, columns="code", values="sentences").reindex(index=shown, columns=codes)
    values, counts = rate.to_numpy(dtype=float), count.fillna(0).to_numpy(dtype=int)
    small = few(counts)
    solid = values[~small & np.isfinite(values)]
    vmax = float(solid.max()) if solid.size and solid.max() > 0 else 1.0
    cmap = mpl.colormaps[SEQUENTIAL].with_extremes(bad="0.9")
    fig = Figure(figsize=(min(MAX_WIDTH, 3.6 + 0.58 * len(codes)), 2.2 + 0.27 * len(shown)), layout="constrained")
    ax = fig.subplots()
    im = ax.imshow(np.ma.masked_where(small | ~np.isfinite(values), values), cmap=cmap, vmin=0, vmax=vmax,
                   aspect="auto")
    for (i, j), v in np.ndenumerate(values):
        if small[i, j]:
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="none", hatch=SMALL_N_HATCH,
                                   edgecolor="0.7", linewidth=0))
            ax.text(j, i, f"{v:.1f}\nn={counts[i, j]}", ha="center", va="center", fontsize=5.5, color=SMALL_N_COLOUR,
                    bbox=SMALL_N_GROUND)
        elif np.isfinite(v) and counts[i, j] > 0:
            ax.text(j, i, f"{v:.1f}", ha="center", va="center", fontsize=6, color=ink(cmap(v / vmax)))
    ax.set_xticks(range(len(codes)), [_wrap(codebook.code(c).name_en) for c in codes], fontsize=7,
                  rotation=35, ha="left", rotation_mode="anchor")
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(shown)), [f"{short(g)} ({plural(int(words[g]), 'word')})" for g in shown], fontsize=7)
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    more = len(groups) - len(shown)
    ax.set_ylabel(by.replace("_", " ") + (f" (the {len(shown)} with most words; {more} more not shown)" if more else ""))
    ax.set_xlabel("theme; hatched grey: " + _small_n_note("cell, n=k"), fontsize=7)
    fig.colorbar(im, ax=ax, label="coded sentences per 1,000 words", shrink=0.8)
    fig.suptitle(title, x=0.01, ha="left", fontsize=10)
    return fig


def _exact(row: pd.Series) -> bool:
    return bool(row["date_from"] == row["date_to"])


def _marker(exact: bool, inferred: bool, colour: str, size: float = 5.0) -> dict:
    return {"marker": "D" if inferred else "o", "markersize": size * (0.85 if inferred else 1.0),
            "markeredgecolor": colour, "markeredgewidth": 1.1,
            "markerfacecolor": colour if exact else "white", "linestyle": "none"}


def _by_period(dated: pd.DataFrame, codes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The timeline's rows summed per period: ``(columns, cells)``, columns one row per
    period (``label, mid, n_docs``, in time order), cells ``column, code, sentences,
    per_1000``."""
    docs = dated.drop_duplicates("doc_id")
    period = periods(docs[["doc_id", "date", "date_inferred"]])
    rows = dated.assign(period=dated["doc_id"].map(period))
    words = rows.drop_duplicates("doc_id").groupby("period")["words"].sum()
    cells = rows.groupby(["period", "code"], as_index=False)["sentences"].sum()
    cells["per_1000"] = cells["sentences"] / cells["period"].map(words).where(lambda w: w > 0) * 1000
    spans = rows.drop_duplicates("doc_id").groupby("period").agg(first=("date_from", "min"), last=("date_to", "max"),
                                                                  n_docs=("doc_id", "nunique"))
    labels = sorted(spans.index)
    columns = pd.DataFrame({"label": labels, "mid": [spans.loc[x, "first"] + (spans.loc[x, "last"] - spans.loc[x, "first"]) / 2
                                                       for x in labels],
                            "n_docs": [int(spans.loc[x, "n_docs"]) for x in labels]})
    cells["column"] = cells["period"].map({x: j for j, x in enumerate(labels)})
    return columns, cells[cells["code"].isin(codes)]


# Steps between the time axis's year labels, in years: the smallest that leaves each label room.
YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)


class YearTicks(mpl.ticker.Locator):
    """Ticks on the first of January every so many years (one of :data:`YEAR_STEPS`), the
    step chosen when the axis is drawn from the axis's width and its labels' font size, so
    that each four-digit year label gets at least one and a half times its width (half a
    label's width of space before the next), however long the span and however narrow the axis (the timeline's time axis
    narrows as its figure gives room to the theme labels)."""

    def __init__(self, labelsize: float):
        self.labelsize = labelsize  # points

    def step(self, lo: float, hi: float) -> int:
        """The step, in years, for the view ``lo``..``hi`` (matplotlib date numbers)."""
        first, last = mdates.num2date(lo).year, mdates.num2date(hi).year
        ax = self.axis.axes
        width = ax.get_position().width * ax.figure.get_figwidth() * 72  # points
        room = 4 * 0.62 * self.labelsize * 1.5  # four digits and half as much again between labels
        fit = max(int(width // room), 2)
        return next((s for s in YEAR_STEPS if (last - first) // s + 1 <= fit), YEAR_STEPS[-1])

    def __call__(self) -> list[float]:
        lo, hi = sorted(self.axis.get_view_interval())
        return self.tick_values(lo, hi)

    def tick_values(self, vmin: float, vmax: float) -> list[float]:
        step = self.step(vmin, vmax)
        first, last = mdates.num2date(vmin).year, mdates.num2date(vmax).year
        years = range(-(-first // step) * step, last + 1, step)
        ticks = [mdates.date2num(pd.Timestamp(y, 1, 1)) for y in years]
        return [t for t in ticks if vmin <= t <= vmax]


def timeline_figure(table: pd.DataFrame, codebook: Codebook,
                    title: str = "Themes per document over time", years: tuple[int, int] | None = None,
                    textless: int = 0) -> Figure:
    """The themes of :func:`timeline`: documents placed in time, and the themes of each.

    Top: a time axis (``years``, inclusive; by default from the first to the last year
    the dated documents can mean) with each document at its date; a date known
    only to the month, the year or an interval is drawn hollow at the middle of its range
    with a bar over the whole range; a diamond marks a date (partly) inferred rather than
    written. Leader lines join each document to its column below, where the documents
    stand in date order, evenly spaced (so documents a few weeks apart stay readable);
    with more than ``findings.MOST_DOCUMENTS`` dated documents the columns are periods
    of years (:func:`helpers.findings.periods`) instead, each with its number of
    documents. Below: one row per theme; the area of each circle is proportional to the
    coded sentences per 1,000 words of the document or period (a grey dot: not coded
    there); a circle resting on 1 or 2 sentences is drawn hatched and faint. Undated documents are
    left out and counted in the x label (with none dated, there is no time axis), and so
    are the ``textless`` documents, which have no sentence and so no row in ``table``
    (:func:`helpers.documents.textless`, dated or not), so that the label counts every
    document the figure does not show. At most
    ``MAX_WIDTH`` inches wide."""
    dated = table[table["date_mid"].notna()]
    docs = dated.drop_duplicates("doc_id").sort_values(["date_mid", "doc_id"], kind="stable").reset_index(drop=True)
    undated = table.loc[table["date_mid"].isna(), "doc_id"].nunique()
    codes = [c for c in codebook.ids if c in set(table["code"])]
    aggregate = len(docs) > MOST_DOCUMENTS
    if aggregate:
        columns, cells = _by_period(dated, codes)
        ticks = [f"{x} ({plural(k, 'doc')})" for x, k in zip(columns["label"], columns["n_docs"])]
        mids = list(columns["mid"])
    else:
        cells = dated[dated["code"].isin(codes)].assign(column=dated["doc_id"].map({d: j for j, d in enumerate(docs["doc_id"])}))
        ticks = [f"{short(d, 24)} · {date_label(t, i)}" for d, t, i in
                 zip(docs["doc_id"], docs["date"], docs["date_inferred"])]
        mids = list(docs["date_mid"])
    n = max(len(ticks), 1)
    # summed by period, the few columns would leave the time axis above them, which carries
    # every document's date, a third of a page: it gets room for a label every few years
    fig = Figure(figsize=(min(MAX_WIDTH, max(8.5 if aggregate else 6.5, 3.2 + 0.45 * n)), 3.4 + 0.3 * len(codes)),
                 layout="constrained")
    top, ax = fig.subplots(2, 1, gridspec_kw={"height_ratios": [0.9, 1.9 + 0.3 * len(codes)]})
    fig.get_layout_engine().set(h_pad=0.02, hspace=0.0)

    if years is None and len(docs):
        years = (int(docs["date_from"].min().year), int(docs["date_to"].max().year))
    if years is None:  # nothing dated: no time to show
        top.set_visible(False)
    else:
        top.set_xlim(pd.Timestamp(years[0], 1, 1), pd.Timestamp(years[1] + 1, 1, 1))
    top.set_ylim(-1, 1)
    top.axhline(0, color="0.6", linewidth=0.8, zorder=0)
    for _, d in docs.iterrows():
        exact = _exact(d)
        if aggregate:  # many documents: their dates only, the periods below carry the rest
            top.plot([d["date_mid"]], [0], marker="|", color="black", markersize=7, linestyle="none")
            continue
        if not exact:
            top.plot([d["date_from"], d["date_to"]], [0, 0], color="black", linewidth=1.4)
            top.plot([d["date_from"], d["date_to"]], [0, 0], color="black", marker="|", markersize=6,
                     linestyle="none")
        top.plot([d["date_mid"]], [0], **_marker(exact, bool(d["date_inferred"]), "black", 3.6))
    top.xaxis.tick_top()
    top.xaxis.set_label_position("top")
    top.xaxis.set_major_locator(YearTicks(mpl.font_manager.FontProperties(size=mpl.rcParams["xtick.labelsize"])
                                          .get_size_in_points()))
    top.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    top.set_xlabel("date of the document (year)")
    top.set_yticks([])
    for side in ("left", "right", "bottom"):
        top.spines[side].set_visible(False)
    top.spines["top"].set_visible(True)
    fig.suptitle(title, x=0.01, ha="left", fontsize=10)

    rows = {c: i for i, c in enumerate(codes)}
    hits = cells[cells["sentences"] > 0]
    small = (~enough(hits["sentences"])).to_numpy()
    # the scale is the circles that rest on more than SMALL_N sentences: one sentence in a short text (a rate of
    # 40 per 1,000 words in 25 words) is drawn no larger than the largest of them, never the page's biggest mark
    rates = hits["per_1000"].to_numpy(dtype=float)
    solid = rates[~small & np.isfinite(rates)]
    capped = bool(solid.size) and bool((rates[small & np.isfinite(rates)] > solid.max()).any())
    vmax = float(solid.max()) if solid.size else (float(np.nanmax(rates)) if np.isfinite(rates).any() else 0.0)
    vmax = vmax if np.isfinite(vmax) and vmax > 0 else 1.0
    area = 420.0 if n <= 20 else 260.0  # points² of the largest circle
    for j in range(len(ticks)):
        ax.scatter([j] * len(codes), range(len(codes)), s=3, color="0.75", zorder=1)
    colours = np.array([FAMILY_COLOURS[codebook.code(c).family] for c in hits["code"]], dtype=object)
    for faint in (False, True):
        sel = small if faint else ~small
        h = hits[sel]
        # hatched and faint, as every figure marks what rests on SMALL_N sentences or fewer, and never
        # hollow, the time axis's mark of an imprecise date: a tint of the family's colour fills even a
        # circle too small to show its hatch lines (drawn in the edge's colour)
        ax.scatter(h["column"], h["code"].map(rows), s=area * h["per_1000"].fillna(0).clip(upper=vmax) / vmax,
                   c=[mpl.colors.to_rgba(c, SMALL_N_TINT) for c in colours[sel]] if faint else list(colours[sel]),
                   edgecolors=list(colours[sel]) if faint else "white",
                   linewidths=1.0 if faint else 0.5, hatch=SMALL_N_HATCH if faint else None, zorder=2)
    for j, mid in enumerate(mids):
        if aggregate:
            ax.plot([j], [-1.0], marker="s", color="black", markersize=4, linestyle="none")
        else:
            d = docs.iloc[j]
            ax.plot([j], [-1.0], **_marker(_exact(d), bool(d["date_inferred"]), "black", 4.5))
        fig.add_artist(ConnectionPatch(xyA=(mdates.date2num(mid), -1), coordsA=top.transData,
                                       xyB=(j, -1.45), coordsB=ax.transData, color="0.55", linewidth=0.6))
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_ylim(len(codes) - 0.5, -3.4)
    ax.set_xticks(range(len(ticks)), ticks, rotation=35 if n <= 12 else 55, ha="right", rotation_mode="anchor",
                  fontsize=7.5 if n <= 12 else 6.5)
    ax.set_yticks(range(len(codes)), [codebook.code(c).name_en for c in codes])
    for label, c in zip(ax.get_yticklabels(), codes):
        label.set_color(FAMILY_COLOURS[codebook.code(c).family])
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    hidden = [plural(undated, "undated document")] if undated else []
    hidden += [f"{textless} document{'' if textless == 1 else 's'} without text"] if textless else []
    note = f"; not shown: {' and '.join(hidden)}" if hidden else ""
    ax.set_xlabel(f"period (documents summed), in date order{note}" if aggregate else f"document, in date order{note}")
    ax.set_ylabel("theme")

    handles = [
        Line2D([], [], **_marker(True, False, "black"), label="date known to the day"),
        Line2D([], [], **_marker(True, True, "black"), label="day known, year inferred"),
        Line2D([0, 1], [0, 0], color="black", linewidth=1.2,
               **{k: v for k, v in _marker(False, False, "black").items() if k != "linestyle"},
               label="known only to the month, year or an interval\n(marker at the middle, bar = range)"),
        Line2D([], [], **_marker(False, True, "black"), label="imprecise and inferred"),
        Patch(color=FAMILY_COLOURS["P"], label="problem (P)"),
        Patch(color=FAMILY_COLOURS["R"], label="remedy (R)"),
        Patch(facecolor=mpl.colors.to_rgba("0.3", SMALL_N_TINT), edgecolor="0.3", hatch=SMALL_N_HATCH,
              label=f"hatched, faint: rests on {few_sentences()}"
                    + (", drawn no larger than the largest other circle" if capped else "")),
    ]
    sizes = _nice_sizes(vmax)
    for v in sizes:
        handles.append(Line2D([], [], marker="o", linestyle="none", color="0.45",
                              markersize=float(np.sqrt(area * v / vmax)), label=f"{v:g} per 1,000 words"))
    where = "period" if aggregate else "document"
    # rows far enough apart that the largest size circle (its diameter in points) overlaps no other
    font = 7.0
    spacing = max(0.5, (float(np.sqrt(area * max(sizes) / vmax)) - 0.7 * font) / font) if sizes else 0.5
    fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False, fontsize=font,
               labelspacing=spacing, title=f"circle area: coded sentences per 1,000 words of the {where}",
               title_fontsize=7.5)
    return fig


def _nice_sizes(vmax: float) -> list[float]:
    """Three round values up to ``vmax`` for a size legend."""
    step = 10 ** np.floor(np.log10(vmax))
    top = np.floor(vmax / step) * step
    return sorted({float(v) for v in (top / 4, top / 2, top) if v > 0})


MIN_HEATMAP = (6.5, 3.4)  # inches: the smallest co-occurrence heatmap (one problem, one remedy)


def cooccurrence_heatmap(cooc: pd.DataFrame, codebook: Codebook, measure: str = "jaccard",
                         title: str | None = None) -> Figure:
    """A problem × remedy heatmap of a :func:`cooccurrence` measure (``"jaccard"``,
    ``"lift"`` or ``"n_both"``), each cell labelled with the measure and, in brackets,
    the number of units with both codes; a lift that cannot be computed (a code of the
    pair never coded) is shown as "–", which the axis label then explains.
    A cell resting on 1 or 2 units is hatched grey, labelled "n=k" and left out of the
    colour scale, so that a lift of one chance meeting is never the brightest cell."""
    label, fmt = measure_label(measure)
    unit = str(cooc["unit"].iloc[0]) if len(cooc) else "unit"
    problems = list(dict.fromkeys(cooc["problem"]))
    remedies = list(dict.fromkeys(cooc["remedy"]))
    values = cooc.pivot(index="problem", columns="remedy", values=measure).reindex(
        index=problems, columns=remedies).to_numpy(dtype=float)
    both = cooc.pivot(index="problem", columns="remedy", values="n_both").reindex(
        index=problems, columns=remedies).to_numpy()
    small = (both > 0) & ~enough(both)
    # at least wide and high enough for the axis label (its name and the key's lines), the title and the colour bar's
    # label: a codebook of one problem and one remedy otherwise leaves the axes no room at all
    # (matplotlib then warns "constrained_layout not applied" and the title runs into the bar)
    fig = Figure(figsize=(min(MAX_WIDTH, max(MIN_HEATMAP[0], 3.0 + 0.72 * len(remedies))),
                          max(MIN_HEATMAP[1], 2.1 + 0.42 * len(problems))), layout="constrained")
    ax = fig.subplots()
    # coloured: only the cells resting on more than SMALL_N units; none, few and "–" stay grey
    uncoloured = ~np.isfinite(values) | ~enough(both)
    solid = values[~uncoloured]
    vmax = float(solid.max()) if solid.size and solid.max() > 0 else 1.0
    cmap = mpl.colormaps[SEQUENTIAL].with_extremes(bad="0.9")
    im = ax.imshow(np.ma.masked_where(uncoloured, values), cmap=cmap, vmin=0, vmax=vmax, aspect="auto")
    for (i, j), v in np.ndenumerate(values):
        colour = "black"
        if not np.isfinite(v):
            text = "–"
        elif both[i, j] == 0:
            text = "0"
        elif small[i, j]:
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="none", hatch=SMALL_N_HATCH,
                                   edgecolor="0.7", linewidth=0))
            # on the hatch lines, the label gets a pale ground of its own to be read on
            ax.text(j, i, f"{fmt.format(v)}\nn={int(both[i, j])}", ha="center", va="center", fontsize=6.5,
                    color=SMALL_N_COLOUR, bbox=SMALL_N_GROUND)
            continue
        else:
            text, colour = f"{fmt.format(v)}\n({int(both[i, j])})", ink(cmap(v / vmax))
        ax.text(j, i, text, ha="center", va="center", fontsize=6.5, color=colour)
    ax.set_xticks(range(len(remedies)), [_wrap(codebook.code(r).name_en) for r in remedies],
                  rotation=35, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(len(problems)), [codebook.code(p).name_en for p in problems])
    # "–" is said only where a cell shows it: a code of the pair never coded, so no lift to give
    dash = f";\n–: one of the two never coded, no {measure}" if (~np.isfinite(values)).any() else ""
    # the key a line for each kind of cell left grey, so that it stays under the cells rather than running past the figure
    ax.set_xlabel(f"remedy (family R)\nhatched grey: {unit}s with both ≤ {SMALL_N}, too few to read a {measure} from;\n"
                  f"plain grey (0): no {unit} with both; neither is coloured{dash}", fontsize=8)
    ax.set_ylabel("problem (family P)")
    ax.spines[:].set_visible(False)
    ax.tick_params(length=0)
    # wrapped to the axes' width (about 12 characters an inch at the title's size; labels and
    # colour bar take some 2.5 inches), so that a narrow figure's title never runs into the bar
    heading = title or f"Problems and remedies coded in the same {unit}"
    ax.set_title(textwrap.fill(heading, max(30, int((fig.get_figwidth() - 2.5) * 12)), break_long_words=False),
                 loc="left")
    if solid.size:  # a scale of no coloured cell would be a 0–1 of nothing
        fig.colorbar(im, ax=ax, label=f"{label}\n(in brackets: {unit}s with both, count)", shrink=0.85)
    return fig


def cooccurrence_network(cooc: pd.DataFrame, codebook: Codebook, measure: str = "jaccard",
                         threshold: float = 0.05, title: str | None = None) -> Figure:
    """The :func:`cooccurrence_graph` drawn with a fixed bipartite layout: problems in a
    column on the left, remedies on the right, each in codebook order (no randomness, so
    labels never overlap); nodes coloured by family (``style.FAMILY_COLOURS``) and sized
    by the units coded with them; edge width and shade by the measure. An edge met in
    ``SMALL_N`` units or fewer is drawn thin in the hatch colour, dotted for one unit and
    dashed for two (:func:`small_n_dashes`), its width not weighted by a measure it is too
    small to carry; the legend below says what each line means and the axis label how
    many edges are such, so none is hidden and no edge needs a label of its own."""
    label, fmt = measure_label(measure)
    graph = cooccurrence_graph(cooc, codebook, measure, threshold)
    problems = [n for n in graph if graph.nodes[n]["family"] == "P"]
    remedies = [n for n in graph if graph.nodes[n]["family"] == "R"]
    rows = max(len(problems), len(remedies), 1)

    def column(nodes: list[str], x: float) -> dict[str, tuple[float, float]]:
        offset = (rows - len(nodes)) / 2
        return {n: (x, -(offset + i)) for i, n in enumerate(nodes)}

    pos = column(problems, 0.0) | column(remedies, 1.0)

    def longest(nodes: list[str]) -> int:
        return max((len(f"{graph.nodes[n]['name_en']} ({graph.nodes[n]['units']})") for n in nodes), default=0)

    # wide enough for both columns' labels and about 2.5 inches between the columns
    width = min(MAX_WIDTH, max(7.0, 3.0 + 0.065 * (longest(problems) + longest(remedies))))
    fig = Figure(figsize=(width, 1.6 + 0.38 * rows), layout="constrained")
    ax = fig.subplots()
    edges = sorted(graph.edges(data=True), key=lambda e: (e[2]["weight"], e[0], e[1]))
    solid = [d["weight"] for _, _, d in edges if enough(d["n_both"])]
    wmax = max(solid) if solid else 1.0

    def edge_style(w: float) -> dict:
        share = w / wmax
        return {"color": "#1f2a44", "alpha": 0.25 + 0.65 * share, "linewidth": 0.8 + 5.2 * share}

    few: dict[int, int] = {}  # edges of 1 … SMALL_N units: how many of each
    for u, v, d in edges:
        (x0, y0), (x1, y1) = pos[u], pos[v]
        if not enough(d["n_both"]):  # too few to read the measure from: thin, in the hatch colour, dotted or dashed
            few[d["n_both"]] = few.get(d["n_both"], 0) + 1
            ax.plot([x0, x1], [y0, y1], zorder=1, linestyle=small_n_dashes(d["n_both"]), **SMALL_N_EDGE)
        else:
            ax.plot([x0, x1], [y0, y1], solid_capstyle="round", zorder=1, **edge_style(d["weight"]))
    units = [graph.nodes[n]["units"] for n in graph]
    umax = max(units) if units and max(units) > 0 else 1
    for n in graph:
        x, y = pos[n]
        attrs = graph.nodes[n]
        size = 30 + 170 * attrs["units"] / umax
        ax.scatter([x], [y], s=size, color=FAMILY_COLOURS[attrs["family"]],
                   edgecolor="white", linewidth=0.8, zorder=2)
        gap = np.sqrt(size) / 2 + 4  # points: clear of the node
        ax.annotate(f"{attrs['name_en']} ({attrs['units']})", (x, y),
                    xytext=(-gap if x == 0 else gap, 0), textcoords="offset points",
                    ha="right" if x == 0 else "left", va="center", fontsize=8,
                    color=FAMILY_COLOURS[attrs["family"]])
    ax.set_xlim(-1.25, 2.25)
    ax.set_ylim(-rows + 0.4, 0.8)
    for x, heading in ((0, "problems (P)"), (1, "remedies (R)")):  # aligned as the labels below, never overlapping
        ax.annotate(heading, (x, 0.55), xytext=(-6 if x == 0 else 6, 0), textcoords="offset points",
                    ha="right" if x == 0 else "left", va="bottom", fontsize=9, fontweight="bold")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.spines[:].set_visible(False)
    unit = graph.graph["unit"] or "unit"
    name = label.split(" (")[0]  # "Jaccard index"
    n_few = sum(few.values())
    ax.set_xlabel(f"edge width and shade: {label}; edges where it is ≥ {fmt.format(threshold)} "
                  f"({graph.number_of_edges()} of {len(problems) * len(remedies)} pairs)\n"
                  f"node size and (count): {unit}s coded with the theme"
                  + (f"\nthin dotted or dashed: {n_few} of the {graph.number_of_edges()} edges rest on at most "
                     f"{SMALL_N} {unit}s with both, too few to read the {name} from: drawn, not weighted"
                     if n_few else ""), fontsize=7.5)
    ax.set_title(title or f"Problems and remedies coded in the same {unit}", loc="left")
    samples = {min(solid), float(np.median(solid)), wmax} if len(solid) > 2 else set(solid)
    handles = [Line2D([], [], label=f"{name} {fmt.format(w)}", **edge_style(w)) for w in sorted(samples)]
    handles += [Line2D([], [], label=f"in {plural(k, unit)} only", linestyle=small_n_dashes(k), **SMALL_N_EDGE)
                for k in sorted(few)]
    if handles:
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), frameon=False, fontsize=7,
                   handlelength=3.5)
    return fig

