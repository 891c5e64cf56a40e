"""Tests of helpers.figures: what each figure shows on conftest's hand-made ``toy`` tables,
then every figure on the seed corpus."""

from __future__ import annotations

import warnings
from io import BytesIO

import matplotlib.dates as mdates
import pandas as pd
import pytest
from matplotlib.figure import Figure

from helpers import figures, findings, markup, style

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


def _year_labels(fig: Figure) -> list:
    """The time axis's year labels as drawn: ``(text, left, right)`` in pixels, in order."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    return [(t.get_text(), t.get_window_extent(renderer).x0, t.get_window_extent(renderer).x1)
            for t in fig.axes[0].get_xticklabels() if t.get_text() and t.get_visible()]


@pytest.mark.parametrize("years", [(2015, 2016), (2010, 2020), (1990, 2024), (1900, 2024), (1600, 2024)])
def test_the_time_axis_labels_never_crowd_whatever_the_span(toy, years):
    """However many years the axis spans, its year labels stand apart, a label's width and
    more between them, and there are at least two and no more than fit the axis."""
    coded, segments, documents, codebook = toy
    fig = figures.timeline_figure(findings.timeline(coded, segments, documents, codebook), codebook, years=years)
    labels = _year_labels(fig)
    assert len(labels) >= 2
    width = labels[0][2] - labels[0][1]
    assert all(b[1] - a[2] >= width / 2 for a, b in zip(labels, labels[1:])), labels
    steps = {int(b[0]) - int(a[0]) for a, b in zip(labels, labels[1:])}
    assert len(steps) == 1 and steps <= set(figures.YEAR_STEPS)
    assert all(t.isdigit() and len(t) == 4 for t, _, _ in labels)


def test_timeline_figure_without_dates_has_no_time_axis(toy):
    coded, segments, documents, codebook = toy
    t = findings.timeline(coded, segments, documents.drop(columns="date"), codebook)
    fig = figures.timeline_figure(t, codebook)
    assert not fig.axes[0].get_visible()
    assert fig.axes[1].get_xlabel().endswith("; not shown: 2 undated documents")
    fig.savefig(BytesIO(), format="png", dpi=40)  # renders without error


def test_the_timeline_counts_documents_without_text_among_those_it_does_not_show(toy):
    """The reviewer's case: the label counted the undated documents with text only, while the
    note above it named an empty file as left out of the counts; the label now counts every
    document it does not show, and says why."""
    coded, segments, documents, codebook = toy
    undated = findings.timeline(coded, segments, documents.drop(columns="date"), codebook)
    label = figures.timeline_figure(undated, codebook, textless=1).axes[1].get_xlabel()
    assert label.endswith("; not shown: 2 undated documents and 1 document without text")
    dated = findings.timeline(coded, segments, documents, codebook)
    label = figures.timeline_figure(dated, codebook, textless=2).axes[1].get_xlabel()
    assert label.endswith("; not shown: 2 documents without text")
    assert "not shown" not in figures.timeline_figure(dated, codebook).axes[1].get_xlabel()


# --------------------------------------------------------------------------- co-occurrence


def test_cooccurrence_figures(toy):
    coded, segments, documents, codebook = toy
    t = findings.cooccurrence(coded, segments, codebook, "sentence")
    fig = figures.cooccurrence_network(t, codebook, threshold=0.2)
    assert "Jaccard" in fig.axes[0].get_xlabel()
    fig = figures.cooccurrence_heatmap(t, codebook, "lift")
    texts = [tx.get_text() for tx in fig.axes[0].texts]
    assert "2.0\nn=1" in texts and "–" in texts  # P_TWO–R_ONE lift 2 from 1 sentence (small n); R_THREE undefined
    assert "–: one of the two never coded, no lift" in fig.axes[0].get_xlabel()  # the dash is explained
    # where every code is coded, no cell shows "–" and the label does not explain one
    fig = figures.cooccurrence_heatmap(_cooc({("P_ONE", "R_ONE"): 5}), codebook, "lift")
    assert "–" not in [tx.get_text() for tx in fig.axes[0].texts] and "never coded" not in fig.axes[0].get_xlabel()


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
    for name, fig in drawn.items():  # paper-sized with the seeds' 9 documents too
        width, height = _paper_sized(fig)
        assert width <= figures.MAX_WIDTH + 0.5 and width / height <= figures.MAX_ASPECT, (name, width, height)


# --------------------------------------------------------------------------- generated corpora of 20 and 200 dated documents


@pytest.fixture(scope="session", params=[20, 200], ids=["20-docs", "200-docs"])
def dated_tables(request, tmp_path_factory) -> dict:
    """The tables of a generated corpus (benchmarks/dated_corpus.py) of 20 or 200 documents
    dated over 1995-2024."""
    import dated_corpus

    from helpers import coding, pipeline

    root = tmp_path_factory.mktemp(f"dated-{request.param}")
    dated_corpus.write_corpus(root / "corpus", docs=request.param)
    run = pipeline.Run.from_params(root / "corpus", root / "out")
    segments, _ = pipeline.segments(run)
    return {"n": request.param, "segments": segments, "coded": pipeline.coded(run),
            "documents": pipeline.documents(run), "codebook": coding.codebook_for(run.corpus)}


def _paper_sized(fig: Figure) -> tuple[float, float]:
    """The figure's size as saved (tight bounding box, inches): at most MAX_WIDTH wide and
    MAX_ASPECT times as wide as high."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    box = fig.get_tightbbox(canvas.get_renderer())
    return box.width, box.height


def test_every_figure_is_paper_sized_and_readable_on_20_and_200_documents(dated_tables):
    s, cb = dated_tables, dated_tables["codebook"]
    coded, segments, documents = s["coded"], s["segments"], s["documents"]
    assert documents["doc_id"].nunique() == s["n"]
    matrix, columns = findings.document_matrix(coded, segments, documents, cb)
    drawn = {"heatmap": figures.heatmap(matrix, cb, "t", columns),
             "timeline": figures.timeline_figure(findings.timeline(coded, segments, documents, cb), cb),
             "sizes": figures.document_sizes(segments.groupby("doc_id")[["tokens"]].sum())}
    for by in ("sector", "voice", "genre", "period", "doc_id"):
        drawn[f"bars_{by}"] = figures.frequency_bars(findings.theme_frequencies(coded, segments, documents, cb, by), cb, by)
    cooc = findings.cooccurrence(coded, segments, cb, "paragraph")
    drawn["cooc"] = figures.cooccurrence_heatmap(cooc, cb, "lift")
    drawn["network"] = figures.cooccurrence_network(cooc, cb)
    for name, fig in drawn.items():
        width, height = _paper_sized(fig)
        assert width <= figures.MAX_WIDTH + 0.5, (name, width)
        assert width / height <= figures.MAX_ASPECT, (name, width, height)
        sizes = [t.get_fontsize() for ax in fig.axes if ax.get_visible()
                 for t in ax.get_xticklabels() + ax.get_yticklabels() + ax.texts if t.get_text()]
        assert min(sizes) >= 5.5, (name, min(sizes))  # readable when printed at this size
    # 20 documents are shown one by one (transposed), 200 summed by period
    if s["n"] == 20:
        assert columns == "document" and len(drawn["heatmap"].axes[0].get_yticklabels()) == 20
        assert len(drawn["timeline"].axes[1].get_xticks()) == 20
    else:
        assert columns == "period" and list(matrix.columns) == [f"{y}–{y + 4}" for y in range(1995, 2025, 5)]
        ticks = [t.get_text() for t in drawn["timeline"].axes[1].get_xticklabels()]
        assert len(ticks) == 6 and ticks[0].startswith("1995–1999 (")
    # the time axis's labels stand apart with 20 documents as with 200 (summed by period)
    labels = _year_labels(drawn["timeline"])
    assert len(labels) >= 3 and all(b[1] - a[2] >= (a[2] - a[1]) / 2 for a, b in zip(labels, labels[1:])), labels
    # the time axis is the data's: 1995 to 2024, whatever the study's years
    top = drawn["timeline"].axes[0]
    assert [mdates.num2date(x).year for x in top.get_xlim()] == [1995, 2025]


def test_cells_and_bars_resting_on_one_or_two_sentences_are_marked(toy):
    coded, segments, documents, codebook = toy
    # co-occurrence: P_TWO with R_ONE meet in one sentence, the highest lift (2.0) of the table;
    # it is hatched and labelled n=1, and left out of the colour scale
    fig = figures.cooccurrence_heatmap(findings.cooccurrence(coded, segments, codebook, "sentence"), codebook, "lift")
    ax = fig.axes[0]
    assert "2.0\nn=1" in [t.get_text() for t in ax.texts]
    assert any(p.get_hatch() for p in ax.patches)
    image = ax.images[0].get_array()
    assert image.mask[1, 0]  # P_TWO × R_ONE is not coloured
    # bars: a theme resting on 1 or 2 sentences in a group is hatched and says its n
    freq = findings.theme_frequencies(coded, segments, documents, codebook, "genre")
    fig = figures.frequency_bars(freq, codebook, "t")
    bars = [p for p in fig.axes[0].patches]
    assert any(b.get_hatch() == figures.SMALL_N_HATCH for b in bars)
    assert any("n=1" in t.get_text() for t in fig.axes[0].texts)
    # timeline: circles on 1 or 2 sentences are hatched (white face), as the bars and cells are; hollow is
    # the time axis's mark of an imprecise date, so a reader never meets one mark meaning two things
    fig = figures.timeline_figure(findings.timeline(coded, segments, documents, codebook), codebook)
    hatched = [coll for coll in fig.axes[1].collections if coll.get_hatch() == figures.SMALL_N_HATCH]
    faces = [c for coll in hatched for c in coll.get_facecolors()]
    assert faces and all(c[3] == figures.SMALL_N_TINT for c in faces)  # filled faint, however small: never hollow
    legend = {t.get_text(): h for t, h in zip(fig.legends[0].get_texts(), fig.legends[0].legend_handles)}
    small_n = "hatched, faint: rests on 1 or 2 sentences"
    assert legend[small_n].get_hatch() == figures.SMALL_N_HATCH  # none drawn smaller than its rate: nothing more said
    assert not any("hollow" in label and "sentence" in label for label in legend)
    # no circle on so few sentences is larger than the largest of the others, even at a rate ten times theirs
    # (one sentence in a text of a few words), and the legend then says so
    table = findings.timeline(coded, segments, documents, codebook)
    few = (table["sentences"] > 0) & ~findings.enough(table["sentences"])
    assert few.any() and (~few & (table["sentences"] > 0)).any()
    table.loc[few.idxmax(), "per_1000"] = 10 * table["per_1000"].max()
    fig = figures.timeline_figure(table, codebook)
    sizes = {coll.get_hatch() == figures.SMALL_N_HATCH: coll.get_sizes().max()
             for coll in fig.axes[1].collections if len(coll.get_sizes()) and coll.get_sizes().max() > 3}
    assert sizes[True] <= sizes[False]
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert small_n + ", drawn no larger than the largest other circle" in labels
    # every circle on few sentences: their own scale, none capped, and no crash
    table["sentences"] = table["sentences"].clip(upper=1)
    labels = [t.get_text() for t in figures.timeline_figure(table, codebook).legends[0].get_texts()]
    assert small_n in labels


def test_period_grouping_and_labels():
    docs = pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "date": ["1995-03", "2003", "2024-01-02", ""],
                         "date_inferred": ["false"] * 4})
    assert findings.periods(docs).to_dict() == {"a": "1995–1999", "b": "2000–2004", "c": "2020–2024"}
    assert findings.period_length(2013, 2017) == 1 and findings.period_length(1995, 2024) == 5
    assert figures.short("x" * 40) == "x" * 27 + "…" and figures.short("kort") == "kort"


def test_style_use_lets_pandas_show_every_table_whole():
    """Notebooks call style.use(): after it a wide, long table of long texts is shown with
    every cell whole, every column and every row (no "..." anywhere)."""
    frame = pd.DataFrame({"text": ["ord " * 30] * 70, **{f"c{i}": range(70) for i in range(25)}})
    with pd.option_context("display.max_colwidth", 50, "display.max_columns", 20, "display.max_rows", 60):
        style.use()
        html = frame._repr_html_()
    assert "..." not in html and "rows ×" not in html
    assert html.count("<tr") == 71 and ("ord " * 30).strip() in html


def test_style_use_shows_a_table_in_a_notebook_as_markup_frame_does():
    """In a notebook (an IPython shell), style.use() makes a DataFrame display through
    markup.frame: no column of row numbers on any page."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        style.use()
        frame = pd.DataFrame({"word": ["tillit"], "count": [3]})
        shown = shell.display_formatter.format(frame)[0]
        assert shown["text/html"] == markup.frame(frame) and "<th>0</th>" not in shown["text/html"]
        assert shown["text/plain"] == repr(frame)  # the plain text stays pandas' own
    finally:
        InteractiveShell.clear_instance()


def test_saved_figures_carry_their_text_alternative(toy, tmp_path):
    """The SVG a page links to names itself: its <title> is the figure's alt text (escaped,
    Swedish intact), as is the PNG's Description. (That a report's files are the same to the
    byte when run again, test_report tests.)"""
    import xml.etree.ElementTree as ET

    from PIL import Image

    coded, segments, documents, codebook = toy
    t = findings.theme_frequencies(coded, segments, documents, codebook, "genre")
    fig = figures.frequency_bars(t, codebook, "Teman per genre <&> i Västerås")
    svg, png = style.save(fig, tmp_path, "bars")
    alt = style.describe(fig)
    assert "Teman per genre <&> i Västerås" in alt
    title = ET.parse(svg).getroot().find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text == alt
    assert Image.open(png).info["Description"] == alt


def _cooc(both: dict[tuple[str, str], int], problems=("P_ONE", "P_TWO"), remedies=("R_ONE", "R_TWO")) -> pd.DataFrame:
    """A co-occurrence table of paragraphs with the given units-with-both (others 0)."""
    rows = []
    for p in problems:
        for r in remedies:
            ab = both.get((p, r), 0)
            rows.append({"unit": "paragraph", "problem": p, "remedy": r, "n_units": 100, "n_problem": 10,
                         "n_remedy": 10, "n_both": ab, "expected": 1.0, "jaccard": ab / (20 - ab), "lift": float(ab)})
    return pd.DataFrame(rows, columns=findings.COOCCURRENCE_COLUMNS)


def test_cooccurrence_heatmap_leaves_cells_of_no_paragraph_uncoloured(toy):
    """The legend says cells of ≤ 2 paragraphs are left uncoloured: a cell of none (lift 0)
    is one of them, not the darkest colour of the scale."""
    codebook = toy[3]
    fig = figures.cooccurrence_heatmap(_cooc({("P_ONE", "R_ONE"): 5, ("P_TWO", "R_TWO"): 1}), codebook, "lift")
    mask = fig.axes[0].images[0].get_array().mask
    assert mask.tolist() == [[False, True], [True, True]]  # only the cell of 5 paragraphs is coloured


def test_the_heatmaps_few_cells_read_on_their_hatching_and_its_names_and_key_stay_whole(toy, seed_tables):
    """The reader's case: "1.6 n=1" in brown on grey hatch lines was hard to read, a remedy's
    name was cut ("support from managers and …") and the key under the axis ran to the figure's
    edge. A label on hatching has a pale ground; a label elsewhere has none."""
    codebook = toy[3]
    fig = figures.cooccurrence_heatmap(_cooc({("P_ONE", "R_ONE"): 5, ("P_TWO", "R_TWO"): 1}), codebook, "lift")
    grounds = {t.get_text(): t.get_bbox_patch() is not None for t in fig.axes[0].texts}
    assert grounds == {"5.0\n(5)": False, "0": False, "1.0\nn=1": True}, grounds
    cb = seed_tables["codebook"]
    cooc = findings.cooccurrence(seed_tables["coded"], seed_tables["segments"], cb, "paragraph")
    ax = figures.cooccurrence_heatmap(cooc, cb, "lift").axes[0]
    names = [t.get_text() for t in ax.get_xticklabels()]
    assert "support from managers\nand support functions" in names and not any("…" in n for n in names), names
    assert [len(line) <= 90 for line in ax.get_xlabel().splitlines()] == [True] * 3, ax.get_xlabel()
    # with a code never coded the key has a line more ("–"), no longer than the others
    t = findings.cooccurrence(*toy[:2], codebook, "sentence")
    key = figures.cooccurrence_heatmap(t, codebook, "lift").axes[0].get_xlabel().splitlines()
    assert len(key) == 4 and key[-1].startswith("–: one of the two never coded") and max(map(len, key)) <= 90, key
    # the themes' heatmap by group (more groups than panels) grounds its few cells' labels too
    coded, segments, documents = toy[:3]
    rates = figures.rate_heatmap(findings.theme_frequencies(coded, segments, documents, codebook, "doc_id"), codebook, "t")
    labels = [(t.get_text(), t.get_bbox_patch() is not None) for t in rates.axes[0].texts]
    assert any(ground for _, ground in labels) and all(ground == ("n=" in text) for text, ground in labels), labels


def _dashes(line):
    return line._unscaled_dash_pattern  # matplotlib gives no public getter of a line's dash pattern


def test_cooccurrence_network_marks_edges_of_one_or_two_paragraphs_as_the_heatmap_does(toy):
    """An edge of one or two paragraphs is thin, in the hatch colour, dotted for one and dashed
    for two, however large its measure; no edge carries a label of its own (they crowded); the
    legend says what each line means and the axis label how many edges are few."""
    codebook = toy[3]
    fig = figures.cooccurrence_network(_cooc({("P_ONE", "R_ONE"): 5, ("P_TWO", "R_TWO"): 1, ("P_ONE", "R_TWO"): 2}),
                                       codebook, threshold=0.01)
    ax = fig.axes[0]
    edges = {(line.get_ydata()[0], line.get_ydata()[1]): line for line in ax.lines
             if line.get_xdata().tolist() == [0, 1]}
    solid, one, two = edges[(0, 0)], edges[(-1, -1)], edges[(0, -1)]
    assert (solid.get_linestyle(), solid.get_color()) == ("-", "#1f2a44")
    assert {one.get_color(), two.get_color()} == {figures.SMALL_N_COLOUR}
    assert _dashes(one) != _dashes(two) and one.get_linewidth() == two.get_linewidth() < solid.get_linewidth()
    assert not [t.get_text() for t in ax.texts if t.get_text().startswith("n=")]
    legend = {h.get_label(): h for h in fig.legends[0].legend_handles}
    assert set(legend) == {"Jaccard index 0.33", "in 1 paragraph only", "in 2 paragraphs only"}
    assert _dashes(legend["in 1 paragraph only"]) == _dashes(one)
    assert _dashes(legend["in 2 paragraphs only"]) == _dashes(two)
    assert "2 of the 3 edges rest on at most 2 paragraphs with both" in ax.get_xlabel()


def test_cooccurrence_network_headings_do_not_overlap(toy):
    codebook = toy[3]
    fig = figures.cooccurrence_network(_cooc({("P_ONE", "R_ONE"): 5}), codebook, threshold=0.01)
    fig.savefig(BytesIO(), format="png")  # lays the figure out
    renderer = fig._get_renderer()
    boxes = {t.get_text(): t.get_window_extent(renderer) for t in fig.axes[0].texts}
    left, right = boxes["problems (P)"], boxes["remedies (R)"]
    assert left.x1 < right.x0  # side by side with a gap, over their columns


def test_a_low_precision_mark_survives_shortening(toy):
    codebook = toy[3]
    long = f"support from managers and support functions {findings.LOW_MARK}"
    assert figures.short(long).endswith(f"… {findings.LOW_MARK}")
    assert figures._wrap(long, 20).endswith(f"\n{findings.LOW_MARK}")
    marked = codebook.model_copy(update={"codes": [c.model_copy(update={"name_en": long}) if c.id == "R_ONE" else c
                                                   for c in codebook.codes]})
    fig = figures.cooccurrence_heatmap(_cooc({("P_ONE", "R_ONE"): 5}), marked, "lift")
    assert any(t.get_text().endswith(findings.LOW_MARK) for t in fig.axes[0].get_xticklabels())


def test_cooccurrence_heatmap_of_one_problem_and_one_remedy_lays_out_without_a_warning(toy):
    """A codebook of one problem and one remedy (a researcher's own) gives a 1 × 1 heatmap:
    it is laid out without matplotlib's "constrained_layout not applied" warning (which
    printed absolute paths onto the page), its title clear of the colour bar; and when no
    cell rests on more than SMALL_N units, no colour scale (0–1 of nothing) is drawn."""
    import warnings

    codebook = toy[3]
    one = _cooc({("P_ONE", "R_ONE"): 1}).query("problem == 'P_ONE' and remedy == 'R_ONE'")
    title = "Problems and remedies in the same paragraph (observed / expected)"
    for cooc, bars in ((one, 0), (_cooc({("P_ONE", "R_ONE"): 5}).query("problem == 'P_ONE' and remedy == 'R_ONE'"), 1)):
        fig = figures.cooccurrence_heatmap(cooc, codebook, "lift", title=title)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig.savefig(BytesIO(), format="png")
        assert len(fig.axes) == 1 + bars  # a colour bar only when a cell is coloured
        renderer = fig._get_renderer()
        heading = fig.axes[0].title.get_window_extent(renderer) if fig.axes[0].get_title("left") == "" else \
            fig.axes[0]._left_title.get_window_extent(renderer)
        for other in fig.axes[1:]:
            box = other.get_tightbbox(renderer)
            assert heading.x1 < box.x0 or heading.y0 > box.y1  # the title clear of the colour bar and its label


def test_a_code_by_document_table_is_shown_one_row_per_document_beyond_wide():
    """Notebooks 02 and 04 each transposed a wide table by hand; figures.upright does it for
    both, at the width the heatmap turns at."""
    codes = ["P_A", "R_B"]
    narrow = pd.DataFrame(1, index=pd.Index(codes, name="code"),
                          columns=pd.Index([f"d{i}" for i in range(figures.WIDE)], name="document"))
    assert figures.upright(narrow) is narrow
    wide = pd.DataFrame(1, index=pd.Index(codes, name="code"),
                        columns=pd.Index([f"d{i}" for i in range(figures.WIDE + 1)], name="document"))
    shown = figures.upright(wide)
    assert shown.index.name == "document" and list(shown.columns) == codes and len(shown) == figures.WIDE + 1


@pytest.mark.parametrize("n_docs", [1, 2, 3])
def test_the_document_heatmap_of_a_small_corpus_lays_out_and_counts_in_whole_numbers(seed_tables, n_docs):
    """A corpus of one, two or three documents (a researcher's first interviews): the
    figure was as narrow as its few columns, the study's theme names did not fit beside
    them, matplotlib gave up its layout and the report listed its warning ("constrained_layout
    not applied because axes sizes collapsed to zero"); and the colour bar of sentence counts
    ticked 0.25, 0.5, … ."""
    s, cb = seed_tables, seed_tables["codebook"]
    keep = list(dict.fromkeys(s["segments"]["doc_id"]))[:n_docs]
    segments = s["segments"][s["segments"]["doc_id"].isin(keep)]
    coded = s["coded"][s["coded"]["doc_id"].isin(keep)]
    matrix, columns = findings.document_matrix(coded, segments, s["documents"], cb)
    assert list(matrix.columns) == keep
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = figures.heatmap(matrix, cb, "t", columns)
        width, height = _paper_sized(fig)
    assert width <= figures.MAX_WIDTH + 0.5 and width / height <= figures.MAX_ASPECT
    heat, bar = fig.axes
    # the heatmap keeps room of its own beside the longest theme name and the colour bar
    assert heat.get_position().width * fig.get_figwidth() >= 0.4 * n_docs
    ticks = [t for t in bar.get_yticks() if bar.get_ylim()[0] <= t <= bar.get_ylim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks), ticks


@pytest.mark.parametrize("n_codes", [1, 3])
def test_a_heatmap_of_long_theme_names_stays_within_the_page_and_its_layout(toy, n_codes):
    """The review's case: a codebook's names are its own, and with one document a name of
    70 characters drew a figure 4 times as wide as high, one of 250 lost the layout again.
    Names are cut (the table beside the figure has them whole) and the figure is high enough."""
    coded, segments, documents, codebook = toy
    codes = codebook.codes[:n_codes]
    long = codebook.model_copy(update={"codes": [c.model_copy(update={"name_en": "ord " * 60}) for c in codes]})
    matrix = pd.DataFrame([[1]] * n_codes, index=[c.id for c in codes], columns=["a"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = figures.heatmap(matrix, long, "t")
        width, height = _paper_sized(fig)
    assert width <= figures.MAX_WIDTH + 0.5 and width / height <= figures.MAX_ASPECT, (width, height)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert all(len(t) <= figures.LABEL_CHARS and t.endswith("…") for t in labels), labels


def test_a_figures_text_alternative_names_panels_scales_and_legends_as_what_they_are(toy):
    """The reader's case: the alt text of the heatmap had two "y axis" (its colour bar's
    label read as one), the timeline's panels ran together, a network's caption was an
    "x axis", and no legend was said, so the marks meant nothing to a screen reader."""
    coded, segments, documents, codebook = toy
    matrix, columns = findings.document_matrix(coded, segments, documents, codebook)
    heat = style.describe(figures.heatmap(matrix, codebook, "Coded\nsentences", columns))
    assert heat.startswith("Figure. Coded sentences;") and heat.count("y axis") == 1
    assert heat.endswith("colour scale: coded sentences (count)")
    timeline = style.describe(figures.timeline_figure(findings.timeline(coded, segments, documents, codebook), codebook))
    assert "panel 1: x axis: date of the document (year). panel 2: x axis: document, in date order" in timeline
    assert "legend (circle area: coded sentences per 1,000 words of the document): date known to the day" in timeline
    assert "hatched, faint: rests on 1 or 2 sentences" in timeline and "\n" not in timeline
    cooc = findings.cooccurrence(coded, segments, codebook, "sentence")
    network = style.describe(figures.cooccurrence_network(cooc, codebook, threshold=0.2))
    assert "caption: edge width and shade" in network and "x axis" not in network
