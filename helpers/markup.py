"""Data into Markdown and HTML, as text.

Everything the pages show that comes from data (the corpus's sentences, file names and
document ids, the metadata's values, a codebook's names, a study's description) goes
through :func:`escape` on its way into Markdown or HTML, so that it is shown as it is and
never becomes markup: no ``<script>``, no element with an ``on…`` handler, no link.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for the annotation
    import pandas as pd

# Characters with a meaning inside a Markdown paragraph (CommonMark, GitHub's extensions
# and nbconvert's math): backslash-escaped. < > & become entities, like in HTML.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]~|$])")
# A line break (or a run of white space holding one) could start a heading, a list, a
# code block or a new paragraph: data is inline text, so it reads as one space.
_LINE_BREAK = re.compile(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]\s*")
# A bare URL (``https://…``) in a paragraph is made a live link by nbconvert's Markdown
# (mistune's ``url`` plugin: ``http`` and ``https``; ``<scheme:…>`` autolinks need a ``<``,
# which becomes an entity). With the colon after any scheme backslash-escaped no URL
# pattern matches, and the page shows the same characters.
_URL_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(?=//)")


def escape(value: object, markdown: bool = False) -> str:
    """``value`` as text, safe to put into HTML (element content or a quoted attribute:
    ``& < > " '`` become character references) or, with ``markdown=True``, into a
    Markdown paragraph (also ``\\ ` * _ [ ] ~ | $`` backslash-escaped, line breaks
    read as a space, and the colon of a URL's ``scheme://`` escaped so that a bare URL is
    not made a link). Plain words, numbers, dates and ``- / . , : ; ( )`` are left as
    they are, so text without markup is unchanged."""
    text = str(value)
    if not markdown:
        return html.escape(text, quote=True)
    text = _LINE_BREAK.sub(" ", text)
    text = _URL_SCHEME.sub(r"\1\\:", _MARKDOWN_PUNCTUATION.sub(r"\\\1", text))
    return html.escape(text, quote=False)


def highlight(text: str, words: list[str]) -> str:
    """``text`` escaped for HTML, with every occurrence of each of ``words`` as a whole
    word (case insensitive, longest first) wrapped in ``<mark>``; the words are data too
    and are matched as text, never as patterns."""
    words = sorted({w for w in words if w.strip()}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)
    out, at = [], 0
    for m in pattern.finditer(text):
        out += [escape(text[at:m.start()]), "<mark>", escape(m.group(0)), "</mark>"]
        at = m.end()
    return "".join(out + [escape(text[at:])])


def matched_parts(value: object) -> list[str]:
    """The words of a coded row's ``matched`` cell: its ``"; "``-joined matches, each a
    phrase or ``a … b``, split into their stripped, non-empty parts (what to highlight)."""
    return [p.strip() for m in str(value).split("; ") for p in m.split(" … ") if p.strip()]


def table(frame: "pd.DataFrame", marks: dict[str, str] | None = None, caption: str = "",
          labelled: bool = False) -> str:
    """A table as HTML that shows every cell whole (no cut text, wrapping), each cell
    escaped; ``marks`` maps a column to the column whose ``"; "``-joined words are
    highlighted in it (:func:`highlight`). The cells of a marked column and of the
    columns of Swedish text (:data:`SWEDISH_COLUMNS`, as :func:`frame` reads them) are
    marked ``lang="sv"`` (the corpus's text in an English page). ``labelled``: each cell
    carries its column's name (``data-label``), for a page that shows its rows as stacked
    cards on a narrow screen, each value under its name."""
    marks = marks or {}
    head = "".join(f"<th>{escape(c)}</th>" for c in frame.columns if c not in marks.values())
    rows = []
    for r in frame.to_dict("records"):
        cells = []
        for c in frame.columns:
            if c in marks.values():
                continue
            v = "" if r[c] is None or (isinstance(r[c], float) and r[c] != r[c]) else r[c]
            label = f' data-label="{escape(c)}"' if labelled else ""
            if c in marks:
                cells.append(f'<td lang="sv"{label}>{highlight(str(v), matched_parts(r[marks[c]]))}</td>')
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                cells.append(f'<td class="num"{label}>{escape(v)}</td>')
            elif c in SWEDISH_COLUMNS and str(v).strip():  # an empty cell holds no Swedish
                cells.append(f'<td lang="sv"{label}>{escape(v)}</td>')
            else:
                cells.append(f"<td{label}>{escape(v)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f'<table class="kv-table">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def swedish_markdown(text: str) -> str:
    """Swedish text (a quote) inside a Markdown line of an English page: escaped
    (:func:`escape`) and marked ``lang="sv"``, so that a screen reader reads it in Swedish
    and a browser hyphenates it as Swedish, wherever the line is rendered (the notebook
    page, the index's findings in brief)."""
    return f'<span lang="sv">{escape(text, markdown=True)}</span>'


def study_markdown(study: dict) -> str:
    """A corpus's ``study.yaml`` (:func:`helpers.corpus.load_study`) as the overview shows
    it, in Markdown: its title in bold with its period, then its questions numbered; every
    value escaped (:func:`escape`), so a study's words are shown as they are."""
    title = escape(study.get("title") or "(no title)", markdown=True)
    period = f" ({escape(study['period'], markdown=True)})" if study.get("period") else ""
    asked = [f"{n}. {_inline(escape(q, markdown=True))}" for n, q in enumerate(study.get("questions", []), 1)]
    return "\n".join([f"**{title}**{period}", "", *asked])


# what opens a block when a line (or a list item) begins with it: a heading, a list item, a
# setext underline or a numbered item ("1986. ..." as much as "1. "); a quote's ">" is an
# entity already (escape), which opens nothing
_BLOCK_START = re.compile(r"^(\s*)([#+\-=]|\d+(?=[.)]))")


def _inline(text: str) -> str:
    """Escaped Markdown text (:func:`escape`) that begins a line or a list item, with what
    would open a block there escaped too (``\\#``, ``1986\\.``), so that it stays text."""
    m = _BLOCK_START.match(text)
    if not m:
        return text
    if m.group(2)[0].isdigit():  # the number stays; its "." or ")" is escaped
        end = m.end()
        return text[:end] + "\\" + text[end:]
    return text[:m.start(2)] + "\\" + text[m.start(2):]


# A table's head, and a header cell in it that holds only text (pandas' and :func:`table`'s),
# its text already escaped.
_THEAD = re.compile(r"<thead\b.*?</thead>", re.DOTALL)
_TH_TEXT = re.compile(r"(<th\b[^>]*>)([^<]*)(</th>)")
LONG_WORD = 12  # characters: a longer word of a column header may break after its underscores


def header_breaks(page: str) -> str:
    """``page`` with a line-break opportunity (``<wbr>``) after each underscore in the
    longer words (over :data:`LONG_WORD` characters; ``(coding_A)`` stays whole) of the
    column headers of its tables (``<th>`` in ``<thead>``, holding no element), so that a
    column name such as ``near_misses_reviewed`` wraps between its words: the pages'
    style wraps headers only there and at spaces, never inside a word.
    Row headers (a code id such as ``R_DISCRETION``) keep their underscores whole. The
    text is escaped already (only ``_`` is touched); attributes and other cells are left
    as they are."""
    def cell(c: re.Match) -> str:
        words = re.split(r"(\s+)", c.group(2))
        return c.group(1) + "".join(w.replace("_", "_<wbr>") if len(w) > LONG_WORD else w for w in words) + c.group(3)

    return _THEAD.sub(lambda m: _TH_TEXT.sub(cell, m.group(0)), page)


# Columns whose cells are the corpus's Swedish (sentences, quotes, matched words, word
# forms): a table holding one marks its body ``lang="sv"`` (headers stay the page's English),
# so that screen readers read it as Swedish and browsers hyphenate it as Swedish.
SWEDISH_COLUMNS = frozenset({
    "text", "quote", "matched", "words", "word", "word1", "word2", "left", "keyword", "right",
    "raw (removed ⟦…⟧)", "next kept sentence", "most frequent matched words", "suppressing_words",
    "title", "name (sv)", "example",
})


def frame(df: "pd.DataFrame") -> str:
    """A DataFrame as the notebooks show it (pandas' own HTML, every cell escaped), read as
    a table in a report rather than as program output, in one header row:

    - no column of row numbers when the rows have no labels but numbers (an unnamed index
      of integers: positions, or the positions left after a selection, 0, 20, 21, …);
    - a row index's name heads its column, in the corner, instead of a second header row
      of its own; a crosstab's two names share the corner ("code \\ document");
    - row labels of several levels keep pandas' grouping (a label spans the rows it
      labels), their names in the corner of the one header row;

    and the body marked ``lang="sv"`` when a column (or the rows' labels) shows Swedish
    text (:data:`SWEDISH_COLUMNS`). pandas' display limits hold as in its own display
    (``display.max_rows``, ``max_columns``, ``show_dimensions``; ``style.use`` lifts the
    first two). An unnamed index of integers that means something (years) is to be named."""
    import pandas as pd

    index, columns = df.index, df.columns
    names = {c for c in [*columns, *index.names] if isinstance(c, str)}  # before a corner takes the index's name
    limits = {"max_rows": pd.get_option("display.max_rows"), "max_cols": pd.get_option("display.max_columns"),
              "show_dimensions": pd.get_option("display.show_dimensions")}
    if index.nlevels == 1 and index.name is None and pd.api.types.is_integer_dtype(index.dtype):
        page = df.to_html(index=False, notebook=True, escape=True, **limits)
    else:
        if isinstance(index.name, str) and columns.nlevels == 1:
            corner = index.name if columns.name is None else f"{index.name} \\ {columns.name}"
            df = df.rename_axis(index=None, columns=corner)
        page = df.to_html(notebook=True, escape=True, **limits)
        if index.nlevels > 1 and columns.nlevels == 1 and columns.name is None:
            page = _THEAD.sub(lambda m: _one_header_row(m.group(0), index.nlevels), page, count=1)
    if SWEDISH_COLUMNS & names:
        page = page.replace("<tbody>", '<tbody lang="sv">', 1)
    return page


_HEADER_ROW = re.compile(r"(<tr\b[^>]*>)(.*?)</tr>", re.DOTALL)
_HEADER_CELL = re.compile(r"<th\b[^>]*>(.*?)</th>", re.DOTALL)


def _one_header_row(thead: str, levels: int) -> str:
    """pandas' head of a table whose rows have ``levels`` levels of labels (a first row of
    ``levels`` empty cells and the column names, a second of the levels' names and empty
    cells) as one row: the levels' names, then the column names. Any other head is kept."""
    rows = _HEADER_ROW.findall(thead)
    if len(rows) != 2:
        return thead
    (tag, first), (_, second) = rows
    top, names = _HEADER_CELL.findall(first), _HEADER_CELL.findall(second)
    if len(top) != len(names) or any(top[:levels]) or any(names[levels:]):
        return thead
    cells = "".join(f"\n      <th>{c}</th>" for c in names[:levels] + top[levels:])
    return f"<thead>\n    {tag}{cells}\n    </tr>\n  </thead>"
