"""Tests of helpers.figures: what each figure shows on conftest's hand-made ``toy`` tables,
then every figure on the seed corpus."""

from __future__ import annotations

from io import BytesIO

import matplotlib.dates as mdates
from matplotlib.figure import Figure

from helpers import figures, findings

# --------------------------------------------------------------------------- themes by group


def test_frequency_bars_labels_groups_with_n(toy):
    coded, segments, documents, codebook = toy
    t = findings.theme_frequencies(coded, segments, documents, codebook, "genre")
    fig = figures.frequency_bars(t, codebook, "Themes by genre")
    assert isinstance(fig, Figure)
    titles = [ax.get_title("left") for ax in fig.axes if ax.get_visible()]
    assert titles == ["blog\n(n = 2 docs, 110 words)"]
    assert "per 1,000 words" in fig.axes[0].get_xlabel()


# --------------------------------------------------------------------------- timeline


def test_timeline_figure(toy):
    coded, segments, documents, codebook = toy
    t = findings.timeline(coded, segments, documents, codebook)
    fig = figures.timeline_figure(t, codebook)
    labels = [tx.get_text() for ax in fig.axes for tx in ax.get_xticklabels()]
    assert "d2 · 2015 (inferred)" in labels
    legend = [tx.get_text() for lg in fig.legends for tx in lg.get_texts()]
    assert any("interval" in s for s in legend) and any("inferred" in s for s in legend)
    # the time axis runs over the years the documents' dates can mean (2015 to 2016-12-21),
    # or over the years asked for
    top = fig.axes[0]
    assert [mdates.num2date(x).year for x in top.get_xlim()] == [2015, 2017]
    assert [t.get_text() for t in top.get_xticklabels()] == ["2015", "2016", "2017"]
    fig = figures.timeline_figure(t, codebook, years=(2010, 2020))
    assert [mdates.num2date(x).year for x in fig.axes[0].get_xlim()] == [2010, 2021]


def test_timeline_figure_without_dates_has_no_time_axis(toy):
    coded, segments, documents, codebook = toy
    t = findings.timeline(coded, segments, documents.drop(columns="date"), codebook)
    fig = figures.timeline_figure(t, codebook)
    assert not fig.axes[0].get_visible()
    assert "2 undated documents not shown" in fig.axes[1].get_xlabel()
    fig.savefig(BytesIO(), format="png", dpi=40)  # renders without error


# --------------------------------------------------------------------------- co-occurrence


def test_cooccurrence_figures(toy):
    coded, segments, documents, codebook = toy
    t = findings.cooccurrence(coded, segments, codebook, "sentence")
    fig = figures.cooccurrence_network(t, codebook, threshold=0.2)
    assert "Jaccard" in fig.axes[0].get_xlabel()
    fig = figures.cooccurrence_heatmap(t, codebook, "lift")
    texts = [tx.get_text() for tx in fig.axes[0].texts]
    assert "2.0\n(1)" in texts and "–" in texts  # P_TWO–R_ONE lift 2 from 1 sentence; R_THREE undefined


# --------------------------------------------------------------------------- seed corpus


def _labelled(fig: Figure) -> bool:
    axes = [ax for ax in fig.axes if ax.get_visible()]
    return any(ax.get_xlabel() for ax in axes) and any(ax.get_ylabel() for ax in axes)


def test_every_figure_on_the_seed_corpus(seed_tables):
    s, cb = seed_tables, seed_tables["codebook"]
    drawn = {}
    for by in findings.GROUPINGS:
        freq = findings.theme_frequencies(s["coded"], s["segments"], s["documents"], cb, by)
        drawn[f"bars_{by}"] = figures.frequency_bars(freq, cb, f"Themes by {by}")
    drawn["timeline"] = figures.timeline_figure(findings.timeline(s["coded"], s["segments"], s["documents"], cb), cb)
    for unit in findings.UNITS:
        cooc = findings.cooccurrence(s["coded"], s["segments"], cb, unit)
        for measure in findings.MEASURES:
            drawn[f"heat_{unit}_{measure}"] = figures.cooccurrence_heatmap(cooc, cb, measure)
        drawn[f"network_{unit}"] = figures.cooccurrence_network(cooc, cb)
    table = findings.code_by_document(s["coded"], s["segments"], cb)
    drawn["heatmap"] = figures.heatmap(table, cb, "Coded sentences")
    for name, fig in drawn.items():
        assert isinstance(fig, Figure), name
        if name.startswith("network"):
            assert fig.axes[0].get_xlabel(), name
        else:
            assert _labelled(fig), name
    for name in ("bars_sector", "timeline", "network_sentence"):
        drawn[name].savefig(BytesIO(), format="png", dpi=60)  # renders without error
