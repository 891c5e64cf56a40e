"""Tests of helpers.drilldown: the matrix with its quotes as an HTML fragment, on
conftest's hand-made ``toy`` tables and on the seed corpus."""

from __future__ import annotations

import re

import pandas as pd

from helpers import drilldown, findings, paths


def test_fragment_escapes_corpus_text(toy):
    coded, segments, documents, codebook = toy
    page = drilldown.fragment(coded, segments, documents, codebook, id_prefix="dd")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "<script" not in page and "alert(1)</script>" not in page
    assert "⚠ small n" in page
    # every link points at a section of the fragment
    links = set(re.findall(r'href="#([^"]+)"', page))
    ids = set(re.findall(r'id="([^"]+)"', page))
    assert links and links <= ids
    assert page.count("<details>") == 6  # one collapsible list of quotes per non-zero cell
    assert "2015 (inferred)" in page
    assert drilldown.fragment(coded, segments, documents, codebook, id_prefix="dd") == page


def test_fragment_styles_itself_from_the_template_scoped_to_its_prefix(toy):
    coded, segments, documents, codebook = toy
    page = drilldown.fragment(coded, segments, documents, codebook, id_prefix="my drill")
    assert page.startswith('<div class="my-drill" id="my-drill">\n<style>\n')
    style = re.search(r"<style>\n(.*?)\n</style>", page, re.S).group(1)
    template = paths.DRILLDOWN_CSS.read_text(encoding="utf-8").strip("\n")
    assert style == template.replace("$prefix", "my-drill")
    assert "$" not in style and all(rule.startswith(".my-drill ") for rule in style.splitlines())


def _contrast_on_white(colour: str) -> float:
    """WCAG 2's contrast ratio of a #rrggbb text colour on white."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_the_fragments_text_colours_on_white_are_legible_wcag_aa(toy):
    """The reader's case: a cell of no sentence was #999 on white (2.8:1) and the small-n
    mark #D55E00 at 0.85em (3.9:1), below the 4.5:1 of WCAG AA for text."""
    coded, segments, documents, codebook = toy
    page = drilldown.fragment(coded, segments, documents, codebook)
    zero = set(re.findall(r'<td style="color:(#[0-9a-fA-F]{6})">0</td>', page))
    warn = set(re.findall(r"\.warn \{color: (#[0-9a-fA-F]{6})", page))
    assert zero == {drilldown.ZERO_INK} and len(warn) == 1  # both are on the page, each in one colour
    for colour in zero | warn:
        assert _contrast_on_white(colour) >= 4.5, colour
    assert _contrast_on_white("#999999") < 4.5 < _contrast_on_white("#595959")  # the measure itself


def test_fragment_on_the_seed_corpus(seed_tables):
    s = seed_tables
    page = drilldown.fragment(s["coded"], s["segments"], s["documents"], s["codebook"])
    assert "tillit-diary/luleå" in page and "å" in page
    n_cells = int((findings.code_by_document(s["coded"], s["segments"], s["codebook"]) > 0).to_numpy().sum())
    assert page.count("<details>") == n_cells


def test_links_carry_the_cells_ink_and_quotes_their_document_and_highlights(toy):
    """A page's link colour (blue) would win over the cell's: each number carries the
    colour that reads on its cell; a quote names its document, not only its raw file, and
    marks the words that fired its code."""
    coded, segments, documents, codebook = toy
    page = drilldown.fragment(coded, segments, documents, codebook)
    cells = re.findall(r'<td style="background:#[0-9a-f]{6};color:(\w+)"><a href="[^"]+" style="color:(\w+)">', page)
    assert cells and all(td == a for td, a in cells) and {"white"} <= {a for _, a in cells}
    assert '<p class="cite">d1, 2016-12-21, characters 0–40 of <span title="the raw file">a.txt</span></p>' in page
    # cited as the findings cite a quote, a date read from CSV ("true") included
    page = drilldown.fragment(coded, segments, documents.assign(date_inferred="true"), codebook)
    assert '<p class="cite">d1, 2016-12-21 (inferred), characters 0–40 of <span' in page
    page = drilldown.fragment(coded, segments, documents.assign(date_inferred="false"), codebook)
    assert '<p class="cite">d1, 2016-12-21, characters 0–40 of <span' in page
    page = drilldown.fragment(coded.assign(matched="meningen"), segments, documents, codebook)
    assert "<blockquote lang=\"sv\">Första <mark>meningen</mark>.</blockquote>" in page


def test_many_documents_are_rows_of_the_matrix(toy):
    """Beyond figures.WIDE documents the matrix is transposed (documents as rows, themes as
    columns), so it fits the page as the heatmap does."""
    coded, segments, documents, codebook = toy
    page = drilldown.fragment(coded, segments, documents, codebook)
    assert "<thead><tr><th>theme</th>" in page
    many = pd.concat([segments.assign(doc_id=f"doc{i:02d}", file=f"{i:02d}.txt") for i in range(14)], ignore_index=True)
    coded_many = pd.concat([coded.assign(doc_id=f"doc{i:02d}", file=f"{i:02d}.txt") for i in range(14)], ignore_index=True)
    docs_many = pd.DataFrame({"doc_id": [f"doc{i:02d}" for i in range(14)], "file": [f"{i:02d}.txt" for i in range(14)],
                              "date": "2020", "date_inferred": "false"})
    page = drilldown.fragment(coded_many, many, docs_many, codebook)
    assert "<thead><tr><th>document</th>" in page and "document (rows) and theme (columns)" in page
    assert page.count('<tr><th class="code">doc') == 14
    links = set(re.findall(r'href="#([^"]+)"', page))
    assert links <= set(re.findall(r'id="([^"]+)"', page))
    # a code of low reviewed precision keeps its mark in the transposed header, which shows ids
    low = codebook.ids[0]
    marked = codebook.model_copy(update={"codes": [
        c.model_copy(update={"name_en": f"{c.name_en} {findings.LOW_MARK}"}) if c.id == low else c
        for c in codebook.codes]})
    page = drilldown.fragment(coded_many, many, docs_many, marked)
    assert f">{low}<br><small>{findings.LOW_MARK}</small></th>" in page
    assert page.count(findings.LOW_MARK) >= 2  # the header and its title (and the quotes' headings)


def test_a_quote_its_reviewers_agree_is_wrong_says_so_under_it(toy):
    """The diff review's case: the representative quotes left out sentences reviewed wrong,
    while the drill-down listed them as any other, unmarked."""
    coded, segments, documents, codebook = toy
    first = coded.iloc[0]
    key = (str(first["file"]), int(first["start"]), str(first["code"]))
    page = drilldown.fragment(coded, segments, documents, codebook, wrong={key})
    assert page.count("reviewed: wrong for this theme") == 1
    assert "reviewed: wrong" not in drilldown.fragment(coded, segments, documents, codebook)
    # the matrix still counts it: the counts are those of the codes drawn on
    assert re.sub(r"<p class=\"cite\">.*?</p>", "", page) == re.sub(
        r"<p class=\"cite\">.*?</p>", "", drilldown.fragment(coded, segments, documents, codebook))
