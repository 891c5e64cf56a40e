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
    assert '<td lang="sv">' in page and "<td>a&lt;b</td>" in page  # the highlighted quote is Swedish, an id is not
    titled = markup.table(frame.rename(columns={"doc_id": "title"}))
    assert '<td lang="sv">a&lt;b</td>' in titled  # a column of Swedish text, as frame reads it
    empty = markup.table(pd.DataFrame({"title": ["", "Tillit"]}))
    assert "<td></td>" in empty and '<td lang="sv">Tillit</td>' in empty  # an empty cell holds no Swedish


def test_header_breaks_touch_only_the_text_of_column_headers():
    page = ('<table><thead><tr><th class="a_b">near_misses_reviewed &lt;b&gt;x_yy&lt;/b&gt; (coding_A)</th>'
            '<th><span>long_name_in_a_span</span></th></tr></thead><tbody><tr><td>long_name_in_a_cell</td></tr>'
            '</tbody></table>')
    assert markup.header_breaks(page) == page.replace("near_misses_reviewed", "near_<wbr>misses_<wbr>reviewed").replace(
        "x_yy", "x_<wbr>yy")  # long words only: (coding_A) stays whole; the escaped text stays escaped
    rows = '<table><tbody><tr><th>R_DISCRETION_LONG</th><td>1</td></tr></tbody></table>'
    assert markup.header_breaks(rows) == rows  # a row header (a code id) is kept whole


def _header_rows(page: str) -> list[list[str]]:
    import re

    thead = re.search(r"<thead>(.*?)</thead>", page, re.S).group(1)
    return [re.findall(r"<th[^>]*>(.*?)</th>", row, re.S) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", thead, re.S)]


def test_frame_shows_a_table_without_row_numbers_with_its_index_named_in_one_header_row():
    """What a notebook shows of a DataFrame after style.use(): positions are no column of
    their own, a named index heads its column in the one header row, every cell is escaped
    and Swedish text is marked as Swedish (the body only: the headers are the page's English)."""
    plain = pd.DataFrame({"word": ["<b>tillit</b>", "mål"], "count": [3, 2]})
    page = markup.frame(plain)
    assert _header_rows(page) == [["word", "count"]]
    assert "<th>0</th>" not in page and "<td>&lt;b&gt;tillit&lt;/b&gt;</td>" in page and "<b>" not in page
    assert page.index('<tbody lang="sv">') > page.index("</thead>")  # the body, after the English headers
    named = markup.frame(pd.DataFrame({"F1": [0.5]}, index=pd.Index(["P_DETAIL"], name="code")))
    assert _header_rows(named) == [["code", "F1"]] and "<th>P_DETAIL</th>" in named
    assert "<tbody>" in named  # no Swedish column: no lang
    # the positions left after a selection (0, 20, …) are no labels either (the review found them on 01)
    selected = markup.frame(plain.set_axis([0, 20]))
    assert "<th>20</th>" not in selected and _header_rows(selected) == [["word", "count"]]
    assert "<th>b</th>" in markup.frame(plain.set_axis(["a", "b"]))  # labels that are not numbers stay
    # a crosstab's two names (rows and columns) share the corner of one header row
    cross = pd.DataFrame([[1]], index=pd.Index(["P_DETAIL"], name="code"), columns=pd.Index(["a-1"], name="document"))
    assert _header_rows(markup.frame(cross)) == [["code \\ document", "a-1"]]
    # rows labelled on several levels keep their grouping, the levels' names in the one header row
    levels = pd.DataFrame({"part": ["all", "all"], "genre": ["all", "blogg"], "units": [88, 33]}).set_index(["part", "genre"])
    page = markup.frame(levels)
    assert _header_rows(page) == [["part", "genre", "units"]] and '<th rowspan="2" valign="top">all</th>' in page
    unnamed = markup.frame(levels.rename_axis([None, "genre"]))  # a level without a name: its corner cell empty
    assert _header_rows(unnamed) == [["", "genre", "units"]]
    # the index's name counts for the Swedish mark too; a crosstab's corner (its axes' names) does not
    assert '<tbody lang="sv">' in markup.frame(plain.set_index("word"))
    assert '<tbody lang="sv">' not in markup.frame(cross.rename_axis(index="code", columns="word"))
    # unusual frames: empty, columns on two levels (pandas' head kept), an index named by a tuple
    assert _header_rows(markup.frame(pd.DataFrame(columns=["word", "count"]))) == [["word", "count"]]
    two = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("a", "x"), ("a", "y")]), index=["P"])
    assert "<th>x</th>" in markup.frame(two) and "<th>P</th>" in markup.frame(two)
    assert "<th>P</th>" in markup.frame(pd.DataFrame({"n": [1]}, index=pd.Index(["P"], name=("a", "b"))))
    # pandas' display limits hold as in its own display
    with pd.option_context("display.max_rows", 4, "display.min_rows", 2):
        assert markup.frame(pd.DataFrame({"n": range(20)})).count("<tr") < 10


def test_a_labelled_table_names_each_cells_column_for_a_phone():
    frame = pd.DataFrame({"doc_id": ["a"], "a<b": [3]})
    assert markup.table(frame, labelled=True) == (
        '<table class="kv-table"><thead><tr><th>doc_id</th><th>a&lt;b</th></tr></thead><tbody><tr>'
        '<td data-label="doc_id">a</td><td class="num" data-label="a&lt;b">3</td></tr></tbody></table>')
    assert "data-label" not in markup.table(frame)


def test_a_swedish_quote_in_markdown_is_escaped_and_marked_swedish():
    """The reader's case: the index's findings in brief quoted Swedish sentences on an
    English page without saying so (a screen reader read them in English)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    said = markup.swedish_markdown("Mer <b>tillit</b> *nu*")
    html = markdown2html_mistune(f"For example: “{said}”.")
    assert '<span lang="sv">Mer &lt;b&gt;tillit&lt;/b&gt; *nu*</span>' in html and "<b>" not in html and "<em>" not in html


def test_the_overview_shows_a_study_s_title_period_and_questions_as_text():
    """Notebook 00 shows study.yaml as Markdown (it printed it as program output): its words
    are data, so no markup, link or heading of theirs takes effect."""
    study = {"title": "Tillit <script>x</script>", "period": "2013–2017",
             "questions": ["Vilka *problem*?", "# Rubrik [länk](http://evil.example)"]}
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    shown = markup.study_markdown(study)
    page = markdown2html_mistune(shown)  # as the report renders it
    assert "<script>" not in page and "<a " not in page and "<h1" not in page and page.count("<li>") == 2
    assert shown.splitlines()[0] == "**Tillit &lt;script&gt;x&lt;/script&gt;** (2013–2017)"
    assert shown.splitlines()[2:] == ["1. Vilka \\*problem\\*?", "2. \\# Rubrik \\[länk\\](http\\://evil.example)"]
    # what would open a block at the start of an item stays text: a quote, a list, a number's dot
    items = markup.study_markdown({"questions": ["> citat", "- punkt", "1986. Året"]}).splitlines()[2:]
    assert items == ["1. &gt; citat", "2. \\- punkt", "3. 1986\\. Året"]  # ">" is an entity: no quote
    assert markup.study_markdown({}) == "**(no title)**\n"
    assert markup.study_markdown({"title": "", "period": ""}) == "**(no title)**\n"  # as the index reads them
    assert "<hr" not in markdown2html_mistune(markup.study_markdown({"title": ""}))
