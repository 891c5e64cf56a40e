"""Look at the HTML pages as a reader would: headless Chromium renders every page.

Chromium is Debian's package (``apt-get install chromium``), driven by Playwright
without downloading a browser. On a machine without it this test skips and says why;
in CI (``.ci/run`` installs it and sets ``KVALITEXT_REQUIRE_BROWSER=1``) it is required.
Screenshots are kept in ``OUT/screenshots/`` for a person to look at. The ``browser``
fixture is conftest's (tests/test_hostile_input.py uses it too).
"""

from __future__ import annotations

import re


def test_every_page_renders_with_images_loaded_and_nothing_cut_off(browser, own_corpus_report):
    out, _ = own_corpus_report
    pages = sorted((out / "html").glob("*.html"))
    assert len(pages) >= 3
    shots = out / "screenshots"
    shots.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    for path in pages:
        page.goto(path.as_uri(), wait_until="load")
        images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])")
        assert all(done and width > 0 for done, width, _ in images), (path.name, images)
        assert all(alt for _, _, alt in images), path.name
        width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= viewport, f"{path.name} is wider than the window ({width} > {viewport} px)"
        assert page.evaluate("document.body.innerText.trim().length") > 100, path.name
        page.screenshot(path=str(shots / f"{path.stem}.png"), full_page=True)
    # nothing was fetched from the network, only the pages themselves and data: URIs
    assert [u for u in requests if not re.match(r"(file|data):", u)] == []
    # images with figures were actually drawn
    assert (shots / "04_findings.png").stat().st_size > 20_000


def test_index_links_lead_to_pages(browser, own_corpus_report):
    out, index = own_corpus_report
    page = browser.new_page()
    page.goto(index.as_uri())
    hrefs = page.evaluate("Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href'))")
    local = [h for h in hrefs if h and not h.startswith(("http", "#"))]
    assert local and all((out / "html" / h).exists() for h in local), local


# Column names as the pipeline's tables have them: words joined by spaces or underscores.
_LONG_HEADERS = ["near misses reviewed", "precision_low_estimate", "recall (near misses)", "most frequent matched words",
                 "sentences_per_1000_words", "Detaljstyrning", "documents", "date_precision", "reviewer agreement",
                 "suppressed_by_not_with", "Tillitsdelegationen", "unsure"]


def test_table_headers_wrap_between_words_never_inside_one(browser, tmp_path):
    """A page whose table has more columns than room: every header cell breaks its text at
    spaces or after underscores (markup.header_breaks), never inside a word; the cells'
    data stay escaped."""
    import nbformat
    import pandas as pd

    from helpers import report

    headers = _LONG_HEADERS + ["<b>x_y</b>"]
    frame = pd.DataFrame([[1.234] * len(headers)], columns=headers)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "frame", execution_count=1, outputs=[nbformat.v4.new_output(
            "execute_result", {"text/html": frame.to_html(), "text/plain": "frame"}, execution_count=1)])])
    page_file = tmp_path / "t.html"
    page_file.write_text(report.export_html(nb, reader=True), encoding="utf-8")
    assert "<b>x_" not in page_file.read_text(encoding="utf-8")  # still escaped
    page = browser.new_page(viewport={"width": 900, "height": 700})
    page.goto(page_file.as_uri(), wait_until="load")
    split = _words_split_across_lines(page, "th")
    page.screenshot(path=str(tmp_path / "headers.png"), full_page=True)
    assert split == []
    narrow = page.evaluate("Array.from(document.querySelectorAll('th')).map(t => t.textContent)")
    assert "precision_low_estimate" in narrow and "<b>x_y</b>" in narrow


def _words_split_across_lines(page, selector: str, word: str = r"\S+") -> list[str]:
    """The words (runs of the regular expression ``word``) of the elements ``selector``
    finds on ``page`` that the browser laid out on more than one line."""
    return page.evaluate("""([selector, word]) => {
    const out = [];
    for (const element of document.querySelectorAll(selector)) {
        const walk = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
        for (let node = walk.nextNode(); node; node = walk.nextNode()) {
            const re = new RegExp(word, "g");
            let m;
            while ((m = re.exec(node.data)) !== null) {
                const range = document.createRange();
                range.setStart(node, m.index);
                range.setEnd(node, m.index + m[0].length);
                const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
                if (tops.size > 1) out.push(m[0]);
            }
        }
    }
    return out;
}""", [selector, word])


def test_the_index_tables_cells_keep_their_words_whole(browser, tmp_path):
    """The index's corpus table, on the study's metadata: a cell wraps between words; a word
    (an id such as 'hartman-2017', a genre) is broken only when it cannot fit its column
    whole."""
    from helpers import paths, report
    from helpers.pipeline import Run

    page_file = tmp_path / "index.html"
    page_file.write_text(report.index_page([], Run.from_params(paths.PROJ_ROOT / "corpus", tmp_path)),
                         encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(page_file.as_uri(), wait_until="load")
    assert page.evaluate("document.querySelectorAll('td').length") > 20
    # a break after a hyphen ("hartman-" / "2017") is a break between words
    assert _words_split_across_lines(page, "td", r"[^\s-]+") == []


def _index_with_a_long_word(browser, corpus_factory, tmp_path):
    """The index page of a corpus whose doc id and title are one word of 180 letters, open
    in a window 800 px wide."""
    from helpers import report
    from helpers.pipeline import Run

    long = "x" * 180
    root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två."}, f"file,doc_id,title\na.txt,{long},{long}\nb.txt,b,kort\n")
    page_file = tmp_path / "index.html"
    page_file.write_text(report.index_page([], Run.from_params(root, tmp_path / "out")), encoding="utf-8")
    page = browser.new_page(viewport={"width": 800, "height": 700})
    page.goto(page_file.as_uri(), wait_until="load")
    return page


def test_an_index_table_with_a_word_longer_than_the_page_scrolls_in_its_box(browser, corpus_factory, tmp_path):
    """A doc id or title of one long word (metadata comes from elsewhere) keeps the page as
    wide as the window: its table scrolls sideways in its own box."""
    page = _index_with_a_long_word(browser, corpus_factory, tmp_path)
    assert page.evaluate("[document.documentElement.scrollWidth <= window.innerWidth, "
                         "document.querySelector('table').offsetWidth > window.innerWidth]") == [True, True]


def _page_of_outputs(tmp_path, outputs: list) -> "Path":  # noqa: F821
    """A reader-edition page of one code cell with ``outputs``."""
    import nbformat

    from helpers import report

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", id="c", execution_count=1, outputs=outputs)])
    page_file = tmp_path / "outputs.html"
    page_file.write_text(report.export_html(nb, reader=True), encoding="utf-8")
    return page_file


def test_printed_text_wraps_between_words_and_breaks_only_a_word_too_long_for_a_line(browser, tmp_path):
    """What a cell printed wraps at spaces on a phone-sized window, never inside a word that
    fits a line ("servic|es"); a word longer than the line is broken rather than widening
    the page."""
    import nbformat

    words = " ".join(["services", "detaljstyrning", "socialsekreterarna", "kärnuppdraget", "tillitsbaserad"] * 12)
    long = "x" * 300
    page_file = _page_of_outputs(tmp_path, [nbformat.v4.new_output("stream", name="stdout", text=f"{words}\n{long}\n")])
    page = browser.new_page(viewport={"width": 420, "height": 800})
    page.goto(page_file.as_uri(), wait_until="load")
    page.screenshot(path=str(tmp_path / "printed.png"), full_page=True)
    assert _words_split_across_lines(page, ".jp-OutputArea-output pre", r"[^\sx]+") == []
    assert _words_split_across_lines(page, ".jp-OutputArea-output pre", "x{300}") == ["x" * 300]
    assert page.evaluate("[document.documentElement.scrollWidth <= window.innerWidth, "
                         "Array.from(document.querySelectorAll('pre')).every(p => p.scrollWidth <= p.clientWidth)]"
                         ) == [True, True]


def test_dataframe_tables_read_text_from_the_left_and_line_numbers_up_on_the_right(browser, tmp_path):
    """A keyword-in-context table as a notebook shows it (pandas' HTML): its text columns
    start at the left of their cells, its number columns end at the right, at the width
    of a desktop window and of a phone."""
    import nbformat
    import pandas as pd

    frame = pd.DataFrame({"doc_id": ["kcnc-2016", "hartman-2017"], "start": [686, 12045],
                          "left": ["Ett av de värsta skräckexemplen är från hemtjänsten där man",
                                   "Vi diskuterade också"],
                          "right": ["med minutbasis vilka insatser som undersköterskan ska göra hemma hos den äldre",
                                    "olika uppdrag ibland krockar"], "share": [0.25, 1.5]})
    page_file = _page_of_outputs(tmp_path, [nbformat.v4.new_output(
        "execute_result", {"text/html": frame._repr_html_(), "text/plain": "frame"}, execution_count=1)])
    page = browser.new_page()
    for width in (1280, 420):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(page_file.as_uri(), wait_until="load")
        page.screenshot(path=str(tmp_path / f"kwic-{width}.png"), full_page=True)
        align = page.evaluate("""Array.from(document.querySelectorAll('table.dataframe tbody tr:first-child td'))
                                 .map(td => getComputedStyle(td).textAlign)""")
        assert align == ["left", "right", "left", "left", "right"], width
        heads = page.evaluate("""Array.from(document.querySelectorAll('table.dataframe thead th'))
                                 .map(th => getComputedStyle(th).textAlign)""")
        assert heads[1:] == ["left", "right", "left", "left", "right"], width


def _edge_shades(page, selector: str) -> tuple[float, float]:
    """How dark the left and right edges (4 px) of the element ``selector`` are drawn, as the
    mean of 255 minus their grey levels, over the element's height."""
    from io import BytesIO

    from PIL import Image

    shot = Image.open(BytesIO(page.query_selector(selector).screenshot())).convert("L")
    width, height = shot.size

    def dark(xs: range) -> float:
        return sum(255 - shot.getpixel((x, y)) for x in xs for y in range(height)) / (len(xs) * height)

    return dark(range(0, 4)), dark(range(width - 4, width))


def _scrolled_edges(page, selector: str) -> list[tuple[float, float]]:
    """The edges' shades of a box that scrolls, at its start and scrolled to its end."""
    assert page.evaluate(f"(e => e.scrollWidth > e.clientWidth)(document.querySelector({selector!r}))")
    first = _edge_shades(page, selector)
    page.evaluate(f"(e => e.scrollLeft = e.scrollWidth)(document.querySelector({selector!r}))")
    return [first, _edge_shades(page, selector)]


def test_a_wide_output_scrolls_in_its_box_with_a_shadow_on_the_side_where_more_is_hidden(browser, tmp_path):
    """A DataFrame wider than a phone's window scrolls in its output box (JupyterLab's layout
    cut it off below 760 px); the box's edge is shaded where columns are hidden, and the
    shade moves to the other side when the reader has scrolled to the end."""
    import nbformat
    import pandas as pd

    frame = pd.DataFrame([[f"ord{i} text" for i in range(14)]] * 4, columns=[f"column_{i}" for i in range(14)])
    page_file = _page_of_outputs(tmp_path, [nbformat.v4.new_output(
        "execute_result", {"text/html": frame._repr_html_(), "text/plain": "frame"}, execution_count=1)])
    page = browser.new_page(viewport={"width": 420, "height": 600})
    page.goto(page_file.as_uri(), wait_until="load")
    box = ".jp-OutputArea-output"
    assert page.evaluate(f"(e => [e.clientWidth <= window.innerWidth, getComputedStyle(e).overflowX])"
                         f"(document.querySelector({box!r}))") == [True, "auto"]
    page.screenshot(path=str(tmp_path / "wide-420.png"))
    (left, right), (left_end, right_end) = _scrolled_edges(page, box)
    assert right > left + 20 and left_end > right_end + 20, [(left, right), (left_end, right_end)]


def test_the_index_tables_scroll_box_shades_the_side_where_more_is_hidden(browser, corpus_factory, tmp_path):
    page = _index_with_a_long_word(browser, corpus_factory, tmp_path)
    (left, right), (left_end, right_end) = _scrolled_edges(page, ".wide")
    assert right > left + 20 and left_end > right_end + 20, [(left, right), (left_end, right_end)]


def test_the_notebook_pages_links_look_like_links(browser, own_corpus_report):
    """The reader's case: "← Report index", the other edition and "Full size (SVG)" were dark
    grey and plain, read as text. Every link of a notebook page is underlined in a colour
    other than the text's, except a table's numbers (the drill-down matrix's), which keep the
    ink their cell gives them, not underlined."""
    out, _ = own_corpus_report
    page = browser.new_page()
    page.goto((out / "html" / "04_findings.html").as_uri())
    looks = page.evaluate("""Array.from(document.querySelectorAll('a[href]'))
        .filter(a => !a.closest('td') && a.offsetParent !== null && a.textContent.trim())  // not a figure's image
        .map(a => [a.textContent.trim(), getComputedStyle(a).color, getComputedStyle(a).textDecorationLine])""")
    text = page.evaluate("getComputedStyle(document.querySelector('p')).color")
    assert len(looks) > 10 and any(t.startswith("Full size (SVG)") for t, _, _ in looks)
    assert [t for t, colour, line in looks if colour == text or "underline" not in line] == []
    numbers = page.evaluate("""Array.from(document.querySelectorAll('td a[href]')).map(a =>
        [a.style.color, getComputedStyle(a).color, getComputedStyle(a).textDecorationLine])""")
    assert numbers and all(line == "none" for _, _, line in numbers)
    # each number's colour is the one its cell's inline style gives it (as the browser computes that colour)
    inks = page.evaluate("""colours => colours.map(c => {
        const d = document.createElement('span'); d.style.color = c; document.body.appendChild(d);
        return getComputedStyle(d).color; })""", [inline for inline, _, _ in numbers])
    assert [computed for _, computed, _ in numbers] == inks


def test_on_a_phone_the_index_shows_the_corpus_as_cards(browser, own_corpus_report):
    """The reader's case: at 420 px the index's corpus table showed three of its columns, in
    rows mostly blank. On a narrow screen each row is a card, each value under its column's
    name, and nothing is wider than the window."""
    out, index = own_corpus_report
    page = browser.new_page(viewport={"width": 420, "height": 900})
    page.goto(index.as_uri())
    cells = page.evaluate("""Array.from(document.querySelectorAll('.wide td:not(:empty)')).map(td =>
        [getComputedStyle(td).display, getComputedStyle(td, '::before').content, td.getBoundingClientRect().right])""")
    assert cells and all(display == "block" for display, _, _ in cells)
    assert '"doc_id: "' in {before for _, before, _ in cells}
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport and all(right <= viewport for _, _, right in cells)
    page.set_viewport_size({"width": 1280, "height": 900})  # a desktop keeps the table
    assert page.evaluate("getComputedStyle(document.querySelector('.wide td')).display") == "table-cell"
