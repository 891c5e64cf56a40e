"""The HTML report: offline pages, both editions, any corpus folder, escaping."""

from __future__ import annotations

import io
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd

from helpers import coding, corpus, evaluation, markup, paths, pipeline, reliability, report

NOTEBOOK_STEMS = [p.stem for p in report.notebooks()]


def test_report_writes_index_and_both_editions_of_every_notebook(own_corpus_report):
    out, index = own_corpus_report
    assert index == out / "html" / "index.html"
    html = index.read_text(encoding="utf-8")
    for stem in NOTEBOOK_STEMS:
        assert f'href="{stem}.html"' in html and f'href="{stem}.code.html"' in html
        assert (out / "html" / f"{stem}.html").exists() and (out / "html" / f"{stem}.code.html").exists()
    for name in ("segments.csv", "removed.csv", "coded.csv", "documents.csv", "tokens.csv",
                 "suppressed.csv", "codebook.qdc", "project.qdpx", "figures/code_by_document.svg",
                 "figures/code_by_document.png"):
        assert (out / name).exists(), name


class _StepLinks(HTMLParser):
    """The ``rel`` links of a page: ``[(rel, href, text)]``, text unescaped."""

    def __init__(self, page: str):
        super().__init__()
        self.links, self._open = [], None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "rel" in attrs:
            self._open = [attrs["rel"], attrs["href"], ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[2] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self.links.append(tuple(self._open))
            self._open = None


def test_each_notebook_page_links_the_pages_before_and_after_it_in_its_edition(own_corpus_report):
    out, _ = own_corpus_report
    for n, stem in enumerate(NOTEBOOK_STEMS):
        for suffix in (".html", ".code.html"):
            page = (out / "html" / f"{stem}{suffix}").read_text(encoding="utf-8")
            links = _StepLinks(page).links
            prev = [href for rel, href, text in links if rel == "prev" and text.startswith("‹ Previous: ")]
            after = [href for rel, href, text in links if rel == "next" and text.startswith("Next: ")]
            # at the top and at the foot; none before the first page, none after the last
            assert prev == ([f"{NOTEBOOK_STEMS[n - 1]}{suffix}"] * 2 if n else []), (stem, suffix)
            assert after == ([f"{NOTEBOOK_STEMS[n + 1]}{suffix}"] * 2 if n + 1 < len(NOTEBOOK_STEMS) else []), \
                (stem, suffix)


def test_a_neighbouring_pages_title_is_escaped_in_its_link():
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Themes", id="t")])
    page = report.export_html(nb, reader=True, previous={"href": "a.html", "label": "<b>Clean</b> & code"},
                              following={"href": 'b".html', "label": "Next one"})
    # the label is text (escaped, not markup), the address one attribute
    assert _StepLinks(page).links == [("prev", "a.html", "‹ Previous: <b>Clean</b> & code"),
                                      ("next", 'b".html', "Next: Next one ›")] * 2
    assert "&lt;b&gt;Clean&lt;/b&gt; &amp; code" in page and "<b>Clean" not in page
    assert _StepLinks(report.export_html(nb, reader=True)).links == []  # a page alone links no neighbours
    # a report of one notebook: no neighbours, but the edition switch at the foot as at the top, escaped
    alone = report.export_html(nb, reader=True, other={"href": 'full".html', "label": "<b>Full</b> edition"})
    assert alone.count("&lt;b&gt;Full&lt;/b&gt; edition") == 2 and "<b>Full</b>" not in alone
    assert alone.count("""href='full".html'""") == 2  # one attribute, as the page is written out (quoted with ')


def test_pages_need_no_network(own_corpus_report):
    out, _ = own_corpus_report
    for page in sorted((out / "html").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?//""", html), page.name
        assert "@import url(http" not in html, page.name


def test_reader_edition_has_no_code_and_images_are_embedded_with_alt_text(own_corpus_report):
    out, _ = own_corpus_report
    reader = (out / "html" / "04_findings.html").read_text(encoding="utf-8")
    full = (out / "html" / "04_findings.code.html").read_text(encoding="utf-8")
    editor = re.compile(r'class="[^"]*jp-InputArea-editor')
    assert not editor.search(reader) and editor.search(full)
    text = {name: re.sub(r"<[^>]+>", "", page) for name, page in (("reader", reader), ("full", full))}
    assert "figures.heatmap(" in text["full"] and "figures.heatmap(" not in text["reader"]
    imgs = re.findall(r"<img [^>]*>", reader)
    assert imgs and all('src="data:image/png;base64,' in i for i in imgs)
    assert 'alt="Figure. Coded sentences per theme and document' in imgs[0], imgs[0][:200]
    assert all(re.search(r'alt="Figure\. \w', i) for i in imgs), [i[:120] for i in imgs]


def test_corpus_text_is_escaped(own_corpus_report):
    out, _ = own_corpus_report
    page = (out / "html" / "01_clean-corpus.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)" in page  # shown as text (tables may cut it short)


def test_the_notebooks_used_the_given_corpus(own_corpus_report):
    out, _ = own_corpus_report
    page = (out / "html" / "00_overview.html").read_text(encoding="utf-8")
    assert "2 texts" in page and "kcnc-2016" not in page
    assert "this corpus folder has no SHA256SUMS file" in page


def test_long_pages_have_a_table_of_contents(own_corpus_report):
    out, _ = own_corpus_report
    page = (out / "html" / "04_findings.html").read_text(encoding="utf-8")
    toc = re.search(r'<nav class="kv-toc".*?</nav>', page, re.S)
    assert toc, "no table of contents"
    targets = re.findall(r'href="#([^"]+)"', toc.group())
    assert len(targets) >= 3 and all(f'id="{t}"' in page for t in targets)


def test_interpretation_says_it_is_not_theirs_on_another_corpus(own_corpus_report):
    out, _ = own_corpus_report
    page = (out / "html" / "04_findings.html").read_text(encoding="utf-8")
    assert "This corpus is not the study" in page


def test_links_on_every_page_lead_somewhere(own_corpus_report):
    out, _ = own_corpus_report
    for page in sorted((out / "html").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        ids = set(re.findall(r'id="([^"]+)"', html))
        for href in re.findall(r'href="([^"]+)"', html):
            if href.startswith(("http:", "https:", "mailto:", "data:")):
                continue
            target, _, anchor = href.partition("#")
            if target:
                assert (out / "html" / target).exists(), (page.name, href)
                assert not target.endswith(".ipynb"), (page.name, href)
            elif anchor:
                assert anchor in ids, (page.name, href)


def test_index_of_a_corpus_without_study_yaml_is_generic(own_corpus_report):
    _, index = own_corpus_report
    html = " ".join(index.read_text(encoding="utf-8").split())
    # the findings in brief: notebook 04's interpretation, as its page says it, with where it comes from
    brief = html[html.index("<h2>Findings in brief</h2>"):html.index("<h2>Notebooks</h2>")]
    assert "This corpus is not the study" in brief and "<strong>RQ1." in brief
    assert '<a href="04_findings.html">Read how each figure is found</a>' in brief
    assert "<strong>How far to trust them:</strong> Every count comes from a rule-based auto-coder" in brief
    assert "<strong>nothing has checked them on this corpus</strong>" in brief  # no references, no reviews
    assert "<title>kvalitext report: corpus</title>" in html
    assert "run the kvalitext notebooks on the corpus folder <code>corpus</code>" in html
    study = corpus.load_study(paths.CORPUS_DIR)
    assert study["title"] not in html and study["about"][:20] not in html


def test_the_index_says_how_far_the_codes_agree_per_sentence_and_on_unseen_texts(corpus_factory, tmp_path):
    """The reader's case: the index gave firm readings while the findings page said that per
    sentence, the unit every count uses, α is too uncertain even for tentative conclusions,
    and far lower on texts no rule was read on. The index says both, from notebook 03's table."""
    table = pd.DataFrame({"level": ["paragraph", "sentence", "sentence"], "reference": ["A", "<b>B</b>", "A"],
                          "alpha": [0.9, 0.686, 0.670], "alpha 95% CI": ["0.85–0.95", "0.627–0.741", "0.614–0.724"]})
    own = pipeline.Run.from_params(corpus_factory({"a.txt": "Text.\n"}), tmp_path / "own")
    assert report.agreement_line(own) == ""  # no table: nothing to say
    own.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(own.path("reliability_auto.csv"), index=False)
    line = report.agreement_line(own)
    assert line == (" Per sentence, the unit every count uses, they agree with them at α 0.686 with &lt;b&gt;B&lt;/b&gt;; "
                    "α 0.670 with A. The lower, α 0.670, " + reliability.alpha_verdict(0.670, 0.614) + ".")  # by name
    assert "too uncertain even for tentative conclusions" in line and "written on" not in line
    study = pipeline.Run.from_params(None, tmp_path / "study")
    study.out.mkdir(parents=True, exist_ok=True)
    table[table["reference"] == "A"].to_csv(study.path("reliability_auto.csv"), index=False)
    line = report.agreement_line(study)
    assert " at α 0.670 with A. It lies between 0.667 and 0.80" in line
    assert line.endswith(f"far less ({markup.escape(evaluation.unseen_figures(coding.codebook_for(paths.CORPUS_DIR)))}).")


def test_index_takes_title_and_about_from_study_yaml(corpus_factory, tmp_path):
    root = corpus_factory({"a.txt": "Text.\n"})
    (root / "study.yaml").write_text("title: Min studie & mer\nabout: |\n  Första stycket,\n  samma.\n\n"
                                     "  Andra <b>stycket</b>.\n", encoding="utf-8")
    page = report.index_page([("Steg 1", "01_a.html", "01_a.code.html")], pipeline.Run.from_params(root, tmp_path / "out"))
    assert "<title>Min studie &amp; mer</title>" in page and "<h1>Min studie &amp; mer</h1>" in page
    assert "<p>Första stycket,\nsamma.</p>\n<p>Andra &lt;b&gt;stycket&lt;/b&gt;.</p>" in page
    assert "kvalitext notebooks on the corpus folder" not in page


def test_the_index_names_its_corpus_and_the_command_that_made_it(corpus_factory, tmp_path):
    """It said "make report (this report, on the embedded corpus)" on every corpus, named a
    corpus by its folder's last name only, and never said the findings were corrected codes.
    A corpus outside the project is shown shortened, which runs nowhere: the command says
    <dir>, and which folder is named beside it."""
    root = corpus_factory({"a.txt": "Text.\n"})
    shown = paths.display(root)
    assert shown.startswith(paths.SHORTENED + "/")  # outside the project: as every output names it
    own = report.index_page([], pipeline.Run.from_params(root, tmp_path / "out"))
    assert f"<h2>The texts</h2>\n<p>One row per file of the corpus folder <code>{shown}</code>.</p>" in own
    assert (f"<code>make report CORPUS=&lt;dir&gt; OUT=&lt;dir&gt;</code> (this report, with CORPUS the folder "
            f"{shown}; any corpus folder laid out like <code>corpus/</code>)," in own and "embedded" not in own)
    assert own.count("make report") == 1  # the command once, not twice
    assert "CODES=corrected" not in own
    corrected = report.index_page([], pipeline.Run.from_params(root, tmp_path / "out"), codes="corrected")
    assert "<code>make report CORPUS=&lt;dir&gt; OUT=&lt;dir&gt; CODES=corrected</code> (this report," in corrected
    assert "drawn from the auto-coder's codes corrected by the review decisions" in corrected
    study = report.index_page([], pipeline.Run.from_params(None, tmp_path / "out"))
    assert "the corpus folder <code>corpus</code>.</p>" in study and "Corpus: corpus" not in study
    assert "<code>make report</code> (this report, on the embedded corpus)," in study
    assert ("<code>make report CORPUS=&lt;dir&gt; OUT=&lt;dir&gt;</code> (another corpus folder laid out like "
            "<code>corpus/</code>),\n<code>make test</code>") in study


def test_the_index_s_links_to_the_full_editions_say_which_step(corpus_factory, tmp_path):
    """Six links all read "with code": to a screen reader's list of links they say which
    step's full edition each opens (the title is data: escaped)."""
    run = pipeline.Run.from_params(corpus_factory({"a.txt": "Text.\n"}), tmp_path / "out")
    page = report.index_page([("Step 1: <Clean>", "01_a.html", "01_a.code.html")], run)
    assert '<a href="01_a.code.html" aria-label="Step 1: &lt;Clean&gt;, with code">with code</a>' in page
    assert "dated entries" not in page  # a corpus without a diary says nothing of entries


def test_the_index_quotes_the_cells_tagged_summary_and_who_made_the_reference_codings(corpus_factory, tmp_path):
    """The reader's case: the index said what was asked, not what was found, nor how far to
    trust it; the interpretation stood at the foot of a long page."""
    tagged = nbformat.v4.new_code_cell("x", metadata={"tags": [report.SUMMARY_TAG]}, outputs=[
        nbformat.v4.new_output("display_data", data={"text/markdown": "**RQ1. Vad?** Tre &lt;b&gt; `P_X`.",
                                                     "text/plain": "<Markdown>"})])
    other = nbformat.v4.new_code_cell("y", outputs=[nbformat.v4.new_output("display_data",
                                                                           data={"text/markdown": "not this"})])
    executed = {"03_c": nbformat.v4.new_notebook(cells=[other]),
                "04_f": nbformat.v4.new_notebook(cells=[other, tagged])}
    brief = report.findings_in_brief(executed, {"03_c": "03_c.html", "04_f": "04_f.html"})
    assert brief.startswith("<p><strong>RQ1. Vad?</strong> Tre &lt;b&gt; <code>P_X</code>.</p>")
    assert "not this" not in brief and brief.count("<a href=") == 1 and 'href="04_f.html"' in brief
    assert report.findings_in_brief({"03_c": executed["03_c"]}, {"03_c": "03_c.html"}) == ""
    root = corpus_factory({"a.txt": "Text.\n"})
    (root / "study.yaml").write_text("validation: Två kodare, <i>oberoende</i>.\n", encoding="utf-8")
    page = report.index_page([], pipeline.Run.from_params(root, tmp_path / "out"), brief=brief)
    assert page.index("<h2>Findings in brief</h2>") < page.index("How far to trust") < page.index("RQ1") \
        < page.index("<h2>Notebooks</h2>")  # how far to trust them before what they say
    assert ("<p><strong>How far to trust them:</strong> Två kodare, &lt;i&gt;oberoende&lt;/i&gt;. Every count comes "
            "from a rule-based auto-coder") in page
    assert "Findings in brief" not in report.index_page([], pipeline.Run.from_params(root, tmp_path / "out"))
    assert "nothing has checked them on this corpus" in page  # it has neither reference codings nor reviews
    study = report.index_page([], pipeline.Run.from_params(None, tmp_path / "out"), brief=brief)
    assert "made by an AI model" in study[study.index("How far to trust them"):]  # the study says its codings' maker
    assert "nothing has checked" not in study and "this corpus's reference codings or reviewed sample" in study


def test_the_study_index_page_is_the_studys(tmp_path):
    page = report.index_page([], pipeline.Run.from_params(None, tmp_path))
    assert "<h1>Trust, control and the core mission</h1>" in page and "Between 2013 and 2017" in page


def test_the_kernel_runs_over_ipc_and_ipykernel_has_no_tcp_warning_to_give(tmp_path):
    """`make report` used to print ipykernel's 'running over TCP without encryption' for
    every notebook: noise a researcher takes for a failure. The kernel is local (IPC)."""
    import subprocess
    import sys

    script = (
        "import nbformat\nfrom nbclient import NotebookClient\nfrom helpers import report\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('print(6 * 7)')])\n"
        "NotebookClient(nb, kernel_name=report.KERNEL, kernel_manager_class=report.LocalKernelManager).execute()\n"
        "print(nb.cells[0].outputs[0]['text'].strip())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("42")
    assert "TCP" not in done.stderr and "KeyboardInterrupt" not in done.stderr, done.stderr
    assert list(tmp_path.iterdir()) == []  # the sockets live in Jupyter's runtime folder, not here


def test_a_report_starts_without_the_iri_checker_and_still_validates_notebooks(tmp_path):
    """rfc3987-syntax compiles a grammar as it is imported (2 to 3 s of every report), for
    a format no notebook uses: the report's process goes without it, and nbformat still
    validates a notebook, and still refuses a broken one."""
    import importlib.metadata
    import subprocess

    importlib.metadata.distribution("rfc3987-syntax")  # installed: else the line in helpers/report.py is dead code

    script = (
        "import sys\nfrom helpers import report\nimport nbformat\n"
        f"nb = nbformat.read({str(paths.NOTEBOOKS_DIR / '00_overview.ipynb')!r}, as_version=4)\n"
        "nbformat.validate(nb)\n"
        "nb.cells[0]['cell_type'] = 'no such type'\n"
        "try:\n    nbformat.validate(nb)\nexcept nbformat.ValidationError:\n    print('refused')\n"
        "print('rfc3987_syntax' in sys.modules and sys.modules['rfc3987_syntax'] is not None)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=paths.PROJ_ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["refused", "False"]


def test_pages_of_a_corpus_without_study_yaml_use_neutral_wording(own_corpus_report):
    """No link to the study's design (not in the repository), no "careful readers" (the
    shipped references are example data), no study period, and RQ3 says why it cannot
    compare voices when the metadata has no voice, instead of listing "(unknown)"."""
    out, index = own_corpus_report
    pages = {p.name: p.read_text(encoding="utf-8") for p in sorted((out / "html").glob("*.html"))}
    for name, page in pages.items():
        assert "RESEARCH.md" not in page, name
        assert "careful read" not in page, name
    findings_page = " ".join(pages["04_findings.html"].split())
    assert "2013–2017" not in findings_page and "2013-2017" not in findings_page
    assert "Which problems recur, and in which sectors?" in findings_page
    assert "The sentences are the study's reading" not in findings_page  # the interpretation claims no study
    assert "The metadata names no voice" in findings_page and "by period instead" in findings_page
    assert "(unknown) (" not in findings_page
    index_page = pages["index.html"]
    assert "<h2>Questions</h2>" not in index_page and 'href="codebook.html"' in index_page


def test_the_report_has_a_codebook_page_with_everything_whole(own_corpus_report):
    out, _ = own_corpus_report
    page = (out / "html" / report.CODEBOOK_PAGE).read_text(encoding="utf-8")
    cb = coding.load_codebook()
    for c in cb.codes:
        assert markup.escape(c.definition) in page and markup.escape(c.use_when) in page, c.id
        assert markup.escape(c.not_when) in page and all(markup.escape(t) in page for t in c.terms), c.id
    assert "never counts: <code>ska</code>" in page
    assert ("<h3>sector</h3><p>read by paragraph" in page) == (cb.attribute_scope.get("sector") == "paragraph")
    # an own corpus's report cites the study codebook's examples by the seeds' document ids
    first = cb.codes[0].examples[0]
    ids = dict(corpus.load_metadata(paths.CORPUS_DIR)[["file", "doc_id"]].itertuples(index=False))
    assert f'<p class="cite"><span title="{first.file}">{ids[first.file]}</span>, characters {first.start}' in page


def test_a_corpus_without_voices_saves_its_period_figure_by_that_name(own_corpus_report):
    out, _ = own_corpus_report
    figures = sorted(p.name for p in (out / "figures").glob("themes_by_*.svg"))
    assert figures == ["themes_by_period.svg", "themes_by_sector.svg"]


def test_examples_are_cited_from_the_corpus_the_codebook_comes_with(corpus_factory):
    """The study's codebook quotes the seeds, whatever corpus is run; a folder's own
    codebook quotes that folder (a file there named like a seed is not the seed)."""
    plain = corpus_factory({"000_ff484f60f80210ce.txt": "Tillit.\n"}, name="plain")
    assert coding.examples_home(plain) == paths.CORPUS_DIR
    own = corpus_factory({"000_ff484f60f80210ce.txt": "Tillit.\n"}, name="own")
    (own / "codebook.yaml").write_bytes(coding.codebook_path().read_bytes())
    assert coding.examples_home(own) == own


def test_the_index_says_how_to_cite_the_software_from_its_citation_file(tmp_path):
    """The reader's case: "Cite the software as its CITATION.cff says", a file a reader of the
    pages has not. The index gives the citation; the file's values are data: escaped."""
    import yaml

    line = report.citation_line()
    cff = yaml.safe_load((paths.PROJ_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert line.startswith("Cite the software as: kvalitext contributors: <cite>kvalitext: research notebooks")
    assert f"version {cff['version']}, licence {cff['license']} (its" in line
    cff = tmp_path / "CITATION.cff"
    cff.write_text('title: "<script>x</script>"\nauthors:\n  - given-names: "Ann <b>"\n    family-names: Ek\n',
                   encoding="utf-8")
    assert report.citation_line(cff) == ("Cite the software as: Ann &lt;b&gt; Ek: <cite>&lt;script&gt;x&lt;/script&gt;"
                                         "</cite> (its <code>CITATION.cff</code>).")
    for broken in ("[1, 2]", "title: [", "authors: 3\n"):
        cff.write_text(broken, encoding="utf-8")
        assert report.citation_line(cff) == "Cite the software as its <code>CITATION.cff</code> says."
    # a file valid as YAML in other shapes: what is text is said, the rest left out, never an error
    cff.write_text("title: x\nauthors: 3\nlicense: [MIT, Apache-2.0]\nversion: {a: 1}\n", encoding="utf-8")
    assert report.citation_line(cff) == ("Cite the software as: <cite>x</cite>, licence MIT, Apache-2.0 "
                                         "(its <code>CITATION.cff</code>).")
    cff.write_text("title: x\nauthors: [{given-names: [A], family-names: B}, 7, {name: {n: 1}}]\n", encoding="utf-8")
    assert report.citation_line(cff) == "Cite the software as: A B: <cite>x</cite> (its <code>CITATION.cff</code>)."
    assert report.citation_line(tmp_path / "none.cff") == "Cite the software as its <code>CITATION.cff</code> says."


def test_an_example_in_a_diary_entry_is_cited_by_the_entry_as_the_findings_cite_it():
    """The reader's case: the codebook page cited "tillit-diary, characters 5201–5281" where the
    findings cite that sentence as "tillit-diary/luleå"; a reader could not match them."""
    cb = coding.load_codebook()
    example = cb.codes[0].examples[0]
    documents = pd.DataFrame({"doc_id": ["d", "d/luleå", "d/falun"], "file": [example.file] * 3, "parent": ["", "d", "d"],
                              "start": [0, 0, example.end], "end": [99999, example.end, 99999]})
    page = report.codebook_page(cb, {example.file: "d"}, documents)
    assert f'<p class="cite"><span title="{example.file}">d/luleå</span>, characters {example.start}' in page
    assert f'<span title="{example.file}">d</span>' in report.codebook_page(cb, {example.file: "d"})  # entries unknown
    assert f'<span title="{example.file}">d</span>' in report.codebook_page(cb, {example.file: "d"}, documents.iloc[:1])


def test_an_example_from_a_file_without_an_id_is_cited_by_its_name():
    cb = coding.load_codebook()
    first = cb.codes[0].examples[0]
    assert f'<p class="cite">{first.file}, characters' in report.codebook_page(cb)
    assert f'<p class="cite">{first.file}, characters' in report.codebook_page(cb, {first.file: ""})


def test_the_codebook_page_shows_a_scope_only_where_the_codebook_has_one():
    """A codebook's scope decides which documents are coded at all, so its page says what it is, its terms and the
    codes it spares; the study's codebook has none, and its page no such section."""
    cb = coding.load_codebook()
    assert cb.scope is None and "<h2>Scope</h2>" not in report.codebook_page(cb)
    scope = coding.Scope(description="a public service", terms=["*myndighet*", "kommun"], exclude=["ska"],
                         min_sentences=2, except_codes=["P_ADMIN"])
    page = report.codebook_page(cb.model_copy(update={"scope": scope}))
    section = page.split("<h2>Scope</h2>")[1].split("<h2>")[0]
    assert "A document in which fewer than 2 sentence(s) name a public service (one of the rules below)" in section
    assert "but <code>P_ADMIN</code>" in section and "<dt>rules (2)</dt>" in section
    assert "<code>*myndighet*</code>, <code>kommun</code>" in section and "<code>ska</code>" in section


def test_the_codebook_page_says_whether_names_count():
    cb = coding.load_codebook()
    assert cb.skip_names and "Theme words inside proper names" in report.codebook_page(cb)
    assert "Theme words inside proper names" not in report.codebook_page(cb.model_copy(update={"skip_names": False}))


def test_the_study_index_lists_its_questions(tmp_path):
    page = report.index_page([], pipeline.Run.from_params(None, tmp_path))
    assert "<h2>Questions</h2><ol><li>Which governance problems recur" in page
    assert "<p>Period of the study: 2013–2017.</p>" in page


def _declares_codes(tmp_path, source: str) -> bool:
    """Whether report finds CODES in a notebook whose parameters cell is ``source``."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source, metadata={"tags": ["parameters"]})])
    path = tmp_path / f"{len(list(tmp_path.iterdir()))}.ipynb"
    nbformat.write(nb, path)
    return report._declares(path, "CODES")


def test_a_parameters_line_with_a_second_equals_sign_still_declares_codes(tmp_path):
    """make report CODES=corrected reaches a notebook whose CODES line says more in a comment
    (papermill's inspect_notebook drops such a line, and wants a kernelspec: report keeps its own)."""
    assert _declares_codes(tmp_path, 'CORPUS = "corpus"\nCODES = "auto"  # or CODES="corrected"\n')
    assert not _declares_codes(tmp_path, 'CORPUS = "corpus"  # CODES="corrected" is not declared here\n')


def test_the_parameters_cell_is_read_as_python_annotated_and_with_magics(tmp_path):
    """``CODES: str = "auto"`` declares CODES (papermill sets it, so make report CODES=corrected
    must pass it); a line inside a string or a block does not; IPython magics in the cell are
    read as the kernel reads them, and a cell that is no Python at all declares nothing."""
    assert _declares_codes(tmp_path, 'CORPUS = "corpus"\nCODES: str = "auto"  # or "corrected"\n')
    assert _declares_codes(tmp_path, '%matplotlib inline\nCODES: str = "auto"\n!echo ready\n')
    assert _declares_codes(tmp_path, 'OUT = CODES = "auto"\n')
    assert not _declares_codes(tmp_path, 'CODES: str\n')  # annotated, never set: papermill does not take it either
    assert not _declares_codes(tmp_path, 'NOTE = """\nCODES = "corrected"\n"""\n')
    assert not _declares_codes(tmp_path, 'if False:\n    CODES = "corrected"\nCODES_SHOWN = 1\n')
    assert not _declares_codes(tmp_path, 'CODES = = "auto"\n')


def _as_papermill_leaves_it(params: dict) -> "nbformat.NotebookNode":  # noqa: F821
    """Notebook 04 with a run's parameters injected by papermill (a new random cell id each time)."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(paths.NOTEBOOKS_DIR / "04_findings.ipynb"))
    return parameterize_notebook(nb, params, kernel_name=report.KERNEL, language="python")


def test_scrub_gives_the_injected_cell_a_fixed_id_and_no_absolute_path(tmp_path):
    """Two runs with the same parameters give the same bytes, though papermill gives its
    cell a random id each time; the paths in that cell are shown as paths.display shows
    them, and every parameter of the run is there."""
    import nbformat

    params = {"CORPUS": str(paths.PROJ_ROOT / "corpus-dev"), "OUT": str(tmp_path / "ux-dev"), "ENGINE": "pandas",
              "CODES": "auto"}
    runs = [_as_papermill_leaves_it(params) for _ in range(2)]
    ids = [next(c.id for c in nb.cells if "injected-parameters" in c.metadata.tags) for nb in runs]
    assert ids[0] != ids[1]  # papermill's random ids, which _scrub must not keep
    texts = [nbformat.writes(report._scrub(nb)) for nb in runs]
    assert texts[0] == texts[1]
    assert str(tmp_path) not in texts[0] and str(paths.PROJ_ROOT) not in texts[0]
    cell = next(c for c in nbformat.reads(texts[0], as_version=4).cells if c.id == report.INJECTED_ID)
    assert cell.source.splitlines()[1:] == ['CORPUS = "corpus-dev"', f'OUT = "…/{tmp_path.name}/ux-dev"',
                                            'ENGINE = "pandas"', 'CODES = "auto"']


def test_the_report_is_the_same_to_the_byte_when_run_again(own_corpus_report, tmp_path):
    """A second report of the same corpus, into a folder shown by the same name (…/own0/out),
    writes the same pages and notebook copies, byte for byte; none names an absolute path."""
    out, _ = own_corpus_report
    corpus_dir = out.parent / "corpus"
    again = tmp_path / out.parent.name / out.name
    report.build_report(str(corpus_dir), str(again), stream=io.StringIO())
    files = sorted(p.relative_to(out) for sub in ("html", "notebooks") for p in (out / sub).rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(again) for sub in ("html", "notebooks") for p in (again / sub).rglob("*")
                                     if p.is_file())
    assert any(rel.parts[:2] == ("html", "figures") for rel in files)  # the figures' copies, compared too
    for rel in files:
        first = (out / rel).read_bytes()
        assert first == (again / rel).read_bytes(), rel
        assert str(out.parent).encode() not in first and str(tmp_path).encode() not in first, rel
    injected = (out / "html" / "04_findings.code.html").read_text(encoding="utf-8")
    assert "CODES" in re.sub(r"<[^>]+>", "", injected)


def test_scrub_joins_what_a_cell_printed_however_the_kernel_flushed_it():
    """Two prints arrive as one stream output in one run and as two in the next; the
    executed notebook has one either way."""
    import nbformat

    def printed(*texts: str) -> nbformat.NotebookNode:
        outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in texts]
        return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1); print(2)", id="a", outputs=outputs)])

    once, twice = (nbformat.writes(report._scrub(printed(*texts))) for texts in (["1\n2\n"], ["1\n", "2\n"]))
    assert once == twice


def test_every_notebook_page_has_its_notebooks_title_and_edition(own_corpus_report):
    import html

    import nbformat

    out, _ = own_corpus_report
    titles = set()
    for stem in NOTEBOOK_STEMS:
        heading = report._title(nbformat.read(paths.NOTEBOOKS_DIR / f"{stem}.ipynb", as_version=4), stem)
        for page, edition in ((f"{stem}.html", "reader edition"), (f"{stem}.code.html", "full edition, with code")):
            title = html.unescape(re.search(r"<title>(.*?)</title>", (out / "html" / page).read_text(encoding="utf-8")).group(1))
            assert title == f"{heading} – {edition}", page
            titles.add(title)
    assert len(titles) == 2 * len(NOTEBOOK_STEMS)


def test_a_page_title_is_escaped():
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Themes <script>x</script> & more", id="t")])
    page = report.export_html(nb, reader=True)
    assert "<title>Themes &lt;script&gt;x&lt;/script&gt; &amp; more – reader edition</title>" in page


def test_a_cell_tagged_full_edition_is_left_out_of_the_reader_edition_only():
    """The reader's case: the reader edition of 05 showed a block of Python, and 04 a note on
    how the code escapes data: notes for those who run the notebook, not for its readers."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Steg\n\nFor every reader.", id="a"),
        nbformat.v4.new_markdown_cell("In Python:\n\n```python\nrefi.import_project(x)\n```", id="b",
                                      metadata={"tags": [report.FULL_EDITION_TAG]})])
    assert "For every reader" in report.export_html(nb, reader=True)
    assert "import_project" not in report.export_html(nb, reader=True)
    assert "import_project" in report.export_html(nb, reader=False)
    tagged = [c for p in report.notebooks() for c in nbformat.read(p, as_version=4).cells
              if report.FULL_EDITION_TAG in c.metadata.get("tags", [])]
    # notes for those who run the notebook: Python to call, or the files a step reads and writes
    assert tagged and all("```python" in c.source or c.source.startswith("**Inputs:**")
                          for c in tagged if c.cell_type == "markdown")
    for p in report.notebooks():  # no reader page shows Python, or the step's input and output files
        cells = nbformat.read(p, as_version=4).cells
        shown = [c for c in cells if c.cell_type == "markdown" and report.FULL_EDITION_TAG not in c.metadata.get("tags", [])]
        assert not any("```python" in c.source or "**Inputs:**" in c.source for c in shown), p.name
        assert any(c.source.startswith("**Inputs:**") for c in cells if c not in shown), p.name  # the full edition has them


def test_number_columns_of_a_dataframe_table_are_marked_and_text_columns_are_not():
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({"doc": ["a<b>", "bb"], "n": [1, 2000], "share": [0.5, np.nan], "date": ["2015", "2017-11-22"],
                          "pct": ["12.5%", "3%"], "big": ["1,234", "-1e-05"], "right context": ["och 12", "x"],
                          "empty": [None, None]}).set_index("doc")
    frame.index.name = "doc"
    page = report.align_numbers(frame.to_html())
    heads = re.findall(r"<th( class=\"num\")?>([^<]*)</th>", page)
    assert {name for num, name in heads if num and name} == {"n", "share", "pct", "big"}
    cells = re.findall(r"<td( class=\"num\")?>([^<]*)</td>", page)
    assert [bool(num) for num, _ in cells[:7]] == [True, True, False, True, True, False, False]
    assert "<th>a&lt;b&gt;</th>" in page  # content left as it was, escaped
    assert report.align_numbers("<table><tbody><tr><td>1</td></tr></tbody></table>") == \
        "<table><tbody><tr><td>1</td></tr></tbody></table>"  # not a DataFrame's table: left alone


def test_a_rate_marked_as_resting_on_few_sentences_is_still_a_number_column():
    """findings.mark_small writes "2.8 ⚠": the column still lines up right as numbers."""
    import pandas as pd

    frame = pd.DataFrame({"kcnc-2016": [10.6, "2.8 ⚠"], "note": ["x ⚠", "y"]}, index=pd.Index(["P_A", "P_B"], name="code"))
    page = report.align_numbers(frame.to_html())
    heads = re.findall(r"<th( class=\"num\")?>([^<]*)</th>", page)
    assert {name for num, name in heads if num and name} == {"kcnc-2016"}


def test_interval_columns_line_up_right_as_numbers_and_spans_of_years_stay_text():
    """Tables of intervals are numbers (0.736–0.876, [−0.001, +0.149]); a span of years or of
    offsets (2013–2017, 120–180) and text with a dash are not."""
    import pandas as pd

    frame = pd.DataFrame({"alpha 95% CI": ["0.736–0.876", "0.47 – 0.65"], "ahead": ["[−0.001, +0.149]", ""],
                          "period": ["2013–2017", "2018–2022"], "raw": ["120–180", "5–9"],
                          "pair": ["P_A–R_B", "a – b"], "pct": ["12%–20%", "3%–4%"]})
    page = report.align_numbers(frame.to_html(index=False))
    heads = re.findall(r"<th( class=\"num\")?>([^<]*)</th>", page)
    assert {name for num, name in heads if num} == {"alpha 95% CI", "ahead", "pct"}
    cells = re.findall(r"<td( class=\"num\")?>([^<]*)</td>", page)
    assert [bool(num) for num, _ in cells[:6]] == [True, True, False, False, False, True]


def test_the_interval_columns_of_notebook_03s_page_line_up_right():
    """On the published page of notebook 03 (its committed outputs), the columns of α's
    95% interval and of the reviewed precision's are marked as numbers, as the α beside them is."""
    import nbformat

    nb = nbformat.read(paths.NOTEBOOKS_DIR / "03_check-reliability.ipynb", as_version=4)
    page = report.export_html(nb, reader=True)
    heads = re.findall(r"<th( class=\"num\")?>([^<]*)</th>", page)
    intervals = ("alpha 95% CI", "precision 95% interval")  # the agreement tables' and the reviews' precision's
    assert set(intervals) <= {name for _, name in heads}
    assert all(num for num, name in heads if name in (*intervals, "alpha"))
    # the recall columns, whose pooled rows show "–" (no estimate), are numbers too
    from helpers import review
    assert review.NOT_ESTIMATED in report._MISSING and ">–</td>" in page
    recall = [num for num, name in heads if name.startswith("recall")]
    assert len(recall) >= 3 and all(recall)


def test_every_saved_figure_links_to_its_full_size_file_inside_html(own_corpus_report):
    """Each figure the notebooks saved is a link to a copy of its SVG in OUT/html/figures,
    in both editions, the same bytes as OUT/figures's: html/ published alone keeps its
    links (they led to ../figures, outside it). No page refers outside html/."""
    out, _ = own_corpus_report
    for page in ("01_clean-corpus.html", "04_findings.html", "04_findings.code.html"):
        text = (out / "html" / page).read_text(encoding="utf-8")
        images = re.findall(r'<div class="jp-RenderedImage.*?</div>', text, re.S)
        assert images, page
        for image in images:
            hrefs = re.findall(r'<a href="figures/([^"]+\.svg)"', image)
            assert hrefs and (out / "html" / "figures" / hrefs[0]).read_bytes() == (out / "figures" / hrefs[0]).read_bytes()
    assert '<a href="figures/code_by_document.svg"' in (out / "html" / "04_findings.html").read_text(encoding="utf-8")
    for page in sorted((out / "html").glob("*.html")):
        assert not re.search(r'(href|src)="\.\./', page.read_text(encoding="utf-8")), page.name
    assert sorted(p.name for p in (out / "html" / "figures").iterdir()) == sorted(p.name for p in (out / "figures").glob("*.svg"))


def test_the_tables_a_page_names_link_to_their_copies_inside_html(own_corpus_report):
    """A table or QDA file a page names (the overview's list of outputs, the disagreements to
    read, the project to open in a QDA tool) links to a copy in html/data/, the same bytes as
    OUT's: a reader of html/ alone can open it. Only files a page names are copied."""
    out, _ = own_corpus_report
    overview = (out / "html" / "00_overview.html").read_text(encoding="utf-8")
    assert '<a href="data/segments.csv">segments.csv</a>' in overview
    qda = (out / "html" / "05_exchange-qda.html").read_text(encoding="utf-8")
    assert '<a href="data/project.qdpx">project.qdpx</a>' in qda
    named = set()
    for page in (out / "html").glob("*.html"):
        named |= set(re.findall(r'<a href="data/([^"/]+)">', page.read_text(encoding="utf-8")))
    copies = sorted(p.name for p in (out / "html" / "data").iterdir())
    assert copies == sorted(named) and {"segments.csv", "project.qdpx"} <= named
    assert all((out / "html" / "data" / n).read_bytes() == (out / n).read_bytes() for n in copies)


def test_a_table_is_linked_only_where_its_name_stands_in_the_text():
    """Names in code and output blocks, links, attributes and the head stay as they are, and a
    name inside a longer word or path is no mention."""
    page = ('<html><head><title>coded.csv</title></head><body><p>Read coded.csv, then recoded.csv and '
            'build/coded.csv. Or coded.csv.gz.</p><pre>coded.csv</pre><a href="x">coded.csv</a>'
            '<img alt="coded.csv"><p>Open <code>project.qdpx</code>.</p></body></html>')
    linked, used = report.link_tables(page, ["coded.csv", "project.qdpx"])
    assert linked.count('<a href="data/coded.csv">coded.csv</a>') == 1 and used == {"coded.csv", "project.qdpx"}
    assert "recoded.csv and build/coded.csv. Or coded.csv.gz." in linked and "<pre>coded.csv</pre>" in linked
    assert '<title>coded.csv</title>' in linked and 'alt="coded.csv"' in linked
    assert '<code><a href="data/project.qdpx">project.qdpx</a></code>' in linked
    assert report.link_tables(page, []) == (page, set())


def test_a_figure_links_only_to_a_file_the_report_found():
    """The file name in an output's metadata is compared with the files in OUT/figures,
    never used as a path: a name that is not among them gives no link."""
    import nbformat

    def page(file: str, figures: frozenset[str]) -> str:
        output = nbformat.v4.new_output("display_data", {"image/png": "iVBORw0KGgo="},
                                        metadata={"image/png": {"alt": "Figure. x", "file": file}})
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("fig", id="f", outputs=[output])])
        return report.export_html(nb, reader=True, figures=figures)

    assert '<a href="figures/heat.svg"' in page("heat.svg", frozenset({"heat.svg"}))
    # the link's text names its figure (a page's seven links all read "Full size (SVG)")
    assert ">Full size (SVG): co occurrence heat</a>" in page("co_occurrence_heat.svg", frozenset({"co_occurrence_heat.svg"}))
    assert "figures/" not in page("heat.svg", frozenset())
    hostile = '../../x"><script>alert(1)</script>.svg'
    assert "figures/" not in page(hostile, frozenset({"heat.svg"})) and "<script>alert" not in page(hostile, frozenset())
    assert "<script>alert" not in page(hostile, frozenset({hostile}))  # escaped even if it were there


def test_the_report_copies_into_html_only_the_figures_its_pages_link():
    """Only the SVG files the notebooks' figures name go into html/figures/ (compared with
    OUT/figures's files, as the links are): another file there is not published."""
    output = nbformat.v4.new_output("display_data", {"image/png": "iVBORw0KGgo="},
                                    metadata={"image/png": {"alt": "Figure. x", "file": "heat.svg"}})
    plain = nbformat.v4.new_output("display_data", {"image/png": "iVBORw0KGgo="}, metadata={"image/png": {"alt": "y"}})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("fig", id="f", outputs=[output, plain]),
                                         nbformat.v4.new_markdown_cell("text", id="m")])
    assert report.linked_figures(nb) == {"heat.svg"}
    assert report.linked_figures(nbformat.v4.new_notebook()) == set()


def test_the_index_shows_the_date_documents_csv_has_and_where_it_came_from(corpus_factory, tmp_path):
    """The reviewer's case: webb-storbacka's metadata gives no date, cleaning found
    "Publicerad: 12 april 2023" (documents.csv: 2023-04-12), and the index page left the
    date empty. It shows documents.csv's date, where it came from, and "(inferred)" when
    part of it was (as figures and quotes do)."""
    body = "Kommunen vill styra med tillit och mindre detaljstyrning i hemtjänsten i hela kommunen.\n"
    root = corpus_factory({"webb.txt": f"Tillit i Storbacka\n\n{body}\nPublicerad: 12 april 2023\n",
                           "beslut.txt": body, "dag.txt": body},
                          "file,doc_id,date,date_inferred\nwebb.txt,webb-storbacka,,\nbeslut.txt,beslut,2023-01-05,\n"
                          "dag.txt,dag,2015,true\n")
    run = pipeline.Run.from_params(root, tmp_path / "out")
    docs = pipeline.documents(run).set_index("doc_id")
    assert docs.loc["webb-storbacka", "date"] == "2023-04-12"
    table = report.corpus_table(pipeline.documents(run)).set_index("doc_id")
    assert table.loc["webb-storbacka", "date"] == "2023-04-12"
    assert table.loc["webb-storbacka", "date from"] == "removed line (published-date)"
    assert table.loc["beslut", ["date", "date from"]].tolist() == ["2023-01-05", "metadata"]
    assert table.loc["dag", "date"] == "2015 (inferred)"
    page = report.index_page([], run)
    assert '<td data-label="date">2023-04-12</td>' in page and "removed line (published-date)" in page


def test_the_index_describes_each_document_as_the_metadata_does(tmp_path):
    """The reader's case: the metadata's description, what a reader most needs to place a
    document, was not on the index page."""
    run = pipeline.Run.from_params(None, tmp_path / "out")
    table = report.corpus_table(pipeline.documents(run))
    assert list(table.columns) == list(report.INDEX_COLUMNS)  # the seeds' metadata has every one
    assert table.set_index("doc_id").loc["hartman-2017", "description"].startswith("newspaper column by the chair")
    # from the reader review: a title is marked as the Swedish it is, and a document's id (the
    # first column) does not break at its hyphen
    page = report.index_page([], run)
    assert ('<td lang="sv" data-label="title">Kommuner bör lära av näringslivet</td>' in page
            and '<td data-label="doc_id">hartman-2017</td>' in page)
    # a title or author the metadata does not give is said to be none, not an empty cell
    by_id = table.set_index("doc_id")
    assert by_id.loc["kcnc-2016", "title"] == by_id.loc["practitioner-2013", "author"] == report.NONE_GIVEN
    assert by_id.loc["kcnc-2016", "author"] == "Jan Marklund & Stefan Arbratt"
    assert re.search(r"\.wide td:first-child \{ white-space: nowrap; \}", page)  # the corpus table's only
    # the diary is one row here and five documents in the findings ("1 of 9 documents"): the page says so
    assert ("count a file of dated entries as its entries, each a document of its own: tillit-diary as 5 "
            "(tillit-diary/norrtälje, tillit-diary/gislaved, tillit-diary/luleå, tillit-diary/falun, "
            "tillit-diary/uppsala).</p>") in page


def test_a_page_shows_each_warning_once_and_no_absolute_path():
    """A corpus read again by a later cell repeats its warnings: the page shows each once,
    where it was first written; a Python warning's location is cut to the file's name."""
    import nbformat

    here = str(Path(report.__file__).resolve())
    warned = "x.txt: not UTF-8; decoded as cp1252\n"
    cells = [nbformat.v4.new_code_cell("a", id="a", outputs=[nbformat.v4.new_output("stream", name="stderr", text=warned)]),
             nbformat.v4.new_code_cell("b", id="b", outputs=[
                 nbformat.v4.new_output("stream", name="stderr",
                                        text=warned + f"{here}:112: UserWarning: layout not applied\n  fig.savefig(buf)\n"
                                        + f"{here}:112: UserWarning: layout not applied\n  fig.savefig(buf)\n"),
                 nbformat.v4.new_output("stream", name="stdout", text="done\n")]),
             nbformat.v4.new_code_cell("c", id="c", outputs=[nbformat.v4.new_output("stream", name="stderr", text=warned)])]
    nb = report._scrub(nbformat.v4.new_notebook(cells=cells))
    shown = [[(o.get("name"), o.get("text")) for o in c.outputs] for c in nb.cells]
    assert shown == [[("stderr", warned)],
                     [("stderr", "UserWarning: layout not applied (report.py)\n"), ("stdout", "done\n")],
                     []]
    assert report.run_warnings({"01_a": nb, "03_b": nb}) == [
        ("x.txt: not UTF-8; decoded as cp1252", "01_a"), ("UserWarning: layout not applied (report.py)", "01_a")]


def test_a_report_sums_up_what_the_notebooks_warned_naming_each_file_once(messy_corpus_report):
    out, _, printed = messy_corpus_report
    summary = printed.split("the notebooks warned", 1)[1]
    for said in ("ansi.txt: not UTF-8", "bom.txt: UTF-8 byte-order mark ignored", "tom.txt: the file is empty"):
        assert summary.count(said) == 1, said
    # a file name's control characters are shown as escapes, never sent to the terminal as its commands
    assert "notes\\x1b[2J\\x1b[H\\x1b[32mreport: all read\\x1b[0m.md" in summary and "\x1b" not in printed
    for page in sorted((out / "html").glob("0*.html")):
        text = page.read_text(encoding="utf-8")
        assert text.count("ansi.txt: not UTF-8") <= 1, page.name  # each warning once on a page


def test_the_report_reading_the_corpus_again_does_not_log_its_warnings_a_second_time(corpus_factory, caplog):
    """The walkthrough's case: "skipped, not read as texts" was printed twice, once by the
    report building its index after the notebooks, once in the summary of what they warned.
    What the notebooks did not say is logged all the same, at once, to every handler."""
    import logging

    root = corpus_factory({"a.txt": "Ett.", "notes.md": "Anteckningar."})
    corpus._WARNED.clear()
    with caplog.at_level(logging.WARNING):
        corpus.load_metadata(root)  # as a notebook reads it: its lines are what the run's summary names
    said = [r.getMessage() for r in caplog.records]
    assert any("skipped, not read as texts" in m for m in said) and len(said) == 2, said
    caplog.clear()
    corpus._WARNED.clear()
    with caplog.at_level(logging.WARNING), report._said_already(said):
        corpus.load_metadata(root)
    assert caplog.text == ""
    corpus._WARNED.clear()
    # a handler on helpers itself (a caller's own) sees what was not said, and only that
    seen: list[str] = []
    own = logging.Handler()
    own.emit = lambda record: seen.append(record.getMessage())
    logging.getLogger("helpers").addHandler(own)
    try:
        with caplog.at_level(logging.WARNING), report._said_already([m for m in said if "skipped" not in m]):
            corpus.load_metadata(root)
            assert "skipped, not read as texts" in caplog.text  # when it comes, not held
    finally:
        logging.getLogger("helpers").removeHandler(own)
    assert caplog.text.count("skipped, not read as texts") == 1 and "metadata.csv" not in caplog.text
    assert len(seen) == 1 and "skipped, not read as texts" in seen[0], seen
    assert not logging.getLogger("helpers").filters and not logging.getLogger("helpers.corpus").filters  # put back


def test_a_warning_is_dropped_only_when_every_line_of_it_was_said():
    """A line that merely contains a short warning's text does not silence it, and a
    warning of two lines is silenced when both were said."""
    import logging

    said = report._SaidFilter(["a.txt: empty, read as no text", "first line", "second line"])

    def record(msg: str) -> logging.LogRecord:
        return logging.LogRecord("helpers.corpus", logging.WARNING, __file__, 1, msg, None, None)

    assert not said.filter(record("first line\nsecond line")) and not said.filter(record("a.txt: empty, read as no text"))
    assert said.filter(record("a.txt")) and said.filter(record("first line\nthird line"))


def test_what_a_run_prints_of_data_shows_control_characters_as_escapes():
    assert report.for_terminal("a\x1b[2Jb\x07\x9b\x7f\tå\n") == "a\\x1b[2Jb\\x07\\x9b\\x7f\tå\n"


def test_no_warning_with_an_absolute_path_reaches_a_page_of_a_two_code_codebook(messy_corpus_report):
    out, _, printed = messy_corpus_report
    roots = {str(paths.PROJ_ROOT), sys.prefix, str(Path.home())}
    for path in sorted((out / "html").glob("*.html")) + sorted((out / "notebooks").glob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        assert "UserWarning" not in text, path.name  # the cause is gone (the heatmap has room)
        for root in roots:
            assert root + "/" not in text, (path.name, root)


def test_prose_about_the_studys_example_codings_and_examples_stays_on_the_study(own_corpus_report):
    """On a corpus of one's own, without reference codings and with the study's codebook,
    page 04 does not end on "the study's are example data", and page 02 cites the
    codebook's examples as the study's corpus's (this corpus has no document kcnc-2016)."""
    out, _ = own_corpus_report
    findings = (out / "html" / "04_findings.html").read_text(encoding="utf-8")
    assert "the study's are example data" not in findings
    assert "this corpus has no reference codings to check the auto-coder against" in findings
    codes = (out / "html" / "02_code-themes.html").read_text(encoding="utf-8")
    assert re.search(r"\(the study.s corpus, [\w/-]+-\d{4}, \d+–\d+\)", codes)  # cited by the study's doc ids


def test_a_section_without_anything_to_show_says_why_in_a_line(messy_corpus_report):
    """Without reference codings or reviews, page 03's per-code sections say why they are
    empty, no table of nothing but NaN is shown, and page 05 explains an empty table of
    differences instead of showing its bare header."""
    out, _, _ = messy_corpus_report
    checks = (out / "html" / "03_check-reliability.html").read_text(encoding="utf-8")
    for said in ("there are no scores per code to show", "Agreement per code needs two reference codings",
                 "there is nothing to set side by side yet"):
        assert said in checks, said
    assert "precision (reviews)" not in checks  # the all-NaN table beside the references
    exchange = (out / "html" / "05_exchange-qda.html").read_text(encoding="utf-8")
    assert "come back unchanged: no coding was lost, added or moved" in exchange and ">side</th>" not in exchange


def test_pages_that_count_documents_name_the_one_without_text(messy_corpus_report):
    """An empty raw file is listed as a document; the pages that count documents (the
    statistics of 01, the findings and their interpretation on 04) say that it has no text."""
    out, _, _ = messy_corpus_report
    said = "3 of the 4 documents have text; tom.txt has none after cleaning (so no sentences)"
    assert said in (out / "html" / "01_clean-corpus.html").read_text(encoding="utf-8")
    assert (out / "html" / "04_findings.html").read_text(encoding="utf-8").count(said) == 2  # first section, interpretation


def test_a_codebook_without_attributes_says_so_on_the_coding_page(messy_corpus_report):
    """Notebook 02 showed an empty table of attributes under prose that assumed some."""
    out, _, _ = messy_corpus_report
    page = (out / "html" / "02_code-themes.html").read_text(encoding="utf-8")
    assert "This codebook defines no context attributes" in page


def test_a_warning_from_a_path_with_a_space_loses_its_path_and_a_skipped_folder_is_shown_relative(tmp_path, caplog):
    assert report.stderr_lines("/srv/x y/helpers/style.py:3: UserWarning: boo\n") == ["UserWarning: boo (style.py)"]
    raw = tmp_path / "mine" / "raw"
    raw.mkdir(parents=True)
    (raw / "a.txt").write_text("Ett.\n", encoding="utf-8")
    (raw / "b.md").write_text("Två.\n", encoding="utf-8")
    with caplog.at_level("WARNING"):
        corpus.list_raw_files(tmp_path / "mine")
    said = [r.getMessage() for r in caplog.records if "skipped, not read as texts" in r.getMessage()]
    assert said and all(str(tmp_path) not in s for s in said), said
