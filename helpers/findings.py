"""Tables and figures from the coded sentences: themes by document, voice, genre and
sector; themes over time; co-occurrence of problems and remedies; concordances and
representative quotes; keyness and collocations; a drill-down from the matrix to its
quotes.

Every function is pure (tables in, a table, a figure or a string out) and deterministic:
documents in corpus order, codes in codebook order, ties broken alphabetically, fixed
layouts. Plotting functions build a :class:`~matplotlib.figure.Figure` without pyplot
and return it (save it with :func:`helpers.style.save`).
"""

from __future__ import annotations

import html
import re
import textwrap
from functools import lru_cache
from typing import Mapping

import matplotlib as mpl
import matplotlib.dates as mdates
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import clean
from .coding import Codebook
from .style import FAMILY_COLOURS, OKABE_ITO, SEQUENTIAL


def code_by_document(coded: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Sentences coded with each code (rows, codebook order) in each document (columns,
    corpus order); every code and document appears, zeros included."""
    docs = list(dict.fromkeys(segments.sort_values(["file", "start"])["doc_id"]))
    table = pd.crosstab(coded["code"], coded["doc_id"]) if len(coded) else pd.DataFrame()
    table = table.reindex(index=codebook.ids, columns=docs, fill_value=0).fillna(0).astype(int)
    table.index.name, table.columns.name = "code", "document"
    return table


def per_thousand_words(table: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """A code × document count table as coded sentences per 1,000 words of the document."""
    words = segments.groupby("doc_id")["tokens"].sum().reindex(table.columns)
    return (table / words * 1000).round(1)


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


# =========================================================================== shared

GROUPINGS = ("doc_id", "voice", "genre", "sector")
SMALL_N = 2  # a cell resting on this many sentences or fewer is flagged ``small_n``
UNKNOWN = "(unknown)"


def _doc_order(segments: pd.DataFrame) -> list[str]:
    """Documents that have segments, in corpus order (file, then offset)."""
    return list(dict.fromkeys(segments.sort_values(["file", "start"], kind="stable")["doc_id"]))


def _code_rank(codebook: Codebook) -> dict[str, int]:
    return {c: n for n, c in enumerate(codebook.ids)}


def _as_bool(values: pd.Series) -> pd.Series:
    """``"true"``/``"false"`` strings (as read from CSV) or booleans as booleans."""
    return values.map(lambda v: v if isinstance(v, bool) else str(v).strip().lower() == "true").astype(bool)


def _split(value: str, sep: str = "; ") -> list[str]:
    return [v for v in str(value).split(sep) if v]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _doc_dates(documents: pd.DataFrame) -> pd.DataFrame:
    """doc_id → date (ISO, cut to what is known) and date_inferred (bool)."""
    docs = documents.drop_duplicates("doc_id").set_index("doc_id")
    date = docs["date"].fillna("").astype(str) if "date" in docs else pd.Series("", index=docs.index)
    inferred = _as_bool(docs["date_inferred"]) if "date_inferred" in docs else pd.Series(False, index=docs.index)
    return pd.DataFrame({"date": date, "date_inferred": inferred})


# =========================================================================== 1. frequencies

def theme_frequencies(coded: pd.DataFrame, segments: pd.DataFrame, documents: pd.DataFrame,
                      codebook: Codebook, by: str = "doc_id") -> pd.DataFrame:
    """How often each theme is coded in each group of sentences.

    ``by`` is ``"doc_id"`` (each document that has segments), ``"voice"`` or ``"genre"``
    (from ``documents``; a missing value is ``"(unknown)"``) or ``"sector"`` (from the
    segments; a sentence naming several sectors counts once in *each* of them, so the
    sector rows do not add up to the corpus).

    One row per group × code (every code of the codebook, zeros included), columns:

    * ``<by>``: the group;
    * ``code``, ``family``;
    * ``sentences``: coded sentences (count; a sentence counts once per code);
    * ``words``: word tokens in all of the group's sentences (``segments.tokens``);
    * ``per_1000``: ``sentences / words * 1000`` (NaN if the group has no words);
    * ``n_documents``: documents with at least one sentence in the group.

    Groups are in corpus order for ``doc_id`` and alphabetical (case-insensitive)
    otherwise; codes in codebook order.
    """
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {GROUPINGS}, not {by!r}")
    sent = segments[["file", "doc_id", "start", "tokens", "sector"]].copy()
    if by in ("voice", "genre"):
        if by not in documents.columns:  # a corpus whose metadata has no such column
            documents = documents.assign(**{by: ""})
        attr = documents.drop_duplicates("doc_id").set_index("doc_id")[by].fillna("").astype(str)
        sent[by] = sent["doc_id"].map(attr).fillna("").replace("", UNKNOWN)
    elif by == "sector":
        sent["sector"] = sent["sector"].fillna("").astype(str).map(lambda s: _split(s) or [UNKNOWN])
        sent = sent.explode("sector")
    if by == "doc_id":
        groups = _doc_order(segments)
    else:
        groups = sorted(sent[by].unique(), key=lambda g: (str(g).casefold(), str(g)))
    words = sent.groupby(by)["tokens"].sum()
    n_docs = sent.groupby(by)["doc_id"].nunique()
    hits = coded[["file", "start", "code"]].drop_duplicates().merge(
        sent[["file", "start", by]].drop_duplicates(), on=["file", "start"])
    counts = hits.groupby([by, "code"]).size()
    grid = pd.MultiIndex.from_product([groups, codebook.ids], names=[by, "code"])
    out = counts.reindex(grid, fill_value=0).rename("sentences").reset_index()
    out.insert(2, "family", out["code"].map(lambda c: codebook.code(c).family))
    out["words"] = out[by].map(words).fillna(0).astype(int)
    out["per_1000"] = out["sentences"] / out["words"].where(out["words"] > 0) * 1000
    out["n_documents"] = out[by].map(n_docs).fillna(0).astype(int)
    out["sentences"] = out["sentences"].astype(int)
    return out.reset_index(drop=True)


def _group_column(freq: pd.DataFrame) -> str:
    return next(c for c in freq.columns if c in GROUPINGS)


def frequency_bars(freq: pd.DataFrame, codebook: Codebook, title: str, ncols: int = 3) -> Figure:
    """Small multiples of horizontal bars, one panel per group of
    :func:`theme_frequencies`: coded sentences per 1,000 words for each theme, bars
    coloured by family, each panel titled with the group, its number of documents
    ("n = k docs") and words; all panels share one x scale."""
    by = _group_column(freq)
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
        ax.set_title(f"{name}\n(n = {_plural(k, 'doc')}, {w:,} words)", loc="left", fontsize=8)
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


# =========================================================================== 2. timeline

def date_range(iso: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day an ISO date cut to what is known can mean: ``"2015"`` →
    2015-01-01 … 2015-12-31, ``"2017-11"`` → 2017-11-01 … 2017-11-30, ``"2016-12-21"`` →
    that day, ``"2016-10-10/2017-04-21"`` → the interval. ``(NaT, NaT)`` if empty."""
    iso = str(iso or "").strip()
    if not iso:
        return pd.NaT, pd.NaT
    if "/" in iso:
        a, b = iso.split("/", 1)
        return date_range(a)[0], date_range(b)[1]
    parts = iso.split("-")
    first = pd.Timestamp(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1,
                         int(parts[2]) if len(parts) > 2 else 1)
    if len(parts) == 1:
        last = pd.Timestamp(first.year, 12, 31)
    elif len(parts) == 2:
        last = first + pd.offsets.MonthEnd(0)
    else:
        last = first
    return first, last


def timeline(coded: pd.DataFrame, segments: pd.DataFrame, documents: pd.DataFrame,
             codebook: Codebook) -> pd.DataFrame:
    """Themes per document in time: one row per document (with segments) × code.

    Columns: ``doc_id, date`` (ISO cut to what is known), ``date_precision``,
    ``date_inferred`` (bool), ``date_from`` and ``date_to`` (first and last day the date
    can mean, see :func:`date_range`), ``date_mid`` (the middle of that range: where an
    imprecise date is placed), ``code, family, sentences`` (coded sentences),
    ``words`` (of the document) and ``per_1000``. Sorted by ``date_mid`` (undated
    last), ``doc_id``, then codebook order."""
    freq = theme_frequencies(coded, segments, documents, codebook, by="doc_id")
    dates = _doc_dates(documents)
    docs = documents.drop_duplicates("doc_id").set_index("doc_id")
    out = freq.drop(columns=["n_documents"])
    out["date"] = out["doc_id"].map(dates["date"]).fillna("")
    prec = docs["date_precision"].fillna("").astype(str) if "date_precision" in docs else pd.Series(dtype=str)
    out["date_precision"] = out["doc_id"].map(prec).fillna("")
    out["date_inferred"] = out["doc_id"].map(dates["date_inferred"]).fillna(False).astype(bool)
    ranges = {d: date_range(d) for d in out["date"].unique()}
    out["date_from"] = pd.to_datetime(out["date"].map(lambda d: ranges[d][0]))
    out["date_to"] = pd.to_datetime(out["date"].map(lambda d: ranges[d][1]))
    out["date_mid"] = out["date_from"] + (out["date_to"] + pd.Timedelta(days=1) - out["date_from"]) / 2
    out["_rank"] = out["code"].map(_code_rank(codebook))
    out = out.sort_values(["date_mid", "doc_id", "_rank"], na_position="last", kind="stable")
    cols = ["doc_id", "date", "date_precision", "date_inferred", "date_from", "date_to", "date_mid",
            "code", "family", "sentences", "words", "per_1000"]
    return out[cols].reset_index(drop=True)


def _exact(row: pd.Series) -> bool:
    return bool(row["date_from"] == row["date_to"])


def _marker(exact: bool, inferred: bool, colour: str, size: float = 5.0) -> dict:
    return {"marker": "D" if inferred else "o", "markersize": size * (0.85 if inferred else 1.0),
            "markeredgecolor": colour, "markeredgewidth": 1.1,
            "markerfacecolor": colour if exact else "white", "linestyle": "none"}


def _date_text(date: str, inferred: bool) -> str:
    return f"{date} (inferred)" if date and inferred else (date or "undated")


def timeline_figure(table: pd.DataFrame, codebook: Codebook,
                    title: str = "Themes per document over time", years: tuple[int, int] = (2013, 2017)) -> Figure:
    """The themes of :func:`timeline`: documents placed in time, and the themes of each.

    Top: a time axis (``years``, inclusive) with each document at its date; a date known
    only to the month, the year or an interval is drawn hollow at the middle of its range
    with a bar over the whole range; a diamond marks a date (partly) inferred rather than
    written. Leader lines join each document to its column below, where the documents
    stand in date order, evenly spaced (so documents a few weeks apart stay readable).
    Below: one row per theme; the area of each circle is proportional to the coded
    sentences per 1,000 words of the document (a grey dot: not coded there). Undated
    documents are left out and counted in the x label."""
    from matplotlib.patches import ConnectionPatch

    dated = table[table["date_mid"].notna()]
    docs = dated.drop_duplicates("doc_id").sort_values(["date_mid", "doc_id"], kind="stable").reset_index(drop=True)
    undated = table.loc[table["date_mid"].isna(), "doc_id"].nunique()
    codes = [c for c in codebook.ids if c in set(table["code"])]
    n = max(len(docs), 1)
    fig = Figure(figsize=(max(6.0, 2.9 + 0.5 * n), 2.9 + 0.3 * len(codes)), layout="constrained")
    top, ax = fig.subplots(2, 1, gridspec_kw={"height_ratios": [0.9, 1.9 + 0.3 * len(codes)]})
    fig.get_layout_engine().set(h_pad=0.02, hspace=0.0)

    lo, hi = pd.Timestamp(years[0], 1, 1), pd.Timestamp(years[1] + 1, 1, 1)
    top.set_xlim(lo, hi)
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
    ax.set_xticks(range(len(docs)), [f"{d} · {_date_text(t, bool(i))}" for d, t, i in
                                     zip(docs["doc_id"], docs["date"], docs["date_inferred"])],
                  rotation=35, ha="right", rotation_mode="anchor", fontsize=7.5)
    ax.set_yticks(range(len(codes)), [codebook.code(c).name_en for c in codes])
    for label, c in zip(ax.get_yticklabels(), codes):
        label.set_color(FAMILY_COLOURS[codebook.code(c).family])
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    note = f"; {_plural(undated, 'undated document')} not shown" if undated else ""
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


# =========================================================================== 3. co-occurrence

UNITS = ("sentence", "paragraph")


def cooccurrence(coded: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook,
                 unit: str = "sentence") -> pd.DataFrame:
    """How often each problem (family P) and remedy (family R) are coded in the same
    unit (``"sentence"`` or ``"paragraph"``), with measures beyond raw counts.

    One row per problem × remedy (codebook order, zeros included). With ``N`` the units in
    the corpus (all sentences or paragraphs of ``segments``, coded or not), ``a`` the units
    coded with the problem, ``b`` those coded with the remedy and ``ab`` those coded with
    both:

    * ``jaccard = ab / (a + b - ab)``: the share of units with either code that have both
      (0 … 1; 0 when neither occurs);
    * ``expected = a * b / N``: units with both expected if the two codes were placed
      independently of each other;
    * ``lift = ab / expected = ab * N / (a * b)``, observed / expected: above 1 the two
      meet more often than chance, below 1 less (NaN when either code never occurs).

    Columns: ``unit, problem, remedy, n_units, n_problem, n_remedy, n_both, expected,
    jaccard, lift``. With a few dozen coded units, counts of 1-2 give large lifts; read
    them with ``n_both``.
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, not {unit!r}")
    key = ["file", "start"] if unit == "sentence" else ["file", "paragraph"]
    n_units = len(segments[key].drop_duplicates())
    units = coded[key + ["code"]].drop_duplicates()
    sets = {c: set(map(tuple, g[key].to_numpy().tolist())) for c, g in units.groupby("code")}
    problems = [c for c in codebook.ids if codebook.code(c).family == "P"]
    remedies = [c for c in codebook.ids if codebook.code(c).family == "R"]
    rows = []
    for p in problems:
        for r in remedies:
            sp, sr = sets.get(p, set()), sets.get(r, set())
            a, b, ab = len(sp), len(sr), len(sp & sr)
            union = a + b - ab
            expected = a * b / n_units if n_units else 0.0
            rows.append({"unit": unit, "problem": p, "remedy": r, "n_units": n_units,
                         "n_problem": a, "n_remedy": b, "n_both": ab, "expected": expected,
                         "jaccard": ab / union if union else 0.0,
                         "lift": ab / expected if expected else float("nan")})
    return pd.DataFrame(rows)


MEASURES = {
    "jaccard": ("Jaccard index (units with both / units with either)", "{:.2f}"),
    "lift": ("observed / expected under independence (lift)", "{:.1f}"),
    "n_both": ("units coded with both (count)", "{:.0f}"),
}


def _measure(measure: str) -> tuple[str, str]:
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {tuple(MEASURES)}, not {measure!r}")
    return MEASURES[measure]


def cooccurrence_heatmap(cooc: pd.DataFrame, codebook: Codebook, measure: str = "jaccard",
                         title: str | None = None) -> Figure:
    """A problem × remedy heatmap of a :func:`cooccurrence` measure (``"jaccard"``,
    ``"lift"`` or ``"n_both"``), each cell labelled with the measure and, in brackets,
    the number of units with both codes; a lift that cannot be computed is shown as "–"."""
    label, fmt = _measure(measure)
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


def cooccurrence_graph(cooc: pd.DataFrame, codebook: Codebook, measure: str = "jaccard",
                       threshold: float = 0.05) -> nx.Graph:
    """A bipartite graph of the :func:`cooccurrence` table: every problem and remedy is
    a node (attributes ``family``, ``name_en``, ``units``: units coded with it); an edge
    joins a problem and a remedy coded together in at least one unit whose ``measure`` is
    at least ``threshold`` (attributes ``weight`` = the measure, ``n_both``, ``jaccard``,
    ``lift``). Nodes and edges are added in codebook order."""
    _measure(measure)
    graph = nx.Graph(unit=str(cooc["unit"].iloc[0]) if len(cooc) else "", measure=measure,
                     threshold=threshold)
    sizes = {**cooc.groupby("problem")["n_problem"].first().to_dict(),
             **cooc.groupby("remedy")["n_remedy"].first().to_dict()}
    for c in codebook.ids:
        if c in sizes:
            code = codebook.code(c)
            graph.add_node(c, family=code.family, name_en=code.name_en, units=int(sizes[c]))
    for r in cooc.itertuples(index=False):
        w = float(getattr(r, measure))
        if r.n_both > 0 and np.isfinite(w) and w >= threshold:
            graph.add_edge(r.problem, r.remedy, weight=w, n_both=int(r.n_both),
                           jaccard=float(r.jaccard), lift=float(r.lift))
    return graph


def cooccurrence_network(cooc: pd.DataFrame, codebook: Codebook, measure: str = "jaccard",
                         threshold: float = 0.05, title: str | None = None) -> Figure:
    """The :func:`cooccurrence_graph` drawn with a fixed bipartite layout: problems in a
    column on the left, remedies on the right, each in codebook order (no randomness, so
    labels never overlap); nodes coloured by family (``style.FAMILY_COLOURS``) and sized
    by the units coded with them; edge width and shade by the measure."""
    label, fmt = _measure(measure)
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


# =========================================================================== 4. concordance

def _streams(segments: pd.DataFrame, tokens: pd.DataFrame) -> tuple[dict[str, str], pd.DataFrame]:
    """Each document's cleaned text (its sentences in order, joined by one space) and the
    tokens (sorted by file and offset) with ``pos, pos_end``: where each token stands in
    its document's text. Raw offsets stay in ``start, end``."""
    seg = segments.sort_values(["file", "start"], kind="stable")
    toks = tokens.sort_values(["file", "start"], kind="stable").reset_index(drop=True)
    texts: dict[str, list[str]] = {}
    lengths: dict[str, int] = {}
    where: dict[tuple[str, int, int], tuple[str, int, str]] = {}
    for s in seg.itertuples(index=False):
        parts = texts.setdefault(s.doc_id, [])
        offset = lengths.get(s.doc_id, 0) + (1 if parts else 0)
        parts.append(str(s.text))
        lengths[s.doc_id] = offset + len(str(s.text))
        where[(s.file, int(s.paragraph), int(s.sentence))] = (s.doc_id, offset, str(s.text))
    pos = np.zeros(len(toks), dtype=int)
    pos_end = np.zeros(len(toks), dtype=int)
    doc = [""] * len(toks)
    last: tuple[tuple[str, int, int], int] | None = None
    for i, t in enumerate(toks.itertuples(index=False)):
        key = (t.file, int(t.paragraph), int(t.sentence))
        d, offset, text = where.get(key, (str(t.doc_id), 0, ""))
        cursor = last[1] if last and last[0] == key else 0
        found = text.find(str(t.token), cursor)
        found = cursor if found < 0 else found
        pos[i], pos_end[i], doc[i] = offset + found, offset + found + len(str(t.token)), d
        last = (key, found + len(str(t.token)))
    toks["doc_id"] = doc
    toks["pos"], toks["pos_end"] = pos, pos_end
    return {d: " ".join(p) for d, p in texts.items()}, toks


def _kwic(stream: str, pos: int, pos_end: int, width: int) -> tuple[str, str, str]:
    return stream[max(0, pos - width):pos], stream[pos:pos_end], stream[pos_end:pos_end + width]


KWIC_COLUMNS = ["file", "doc_id", "start", "end", "left", "keyword", "right"]


def concordance(segments: pd.DataFrame, tokens: pd.DataFrame, term_or_lemma: str,
                width: int = 40) -> pd.DataFrame:
    """Keyword-in-context lines for a word: every token whose lower-cased form or lemma
    is ``term_or_lemma`` (case-insensitive; a trailing ``*`` matches any ending:
    ``"tillit*"``), found with NLTK's :class:`~nltk.text.ConcordanceIndex` over the
    token list.

    Columns ``file, doc_id, start, end`` (the keyword's character offsets in the raw
    file: ``raw[start:end]`` is the keyword), ``left, keyword, right``: ``width``
    characters of the document's cleaned text on either side (sentences joined by a
    space; context never crosses into another document). Sorted by file and offset."""
    from nltk.text import ConcordanceIndex

    streams, toks = _streams(segments, tokens)
    term = term_or_lemma.strip().lower()
    forms = toks["token"].astype(str).str.lower().tolist()
    lemmas = toks["lemma"].astype(str).str.lower().tolist()
    hits: set[int] = set()
    for words in (forms, lemmas):
        index = ConcordanceIndex(words)
        keys = sorted({w for w in words if w.startswith(term[:-1])}) if term.endswith("*") else [term]
        for k in keys:
            hits.update(index.offsets(k))
    rows = []
    for i in sorted(hits):
        t = toks.iloc[i]
        left, kw, right = _kwic(streams.get(t["doc_id"], ""), int(t["pos"]), int(t["pos_end"]), width)
        rows.append({"file": t["file"], "doc_id": t["doc_id"], "start": int(t["start"]),
                     "end": int(t["end"]), "left": left, "keyword": kw, "right": right})
    out = pd.DataFrame(rows, columns=KWIC_COLUMNS)
    return out.sort_values(["file", "start"], kind="stable").reset_index(drop=True)


def theme_concordance(coded: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook,
                      code: str | None = None, width: int = 40, *, tokens: pd.DataFrame) -> pd.DataFrame:
    """Keyword-in-context lines for the words a code's rules matched (``coded.matched``;
    every code in codebook order when ``code`` is None).

    Each matched word or phrase (``"följa upp"``; the parts of a proximity match
    ``"styr … minutbasis"`` separately) is looked up among the tokens of its sentence
    (case-insensitive); every occurrence there gives one line. ``tokens`` is required: it
    carries the raw offsets. Columns ``code, matched`` and those of :func:`concordance`
    (``start, end`` span the keyword in the raw file; for a phrase, from its first word to
    its last). Sorted by codebook order, file and offset."""
    if code is not None and code not in codebook.ids:
        raise ValueError(f"{code!r} is not a code of the codebook")
    streams, toks = _streams(segments, tokens)
    toks["low"] = toks["token"].astype(str).str.lower()
    by_sentence = {k: g for k, g in toks.groupby(["file", "paragraph", "sentence"], sort=False)}
    rank = _code_rank(codebook)
    sel = coded if code is None else coded[coded["code"] == code]
    rows = []
    for r in sel.itertuples(index=False):
        g = by_sentence.get((r.file, int(r.paragraph), int(r.sentence)))
        if g is None:
            continue
        low = g["low"].tolist()
        parts = {p.strip().lower() for m in _split(r.matched) for p in m.split(" … ") if p.strip()}
        for part in sorted(parts):
            words = part.split()
            for i in range(len(low) - len(words) + 1):
                if low[i:i + len(words)] == words:
                    first, last = g.iloc[i], g.iloc[i + len(words) - 1]
                    left, kw, right = _kwic(streams.get(first["doc_id"], ""), int(first["pos"]),
                                            int(last["pos_end"]), width)
                    rows.append({"code": r.code, "matched": part, "file": r.file, "doc_id": first["doc_id"],
                                 "start": int(first["start"]), "end": int(last["end"]),
                                 "left": left, "keyword": kw, "right": right})
    out = pd.DataFrame(rows, columns=["code", "matched"] + KWIC_COLUMNS)
    out = out.assign(_rank=out["code"].map(rank)).sort_values(
        ["_rank", "file", "start", "end", "matched"], ascending=[True, True, True, False, True], kind="stable")
    keep, reach = [], {}
    for r in out.itertuples():  # drop a keyword inside a longer one of the same code ("petande" in "petande i")
        key = (r.code, r.file)
        keep.append(not (key in reach and r.end <= reach[key]))
        reach[key] = max(reach.get(key, -1), r.end)
    return out[pd.Series(keep, index=out.index, dtype=bool)].drop(columns="_rank").reset_index(drop=True)


# =========================================================================== 5. quotes

def _coded_sentences(coded: pd.DataFrame, segments: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    rows = coded.merge(segments[["file", "start", "text", "tokens"]], on=["file", "start"], how="left")
    dates = _doc_dates(documents)
    rows["date"] = rows["doc_id"].map(dates["date"]).fillna("")
    rows["date_inferred"] = rows["doc_id"].map(dates["date_inferred"]).fillna(False).astype(bool)
    return rows


def representative_quotes(coded: pd.DataFrame, segments: pd.DataFrame, documents: pd.DataFrame,
                          codebook: Codebook, per_code: int = 3) -> pd.DataFrame:
    """For each code, its ``per_code`` most representative sentences.

    Criterion: a sentence is the more typical of a code the more of the code's distinct
    rules fired in it (``n_rules``), then the more distinct words they matched
    (``n_words``), then the shorter it is (``tokens``: easier to quote whole), then file
    and offset (so ties are broken the same way every time). To show the code's spread,
    the quotes are picked across documents first: the best sentence of each document, in
    that order, then the remaining sentences by the same order if there are fewer
    documents than ``per_code``.

    Columns: ``code, rank`` (1 = most typical), ``doc_id, date, date_inferred, file,
    start, end`` (raw offsets of the sentence), ``n_rules, n_words, tokens, rules,
    matched, quote`` (the sentence's text as segmented). Codebook order, then rank."""
    rows = _coded_sentences(coded, segments, documents)
    rows["n_rules"] = rows["rules"].map(lambda s: len(set(_split(s))))
    rows["n_words"] = rows["matched"].map(
        lambda s: len({p.strip().lower() for m in _split(s) for p in m.split(" … ") if p.strip()}))
    out = []
    for code in codebook.ids:
        g = rows[rows["code"] == code].sort_values(
            ["n_rules", "n_words", "tokens", "file", "start"],
            ascending=[False, False, True, True, True], kind="stable")
        if g.empty:
            continue
        firsts = g.drop_duplicates("doc_id")
        picked = pd.concat([firsts, g.drop(firsts.index)]).head(per_code)
        out.append(picked.assign(rank=range(1, len(picked) + 1)))
    cols = ["code", "rank", "doc_id", "date", "date_inferred", "file", "start", "end", "n_rules",
            "n_words", "tokens", "rules", "matched", "quote"]
    if not out:
        return pd.DataFrame(columns=cols)
    table = pd.concat(out).rename(columns={"text": "quote"})
    table["tokens"] = table["tokens"].fillna(0).astype(int)
    return table[cols].reset_index(drop=True)


# =========================================================================== 6. keyness

REFERENCE_FLOOR = 1e-8  # wordfreq's "large" lists stop at this frequency
REFERENCE_SIZE = 1e9    # nominal size of the wordfreq reference, in word tokens


@lru_cache(maxsize=1)
def _wordfreq_lemmas() -> dict[str, float]:
    """wordfreq's Swedish list lemmatised with the project's lemmatiser (frequencies of
    forms sharing a lemma summed)."""
    import wordfreq

    out: dict[str, float] = {}
    for form, f in wordfreq.get_frequency_dict("sv").items():
        lem = clean.lemma(form).lower()
        out[lem] = out.get(lem, 0.0) + f
    return out


def _reference_frequency(words: list[str], reference: str | Mapping[str, float], by: str) -> list[float]:
    if not isinstance(reference, str):
        return [float(reference.get(w, 0.0)) for w in words]
    if reference != "wordfreq":
        raise ValueError(f"reference must be 'wordfreq' or a mapping word → frequency, not {reference!r}")
    if by == "lemma":
        table = _wordfreq_lemmas()
        return [table.get(w, 0.0) for w in words]
    import wordfreq

    return [wordfreq.word_frequency(w, "sv") for w in words]


def log_likelihood(a: float, c: float, b: float, d: float) -> float:
    """Dunning's (1993) log-likelihood G² of the 2 × 2 table ``[[a, c - a], [b, d - b]]``:
    a word seen ``a`` times in ``c`` corpus tokens and ``b`` times in ``d`` reference
    tokens. ``G² = 2 Σ O ln(O / E)`` over the four cells, ``E = row total × column total /
    (c + d)``, ``0 ln 0 = 0``. Unsigned."""
    n = c + d
    cells = [(a, c, a + b), (c - a, c, n - a - b), (b, d, a + b), (d - b, d, n - a - b)]
    total = 0.0
    for o, row, col in cells:
        if o > 0:
            total += o * np.log(o / (row * col / n))
    return float(2 * total)


def _is_word(token: str) -> bool:
    return any(ch.isalpha() for ch in token) and not any(ch.isdigit() for ch in token) and not token.endswith("-")


def keyness(tokens: pd.DataFrame, reference: str | Mapping[str, float] = "wordfreq", by: str = "form",
            min_count: int = 3, reference_size: float = REFERENCE_SIZE) -> pd.DataFrame:
    """Words more (or less) frequent in the corpus than in general Swedish.

    **Reference.** ``"wordfreq"``: ``wordfreq.word_frequency(word, "sv")`` (its "large"
    Swedish list, shipped with the package, no network), a relative frequency per word
    *form*; or a mapping word → relative frequency. wordfreq publishes frequencies, not
    counts; its lists stop at 1e-8, so a word missing from it is given 1e-8 (this
    understates its keyness rather than making it infinite), and it is taken as a corpus
    of ``reference_size`` tokens (default 10⁹, nominal; with a corpus of a few thousand
    tokens G² hardly depends on it once it is ≫ the corpus: it is then the test of the
    corpus count against the expected count ``c × p``).

    **Like with like.** ``by="form"`` (default) compares lower-cased word forms, as
    wordfreq lists them. ``by="lemma"`` compares lemmas: the corpus's (``tokens.lemma``)
    with wordfreq's list lemmatised by the same lemmatiser (``clean.lemma``; the
    frequencies of forms sharing a lemma summed; a few seconds the first time).

    **Method.** For each word, ``a`` = its count in the corpus, ``c`` = all word tokens of
    the corpus (stop words and numbers included, since the reference frequencies are
    shares of all tokens), ``b = p × d`` with ``p`` the reference frequency and ``d`` the
    reference size; ``G²`` is Dunning's log-likelihood of the 2 × 2 table (see
    :func:`log_likelihood`), **signed**: negative when the word is rarer in the corpus
    than in the reference. ``ratio = (a / c) / p``. G² > 10.83 corresponds to p < 0.001
    for one test (1 df), but thousands of words are tested: read G² as a ranking.

    Stop words (``tokens.stop``), numbers, tokens without a letter and first parts of
    coordinated compounds ("barn-") are not reported. Columns ``word, count, per_1000,
    ref_per_1000, G2, ratio`` for words seen at least ``min_count`` times, sorted by G²
    (descending) then word.
    """
    if by not in ("form", "lemma"):
        raise ValueError(f"by must be 'form' or 'lemma', not {by!r}")
    c = len(tokens)
    cols = ["word", "count", "per_1000", "ref_per_1000", "G2", "ratio"]
    if c == 0:
        return pd.DataFrame(columns=cols)
    keep = tokens[~tokens["stop"].astype(bool) & tokens["token"].astype(str).map(_is_word)]
    words = (keep["lemma"] if by == "lemma" else keep["token"]).astype(str).str.lower()
    counts = words.value_counts()
    counts = counts[counts >= min_count].sort_index()
    table = pd.DataFrame({"word": counts.index.astype(str), "count": counts.to_numpy().astype(int)})
    p = np.maximum(np.array(_reference_frequency(table["word"].tolist(), reference, by), dtype=float),
                   REFERENCE_FLOOR)
    table["per_1000"] = table["count"] / c * 1000
    table["ref_per_1000"] = p * 1000
    g2 = [log_likelihood(a, c, pi * reference_size, reference_size) for a, pi in zip(table["count"], p)]
    sign = np.where(table["count"] / c >= p, 1.0, -1.0)
    table["G2"] = sign * np.array(g2, dtype=float)
    table["ratio"] = (table["count"] / c) / p
    return table.sort_values(["G2", "word"], ascending=[False, True], kind="stable").reset_index(drop=True)[cols]


# =========================================================================== 7. collocations

def collocations(tokens: pd.DataFrame, n: int = 15, min_freq: int = 2, by: str = "form") -> pd.DataFrame:
    """The ``n`` strongest two-word collocations (adjacent words within a sentence).

    NLTK's :class:`~nltk.collocations.BigramCollocationFinder` over each sentence's
    lower-cased forms (or lemmas, ``by="lemma"``), so that no pair spans two sentences;
    pairs with a stop word of the project's own list (``tokens.stop``), a number or a
    token without a letter are dropped, then pairs seen fewer than ``min_freq`` times.
    Scored with ``BigramAssocMeasures.likelihood_ratio``: Dunning's G² of the pair's
    2 × 2 table (first word yes/no × second word yes/no), which unlike PMI does not
    favour pairs of rare words. Columns ``word1, word2, count, G2``; sorted by G²
    (descending) then the words.
    """
    from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder

    if by not in ("form", "lemma"):
        raise ValueError(f"by must be 'form' or 'lemma', not {by!r}")
    toks = tokens.sort_values(["file", "start"], kind="stable")
    col = "lemma" if by == "lemma" else "token"
    words = toks[col].astype(str).str.lower()
    stop = set(words[toks["stop"].astype(bool)])
    sentences = [g.tolist() for _, g in words.groupby([toks["file"], toks["paragraph"], toks["sentence"]], sort=True)]
    finder = BigramCollocationFinder.from_documents(sentences)
    finder.apply_word_filter(lambda w: w in stop or not _is_word(w))
    finder.apply_freq_filter(min_freq)
    scored = finder.score_ngrams(BigramAssocMeasures.likelihood_ratio)
    rows = [{"word1": w1, "word2": w2, "count": int(finder.ngram_fd[(w1, w2)]), "G2": float(s)}
            for (w1, w2), s in scored]
    out = pd.DataFrame(rows, columns=["word1", "word2", "count", "G2"])
    out = out.sort_values(["G2", "word1", "word2"], ascending=[False, True, True], kind="stable")
    return out.head(n).reset_index(drop=True)


# =========================================================================== 8. drill-down

DRILLDOWN_COLUMNS = ["doc_id", "code", "n_sentences", "small_n", "file", "start", "end", "date",
                     "date_inferred", "quote"]


def drilldown(coded: pd.DataFrame, segments: pd.DataFrame, documents: pd.DataFrame,
              codebook: Codebook) -> pd.DataFrame:
    """The quotes behind each cell of the document × theme matrix
    (:func:`code_by_document`): one row per coded sentence, with its cell's
    ``n_sentences`` and ``small_n`` (True when the cell rests on ``SMALL_N`` = 2 sentences
    or fewer). Columns ``doc_id, code, n_sentences, small_n, file, start, end`` (raw
    offsets), ``date, date_inferred, quote``. Documents in corpus order, codes in
    codebook order, then sentence order; empty cells have no rows."""
    rows = _coded_sentences(coded.drop_duplicates(["file", "start", "code"]), segments, documents)
    rows["n_sentences"] = rows.groupby(["doc_id", "code"])["start"].transform("size").astype(int)
    rows["small_n"] = rows["n_sentences"] <= SMALL_N
    docs = {d: i for i, d in enumerate(_doc_order(segments))}
    rank = _code_rank(codebook)
    rows = rows.assign(_d=rows["doc_id"].map(docs), _c=rows["code"].map(rank)).sort_values(
        ["_d", "_c", "file", "start"], kind="stable")
    return rows.rename(columns={"text": "quote"})[DRILLDOWN_COLUMNS].reset_index(drop=True)


def _hex(rgba: tuple[float, float, float, float]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(int(round(255 * v)) for v in rgba[:3]))


def drilldown_html(coded: pd.DataFrame, segments: pd.DataFrame, documents: pd.DataFrame,
                   codebook: Codebook, id_prefix: str = "drilldown") -> str:
    """A self-contained HTML fragment (inline CSS, no scripts, fonts or external files):
    the theme × document matrix of coded sentences, each non-zero cell a link to the
    list of its quotes below (with file, raw character offsets and date), cells resting on
    1 or 2 sentences marked "⚠" with a visible small-n warning. Every piece of corpus text
    (quotes, document ids, dates, file names) is HTML-escaped. ``id_prefix`` keeps the
    element ids unique when several fragments share a page."""
    esc = html.escape
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", id_prefix) or "drilldown"
    drill = drilldown(coded, segments, documents, codebook)
    docs = _doc_order(segments)
    dates = _doc_dates(documents)
    cells = {k: g for k, g in drill.groupby(["doc_id", "code"], sort=False)}
    vmax = max([len(g) for g in cells.values()] or [1])
    cmap = mpl.colormaps[SEQUENTIAL]

    def anchor(j: int, code: str) -> str:
        return f"{prefix}-{j}-{code.lower()}"

    out = [f'<div class="{prefix}" id="{prefix}">', "<style>",
           f".{prefix} table {{border-collapse: collapse; font-size: 0.85em;}}",
           f".{prefix} th, .{prefix} td {{border: 1px solid #ccc; padding: 2px 6px; text-align: center;}}",
           f".{prefix} th.code {{text-align: left; font-weight: normal;}}",
           f".{prefix} td a {{color: inherit; font-weight: bold;}}",
           f".{prefix} .warn {{color: #D55E00; font-weight: bold;}}",
           f".{prefix} td .warn {{background: #fff; padding: 0 2px; border-radius: 2px;}}",
           f".{prefix} blockquote {{margin: 0.3em 0 0.1em 1em; font-style: italic;}}",
           f".{prefix} .cite {{margin: 0 0 0.6em 1em; font-size: 0.85em; color: #555;}}",
           "</style>",
           '<p>Coded sentences per theme (rows) and document (columns). Click a number to read '
           'its quotes (or open a list below the matrix). <span class="warn">⚠ small n</span>: '
           'the cell rests on 1 or 2 sentences; '
           'read them before drawing a conclusion.</p>',
           "<table>", "<thead><tr><th>theme</th>"]
    for d in docs:
        date = _date_text(str(dates["date"].get(d, "")), bool(dates["date_inferred"].get(d, False)))
        out.append(f"<th>{esc(d)}<br><small>{esc(date)}</small></th>")
    out.append("</tr></thead><tbody>")
    for code in codebook.ids:
        c = codebook.code(code)
        out.append(f'<tr><th class="code">{esc(code)} · {esc(c.name_en)}</th>')
        for j, d in enumerate(docs):
            g = cells.get((d, code))
            if g is None:
                out.append('<td style="color:#999">0</td>')
                continue
            n = len(g)
            bg = cmap(n / vmax)
            luminance = 0.2126 * bg[0] + 0.7152 * bg[1] + 0.0722 * bg[2]
            fg = "black" if luminance > 0.45 else "white"
            warn = ' <span class="warn" title="small n: 1 or 2 sentences">⚠</span>' if n <= SMALL_N else ""
            out.append(f'<td style="background:{_hex(bg)};color:{fg}">'
                       f'<a href="#{anchor(j, code)}">{n}</a>{warn}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    for j, d in enumerate(docs):
        for code in codebook.ids:
            g = cells.get((d, code))
            if g is None:
                continue
            n = len(g)
            warn = (' <span class="warn">⚠ small n: rests on '
                    f'{_plural(n, "sentence")}</span>') if n <= SMALL_N else ""
            # collapsed until opened; following a link from the matrix opens it (the
            # link's target lies inside the <details>)
            out.append("<details>")
            out.append(f"<summary><strong>{esc(code)} · {esc(codebook.code(code).name_en)} in {esc(d)}: "
                       f"{_plural(n, 'sentence')}</strong>{warn}</summary>")
            out.append(f'<div id="{anchor(j, code)}">')
            for r in g.itertuples(index=False):
                out.append(f'<blockquote lang="sv">{esc(str(r.quote))}</blockquote>')
                out.append(f'<p class="cite">{esc(str(r.file))}, characters {int(r.start)}–{int(r.end)}, '
                           f"{esc(_date_text(str(r.date), bool(r.date_inferred)))}</p>")
            out.append(f'<p><small><a href="#{prefix}">↑ back to the matrix</a></small></p></div></details>')
    out.append("</div>")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- interpretation

def _top(freq: pd.DataFrame, family: str, n: int = 3) -> pd.DataFrame:
    totals = freq[freq["family"] == family].groupby("code", sort=False)["sentences"].sum()
    return totals.sort_values(ascending=False, kind="stable").head(n)


def _name(codebook: Codebook, code: str) -> str:
    c = codebook.code(code)
    return f"{c.name_en} ({c.name_sv}, `{code}`)"


def _quote(quotes: pd.DataFrame, code: str) -> str:
    q = quotes[quotes["code"] == code].head(1)
    if not len(q):
        return ""
    r = q.iloc[0]
    return f" For example: “{r['quote']}” ({r['doc_id']}, {r['date'] or 'undated'}, raw {r['start']}–{r['end']})."


def _voices_with(coded: pd.DataFrame, documents: pd.DataFrame, code: str) -> list[str]:
    """The voices (metadata ``voice``) of the documents that carry ``code``, sorted."""
    if "voice" not in documents.columns:
        return [UNKNOWN]
    voice = documents.drop_duplicates("doc_id").set_index("doc_id")["voice"].replace("", UNKNOWN)
    docs = coded.loc[coded["code"] == code, "doc_id"].unique()
    return sorted({str(voice.get(d, UNKNOWN)) for d in docs}, key=str.casefold)


def _words(matched: str) -> set[str]:
    return {w.lower().strip("-–") for part in matched.split("; ") for w in re.split(r"\s+|…", part) if w.strip("-– ")}


def _shared_words(coded: pd.DataFrame, a: str, b: str) -> tuple[int, int]:
    """Of the sentences coded with both ``a`` and ``b``: how many owe both codes to at
    least one same matched word, and how many there are."""
    pa = coded[coded["code"] == a].set_index(["file", "start"])["matched"]
    pb = coded[coded["code"] == b].set_index(["file", "start"])["matched"]
    both = pa.index.intersection(pb.index)
    shared = sum(1 for k in both if _words(pa[k]) & _words(pb[k]))
    return shared, len(both)


def interpretation(coded: pd.DataFrame, segments: pd.DataFrame, documents: pd.DataFrame,
                   codebook: Codebook, study_corpus: bool) -> str:
    """A short written reading of the three research questions, as Markdown, with every
    number taken from the computation. On a corpus other than the study's own it gives
    the computed summaries only and says that the study's reading is not theirs."""
    by_doc = theme_frequencies(coded, segments, documents, codebook, by="doc_id")
    by_sector = theme_frequencies(coded, segments, documents, codebook, by="sector")
    by_voice = theme_frequencies(coded, segments, documents, codebook, by="voice")
    cooc = cooccurrence(coded, segments, codebook, unit="paragraph")
    quotes = representative_quotes(coded, segments, documents, codebook, per_code=1)
    n_docs = by_doc["doc_id"].nunique()
    paras = []
    if not study_corpus:
        paras.append("> **This corpus is not the study's own.** The summaries below are computed "
                     "from it; the study's written interpretation does not apply to it.")
    # RQ1: problems and sectors
    problems = _top(by_doc, "P")
    text = "**RQ1. Which governance problems recur, and in which sectors?** "
    if problems.sum() == 0:
        text += "No problem theme was coded."
    else:
        parts = []
        for code, n in problems.items():
            docs = int((by_doc[by_doc["code"] == code]["sentences"] > 0).sum())
            sec = by_sector[(by_sector["code"] == code) & (by_sector["sector"] != "general")]
            sec = sec.sort_values(["per_1000", "sector"], ascending=[False, True], kind="stable").head(1)
            where = (f", most densely in sentences about {sec.iloc[0]['sector'].replace('_', ' ')} "
                     f"({sec.iloc[0]['per_1000']:.1f} per 1,000 words)"
                     if len(sec) and sec.iloc[0]["sentences"] > 0 else "")
            parts.append(f"{_name(codebook, code)}, {int(n)} sentences in {docs} of {n_docs} documents{where}")
        text += "The most frequent problems are " + "; ".join(parts) + "."
        spread = by_doc[by_doc["family"] == "P"].groupby("code")["sentences"].agg(lambda x: int((x > 0).sum()))
        widest = spread.sort_values(ascending=False, kind="stable").index[0]
        voices = _voices_with(coded, documents, widest)
        n_voices = by_voice["voice"].nunique()
        text += (f" The problem raised in the most documents is {codebook.code(widest).name_en} "
                 f"({int(spread[widest])} of {n_docs} documents, from {len(voices)} of {n_voices} voices: "
                 f"{', '.join(voices)}).")
        if study_corpus and len(voices) > 1:
            text += " In this corpus it is a complaint several voices share, not one voice's."
        text += _quote(quotes, widest)
    paras.append(text)
    # RQ2: remedies and the problems they answer
    remedies = _top(by_doc, "R")
    pairs = cooc[cooc["n_both"] >= 2].sort_values(["lift", "problem", "remedy"],
                                                  ascending=[False, True, True], kind="stable").head(3)
    text = "**RQ2. Which trust-based remedies are proposed, and which problems do they answer?** "
    if remedies.sum() == 0:
        text += "No remedy theme was coded."
    else:
        text += "The most frequent remedies are " + "; ".join(
            f"{_name(codebook, c)}, {int(n)} sentences" for c, n in remedies.items()) + "."
        if len(pairs):
            text += (" Within paragraphs, the pairs found together most often beyond chance "
                     "(observed/expected; at least two paragraphs) are " + "; ".join(
                         f"`{r.problem}` with `{r.remedy}` ({r.n_both} paragraphs, {r.lift:.1f}× the "
                         f"{r.expected:.2f} expected, Jaccard {r.jaccard:.2f})" for r in pairs.itertuples()) + ".")
        if len(pairs):
            top = pairs.iloc[0]
            shared, both = _shared_words(coded, top["problem"], top["remedy"])
            if shared:
                text += (f" Part of the first pairing is built into the rules: in {shared} of the {both} "
                         f"sentences coded with both, the same words fired both codes (the codebook reads "
                         f"an argument against {codebook.code(top['problem']).name_en} as one for "
                         f"{codebook.code(top['remedy']).name_en}).")
            if study_corpus:
                text += (f" Read with the quotes, {codebook.code(top['remedy']).name_en} is the remedy "
                         f"most often set against {codebook.code(top['problem']).name_en} in this corpus."
                         + _quote(quotes, top["remedy"]))
    paras.append(text)
    # RQ3: voices
    text = "**RQ3. How do the voices differ?** "
    rows = []
    for voice, g in by_voice.groupby("voice", sort=True):
        total = int(g["sentences"].sum())
        if total == 0:
            continue
        share_p = g.loc[g["family"] == "P", "sentences"].sum() / total
        top = g.sort_values(["per_1000", "code"], ascending=[False, True], kind="stable").iloc[0]
        rows.append((voice, int(g["n_documents"].iloc[0]), share_p, top))
    text += "Per 1,000 words, each voice's densest theme, and the share of its coded sentences that name problems: " + "; ".join(
        f"{v} ({n} document{'s' if n != 1 else ''}): {codebook.code(t['code']).name_en}, {t['per_1000']:.1f}; "
        f"problems {100 * sp:.0f}%" for v, n, sp, t in rows) + "."
    single = [v for v, n, _, _ in rows if n == 1]
    if single:
        text += (f" {len(single)} of {len(rows)} voices rest on a single document, so these describe texts, "
                 "not groups of speakers.")
    if study_corpus and rows:
        most_p = max(rows, key=lambda r: (r[2], r[0]))
        least_p = min(rows, key=lambda r: (r[2], r[0]))
        text += (f" The {most_p[0]} write most about problems ({100 * most_p[2]:.0f}% of their coded "
                 f"sentences), the {least_p[0]} least ({100 * least_p[2]:.0f}%)")
        text += (": the first mostly diagnoses, the second mostly proposes." if most_p[2] > 0.5 > least_p[2]
                 else ".")
    paras.append(text)
    paras.append("*All counts are the auto-coder's; notebook 03 reports how far it agrees with careful "
                 "readers.*")
    return "\n\n".join(paras)
