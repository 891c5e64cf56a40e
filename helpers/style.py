"""One figure style for every notebook: readable at paper size, colour-blind-safe,
Swedish characters intact (DejaVu Sans ships with matplotlib and covers å, ä, ö, curly
quotes and dashes), and byte-reproducible files (no dates in SVG/PDF metadata, fixed
SVG ids)."""

from __future__ import annotations

import weakref
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd

from . import io, markup

# Okabe & Ito (2008), the usual colour-blind-safe qualitative palette.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FAMILY_COLOURS = {"P": "#D55E00", "R": "#0072B2"}
# ColorBrewer's YlGnBu: colour-blind-safe, light for few and dark for many, and no grey in it (cividis's
# grey middle was read as a cell left out of the scale, which the heatmaps draw grey)
SEQUENTIAL = "YlGnBu"

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "figure.dpi": 120,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=OKABE_ITO),
    "svg.hashsalt": "kvalitext",
    "svg.fonttype": "path",
    "image.cmap": SEQUENTIAL,
    # Labels hold data (doc ids, voices, file names, code names): drawn as the text they are,
    # never parsed as mathtext ('$x^2$' drawn as math, '$\foo$' an error naming no file).
    # No figure of ours writes mathtext.
    "text.parse_math": False,
}

# pandas' display limits, lifted: tables show their text whole (quotes, rules,
# disagreements; the page wraps it), every column (a wide table scrolls sideways in its
# box) and every row (a notebook shows the head of a long table with .head() and says so)
PANDAS_DISPLAY = {"display.max_colwidth": None, "display.max_columns": None, "display.max_rows": None}


def use() -> None:
    """Apply the house style (call once, in every notebook's imports cell), and let pandas
    show every table whole (:data:`PANDAS_DISPLAY`: no cell cut at 50 characters, no
    column or row left out as "..."; a notebook that shows part of a long table says so).

    In a notebook it also lets a returned :class:`~matplotlib.figure.Figure` display
    itself as a PNG, so plotting helpers need not touch pyplot's global state (figures
    are shown once, where the cell returns them), and shows a DataFrame as a table for
    readers (:func:`helpers.markup.frame`: no column of row numbers, the index's name in
    the header row, Swedish text marked as Swedish)."""
    mpl.rcParams.update(RC)
    for option, value in PANDAS_DISPLAY.items():
        pd.set_option(option, value)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebooks
        return
    ip = get_ipython()
    if ip is not None:
        from IPython.core.pylabtools import print_figure
        from matplotlib.figure import Figure

        def png(fig: Figure) -> tuple[bytes, dict[str, str]]:
            meta = {"alt": describe(fig)}
            if fig in SAVED:  # the report links the figure to its full-size file
                meta["file"] = SAVED[fig]
            return print_figure(fig, "png", bbox_inches="tight"), meta

        ip.display_formatter.formatters["image/png"].for_type(Figure, png)
        ip.display_formatter.formatters["text/html"].for_type(pd.DataFrame, markup.frame)


def describe(fig: plt.Figure) -> str:
    """A text alternative for a figure, from its titles, axis labels and legends (used as
    the image's alt text in the HTML report): each panel's title and axes, a colour bar's
    label as the colour scale it is (not an axis), "panel 1", "panel 2" where a figure has
    more than one, and the entries of every legend, so that a reader who cannot see the
    marks learns what they mean. Line breaks of a label are spaces."""
    def text(label: str) -> str:
        return " ".join(label.split())

    parts = []
    if fig._suptitle is not None and fig._suptitle.get_text():
        parts.append(text(fig._suptitle.get_text()))
    panels, scales = [], []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        if getattr(ax, "_colorbar", None) is not None:  # a colour bar's axes: a scale, labelled on its long side
            label = ax.get_ylabel() or ax.get_xlabel()
            scales += [f"colour scale: {text(label)}"] if label else []
            continue
        bits = [text(ax.get_title(loc)) for loc in ("left", "center", "right") if ax.get_title(loc)]
        # an axis without ticks (a network's) is no axis: its label is the panel's caption
        bits += [f"{axis} axis: {text(label)}" if len(getattr(ax, f"get_{axis}ticks")()) else f"caption: {text(label)}"
                 for axis, label in (("x", ax.get_xlabel()), ("y", ax.get_ylabel())) if label]
        bits += [f"legend: {', '.join(text(t.get_text()) for t in legend.get_texts())}"
                 for legend in [ax.get_legend()] if legend is not None and legend.get_texts()]
        if bits:
            panels.append("; ".join(bits))
    if len(panels) > 1:
        panels = [f"panel {i}: {p}" for i, p in enumerate(panels, 1)]
    parts += panels + scales
    for legend in fig.legends:
        title = text(legend.get_title().get_text())
        entries = ", ".join(text(t.get_text()) for t in legend.get_texts())
        parts.append(f"legend{f' ({title})' if title else ''}: {entries}")
    return "Figure. " + ". ".join(parts) if parts else "Figure without title"


FIGURES_DIR = "figures"  # the folder of OUT that figures are saved in
# the figures saved in this process, with the name of their SVG file in FIGURES_DIR: a figure shown in
# a notebook after it was saved carries the name in its output's metadata ("file"), and the HTML
# report links the image to that file (full size, vector: a heatmap's labels can be read on a phone)
SAVED: weakref.WeakKeyDictionary[plt.Figure, str] = weakref.WeakKeyDictionary()


def save(fig: plt.Figure, out: Path, name: str) -> list[Path]:
    """Save a figure as SVG and PNG under ``out/figures/`` (atomically, without
    timestamps) and return the paths; the figure remembers its SVG file's name
    (:data:`SAVED`) for when it is shown. Each file carries the figure's text alternative
    (:func:`describe`, the pages' alt text): the SVG as its ``<title>``, which names the
    image to a screen reader and a browser's tab when the file is opened on its own (its
    text is drawn as shapes, so that it looks the same everywhere, and says nothing
    itself), the PNG as its ``Description``."""
    SAVED[fig] = f"{name}.svg"
    written = []
    alt = describe(fig)
    for ext in ("svg", "png"):
        from io import BytesIO

        buf = BytesIO()
        meta = {"Date": None, "Title": alt} if ext == "svg" else {"Software": None, "Description": alt}
        fig.savefig(buf, format=ext, metadata=meta)
        written.append(io.write_bytes(Path(out) / FIGURES_DIR / f"{name}.{ext}", buf.getvalue()))
    return written
