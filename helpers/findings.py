"""Tables and figures from the coded sentences."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
import pandas as pd

from .coding import Codebook
from .style import OKABE_ITO, SEQUENTIAL


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
