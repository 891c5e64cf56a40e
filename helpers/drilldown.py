"""The drill-down: the document × theme matrix of coded sentences as an HTML fragment in
which every non-zero cell leads to the quotes behind it (from
:func:`helpers.findings.drilldown`), for a notebook to show with ``IPython.display.HTML``
and for the HTML report.

The fragment is self-contained: its style sheet (``templates/drilldown.css``, scoped to
the fragment's class ``$prefix``) is inlined, and it has no scripts, fonts or external
files.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from string import Template

import matplotlib as mpl
import pandas as pd

from . import decisions, markup, paths
from .coding import Codebook
from .figures import WIDE, ink, unmarked
from .findings import LOW_MARK, SMALL_N_MARK, citation, date_label, doc_dates, doc_order, drilldown, enough, few_sentences, plural
from .style import SEQUENTIAL

CSS = Template(paths.DRILLDOWN_CSS.read_text(encoding="utf-8"))
ZERO_INK = "#767676"  # a cell of no sentence: grey, yet 4.5:1 on white, the WCAG AA minimum for text


def fragment(coded: pd.DataFrame, segments: pd.DataFrame, documents: pd.DataFrame,
             codebook: Codebook, id_prefix: str = "drilldown",
             wrong: Collection[tuple[str, int, str]] = ()) -> str:
    """A self-contained HTML fragment (inline CSS, no scripts, fonts or external files):
    the theme × document matrix of coded sentences, each non-zero cell a link to the
    list of its quotes below (with document id, date and raw character offsets; the words
    that fired the code highlighted), cells resting on
    1 or 2 sentences marked "⚠" with a visible small-n warning. Every piece of data
    (quotes, document ids, dates, file names, the codebook's names) is escaped
    (:func:`helpers.markup.escape`). ``id_prefix`` keeps the
    element ids unique when several fragments share a page. A quote whose
    ``(file, start, code)`` is in ``wrong`` (:func:`helpers.decisions.wrong_keys`: its
    reviewers agree the code is wrong for it) says so under it; it is still counted, as
    the codes drawn on are."""
    esc = markup.escape
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", id_prefix) or "drilldown"
    drill = drilldown(coded, segments, documents, codebook)
    docs = doc_order(segments)
    dates = doc_dates(documents)
    cells = {k: g for k, g in drill.groupby(["doc_id", "code"], sort=False)}
    vmax = max([len(g) for g in cells.values()] or [1])
    cmap = mpl.colormaps[SEQUENTIAL]

    def anchor(j: int, code: str) -> str:
        return f"{prefix}-{j}-{code.lower()}"

    transpose = len(docs) > WIDE  # many documents: one row each, themes as columns
    rows_are = "document" if transpose else "theme"
    layout = "document (rows) and theme (columns)" if transpose else "theme (rows) and document (columns)"
    out = [f'<div class="{prefix}" id="{prefix}">',
           "<style>", CSS.substitute(prefix=prefix).rstrip("\n"), "</style>",
           f"<p>Coded sentences per {layout}. "
           f'Click a number to read its quotes (or open a list below the matrix). <span class="warn">{SMALL_N_MARK} '
           f'small n</span>: the cell rests on {few_sentences()}; '
           'read them before drawing a conclusion.</p>',
           "<table>", f"<thead><tr><th>{rows_are}</th>"]

    def doc_head(d: str) -> str:
        date = date_label(dates["date"].get(d, ""), dates["date_inferred"].get(d, False))
        cls = ' class="code"' if transpose else ""
        return f"<th{cls}>{esc(d)}<br><small>{esc(date)}</small></th>"

    def code_head(code: str) -> str:
        name = codebook.code(code).name_en  # a transposed header shows the id: it keeps the name's mark
        mark = f"<br><small>{esc(LOW_MARK)}</small>" if unmarked(name)[1] else ""
        return (f'<th title="{esc(name)}">{esc(code)}{mark}</th>' if transpose
                else f'<th class="code">{esc(code)} · {esc(codebook.code(code).name_en)}</th>')

    def cell(j: int, d: str, code: str) -> str:
        g = cells.get((d, code))
        if g is None:
            return f'<td style="color:{ZERO_INK}">0</td>'
        n = len(g)
        bg = cmap(n / vmax)
        fg = ink(bg)
        warn = (f' <span class="warn" title="small n: {few_sentences()}">{SMALL_N_MARK}</span>'
                if not enough(n) else "")
        # the link's own colour: a page's link style (blue) would win over the cell's
        return (f'<td style="background:{mpl.colors.to_hex(bg)};color:{fg}">'
                f'<a href="#{anchor(j, code)}" style="color:{fg}">{n}</a>{warn}</td>')

    if transpose:
        out += [code_head(code) for code in codebook.ids] + ["</tr></thead><tbody>"]
        for j, d in enumerate(docs):
            out += ["<tr>" + doc_head(d)] + [cell(j, d, code) for code in codebook.ids] + ["</tr>"]
    else:
        out += [doc_head(d) for d in docs] + ["</tr></thead><tbody>"]
        for code in codebook.ids:
            out += ["<tr>" + code_head(code)] + [cell(j, d, code) for j, d in enumerate(docs)] + ["</tr>"]
    out.append("</tbody></table>")
    for j, d in enumerate(docs):
        for code in codebook.ids:
            g = cells.get((d, code))
            if g is None:
                continue
            n = len(g)
            warn = (f' <span class="warn">{SMALL_N_MARK} small n: rests on '
                    f'{plural(n, "sentence")}</span>') if not enough(n) else ""
            # collapsed until opened; following a link from the matrix opens it (the
            # link's target lies inside the <details>)
            out.append("<details>")
            out.append(f"<summary><strong>{esc(code)} · {esc(codebook.code(code).name_en)} in {esc(d)}: "
                       f"{plural(n, 'sentence')}</strong>{warn}</summary>")
            out.append(f'<div id="{anchor(j, code)}">')
            for r in g.itertuples(index=False):
                out.append(f'<blockquote lang="sv">{markup.highlight(str(r.quote), markup.matched_parts(r.matched))}'
                           '</blockquote>')
                flagged = (f' · <span class="warn">{esc(decisions.WRONG_NOTE)}</span>'
                           if (str(r.file), int(r.start), str(r.code)) in wrong else "")
                out.append(f'<p class="cite">{esc(citation(r._asdict()))} of '
                           f'<span title="the raw file">{esc(str(r.file))}</span>{flagged}</p>')
            out.append(f'<p><small><a href="#{prefix}">↑ back to the matrix</a></small></p></div></details>')
    out.append("</div>")
    return "\n".join(out) + "\n"


