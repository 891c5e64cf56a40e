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
from matplotlib.patches import ConnectionPatch, Patch

from .coding import Codebook
from .findings import cooccurrence_graph, date_label, group_column, measure_label, plural
from .style import FAMILY_COLOURS, OKABE_ITO, SEQUENTIAL


def heatmap(table: pd.DataFrame, codebook: Codebook, title: str) -> Figure:
    """A code × document heatmap of sentence counts, codes grouped by family, each cell
    labelled with its count."""
    labels = [f"{c} · {codebook.code(c).name_en}" for c in table.index]
    fig = Figure(figsize=(1.6 + 1.05 * max(len(table.columns), 1), 0.9 + 0.34 * len(table)))
    ax = fig.subplots()
    values = table.to_numpy()
    im = ax.imshow(values, cmap=SEQUENTIAL, aspect="auto", vmin=0, vmax=max(int(values.max()), 1))
    ax.set_xticks(range(len(table.columns)), table.columns, rotation=30, ha="right")
    ax.set_yticks(range(len(table)), labels)
    threshold = values.max() / 2 if values.size else 0
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, str(v), ha="center", va="center", fontsize=7,
                color="black" if v > threshold else "white")
    families = [codebook.code(c).family for c in table.index]
    for n in range(1, len(families)):
        if families[n] != families[n - 1]:
            ax.axhline(n - 0.5, color="white", linewidth=2)
    ax.set_xlabel("document")
    ax.set_ylabel("theme (P = problem, R = remedy)")
    ax.set_title(title, loc="left")
    ax.spines[:].set_visible(False)
    fig.colorbar(im, ax=ax, label="coded sentences (count)", shrink=0.8)
    fig.tight_layout()
    return fig


def document_sizes(stats: pd.DataFrame) -> Figure:
    """A horizontal bar chart of word tokens kept per document, each bar labelled."""
    fig = Figure(figsize=(6.5, 0.8 + 0.4 * len(stats)))
    ax = fig.subplots()
    ax.barh(range(len(stats)), stats["tokens"], color=OKABE_ITO[0])
    ax.set_yticks(range(len(stats)), stats.index)
    ax.invert_yaxis()
    ax.set_xlabel("word tokens kept (count)")
    ax.set_ylabel("document")
    ax.set_title("Size of each document after cleaning", loc="left")
    for y, v in enumerate(stats["tokens"]):
        ax.text(v, y, f" {v:,}", va="center", fontsize=7)
    ax.margins(x=0.12)
    fig.tight_layout()
    return fig


def frequency_bars(freq: pd.DataFrame, codebook: Codebook, title: str, ncols: int = 3) -> Figure:
    """Small multiples of horizontal bars, one panel per group of
    :func:`theme_frequencies`: coded sentences per 1,000 words for each theme, bars
    coloured by family, each panel titled with the group, its number of documents
    ("n = k docs") and words; all panels share one x scale."""
    by = group_column(freq)
    groups = list(dict.fromkeys(freq[by]))
    codes = [c for c in codebook.ids if c in set(freq["code"])]
    ncols = max(1, min(ncols, len(groups)))
    nrows = max(1, -(-len(groups) // ncols))
    fig = Figure(figsize=(2.1 + 1.75 * ncols, 0.75 + nrows * (0.55 + 0.16 * len(codes))),
                 layout="constrained")
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
        colours = [FAMILY_COLOURS[codebook.code(c).family] for c in codes]
        ax.barh(y, values, color=colours, height=0.72)
        for yi, v in zip(y, values):
            if v > 0:
                ax.text(v, yi, f" {v:.1f}", va="center", ha="left", fontsize=6.5)
        families = [codebook.code(c).family for c in codes]
        for i in range(1, len(families)):
            if families[i] != families[i - 1]:
                ax.axhline(i - 0.5, color="0.6", linewidth=0.6)
        k, w = int(g["n_documents"].iloc[0]), int(g["words"].iloc[0])
        name = textwrap.fill(str(groups[n]), 26)
        ax.set_title(f"{name}\n(n = {plural(k, 'doc')}, {w:,} words)", loc="left", fontsize=8)
        ax.set_yticks(y, labels)
        ax.set_xlim(0, vmax * 1.3)
        ax.tick_params(axis="y", length=0)
        if n % ncols == 0:
            ax.set_ylabel("theme")
        if n >= len(groups) - ncols:
            ax.set_xlabel("coded sentences\nper 1,000 words")
            ax.xaxis.set_tick_params(labelbottom=True)
    axes[0, 0].invert_yaxis()
    handles = [Patch(color=FAMILY_COLOURS[f], label=name) for f, name in
               (("P", "problem (P)"), ("R", "remedy (R)"))]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
    fig.suptitle(title, x=0.01, ha="left", fontsize=10)
    return fig


def _exact(row: pd.Series) -> bool:
    return bool(row["date_from"] == row["date_to"])


def _marker(exact: bool, inferred: bool, colour: str, size: float = 5.0) -> dict:
    return {"marker": "D" if inferred else "o", "markersize": size * (0.85 if inferred else 1.0),
            "markeredgecolor": colour, "markeredgewidth": 1.1,
            "markerfacecolor": colour if exact else "white", "linestyle": "none"}


def timeline_figure(table: pd.DataFrame, codebook: Codebook,
                    title: str = "Themes per document over time", years: tuple[int, int] | None = None) -> Figure:
    """The themes of :func:`timeline`: documents placed in time, and the themes of each.

    Top: a time axis (``years``, inclusive; by default from the first to the last year
    the dated documents can mean) with each document at its date; a date known
    only to the month, the year or an interval is drawn hollow at the middle of its range
    with a bar over the whole range; a diamond marks a date (partly) inferred rather than
    written. Leader lines join each document to its column below, where the documents
    stand in date order, evenly spaced (so documents a few weeks apart stay readable).
    Below: one row per theme; the area of each circle is proportional to the coded
    sentences per 1,000 words of the document (a grey dot: not coded there). Undated
    documents are left out and counted in the x label (with none dated, there is no time
    axis)."""
    dated = table[table["date_mid"].notna()]
    docs = dated.drop_duplicates("doc_id").sort_values(["date_mid", "doc_id"], kind="stable").reset_index(drop=True)
    undated = table.loc[table["date_mid"].isna(), "doc_id"].nunique()
    codes = [c for c in codebook.ids if c in set(table["code"])]
    n = max(len(docs), 1)
    fig = Figure(figsize=(max(6.0, 2.9 + 0.5 * n), 2.9 + 0.3 * len(codes)), layout="constrained")
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
        if not exact:
            top.plot([d["date_from"], d["date_to"]], [0, 0], color="black", linewidth=1.4)
            top.plot([d["date_from"], d["date_to"]], [0, 0], color="black", marker="|", markersize=6,
                     linestyle="none")
        top.plot([d["date_mid"]], [0], **_marker(exact, bool(d["date_inferred"]), "black", 3.6))
    top.xaxis.tick_top()
    top.xaxis.set_label_position("top")
    top.xaxis.set_major_locator(mdates.YearLocator())
    top.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    top.set_xlabel("date of the document (year)")
    top.set_yticks([])
    for side in ("left", "right", "bottom"):
        top.spines[side].set_visible(False)
    top.spines["top"].set_visible(True)
    fig.suptitle(title, x=0.01, ha="left", fontsize=10)

    rows = {c: i for i, c in enumerate(codes)}
    cols = {d: j for j, d in enumerate(docs["doc_id"])}
    vmax = float(np.nanmax(dated["per_1000"].to_numpy(dtype=float))) if len(dated) else 0.0
    vmax = vmax if vmax > 0 else 1.0
    area = 420.0  # points² of the largest circle
    for j in range(len(docs)):
        ax.scatter([j] * len(codes), range(len(codes)), s=3, color="0.75", zorder=1)
    hits = dated[(dated["sentences"] > 0) & dated["code"].isin(codes)]
    ax.scatter(hits["doc_id"].map(cols), hits["code"].map(rows), s=area * hits["per_1000"] / vmax,
               c=[FAMILY_COLOURS[codebook.code(c).family] for c in hits["code"]],
               edgecolors="white", linewidths=0.5, zorder=2)
    for j, (_, d) in enumerate(docs.iterrows()):
        ax.plot([j], [-1.0], **_marker(_exact(d), bool(d["date_inferred"]), "black", 4.5))
        fig.add_artist(ConnectionPatch(xyA=(mdates.date2num(d["date_mid"]), -1), coordsA=top.transData,
                                       xyB=(j, -1.45), coordsB=ax.transData, color="0.55", linewidth=0.6))
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_ylim(len(codes) - 0.5, -3.4)
    ax.set_xticks(range(len(docs)), [f"{d} · {date_label(t, bool(i))}" for d, t, i in
                                     zip(docs["doc_id"], docs["date"], docs["date_inferred"])],
                  rotation=35, ha="right", rotation_mode="anchor", fontsize=7.5)
    ax.set_yticks(range(len(codes)), [codebook.code(c).name_en for c in codes])
    for label, c in zip(ax.get_yticklabels(), codes):
        label.set_color(FAMILY_COLOURS[codebook.code(c).family])
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    note = f"; {plural(undated, 'undated document')} not shown" if undated else ""
    ax.set_xlabel(f"document, in date order{note}")
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
    ]
    for v in _nice_sizes(vmax):
        handles.append(Line2D([], [], marker="o", linestyle="none", color="0.45",
                              markersize=float(np.sqrt(area * v / vmax)), label=f"{v:g} per 1,000 words"))
    fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False, fontsize=7,
               title="circle area: coded sentences per 1,000 words of the document", title_fontsize=7.5)
    return fig


def _nice_sizes(vmax: float) -> list[float]:
    """Three round values up to ``vmax`` for a size legend."""
    step = 10 ** np.floor(np.log10(vmax))
    top = np.floor(vmax / step) * step
    return sorted({float(v) for v in (top / 4, top / 2, top) if v > 0})


def cooccurrence_heatmap(cooc: pd.DataFrame, codebook: Codebook, measure: str = "jaccard",
                         title: str | None = None) -> Figure:
    """A problem × remedy heatmap of a :func:`cooccurrence` measure (``"jaccard"``,
    ``"lift"`` or ``"n_both"``), each cell labelled with the measure and, in brackets,
    the number of units with both codes; a lift that cannot be computed is shown as "–"."""
    label, fmt = measure_label(measure)
    unit = str(cooc["unit"].iloc[0]) if len(cooc) else "unit"
    problems = list(dict.fromkeys(cooc["problem"]))
    remedies = list(dict.fromkeys(cooc["remedy"]))
    values = cooc.pivot(index="problem", columns="remedy", values=measure).reindex(
        index=problems, columns=remedies).to_numpy(dtype=float)
    both = cooc.pivot(index="problem", columns="remedy", values="n_both").reindex(
        index=problems, columns=remedies).to_numpy()
    fig = Figure(figsize=(2.6 + 0.72 * len(remedies), 1.9 + 0.42 * len(problems)), layout="constrained")
    ax = fig.subplots()
    finite = values[np.isfinite(values)]
    vmax = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    cmap = mpl.colormaps[SEQUENTIAL].with_extremes(bad="0.85")
    im = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=0, vmax=vmax, aspect="auto")
    for (i, j), v in np.ndenumerate(values):
        if not np.isfinite(v):
            text = "–"
        elif both[i, j] == 0:
            text = "0"
        else:
            text = f"{fmt.format(v)}\n({int(both[i, j])})"
        dark = np.isfinite(v) and v <= vmax / 2
        ax.text(j, i, text, ha="center", va="center", fontsize=6.5,
                color="white" if dark else "black")
    ax.set_xticks(range(len(remedies)), [codebook.code(r).name_en for r in remedies],
                  rotation=35, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(len(problems)), [codebook.code(p).name_en for p in problems])
    ax.set_xlabel("remedy (family R)")
    ax.set_ylabel("problem (family P)")
    ax.spines[:].set_visible(False)
    ax.tick_params(length=0)
    ax.set_title(title or f"Problems and remedies coded in the same {unit}", loc="left")
    fig.colorbar(im, ax=ax, label=f"{label}\n(in brackets: {unit}s with both, count)", shrink=0.85)
    return fig


def cooccurrence_network(cooc: pd.DataFrame, codebook: Codebook, measure: str = "jaccard",
                         threshold: float = 0.05, title: str | None = None) -> Figure:
    """The :func:`cooccurrence_graph` drawn with a fixed bipartite layout: problems in a
    column on the left, remedies on the right, each in codebook order (no randomness, so
    labels never overlap); nodes coloured by family (``style.FAMILY_COLOURS``) and sized
    by the units coded with them; edge width and shade by the measure."""
    label, fmt = measure_label(measure)
    graph = cooccurrence_graph(cooc, codebook, measure, threshold)
    problems = [n for n in graph if graph.nodes[n]["family"] == "P"]
    remedies = [n for n in graph if graph.nodes[n]["family"] == "R"]
    rows = max(len(problems), len(remedies), 1)

    def column(nodes: list[str], x: float) -> dict[str, tuple[float, float]]:
        offset = (rows - len(nodes)) / 2
        return {n: (x, -(offset + i)) for i, n in enumerate(nodes)}

    pos = column(problems, 0.0) | column(remedies, 1.0)
    fig = Figure(figsize=(7.0, 1.6 + 0.38 * rows), layout="constrained")
    ax = fig.subplots()
    weights = [d["weight"] for _, _, d in graph.edges(data=True)]
    wmax = max(weights) if weights else 1.0

    def edge_style(w: float) -> dict:
        share = w / wmax
        return {"color": "#1f2a44", "alpha": 0.25 + 0.65 * share, "linewidth": 0.8 + 5.2 * share}

    for u, v, d in sorted(graph.edges(data=True), key=lambda e: (e[2]["weight"], e[0], e[1])):
        (x0, y0), (x1, y1) = pos[u], pos[v]
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
    ax.set_xticks([0, 1], ["problems (P)", "remedies (R)"])
    ax.xaxis.tick_top()
    ax.tick_params(length=0, labelsize=9)
    ax.set_yticks([])
    ax.spines[:].set_visible(False)
    unit = graph.graph["unit"] or "unit"
    ax.set_xlabel(f"edge width and shade: {label}; edges where it is ≥ {fmt.format(threshold)} "
                  f"({graph.number_of_edges()} of {len(problems) * len(remedies)} pairs)\n"
                  f"node size and (count): {unit}s coded with the theme", fontsize=7.5)
    ax.set_title(title or f"Problems and remedies coded in the same {unit}", loc="left")
    if weights:
        samples = sorted({min(weights), float(np.median(weights)), wmax})
        handles = [Line2D([], [], label=fmt.format(w), **edge_style(w)) for w in samples]
        ax.legend(handles=handles, title=measure, loc="lower center", ncols=len(handles),
                  frameon=False, fontsize=7, title_fontsize=7, bbox_to_anchor=(0.5, -0.02))
    return fig

