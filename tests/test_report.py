"""The HTML report: offline pages, both editions, any corpus folder, escaping."""

from __future__ import annotations

import re

from helpers import coding, corpus, markup, paths, pipeline, report

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
    assert "<title>kvalitext report: corpus</title>" in html
    assert "run the kvalitext notebooks on the corpus folder <code>corpus</code>" in html
    study = corpus.load_study(paths.CORPUS_DIR)
    assert study["title"] not in html and study["about"][:20] not in html


def test_index_takes_title_and_about_from_study_yaml(corpus_factory, tmp_path):
    root = corpus_factory({"a.txt": "Text.\n"})
    (root / "study.yaml").write_text("title: Min studie & mer\nabout: |\n  Första stycket,\n  samma.\n\n"
                                     "  Andra <b>stycket</b>.\n", encoding="utf-8")
    page = report.index_page([("Steg 1", "01_a.html", "01_a.code.html")], pipeline.Run.from_params(root, tmp_path / "out"))
    assert "<title>Min studie &amp; mer</title>" in page and "<h1>Min studie &amp; mer</h1>" in page
    assert "<p>Första stycket,\nsamma.</p>\n<p>Andra &lt;b&gt;stycket&lt;/b&gt;.</p>" in page
    assert "kvalitext notebooks on the corpus folder" not in page


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


def test_an_example_from_a_file_without_an_id_is_cited_by_its_name():
    cb = coding.load_codebook()
    first = cb.codes[0].examples[0]
    assert f'<p class="cite">{first.file}, characters' in report.codebook_page(cb)
    assert f'<p class="cite">{first.file}, characters' in report.codebook_page(cb, {first.file: ""})


def test_the_codebook_page_says_whether_names_count():
    cb = coding.load_codebook()
    assert cb.skip_names and "Theme words inside proper names" in report.codebook_page(cb)
    assert "Theme words inside proper names" not in report.codebook_page(cb.model_copy(update={"skip_names": False}))


def test_the_study_index_lists_its_questions(tmp_path):
    page = report.index_page([], pipeline.Run.from_params(None, tmp_path))
    assert "<h2>Questions</h2><ol><li>Which governance problems recur" in page
    assert "<p>Period of the study: 2013–2017.</p>" in page


def test_a_parameters_line_with_a_second_equals_sign_still_declares_codes(tmp_path):
    """make report CODES=corrected reaches a notebook whose CODES line says more in a comment
    (papermill's inspect_notebook drops such a line, and wants a kernelspec: report keeps its own)."""
    import nbformat

    def notebook(source: str):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source, metadata={"tags": ["parameters"]})])
        path = tmp_path / f"{len(list(tmp_path.iterdir()))}.ipynb"
        nbformat.write(nb, path)
        return path

    assert report._declares(notebook('CORPUS = "corpus"\nCODES = "auto"  # or CODES="corrected"\n'), "CODES")
    assert not report._declares(notebook('CORPUS = "corpus"  # CODES="corrected" is not declared here\n'), "CODES")
