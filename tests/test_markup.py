"""Tests of helpers.markup's tables and highlights: data shown whole, as text."""

from __future__ import annotations

import pandas as pd

from helpers import markup


def test_highlight_marks_whole_words_and_escapes_everything():
    text = "Ekonomi och ekonomiska <b>mål</b> & (a+)+ detalj- och resultatstyrning"
    got = markup.highlight(text, ["ekonomi", "mål", "(a+)+", "detalj-", "", "<b>"])
    assert got == ("<mark>Ekonomi</mark> och ekonomiska &lt;b&gt;<mark>mål</mark>&lt;/b&gt; &amp; "
                   "<mark>(a+)+</mark> <mark>detalj-</mark> och resultatstyrning")
    assert markup.highlight("<i>x</i>", []) == "&lt;i&gt;x&lt;/i&gt;"


def test_table_shows_every_cell_whole_and_escaped():
    long = "Ett mycket långt citat " * 20 + "<script>alert(1)</script>"
    frame = pd.DataFrame({"doc_id": ["a<b"], "start": [12], "quote": [long], "matched": ["långt; citat"]})
    page = markup.table(frame, marks={"quote": "matched"}, caption="Highlighted & whole")
    assert "<th>matched</th>" not in page  # the words are shown as highlights, not as a column
    assert '<td class="num">12</td>' in page and "<td>a&lt;b</td>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert page.count("<mark>långt</mark>") == 20 and "…" not in page
    assert "<caption>Highlighted &amp; whole</caption>" in page


def test_header_breaks_touch_only_the_text_of_column_headers():
    page = ('<table><thead><tr><th class="a_b">near_misses_reviewed &lt;b&gt;x_yy&lt;/b&gt; (coding_A)</th>'
            '<th><span>long_name_in_a_span</span></th></tr></thead><tbody><tr><td>long_name_in_a_cell</td></tr>'
            '</tbody></table>')
    assert markup.header_breaks(page) == page.replace("near_misses_reviewed", "near_<wbr>misses_<wbr>reviewed").replace(
        "x_yy", "x_<wbr>yy")  # long words only: (coding_A) stays whole; the escaped text stays escaped
    rows = '<table><tbody><tr><th>R_DISCRETION_LONG</th><td>1</td></tr></tbody></table>'
    assert markup.header_breaks(rows) == rows  # a row header (a code id) is kept whole
