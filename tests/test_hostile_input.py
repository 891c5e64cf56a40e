"""Hostile input: data that tries to be something else.

The pages the report writes are meant to be shared, so nothing that comes from data (the
corpus's text, file names, the metadata's values, a corpus's codebook) may become live
markup in them: every such piece goes through ``markup.escape`` on its way into Markdown or
HTML. The unit tests check the escaping of each data source; the end-to-end test builds a
hostile corpus, runs the whole report on it and looks at every page in a browser.
"""

from __future__ import annotations

import csv
import html
import re
import subprocess
import sys
from html.parser import HTMLParser

import pandas as pd
import pytest
import yaml
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from helpers import coding, drilldown, markup, paths, pipeline, report

# --- markup from data: escaped on its way into Markdown and HTML ---
# Each payload is what a data source could carry; the number it would set window.__pwned to
# if it ran says which source it stands for.

SCRIPT_QUOTE = "Dokumentationen växer <script>window.__pwned=1</script> & tar tid."  # corpus text
IMG_VOICE = '<img src="x" onerror="window.__pwned=2">'  # a metadata value (voice, title, ...)
LINK_NAME = "[x](javascript:window.__pwned=3)"  # a code's name_sv / name_en in a codebook
IMG_FILE = "<img src=x onerror=window.__pwned=4>"  # a raw file's name, the document id without metadata
MARKDOWN_TRICKS = [
    "![i](javascript:window.__pwned=5)", "<javascript:window.__pwned=6>", "[x][r]\n\n[r]: javascript:alert(7)",
    "*em* _em_ `code` ~~del~~ $x$ | \\ back", "line\n# heading\n\n    code block\n- item",
    "&lt;script&gt; stays text", "<a href='javascript:alert(8)'>a</a>", "<svg onload=alert(9)>",
]
PAYLOADS = [SCRIPT_QUOTE, IMG_VOICE, LINK_NAME, IMG_FILE, *MARKDOWN_TRICKS]


class _Elements(HTMLParser):
    """The start tags of an HTML text, with their attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _elements(page: str) -> _Elements:
    parser = _Elements()
    parser.feed(page)
    parser.close()
    return parser


def _live(page: str) -> list[str]:
    """What in an HTML text could run or lead somewhere unsafe: script, iframe, object,
    embed, svg and img elements, any on* attribute, any javascript: URL."""
    found = []
    for tag, attrs in _elements(page).tags:
        if tag in ("script", "iframe", "object", "embed", "svg", "img"):
            found.append(tag)
        found += [f"{tag} {k}" for k in attrs if k.lower().startswith("on")]
        found += [f"{tag} {k}={v}" for k, v in attrs.items() if v and re.match(r"\s*javascript:", v, re.I)]
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escaped_data_is_text_in_html(payload):
    page = f"<p>{markup.escape(payload)}</p><p title=\"{markup.escape(payload)}\">x</p>"
    assert _live(page) == []
    parsed = _elements(page)
    assert [t for t, _ in parsed.tags] == ["p", "p"]  # nothing else became an element
    assert parsed.text[0] == payload and parsed.tags[1][1]["title"] == payload  # shown as it was


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escaped_data_is_text_in_markdown(payload):
    # rendered as the report's pages render Markdown (nbconvert's mistune renderer)
    rendered = markdown2html_mistune(f"**RQ.** For example: “{markup.escape(payload, markdown=True)}” (a, b).")
    assert _live(rendered) == []
    parsed = _elements(rendered)
    assert [t for t, _ in parsed.tags] == ["p", "strong"]  # no link, image, code, list, heading
    shown = "".join(parsed.text).strip()
    assert shown == f"RQ. For example: “{' '.join(payload.split())}” (a, b)."  # line breaks read as spaces


def test_markdown_escaping_leaves_plain_text_as_it_is():
    plain = "tillit-diary/luleå, 2017-02-01 (inferred): “Ambitionen är att inte ha för många mål.” 5.4; 30%"
    assert markup.escape(plain, markdown=True) == plain
    assert markup.escape(plain) == plain  # nothing to escape in HTML either
    assert markup.escape(3) == "3" and markup.escape(None) == "None"


def test_code_ids_cannot_carry_markup(tmp_path):
    # Code ids are written unescaped inside Markdown code spans (`P_ADMIN`); the codebook's
    # validation is what keeps a backtick or a tag out of them.
    data = yaml.safe_load(paths.CODEBOOK_FILE.read_text(encoding="utf-8"))
    data["codes"][0]["id"] = "P_`<script>`"
    (tmp_path / "codebook.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(coding.CodebookError, match="should match pattern"):
        coding.load_codebook(tmp_path / "codebook.yaml")


def test_drilldown_escapes_document_ids_file_names_dates_quotes_and_code_names(toy):
    coded, segments, documents, codebook = toy
    rename = {"d1": IMG_FILE, "d2": IMG_VOICE}
    segments = segments.assign(doc_id=segments["doc_id"].replace(rename), file=segments["file"].replace({"a.txt": IMG_FILE}),
                               text=SCRIPT_QUOTE)
    coded = coded.assign(doc_id=coded["doc_id"].replace(rename), file=coded["file"].replace({"a.txt": IMG_FILE}))
    documents = documents.assign(doc_id=documents["doc_id"].replace(rename), date=[LINK_NAME, "2015", ""])
    codes = [c.model_copy(update={"name_en": LINK_NAME if c.family == "P" else IMG_VOICE}) for c in codebook.codes]
    codebook = codebook.model_copy(update={"codes": codes})
    page = drilldown.fragment(coded, segments, documents, codebook)
    assert _live(page) == []
    text = html.unescape(page)
    assert all(p in text for p in (SCRIPT_QUOTE, IMG_VOICE, LINK_NAME, IMG_FILE))  # shown, as text


def test_index_page_escapes_metadata_study_and_corpus_name(tmp_path):
    root = tmp_path / IMG_FILE.replace("/", "")
    (root / "raw").mkdir(parents=True)
    (root / "raw" / f"{IMG_FILE}.txt").write_text("Text.\n", encoding="utf-8")
    with open(root / "metadata.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["file", "title", "voice"], [f"{IMG_FILE}.txt", LINK_NAME, IMG_VOICE]])
    (root / "study.yaml").write_text(yaml.safe_dump({"title": SCRIPT_QUOTE, "about": IMG_VOICE}), encoding="utf-8")
    page = report.index_page([(SCRIPT_QUOTE, "01_a.html", "01_a.code.html")],
                             pipeline.Run.from_params(root, tmp_path / "out"))
    assert _live(page) == []
    text = html.unescape(page)
    assert all(p in text for p in (SCRIPT_QUOTE, IMG_VOICE, LINK_NAME, IMG_FILE))


# --- markup from data: the whole report on a hostile corpus ---

HOSTILE_SENTENCE = ("Dokumentationen, administrationen och byråkratin växer, blanketterna och pappersarbetet tar tid "
                    "och återrapporteringen ökar <script>window.__pwned=1</script>.")


@pytest.fixture(scope="module")
def markup_report(tmp_path_factory):
    """``python -m helpers.report`` on a corpus whose data tries to run in the pages: a
    seed text under the file name ``IMG_FILE``.txt (no metadata row, so it is also the
    document's id) opening with ``HOSTILE_SENTENCE`` (the most typical sentence of
    administrative burden, so the interpretation quotes it), a second seed text whose
    metadata voice is ``IMG_VOICE``, and a copy of the study's codebook in which
    administrative burden (in every document, so the interpretation names it) is called
    ``LINK_NAME``. Built once: the report runs every notebook."""
    root = tmp_path_factory.mktemp("hostile")
    src = paths.CORPUS_DIR / "raw"
    raw = root / "corpus" / "raw"
    raw.mkdir(parents=True)
    (raw / f"{IMG_FILE}.txt").write_text(
        HOSTILE_SENTENCE + "\n\n" + (src / "000_ff484f60f80210ce.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (raw / "b.txt").write_text((src / "002_a62e90012542eaf2.txt").read_text(encoding="utf-8")
                               + "\nDokumentationen tar tid från mötet med brukarna.\n", encoding="utf-8")
    with open(root / "corpus" / "metadata.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["file", "doc_id", "voice", "date"], ["b.txt", "b", IMG_VOICE, "2013-04-05"]])
    book = yaml.safe_load(paths.CODEBOOK_FILE.read_text(encoding="utf-8"))
    for code in book["codes"]:
        code.pop("examples", None)  # they quote the seed files by name and offset
        if code["id"] == "P_ADMIN":
            code["name_sv"] = code["name_en"] = LINK_NAME
    (root / "corpus" / "codebook.yaml").write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False),
                                                   encoding="utf-8")
    out = root / "out"
    done = subprocess.run([sys.executable, "-m", "helpers.report", "--corpus", str(root / "corpus"), "--out", str(out)],
                          cwd=paths.PROJ_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def test_the_hostile_corpus_reaches_the_interpretation(markup_report):
    # the test is only worth something if the data really flows into the Markdown
    quotes = pd.read_csv(markup_report / "findings_quotes.csv", dtype=str, keep_default_na=False)
    top = quotes[(quotes["code"] == "P_ADMIN") & (quotes["rank"] == "1")].iloc[0]
    assert (top["doc_id"], top["quote"]) == (IMG_FILE, HOSTILE_SENTENCE)
    documents = pd.read_csv(markup_report / "documents.csv", dtype=str, keep_default_na=False)
    assert IMG_VOICE in set(documents["voice"])


def test_no_page_runs_or_links_data(browser, markup_report):
    pages = sorted((markup_report / "html").glob("*.html"))
    assert len(pages) == 13  # index, and two editions of six notebooks
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in pages:
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_timeout(100)  # let a failed image's onerror run, if there is one
        found = page.evaluate("""() => {
            const all = Array.from(document.querySelectorAll('*'));
            return {
              pwned: typeof window.__pwned === 'undefined' ? null : String(window.__pwned),
              scripts: Array.from(document.scripts).map(s => s.text).filter(t => t.includes('__pwned')),
              handlers: all.flatMap(e => Array.from(e.attributes).filter(a => /^on/i.test(a.name))
                                                    .map(a => e.tagName + ' ' + a.name)),
              js_urls: all.flatMap(e => Array.from(e.attributes).filter(a => /^\\s*javascript:/i.test(a.value))
                                                   .map(a => e.tagName + ' ' + a.name + '=' + a.value)),
            };
        }""")
        assert found == {"pwned": None, "scripts": [], "handlers": [], "js_urls": []}, path.name
    assert dialogs == []
    for name in ("04_findings.html", "04_findings.code.html"):
        page.goto((markup_report / "html" / name).as_uri(), wait_until="load")
        # the interpretation shows every payload as text
        text = page.evaluate("""() => Array.from(document.querySelectorAll('.jp-RenderedMarkdown'))
                                    .map(e => e.innerText).filter(t => t.includes('RQ1.')).join('\\n')""")
        assert text, name
        for payload in ("<script>window.__pwned=1</script>", IMG_VOICE, LINK_NAME, IMG_FILE):
            assert payload in text, (name, payload)
